"""`serve`: a local preview that rebuilds on save and updates the open page.

The Preview (polku/preview.py) builds the site and keeps it up to date
after each save; this module serves it and tells the open pages.

Open pages learn of each build through one server-sent event stream per
browser (/_polku/events, held by a SharedWorker that all tabs share, so
that any number of tabs leave the browser's other connections free). A tab
asks /_polku/changed whether the build changed its page; if so it fetches
the page again and morphs its DOM into it (live.js, with idiomorph),
keeping the scroll position, the walk and the focus; it reloads only when
the site's assets changed.

A broken save is shown in the terminal and, over every page, as a list of
`file:line:col` problems; the server keeps running, and the next good save
takes the list away in place. Nothing here is written into the built
pages: the live scripts, the problem list and the CSP that lets them
connect are added to the HTML as it is served, so `site/` stays exactly
what `build` writes. Only this machine's own names are answered (a page
elsewhere cannot rebind its name to 127.0.0.1 and read the preview).
"""

from __future__ import annotations

import http.server
import json
import re
import signal
import socket
import sys
import threading
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qs, unquote, urlsplit

from .errors import Diagnostic
from .preview import PROBLEMS_STYLE, Preview, _live_scripts

# The scripts serve adds to the pages it serves (polku/assets/live): the tab's
# side, the worker that holds one event stream for all tabs, and idiomorph.
LIVE_FILES = {"live.js": "live.js", "worker.js": "worker.js", "idiomorph.js": "idiomorph.js"}


def _live_file(name: str) -> bytes:
    return resources.files("polku").joinpath("assets/live", name).read_bytes()


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
        preview.stop_site_pages()
