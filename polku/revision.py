"""The paths folder as it was at a git revision, read without a checkout.

git is run as a program with an argument list (never a shell): `ls-tree`
names the files of the folder at the revision and one `cat-file --batch`
reads them all (what `git show REV:path` prints, in one process instead of
one per file). The files are written into a temporary folder, so that the
old version is read by the very loader that reads the working tree.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


class RevisionError(Exception):
    """Not a git repository, an unknown revision, or no git: wrong usage (exit 2)."""


def _git(args: list[str], cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, check=False,
                              env={**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"})
    except FileNotFoundError as error:
        raise RevisionError("git is not installed; polku diff needs git to read the earlier version") from error


def locate(paths: Path) -> tuple[Path, str]:
    """(the repository's top folder, the paths folder relative to it, '/'-separated)."""
    folder = paths.absolute()
    existing = folder
    while not existing.is_dir():  # the folder may be gone from the working tree
        existing = existing.parent
    run = _git(["rev-parse", "--show-toplevel"], existing)
    if run.returncode != 0:
        raise RevisionError(f"'{existing}' is not inside a git repository; run polku diff in the repository that holds the path files")
    top = Path(run.stdout.decode("utf-8", "surrogateescape").strip())
    try:
        relative = folder.resolve().relative_to(top.resolve())
    except ValueError:
        raise RevisionError(f"the folder '{paths}' is not inside the git repository at {top}") from None
    return top, relative.as_posix()


def resolve(top: Path, revision: str) -> str:
    """The commit a revision names, or RevisionError with the reason in words."""
    if not revision or revision.startswith("-") or any(ord(c) < 32 for c in revision):
        raise RevisionError(f"'{revision}' is not a git revision; give a branch, tag or commit, e.g. HEAD or origin/main")
    run = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"], top)
    if run.returncode != 0:
        hint = " (the repository has no commits yet)" if revision == "HEAD" else ""
        raise RevisionError(f"unknown revision '{revision}'{hint}; give a branch, tag or commit that exists, e.g. HEAD or origin/main (in CI, fetch it first)")
    return run.stdout.decode("ascii").strip()


def files_at(top: Path, commit: str, folder: str) -> dict[str, bytes]:
    """The regular files directly in folder at commit, by name. A folder missing
    at that commit is an empty folder: every path in it is new."""
    tree = f"{commit}:{folder}" if folder not in ("", ".") else commit
    listing = _git(["ls-tree", "-z", "--end-of-options", tree], top)
    if listing.returncode != 0:
        return {}
    entries = []
    for record in listing.stdout.split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        mode, kind, blob = meta.split(b" ")
        # Only ordinary files: a symbolic link's target, a subfolder or a submodule is not a path file.
        if kind == b"blob" and mode in (b"100644", b"100755") and name not in (b".", b"..") and b"/" not in name:
            entries.append((name.decode("utf-8", "surrogateescape"), blob.decode("ascii")))
    if not entries:
        return {}
    batch = _git(["cat-file", "--batch"], top, stdin="".join(f"{blob}\n" for _, blob in entries).encode("ascii"))
    out, data, at = {}, batch.stdout, 0
    for name, _ in entries:
        header_end = data.index(b"\n", at)
        size = int(data[at:header_end].split(b" ")[2])
        out[name] = data[header_end + 1: header_end + 1 + size]
        at = header_end + 1 + size + 1
    return out


def write_folder(files: dict[str, bytes], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in sorted(files.items()):
        try:
            (folder / name).write_bytes(data)
        except (OSError, ValueError):  # a name this system cannot hold: as if it were not there
            continue
