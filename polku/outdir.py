"""Which folders polku may replace with a site, and the marker that says it wrote one.

`build`, `serve` and every other command that writes a folder of pages call
check_output_dir() before they touch anything. The rules:

- never the working folder or one of its ancestors (`--out .`, `--out ""`,
  `--out ..`);
- never a folder that is, holds or lies inside a source folder (the path
  files, the templates);
- never a symbolic link, never a file;
- an existing folder only when it is empty, carries the marker file polku
  writes into every site (MARKER), or is a site polku built before the
  marker existed (an index.html and assets/polku.js at its top).

Anything else is refused with one line and exit status 2, before anything is
written.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import click

MARKER = ".polku-site"
MARKER_TEXT = (
    b"This folder was written by polku, the service-path site generator.\n"
    b"polku replaces the whole folder on each build: keep no other files here.\n"
)
# What a site built before the marker existed always had at its top.
_OLD_SITE = ("index.html", "assets/polku.js")


class OutputFolderError(click.ClickException):
    """The output folder may not be replaced: one line, exit status 2."""

    exit_code = 2


def check_output_dir(out: str | os.PathLike, sources: Iterable[str | os.PathLike] = ()) -> None:
    """Raise OutputFolderError unless polku may replace out with a site.

    out is the folder as the user gave it (a str, so that an empty --out is
    told apart from '.'); sources are the folders polku reads (paths,
    templates), which the output must neither be, hold nor lie inside."""
    shown = os.fspath(out)
    if not shown.strip():
        raise OutputFolderError("the output folder is empty (--out \"\"): give a folder for the site, such as --out site")
    given = Path(shown)
    if given.is_symlink():
        raise OutputFolderError(f"the output folder '{shown}' is a symbolic link: give the folder itself, polku replaces it whole")
    target = given.resolve()
    here = Path.cwd().resolve()
    if target == here:
        raise OutputFolderError(f"the output folder '{shown}' is the working folder: polku replaces the output folder whole; give a folder of its own, such as --out site")
    if target in here.parents:
        raise OutputFolderError(f"the output folder '{shown}' holds the working folder: polku replaces the output folder whole; give a folder of its own, such as --out site")
    for source in sources:
        source_path = Path(os.fspath(source)).resolve()
        if target == source_path or target in source_path.parents or source_path in target.parents:
            raise OutputFolderError(
                f"the output folder '{shown}' overlaps '{os.fspath(source)}', which polku reads: give a folder outside it, such as --out site")
    if not given.exists():
        return
    if not given.is_dir():
        raise OutputFolderError(f"'{shown}' is a file, not a folder: give a folder for the site, such as --out site")
    if is_polku_site(given):
        return
    raise OutputFolderError(
        f"the output folder '{shown}' holds files polku did not write: polku replaces the output folder whole, "
        f"so give an empty or new folder (or move those files away)")


def is_polku_site(folder: Path) -> bool:
    """True when folder is empty or polku wrote it (the marker, or an older polku site)."""
    try:
        with os.scandir(folder) as entries:
            if next(entries, None) is None:
                return True
    except OSError:
        return False
    if (folder / MARKER).is_file() and not (folder / MARKER).is_symlink():
        return True
    return all((folder / name).is_file() for name in _OLD_SITE)
