"""Put a freshly written site in place of the old one with no moment without a site.

write_atomically(fill, out):

1. takes a lock beside the output (`.site.lock` for `site/`), so that a second
   build into the same folder waits for the first instead of racing it;
2. cleans what killed builds left beside the output (`.site-new-*`,
   `.site-old-*`), putting an old site back first if the output went missing
   (only possible with the fallback below);
3. lets fill() write the new site into a fresh `.site-new-*` folder;
4. swaps the two folders in one step: on Linux renameat2(RENAME_EXCHANGE),
   on macOS renamex_np(RENAME_SWAP). Where neither exists (or the file system
   refuses, as some network file systems do) it falls back to two renames,
   undoing the first if the second fails;
5. removes the old site.

A build killed at any moment leaves either the old site or the new one,
whole, at the output's name (with the fallback, a kill between its two
renames leaves the old site in `.site-old-*`, which the next build puts back).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import platform
import shutil
import sys
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; builds there are not serialised
    fcntl = None  # type: ignore[assignment]

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2  # linux/fs.h
_RENAME_SWAP = 2  # macOS sys/stdio.h
# renameat2's number for the two architectures polku is used on, for a C
# library older than glibc 2.28 that lacks the wrapper.
_SYS_RENAMEAT2 = {"x86_64": 316, "aarch64": 276}


def _libc():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    except OSError:
        return None


_UNSUPPORTED = {errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV}


def exchange(a: Path, b: Path) -> bool:
    """Swap the two folders a and b in one atomic step. False when this system
    or file system cannot (then nothing was changed); OSError for a real failure."""
    libc = _libc()
    if libc is None:
        return False
    first, second = os.fsencode(a), os.fsencode(b)
    if sys.platform.startswith("linux"):
        call = getattr(libc, "renameat2", None)
        if call is not None:
            result = call(_AT_FDCWD, first, _AT_FDCWD, second, ctypes.c_uint(_RENAME_EXCHANGE))
        elif (number := _SYS_RENAMEAT2.get(platform.machine())) is not None:
            result = libc.syscall(ctypes.c_long(number), _AT_FDCWD, first, _AT_FDCWD, second, ctypes.c_uint(_RENAME_EXCHANGE))
        else:
            return False
    elif sys.platform == "darwin" and (call := getattr(libc, "renamex_np", None)) is not None:
        result = call(first, second, ctypes.c_uint(_RENAME_SWAP))
    else:
        return False
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), os.fsdecode(first), None, os.fsdecode(second))


def swap_in(staging: Path, out: Path) -> None:
    """Make staging the output; the old output (if any) is removed."""
    if not os.path.lexists(out):
        os.rename(staging, out)
        return
    if exchange(staging, out):
        shutil.rmtree(staging, ignore_errors=True)  # now the old site
        return
    # Two renames: a moment without a site, which the next build repairs (cleanup()).
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}-old-", dir=out.parent))
    os.rename(out, old / out.name)
    try:
        os.rename(staging, out)
    except BaseException:
        os.rename(old / out.name, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def leftovers(out: Path) -> list[Path]:
    """The staging and old folders of builds into out, sorted by name."""
    prefixes = (f".{out.name}-new-", f".{out.name}-old-")
    try:
        return sorted(p for p in out.parent.iterdir() if p.name.startswith(prefixes))
    except FileNotFoundError:
        return []


def cleanup(out: Path) -> None:
    """Remove what killed builds left beside out. Call with the lock held.
    If out went missing between the fallback's two renames, the old site,
    still whole in its .site-old-* folder, is put back first."""
    for folder in leftovers(out):
        kept = folder / out.name
        if folder.name.startswith(f".{out.name}-old-") and not os.path.lexists(out) and kept.is_dir() and not kept.is_symlink():
            os.rename(kept, out)
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def locked(out: Path, waiting: Callable[[], None] | None = None):
    """Hold the lock file beside out (.<name>.lock) for a build into out.
    A second build waits (calling waiting() once) until the first is done.
    The file is removed on release, so nothing stays beside the site."""
    if fcntl is None:
        yield
        return
    lock = out.parent / f".{out.name}.lock"
    told = False
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if waiting is not None and not told:
                    waiting()
                    told = True
                fcntl.flock(fd, fcntl.LOCK_EX)
            # The holder before us removes the file as it lets go: if the name
            # no longer leads to the file we locked, lock the new one instead.
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(lock))
            except FileNotFoundError:
                same = False
            if same:
                break
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
    try:
        yield
    finally:
        try:
            os.unlink(lock)
        except FileNotFoundError:
            pass
        os.close(fd)


def write_atomically(fill: Callable[[Path], None], out: Path, waiting: Callable[[], None] | None = None) -> None:
    """Let fill(staging) write the site into a fresh folder beside out, then swap it in."""
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    with locked(out, waiting):
        cleanup(out)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-new-", dir=out.parent))
        try:
            fill(staging)
            os.chmod(staging, 0o755)
            swap_in(staging, out)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
