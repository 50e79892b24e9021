"""The new site replaces the old one with no moment without a site (issue 17,
item 2): one atomic exchange, leftovers of killed builds cleaned, one build
at a time."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from polku import swap
from polku.outdir import MARKER
from polku.site import build

from .conftest import PATHS, ROOT, TEMPLATES


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _two_versions(tmp_path: Path) -> tuple[Path, Path]:
    """Two path folders whose sites differ, so a site can be told to be the old or the new one, whole."""
    old, new = tmp_path / "paths-old", tmp_path / "paths-new"
    shutil.copytree(PATHS, old)
    shutil.copytree(PATHS, new)
    suvi = new / "suvi.yaml"
    text = suvi.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    suvi.write_text(text.replace(title, title + " (uusi)", 1), encoding="utf-8")
    return old, new


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's")
def test_exchange_swaps_two_folders_in_one_step(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "x").write_text("a")
    (b / "y").write_text("b")
    assert swap.exchange(a, b)
    assert (a / "y").read_text() == "b" and (b / "x").read_text() == "a"


def test_the_fallback_without_exchange_replaces_the_site_too(tmp_path, monkeypatch):
    old, new = _two_versions(tmp_path)
    out = tmp_path / "site"
    build(old, TEMPLATES, out)
    monkeypatch.setattr(swap, "exchange", lambda a, b: False)
    build(new, TEMPLATES, out)
    build(new, TEMPLATES, tmp_path / "reference")
    assert _tree(out) == _tree(tmp_path / "reference")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["paths-new", "paths-old", "reference", "site"]


def test_leftovers_of_killed_builds_are_cleaned_and_a_lost_site_put_back(tmp_path):
    out = tmp_path / "site"
    build(PATHS, TEMPLATES, out)
    reference = _tree(out)
    # What a build killed while writing leaves, and a killed fallback between its two renames.
    (tmp_path / ".site-new-k1ll3d").mkdir()
    (tmp_path / ".site-new-k1ll3d" / "index.html").write_text("half a site")
    (tmp_path / ".site-old-abc123").mkdir()
    out.rename(tmp_path / ".site-old-abc123" / "site")
    (tmp_path / ".site.lock").write_text("")  # a killed build's lock file
    (tmp_path / ".sitemap-new-x").mkdir()  # not ours: another output's name
    swap.cleanup(out)
    assert _tree(out) == reference, "the old site was not put back"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.lock", ".sitemap-new-x", "site"]
    (tmp_path / ".site-new-again").mkdir()
    build(PATHS, TEMPLATES, out)  # a build cleans them too, and leaves no lock file
    assert sorted(p.name for p in tmp_path.iterdir()) == [".sitemap-new-x", "site"]


def test_a_second_build_waits_for_the_first(tmp_path):
    out = tmp_path / "site"
    build(PATHS, TEMPLATES, out)
    before = (out / "index.html").stat().st_ino
    with swap.locked(out.absolute()):
        run = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "build", "--paths", str(PATHS), "--templates", str(TEMPLATES),
                                "--out", str(out)], stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        told = run.stderr.readline()  # blocks until the build reaches the lock and says it waits
        assert "another build is writing" in told, told
        time.sleep(1)
        assert run.poll() is None, "the second build did not wait for the lock"
        assert (out / "index.html").stat().st_ino == before, "the site was replaced while another build held the lock"
    stdout, stderr = run.communicate(timeout=120)
    assert run.returncode == 0, stderr
    assert "Built 2 path(s)" in stdout
    assert (out / "index.html").stat().st_ino != before
    assert (out / MARKER).is_file()
    assert not (tmp_path / ".site.lock").exists()


def _strace() -> str:
    path = shutil.which("strace")
    if path is None:
        pytest.skip("strace is not installed (apt-get install strace): the swap's fault injection needs it")
    probe = subprocess.run([path, "-f", "-o", os.devnull, "-e", "trace=renameat2", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"strace cannot trace here: {probe.stderr.decode(errors='replace').strip()}")
    return path


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="strace is Linux's")
def test_killed_in_the_middle_of_the_swap_the_site_is_always_whole(tmp_path):
    """Fault injection: strace holds every rename for 1 s before and after it
    runs, and the build is killed with SIGKILL at moments across that window
    (before the exchange, just after it, while the old site is removed).
    The site must then be the old one or the new one, whole, every time (a
    swap made of two renames leaves no site at all in the middle)."""
    strace = _strace()
    old, new = _two_versions(tmp_path)
    build(old, TEMPLATES, tmp_path / "ref-old")
    build(new, TEMPLATES, tmp_path / "ref-new")
    versions = {"old": _tree(tmp_path / "ref-old"), "new": _tree(tmp_path / "ref-new")}
    out = tmp_path / "work" / "site"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}  # no .pyc renames in the log
    seen: list[str] = []
    killed = 0
    for offset in (0.2, 0.7, 1.3, 1.7):
        build(old, TEMPLATES, out)  # (this also cleans what the previous kill left)
        log, pid_file = tmp_path / "strace.log", tmp_path / "build.pid"
        log.unlink(missing_ok=True)
        pid_file.unlink(missing_ok=True)
        command = [
            strace, "-f", "-qq", "-o", str(log), "-e", "trace=rename,renameat,renameat2",
            "-e", "inject=rename,renameat,renameat2:delay_enter=1000000:delay_exit=1000000", "--",
            "sh", "-c", f'echo $$ > "{pid_file}"; exec "$0" "$@"', sys.executable, str(ROOT / "build.py"), "build",
            "--paths", str(new), "--templates", str(TEMPLATES), "--out", str(out),
        ]
        tracer = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 120
            while not (log.is_file() and str(out.parent) in log.read_text(errors="replace")):
                assert tracer.poll() is None, "the build ended before its swap"
                assert time.monotonic() < deadline, "no rename of the site seen"
                time.sleep(0.01)
            time.sleep(offset)
            try:
                os.kill(int(pid_file.read_text()), signal.SIGKILL)
                killed += 1
            except ProcessLookupError:  # a loaded machine: it finished first; the site must be whole all the same
                pass
        finally:
            if tracer.poll() is None:
                time.sleep(0.2)
                tracer.kill()
            tracer.wait(timeout=30)
        assert out.is_dir(), f"no site after a kill {offset} s into the swap"
        site = _tree(out)
        which = [name for name, tree in versions.items() if tree == site]
        assert which, f"a kill {offset} s into the swap left a site that is neither the old nor the new one, whole"
        seen.append(which[0])
    assert killed >= 3, f"only {killed} of the builds were killed in the window"
    assert "old" in seen and "new" in seen, f"the kills did not come both before and after the exchange: {seen}"
    # The next build cleans up whatever the kills left, and no lock stays behind.
    build(new, TEMPLATES, out)
    assert sorted(p.name for p in out.parent.iterdir()) == ["site"]
    assert _tree(out) == versions["new"]
