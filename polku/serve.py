"""`serve`: a local preview that rebuilds on save and reloads the open page.

The first build is an ordinary one. Then watchfiles reports each saved
file; the Preview rebuilds in this process, reading again only the files
whose bytes changed (load_site's cache), rendering and writing again only
the paths whose pages depend on them (PathJob.same_pages_as), and the site
pages only when what they show changed (common_digest).

Open pages learn of each build through one server-sent event stream per
browser (/_polku/events, held by a SharedWorker that all tabs share, so
that any number of tabs leave the browser's other connections free). A tab
asks /_polku/changed whether the build changed its page; if so it fetches
the page again and morphs its DOM into it (live.js, with idiomorph),
keeping the scroll position, the walk and the focus; it reloads only when
the site's assets changed. The edited path's pages are written and
announced first, the index, role and pilot pages after them.

A broken save is shown in the terminal and, over every page, as a list of
`file:line:col` problems; the server keeps running, and the next good save
takes the list away in place. Nothing here is written into the built
pages: the live scripts, the problem list and the CSP that lets them
connect are added to the HTML as it is served, so `site/` stays exactly
what `build` writes. Only this machine's own names are answered (a page
elsewhere cannot rebind its name to 127.0.0.1 and read the preview).
"""

from __future__ import annotations

import html
import http.server
import json
import os
import re
import shutil
import signal
import socket
import sys
import threading
import time
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qs, unquote, urlsplit

import jinja2

from .errors import ContentError, Diagnostic
from .i18n import catalogue
from .load import load_site, read_source
from .site import PathJob, build, common_digest, environment, path_jobs, render_common, render_path, write_files

# The scripts serve adds to the pages it serves (polku/assets/live): the tab's
# side, the worker that holds one event stream for all tabs, and idiomorph.
LIVE_FILES = {"live.js": "live.js", "worker.js": "worker.js", "idiomorph.js": "idiomorph.js"}


def _live_file(name: str) -> bytes:
    return resources.files("polku").joinpath("assets/live", name).read_bytes()


class Preview:
    """The built site in out/, kept up to date with as little work as possible."""

    def __init__(self, paths: Path, templates: Path, out: Path, shown: str, report: Callable[[list[Diagnostic]], None]):
        self.paths, self.templates, self.out, self.shown, self.report = paths, templates, out, shown, report
        self.version = 0
        self.server_id = f"{os.getpid()}-{time.time_ns()}"  # a restarted server is a new one: open tabs reload
        self.problems: list[Diagnostic] = []
        self.language = "fi"
        self.changed = threading.Condition()
        self.watching = threading.Event()
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
        self._common = common_digest(site, environment(self.templates))
        self._common_files = {name for name in names if name.rsplit("/", 1)[0] not in self._jobs and not name.endswith(".pdf")}
        return True

    def rebuild(self, templates_changed: bool = False) -> None:
        """Bring out/ up to date after a save, doing only what the change needs."""
        if not self.out.is_dir():  # deleted while serving: build it whole again
            self._jobs, self._common, self._common_files = {}, None, set()
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
            if old is None or not old.same_pages_as(job) or not (self.out / job.folder / "index.html").is_file():
                files = render_path(job, env)
                pages.update(_write_changed(files, self.out))
                done.append(job.folder)
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
        digest = common_digest(site, env)
        if digest != self._common or not all((self.out / name).is_file() for name in self._common_files):
            if pages:
                time.sleep(0.25)  # let the open path page update first: rendering holds the interpreter
            started = time.perf_counter()
            common = render_common(site, env)
            changed = _write_changed(common, self.out)
            for gone in self._common_files - set(common):  # e.g. a language's pages when its last translation went
                (self.out / gone).unlink(missing_ok=True)
                _remove_empty_folders(self.out, gone)
            self._bump(changed | (self._common_files - set(common)))  # written, and removed
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

    def changes(self, after: int, upto: int) -> list[str] | None:
        """The files the builds after `after`, up to `upto`, changed (None: any, or
        too many to list)."""
        with self.changed:
            if self.history and after < self.history[0][0] - 1:
                return None
            names: set[str] = set()
            for version, pages in self.history:
                if after < version <= upto:
                    if pages is None:
                        return None
                    names |= pages
            return sorted(names) if len(names) <= 2000 else None

    def assets_changed(self, after: int, upto: int) -> bool:
        """Did a build after `after` change a style, a script or a font? Then an open
        page reloads whole instead of being updated in place."""
        with self.changed:
            if self.history and after < self.history[0][0] - 1:
                return True
            return any(pages is not None and any(name.startswith("assets/") for name in pages)
                       for version, pages in self.history if after < version <= upto)

    # ------------------------------------------------------------ watching

    def watch(self, stop: threading.Event) -> None:
        """Rebuild after each save, until stop is set. `watching` is set while the
        folders are watched. A paths folder deleted and made again (a checkout,
        a restore from a copy) is a new folder that the old watch does not see:
        then wait for it to be back, watch it anew and build what it holds."""
        import watchfiles

        restored = False
        while not stop.is_set():
            folders = [str(self.paths)] + ([str(self.templates)] if self.templates.is_dir() else [])
            templates = str(self.templates.resolve())
            watched = _identity(self.paths)
            # A save is taken 15 ms after its last write: editors write a file in
            # one go (or write and rename), and each ms here is felt.
            # An empty set every 100 ms without changes: the watch is up, and the
            # folder is looked at again (deleted, or replaced by another).
            for changes in watchfiles.watch(*folders, stop_event=stop, debounce=400, step=15, rust_timeout=100,
                                            yield_on_timeout=True, raise_interrupt=False):
                if changes:
                    # Gone before this rebuild: leave the old watch even if a copy is back by
                    # the time the rebuild ends (it may reuse the old folder's inode).
                    gone = not self.paths.is_dir()
                    self.safe_rebuild(templates_changed=any(str(Path(name).resolve()).startswith(templates) for _, name in changes))
                    if gone:
                        break
                elif not self.watching.is_set():
                    self.watching.set()
                    if restored:
                        restored = False
                        self.safe_rebuild()
                        print(f"{self.shown}/ is back: watching it again", flush=True)
                if _identity(self.paths) != watched:
                    break
            self.watching.clear()
            if not self.paths.is_dir() and not self.problems:
                self.safe_rebuild()  # says so, in the terminal and over the pages
            while not stop.is_set() and not self.paths.is_dir():
                stop.wait(0.1)
            if stop.wait(0.4):  # as the watcher would: let the copy back finish
                return
            restored = True

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

    # ------------------------------------------------------------ the problem list

    def problem_list(self) -> str:
        """The problems of the last save, shown over the page until a good save."""
        strings = catalogue(self.language)
        items = "".join(f"<li><code>{html.escape(str(d))}</code>{self._excerpt(d)}</li>" for d in self.problems)
        return (
            f'<section id="polku-problems" role="alert" aria-labelledby="polku-problems-title" lang="{self.language}">'
            f'<h2 id="polku-problems-title">{html.escape(strings["serve_error_title"])}</h2>'
            f"<p>{html.escape(strings['serve_error_text'])}</p><ul>{items}</ul></section>"
        )

    def error_page(self, build: int) -> bytes:
        """In place of a page that was never built: only the problems."""
        strings = catalogue(self.language)
        return (
            f'<!DOCTYPE html>\n<html lang="{self.language}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(strings['serve_error_title'])}</title>{PROBLEMS_STYLE}</head>"
            f"<body><main>{self.problem_list()}</main>{_live_scripts(build, self.server_id)}</body></html>\n"
        ).encode("utf-8")

    def _excerpt(self, problem: Diagnostic) -> str:
        """The line the problem is on, with a mark under its column."""
        prefix = self.shown + "/"
        if not problem.file.startswith(prefix):
            return ""
        try:
            lines = read_source(self.paths / problem.file[len(prefix):]).decode("utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError, ValueError):
            return ""
        if not 1 <= problem.line <= len(lines):
            return ""
        text = lines[problem.line - 1].expandtabs(1)
        marker = " " * (len(str(problem.line)) + 3 + problem.col - 1) + "^"
        return f'<pre>{problem.line} | {html.escape(text)}\n{marker}</pre>'


# How the problem list looks; in the head of every page served, so that a list
# that comes in an update in place is styled too.
PROBLEMS_STYLE = (
    "<style>#polku-problems{position:fixed;z-index:2147483647;inset:0 0 auto 0;max-height:70vh;overflow:auto;"
    "box-sizing:border-box;padding:.5rem max(1rem,calc((100vw - 60rem)/2)) 1rem;background:#fff;color:#1a1a1a;"
    "border-bottom:6px solid #8a1c00;box-shadow:0 .5rem 1.5rem rgba(0,0,0,.35);font:1.1rem/1.5 system-ui,sans-serif}"
    "#polku-problems h2{color:#8a1c00;font-size:1.5rem;margin:.5rem 0}#polku-problems li{margin:.75rem 0}"
    "#polku-problems code{font-size:1rem;white-space:pre-wrap;word-break:break-word}"
    "#polku-problems pre{background:#f3f3f3;border-left:4px solid #8a1c00;padding:.4rem .75rem;margin:.3rem 0;overflow-x:auto}</style>"
)

# An escape that is not % and two hex digits, and characters no address holds.
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class _Handler(http.server.SimpleHTTPRequestHandler):
    preview: Preview

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; without this, Nagle's
        # algorithm and delayed ACKs hold each response back by about 40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the standard library's name
        pass  # the terminal is for the editor's problems, not for every request

    # ------------------------------------------------------------ what is answered

    def _route(self) -> str | None:
        """The request's path, or None when it was refused (421 for a name that is
        not this machine's, 400 for an address that cannot be read)."""
        port = self.server.server_address[1]
        names = {f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"}
        if port == 80:
            names |= {"127.0.0.1", "localhost", "[::1]"}
        host = (self.headers.get("Host") or "").strip().lower()
        if host not in names:
            self._send(421, "text/plain; charset=utf-8", f"polku serve answers only on this computer: http://127.0.0.1:{port}/\n".encode())
            return None
        route = self.path.split("#", 1)[0].split("?", 1)[0]
        try:
            readable = route.startswith("/") and not _BAD_ESCAPE.search(self.path) and not _CONTROL.search(unquote(self.path, errors="strict"))
        except UnicodeDecodeError:
            readable = False
        if not readable:
            self._send(400, "text/plain; charset=utf-8", b"polku serve: this address cannot be read\n")
            return None
        return route

    def do_HEAD(self) -> None:  # noqa: N802 - the standard library's name
        if self._route() is not None:
            super().do_HEAD()

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        route = self._route()
        if route is None:
            return None
        if route.startswith("/_polku/"):
            return self._live(route[len("/_polku/"):])
        preview = self.preview
        build = preview.version  # before reading the page: a later build then updates it
        target = Path(self.translate_path(route))
        try:
            if target.is_dir():
                target = target / "index.html"
            page = target.read_bytes() if target.suffix == ".html" and target.is_file() else None
        except OSError:  # a name too long, say: there is no such page
            page = None
        problems = preview.problem_list() if preview.problems else ""
        if page is not None:
            return self._send(200, "text/html; charset=utf-8", _with_live_scripts(page, build, preview.server_id, problems))
        if problems and (route.endswith("/") or route.endswith(".html")):
            return self._send(200, "text/html; charset=utf-8", preview.error_page(build))
        return super().do_GET()

    def _live(self, name: str) -> None:
        if name in LIVE_FILES:
            return self._send(200, "text/javascript; charset=utf-8", _live_file(LIVE_FILES[name]))
        if name == "events":
            return self._events()
        if name == "changed":
            return self._changed()
        return self._send(404, "text/plain; charset=utf-8", b"not found\n")

    def _send(self, status: int, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _changed(self) -> None:
        """Did the builds since ?since= change the page ?page=? JSON for live.js:
        changed (fetch it again), reload (the assets changed: reload it whole)."""
        try:
            query = parse_qs(urlsplit(self.path).query, errors="strict")
        except UnicodeDecodeError:
            query = {}
        page = query.get("page", [""])[0].lstrip("/")
        since = query.get("since", [""])[0]
        if not since.isascii() or not since.isdigit() or len(since) > 15 or _CONTROL.search(page):
            return self._send(400, "text/plain; charset=utf-8", b"polku serve: give page= and since=\n")
        page = page + "index.html" if page == "" or page.endswith("/") else page
        preview = self.preview
        with preview.changed:
            now = preview.version
        after = int(since)
        answer = {"server": preview.server_id, "build": now,
                  "changed": after < now and preview.touches(page, after, now),
                  "reload": after < now and preview.assets_changed(after, now)}
        self._send(200, "application/json", json.dumps(answer).encode("utf-8"))

    def _events(self) -> None:
        """Server-sent events for every open page of this browser at once: the
        number of each new build, and the files changed since the number sent
        before it (`after`). A page that missed that one asks /_polku/changed."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        preview = self.preview
        with preview.changed:
            seen = preview.version
        try:
            self.wfile.write(b"retry: 500\n" + self._news(seen, seen))
            self.wfile.flush()
            while True:
                with preview.changed:
                    preview.changed.wait_for(lambda: preview.version != seen, timeout=10)
                    now = preview.version
                self.wfile.write(self._news(seen, now) if now != seen else b": still here\n\n")
                self.wfile.flush()
                seen = now
        except (ConnectionError, OSError):
            return

    def _news(self, after: int, build: int) -> bytes:
        preview = self.preview
        news = {"server": preview.server_id, "build": build, "after": after,
                "pages": preview.changes(after, build), "reload": preview.assets_changed(after, build)}
        return f"data: {json.dumps(news)}\n\n".encode("utf-8")

    def end_headers(self) -> None:
        if self._static:  # styles, scripts, fonts, pictures: checked on each use (304 when unchanged)
            self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    _static = False

    def send_head(self):  # noqa: ANN201 - the standard library's signature
        self._static = True
        return super().send_head()


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    interrupted: threading.Event | None = None

    def service_actions(self) -> None:
        """Between requests (every 0.2 s): a Ctrl+C that Python swallowed stops us all the same."""
        if self.interrupted is not None and self.interrupted.is_set():
            raise KeyboardInterrupt

    def handle_error(self, request, client_address) -> None:  # noqa: ANN001 - the standard library's signature
        """One line, never a traceback: a closed tab is no news, and a bug of ours
        in one request must not fill the editor's terminal."""
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            return
        print(f"polku serve: one request failed ({type(error).__name__}: {error}); the preview goes on", flush=True)


def _write_changed(files: dict[str, bytes], root: Path) -> set[str]:
    """Write the files whose bytes differ from what root holds; their names."""
    changed = {}
    for name, data in files.items():
        try:
            if (root / name).read_bytes() == data:
                continue
        except OSError:
            pass
        changed[name] = data
    write_files(changed, root)
    return set(changed)


def _identity(folder: Path) -> tuple[int, int] | None:
    try:
        found = folder.stat()
    except OSError:
        return None
    return (found.st_dev, found.st_ino)


def _remove_empty_folders(root: Path, name: str) -> None:
    folder = (root / name).parent
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def _live_scripts(build: int, server: str) -> str:
    return ('<script src="/_polku/idiomorph.js"></script>'
            f'<script src="/_polku/live.js" data-build="{build}" data-server="{server}"></script>')


def _with_live_scripts(page: bytes, build: int, server: str, problems: str = "") -> bytes:
    """The page as built, plus the live scripts, leave to connect back here, and
    the problem list of a broken save at the start of the body."""
    text = page.decode("utf-8")
    text = text.replace("default-src 'none';", "default-src 'none'; connect-src 'self';", 1)
    text = text.replace("</head>", PROBLEMS_STYLE + "</head>", 1)
    if problems:
        text = re.sub(r"<body\b[^>]*>", lambda found: found.group(0) + problems, text, count=1)
    head, tail = text.rsplit("</body>", 1) if "</body>" in text else (text, "")
    return (head + _live_scripts(build, server) + "\n</body>" + tail).encode("utf-8")


def serve(paths: Path, templates: Path, out: Path, port: int, shown: str, report: Callable[[list[Diagnostic]], None]) -> None:
    """Serve until Ctrl+C, which ends it with status 130 and no traceback."""
    # Python may swallow a KeyboardInterrupt that lands in a callback (one that runs
    # around a fork of the first build's workers, say): the flag is not lost.
    interrupted = threading.Event()

    def interrupt(signum: int, frame: object) -> None:
        interrupted.set()
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, interrupt)
    try:
        _serve(paths, templates, out, port, shown, report, interrupted)
    except KeyboardInterrupt:
        print("Stopped.", flush=True)
        raise SystemExit(130) from None


def _serve(paths: Path, templates: Path, out: Path, port: int, shown: str, report: Callable[[list[Diagnostic]], None],
           interrupted: threading.Event) -> None:
    preview = Preview(paths, templates, out, shown, report)
    handler = type("Handler", (_Handler,), {"preview": preview})
    # The port first: a busy port is reported before a long first build.
    server = _Server(("127.0.0.1", port), partial(handler, directory=str(out.absolute())))
    server.interrupted = interrupted
    stop = threading.Event()
    try:
        preview.safe_rebuild()  # the first build, on every core
        if interrupted.is_set():
            raise KeyboardInterrupt
        out.mkdir(parents=True, exist_ok=True)
        watcher = threading.Thread(target=preview.watch, args=(stop,), name="polku-watch", daemon=True)
        watcher.start()
        preview.watching.wait(10)  # a save from now on is seen
        print(f"Previewing {shown}/ at http://127.0.0.1:{server.server_address[1]}/  (saving a file rebuilds it; Ctrl+C stops)", flush=True)
        server.serve_forever(poll_interval=0.2)
    finally:
        stop.set()
        server.server_close()
