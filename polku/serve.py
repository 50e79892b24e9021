"""`serve`: a local preview that rebuilds on save and reloads the open page.

The first build is an ordinary one. Then watchfiles reports each saved
file; the Preview rebuilds in this process, reading again only the files
whose bytes changed (load_site's cache), rendering and writing again only
the paths whose pages depend on them (PathJob.same_pages_as), and the site
pages only when what they show changed (common_digest). Every open page holds an EventSource on
/_polku/events naming itself, and reloads when a rebuild changed it: the
edited path's pages are written and announced first, the index, role and
pilot pages after them.

A broken save is shown in the terminal and, in place of every page, as a
list of `file:line:col` problems; the server keeps running, and the next
good save brings the pages back. Nothing here is written into the built
pages: the reload script and the CSP that lets it connect are added to the
HTML as it is served, so `site/` stays exactly what `build` writes.
"""

from __future__ import annotations

import html
import http.server
import shutil
import socket
import threading
import time
from functools import partial
from pathlib import Path as FsPath
from typing import Callable
from urllib.parse import parse_qs, unquote, urlsplit

import jinja2

from .errors import ContentError, Diagnostic
from .i18n import catalogue
from .load import load_site
from .site import PathJob, build, common_digest, environment, path_jobs, render_common, render_path, write_files

LIVE_JS = b"""(function () {
  // polku serve: reload this page when a rebuild has changed it.
  // The build this page came from: a rebuild between serving the page and
  // connecting here is not missed.
  var since = document.currentScript ? document.currentScript.getAttribute("data-build") : "";
  var source = new EventSource("/_polku/events?page=" + encodeURIComponent(location.pathname) + "&since=" + since);
  source.onmessage = function (event) {
    if (event.data === "reload") { source.close(); location.reload(); }
  };
})();
"""


class Preview:
    """The built site in out/, kept up to date with as little work as possible."""

    def __init__(self, paths: FsPath, templates: FsPath, out: FsPath, shown: str, report: Callable[[list[Diagnostic]], None]):
        self.paths, self.templates, self.out, self.shown, self.report = paths, templates, out, shown, report
        self.version = 0
        self.problems: list[Diagnostic] = []
        self.language = "fi"
        self.changed = threading.Condition()
        self.history: list[tuple[int, set[str] | None]] = []
        self._warnings: list[Diagnostic] = []
        self._load_cache: dict = {}
        self._jobs: dict[str, PathJob] = {}  # the job behind each path folder now in out/
        self._common: tuple | None = None  # the common_digest behind the site pages now in out/
        self._common_files: set[str] = set()  # and their names

    # ------------------------------------------------------------ building

    def first_build(self) -> bool:
        """A full build on every core, replacing out/ as `build` does (so nothing
        stale stays in it), which also fills the caches."""
        try:
            site, warnings, names = build(self.paths, self.templates, self.out, shown=self.shown, load_cache=self._load_cache)
        except ContentError as error:
            self._failed(error.diagnostics)
            return False
        self.problems = []
        self.report(warnings)
        self._warnings = warnings
        self.language = site.language
        self._jobs = {job.folder: job for job in path_jobs(site)}
        self._common = common_digest(site)
        self._common_files = {name for name in names if name.rsplit("/", 1)[0] not in self._jobs and not name.endswith(".pdf")}
        return True

    def rebuild(self, templates_changed: bool = False) -> None:
        """Bring out/ up to date after a save, doing only what the change needs."""
        if self._common is None and not self._jobs:  # never built yet: the first good save builds it all
            started = time.perf_counter()
            if self.first_build():
                self._bump(None)
                print(f"Built the whole site in {(time.perf_counter() - started) * 1000:.0f} ms", flush=True)
            return
        started = time.perf_counter()
        if templates_changed:
            environment.cache_clear()
            self._jobs.clear()
            self._common = None
        try:
            site, warnings = load_site(self.paths, self.shown, workers=1, cache=self._load_cache)
        except ContentError as error:
            self._failed(error.diagnostics)
            return
        except OSError as error:
            self._failed([Diagnostic(self.shown, 1, 1, f"could not read the folder: {error.strerror or error}")])
            return
        self.language = site.language
        env = environment(self.templates)
        done: list[str] = []
        pages: set[str] = set()
        jobs: dict[str, PathJob] = {}
        for job in path_jobs(site):
            jobs[job.folder] = job
            old = self._jobs.get(job.folder)
            if old is None or not old.same_pages_as(job):
                files = render_path(job, env)
                write_files(files, self.out)
                done.append(job.folder)
                pages.update(files)
        for gone in sorted(set(self._jobs) - set(jobs)):
            shutil.rmtree(self.out / gone, ignore_errors=True)
            done.append(f"{gone} (removed)")
            pages.update(f"{gone}/{name}" for name in ("index.html", "professional.html", "print.html"))
        self._jobs = jobs
        recovered = bool(self.problems)
        self.problems = []
        if warnings != self._warnings:  # each warning once, not after every save
            self.report(warnings)
            self._warnings = warnings
        # The edited path's own pages first: the page the editor looks at reloads
        # now, not after the index, role and pilot pages are rendered too.
        self._bump(None if recovered else pages)
        took = (time.perf_counter() - started) * 1000
        print(f"Rebuilt {', '.join(done) or 'nothing (no change in the pages)'} in {took:.0f} ms", flush=True)
        digest = common_digest(site)
        if digest != self._common:
            if pages:
                time.sleep(0.25)  # let the open path page reload first: rendering holds the interpreter
            started = time.perf_counter()
            common = render_common(site, env)
            write_files(common, self.out)
            for gone in self._common_files - set(common):  # e.g. a language's pages when its last translation went
                (self.out / gone).unlink(missing_ok=True)
                _remove_empty_folders(self.out, gone)
            self._bump(set(common) | self._common_files)  # written, and removed
            self._common, self._common_files = digest, set(common)
            print(f"Rebuilt the site pages (index, roles, pilots) in {(time.perf_counter() - started) * 1000:.0f} ms", flush=True)

    def _failed(self, diagnostics: list[Diagnostic]) -> None:
        self.report(diagnostics)
        self.problems = [d for d in diagnostics if not d.warning]
        self._warnings = []
        self._bump(None)

    def _bump(self, pages: set[str] | None) -> None:
        """A new build number; pages are the site files it changed (None: all)."""
        with self.changed:
            self.version += 1
            self.history.append((self.version, pages))
            del self.history[:-200]
            self.changed.notify_all()

    def touches(self, page: str, after: int, upto: int) -> bool:
        """Did any build after `after`, up to `upto`, change this page?"""
        with self.changed:
            if self.history and after < self.history[0][0] - 1:
                return True  # older than the history kept: reload to be sure
            return any(pages is None or page in pages for version, pages in self.history if after < version <= upto)

    # ------------------------------------------------------------ watching

    def watch(self, stop: threading.Event) -> None:
        """Rebuild after each save, until stop is set."""
        import watchfiles

        folders = [str(self.paths)] + ([str(self.templates)] if self.templates.is_dir() else [])
        for changes in watchfiles.watch(*folders, stop_event=stop, debounce=400, step=30, raise_interrupt=False):
            templates = str(self.templates.resolve())
            self.safe_rebuild(templates_changed=any(str(FsPath(name).resolve()).startswith(templates) for _, name in changes))

    def safe_rebuild(self, templates_changed: bool = False) -> None:
        """rebuild(), but nothing stops the preview: a broken template or a bug
        of ours is shown like a content problem, and the next save tries again."""
        try:
            self.rebuild(templates_changed)
        except jinja2.TemplateError as error:
            where = getattr(error, "filename", None) or str(self.templates)
            self._jobs.clear()
            self._common = None
            self._failed([Diagnostic(where, getattr(error, "lineno", None) or 1, 1, f"the template cannot be used: {error.message or error}")])
        except Exception as error:  # noqa: BLE001 - the preview must outlive any one save
            self._failed([Diagnostic(self.shown, 1, 1, f"polku could not rebuild ({type(error).__name__}: {error}); the last good pages are kept, please report this")])

    # ------------------------------------------------------------ the error page

    def error_page(self, build: int) -> bytes:
        strings = catalogue(self.language)
        items = "".join(f"<li><code>{html.escape(str(d))}</code>{self._excerpt(d)}</li>" for d in self.problems)
        return (
            f'<!DOCTYPE html>\n<html lang="{self.language}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(strings['serve_error_title'])}</title>"
            "<style>body{font:1.1rem/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}"
            "h1{color:#8a1c00}li{margin:.75rem 0}code{font-size:1rem;white-space:pre-wrap;word-break:break-word}"
            "pre{background:#f3f3f3;border-left:4px solid #8a1c00;padding:.4rem .75rem;margin:.3rem 0;overflow-x:auto}</style>"
            f'</head><body><main><h1>{html.escape(strings["serve_error_title"])}</h1>'
            f"<p>{html.escape(strings['serve_error_text'])}</p><ul>{items}</ul></main>"
            f'<script src="/_polku/live.js" data-build="{build}"></script></body></html>\n'
        ).encode("utf-8")


    def _excerpt(self, problem: Diagnostic) -> str:
        """The line the problem is on, with a mark under its column."""
        prefix = self.shown + "/"
        if not problem.file.startswith(prefix):
            return ""
        try:
            lines = (self.paths / problem.file[len(prefix):]).read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError):
            return ""
        if not 1 <= problem.line <= len(lines):
            return ""
        text = lines[problem.line - 1].expandtabs(1)
        marker = " " * (len(str(problem.line)) + 3 + problem.col - 1) + "^"
        return f'<pre>{problem.line} | {html.escape(text)}\n{marker}</pre>'


class _Handler(http.server.SimpleHTTPRequestHandler):
    preview: Preview

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; without this, Nagle's
        # algorithm and delayed ACKs hold each response back by about 40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the standard library's name
        pass  # the terminal is for the editor's problems, not for every request

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        route = self.path.split("?", 1)[0]
        if route == "/_polku/live.js":
            return self._send(200, "text/javascript; charset=utf-8", LIVE_JS)
        if route == "/_polku/events":
            return self._events()
        build = self.preview.version  # before reading the page: a later rebuild then reloads it
        if self.preview.problems and (route.endswith("/") or route.endswith(".html")):
            return self._send(200, "text/html; charset=utf-8", self.preview.error_page(build))
        target = FsPath(self.translate_path(route))
        if target.is_dir():
            target = target / "index.html"
        if target.suffix == ".html" and target.is_file():
            return self._send(200, "text/html; charset=utf-8", _with_live_reload(target.read_bytes(), build))
        return super().do_GET()

    def _send(self, status: int, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        """Server-sent events for one open page: 'reload' when a build changed it."""
        query = parse_qs(urlsplit(self.path).query)
        page = unquote(query.get("page", ["/"])[0]).lstrip("/")
        page = page + "index.html" if page == "" or page.endswith("/") else page
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        preview = self.preview
        since = query.get("since", [""])[0]
        with preview.changed:
            seen = int(since) if since.isdigit() and int(since) <= preview.version else preview.version
        try:
            self.wfile.write(b": connected\n\n")
            self.wfile.flush()
            while True:
                with preview.changed:
                    preview.changed.wait_for(lambda: preview.version != seen, timeout=10)
                    now = preview.version
                if now != seen and preview.touches(page, seen, now):
                    self.wfile.write(b"data: reload\n\n")
                    self.wfile.flush()
                    return
                seen = now
                self.wfile.write(b": still here\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return

    def end_headers(self) -> None:
        if self._static:  # styles, scripts, fonts, pictures: checked on each use (304 when unchanged)
            self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    _static = False

    def send_head(self):  # noqa: ANN201 - the standard library's signature
        self._static = True
        return super().send_head()


def _remove_empty_folders(root: FsPath, name: str) -> None:
    folder = (root / name).parent
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def _with_live_reload(page: bytes, build: int) -> bytes:
    """The page as built, plus the reload script and leave to connect back here."""
    text = page.decode("utf-8")
    text = text.replace("default-src 'none';", "default-src 'none'; connect-src 'self';", 1)
    text = text.replace("</body>", f'<script src="/_polku/live.js" data-build="{build}"></script>\n</body>', 1)
    return text.encode("utf-8")


def serve(paths: FsPath, templates: FsPath, out: FsPath, port: int, shown: str, report: Callable[[list[Diagnostic]], None]) -> None:
    preview = Preview(paths, templates, out, shown, report)
    handler = type("Handler", (_Handler,), {"preview": preview})
    # The port first: a busy port is reported before a long first build.
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), partial(handler, directory=str(out.absolute())))
    server.daemon_threads = True
    preview.safe_rebuild()  # the first build, on every core
    out.mkdir(parents=True, exist_ok=True)
    stop = threading.Event()
    watcher = threading.Thread(target=preview.watch, args=(stop,), name="polku-watch", daemon=True)
    watcher.start()
    print(f"Previewing {shown}/ at http://127.0.0.1:{server.server_address[1]}/  (saving a file rebuilds it; Ctrl+C stops)", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
