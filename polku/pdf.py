"""Handouts as PDF: each path's print.html rendered by WeasyPrint.

Runs on the staged site before it replaces the old one, so a PDF that
fails leaves the previous site in place. WeasyPrint runs no JavaScript, so
a PDF is always the whole path; a client's own choices ("my path") are
printed from the browser. Only files inside the staged site are read:
nothing is fetched from another host.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .workers import run as workers_run


def _fetcher(root: Path):
    from weasyprint.urls import URLFetcher

    class LocalOnly(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            target = Path(unquote(parts.path)).resolve()
            if parts.scheme != "file" or not target.is_relative_to(root):
                raise ValueError(f"not part of the site: {url}")
            return super().fetch(url, headers)

    return LocalOnly(allowed_protocols={"file"}, fail_on_errors=True)


_FONTS = None  # (folder, FontConfiguration), one per worker: the site's fonts are decoded once, not once per PDF


def _one(job: tuple[str, str, str, str]) -> str:
    """Print one handout. WeasyPrint unpacks the site's web fonts into a folder
    of its own that it removes only when its font configuration is garbage
    collected, which a worker process never lives to see: so that folder is
    made inside `scratch`, which write_pdfs removes when the build is done."""
    global _FONTS
    root, html, pdf, scratch = job
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    if _FONTS is None or _FONTS[0] != scratch:
        _FONTS = (scratch, FontConfiguration())
    base = Path(root).resolve()
    document = weasyprint.HTML(filename=str(base / html), url_fetcher=_fetcher(base), media_type="print")
    default, tempfile.tempdir = tempfile.tempdir, scratch
    try:
        # No creation date or random identifier: the same site gives the same bytes.
        document.write_pdf(str(base / pdf), font_config=_FONTS[1], pdf_identifier=b"polku", custom_metadata=False,
                           pdf_tags=True)
    finally:
        tempfile.tempdir = default
    return pdf


def write_pdfs(root: Path, jobs: list[tuple[str, str]], workers: int | None = None) -> list[str]:
    """Render each (print.html, x.pdf) pair, relative to root, on every core:
    a PDF takes over a second, so even two are worth a second process.
    Nothing is left behind in the system's temporary folder."""
    with tempfile.TemporaryDirectory(prefix="polku-pdf-") as scratch:
        return workers_run(_one, [(str(root), html, pdf, scratch) for html, pdf in jobs], workers, min_parallel=2)


def available() -> str | None:
    """None when PDFs can be made, otherwise why not and the command that installs what is missing."""
    try:
        import weasyprint  # noqa: F401
    except ImportError:
        return (f"PDFs need WeasyPrint, which is not installed here: install it with "
                f"`{install_command()}` (in a checkout of polku: `.venv/bin/pip install -e '.[pdf]'`), then build again")
    except OSError as error:  # WeasyPrint is there, but cannot load Pango
        return (f"PDFs need the Pango library, which WeasyPrint could not load ({error}): on Debian or Ubuntu "
                f"`apt-get install libpango-1.0-0 libpangoft2-1.0-0`, then build again")
    return None


def install_command() -> str:
    """The pip command that installs WeasyPrint for the Python that runs polku."""
    import shlex
    import sys

    return f"{shlex.quote(sys.executable)} -m pip install 'weasyprint>=62'"
