"""What `serve` keeps in out/: the Preview, brought up to date after each save.

The first build is an ordinary one. After a save the Preview reads again
only the files whose bytes changed (load_site's cache), renders and writes
again only the paths whose pages depend on them (PathJob.same_pages_as),
and the site pages (index, roles, pilots, search) only when what they show
changed (common_digest). The edited path's pages are written and announced
first. The site pages follow in a thread of their own, which gives way to
the next save: on a large site they take a while, and an editor who saves
again meanwhile should not wait for pages that are about to change again.

Each build gets a number, with the names of the files it changed: the open
tabs ask for them (polku/serve.py) to update themselves in place.
"""

from __future__ import annotations

import html
import os
import shutil
import threading
import time
from pathlib import Path
from typing import Callable

import jinja2

from .errors import ContentError, Diagnostic
from .i18n import catalogue
from .load import load_site, read_source
from .site import PathJob, build, common_digest, common_files, environment, path_jobs, render_path, write_files


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
        self._rendering: tuple[threading.Thread, threading.Event] | None = None  # the site pages being rendered (rebuild later=True)

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

    def rebuild(self, templates_changed: bool = False, later: bool = False) -> None:
        """Bring out/ up to date after a save, doing only what the change needs.
        later: render the site pages in a thread that gives way to the next save
        (watch), instead of before returning."""
        self.stop_site_pages()
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
            if not later:
                self._site_pages(site, env, digest)
                return
            # The open path page updates first: rendering holds the interpreter.
            give_way = threading.Event()
            worker = threading.Thread(target=self._site_pages_later, args=(site, env, digest, 0.25 if pages else 0, give_way),
                                      name="polku-site-pages", daemon=True)
            self._rendering = (worker, give_way)
            worker.start()

    def stop_site_pages(self) -> None:
        """Stop rendering the site pages of an earlier save, if they are still
        being rendered, and wait until that has stopped. Nothing is left half
        written: they are all rendered before the first is written."""
        rendering, self._rendering = self._rendering, None
        if rendering is not None:
            worker, give_way = rendering
            give_way.set()
            worker.join()

    def _site_pages_later(self, site, env: jinja2.Environment, digest: tuple, delay: float, give_way: threading.Event) -> None:
        """_site_pages in a thread of its own, which gives up as soon as give_way is set."""
        if give_way.wait(delay):
            return
        try:
            self._site_pages(site, env, digest, give_way)
        except Exception as error:  # noqa: BLE001 - as safe_rebuild: the preview must outlive any one save
            self._crashed(error)

    def _site_pages(self, site, env: jinja2.Environment, digest: tuple, give_way: threading.Event | None = None) -> None:
        """Render the site pages (index, roles, pilots, search) and write those that
        changed; nothing is written when give_way is set before they are all rendered."""
        started = time.perf_counter()
        common: dict[str, bytes] = {}
        for name, data in common_files(site, env):
            if not isinstance(data, bytes):
                text = []
                for chunk in data:  # a page as its template writes it: the roles page of a large site is long
                    text.append(chunk)
                    if give_way is not None and give_way.is_set():
                        return
                data = "".join(text).encode("utf-8")
            common[name] = data
            if give_way is not None and give_way.is_set():
                return
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
                    self.safe_rebuild(templates_changed=any(str(Path(name).resolve()).startswith(templates) for _, name in changes), later=True)
                    if gone:
                        break
                elif not self.watching.is_set():
                    self.watching.set()
                    if restored:
                        restored = False
                        self.safe_rebuild(later=True)
                        print(f"{self.shown}/ is back: watching it again", flush=True)
                if _identity(self.paths) != watched:
                    break
            self.watching.clear()
            if not self.paths.is_dir() and not self.problems:
                self.safe_rebuild(later=True)  # says so, in the terminal and over the pages
            while not stop.is_set() and not self.paths.is_dir():
                stop.wait(0.1)
            if stop.wait(0.4):  # as the watcher would: let the copy back finish
                return
            restored = True

    def safe_rebuild(self, templates_changed: bool = False, later: bool = False) -> None:
        """rebuild(), but nothing stops the preview: a broken template or a bug
        of ours is shown like a content problem, and the next save tries again."""
        try:
            self.rebuild(templates_changed, later)
        except Exception as error:  # noqa: BLE001 - the preview must outlive any one save
            self._crashed(error)

    def _crashed(self, error: Exception) -> None:
        if isinstance(error, jinja2.TemplateError):
            where = getattr(error, "filename", None) or str(self.templates)
            self._jobs.clear()
            self._common = None
            self._failed([Diagnostic(where, getattr(error, "lineno", None) or 1, 1, f"the template cannot be used: {error.message or error}")])
        else:
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
