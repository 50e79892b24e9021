"""The README's quick start, as a newcomer runs it: in a fresh clone, with
Debian's own python3 (which refuses `pip install` outside a virtual
environment, PEP 668), outside any virtual environment and inside one.

The slow tests are marked `quickstart` (`-m "not quickstart"` leaves them
out); the inner test run leaves them out too, so they do not recurse."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

README = ROOT / "README.md"
CI_RUN = ROOT / ".ci" / "run"
DEBIAN_PYTHON = "/usr/bin/python3"

# What the inner run of the test command covers, kept small (installing
# the test extras is most of the time): the command line, and axe-core in
# Chromium, which the test command installs with npm itself.
# POLKU_REQUIRE_BROWSER turns any skip there into a failure. Not the wheel
# test of test_cli: it builds a wheel (the inner run's longest test), and
# the outer run, with the same Python in CI, builds and checks the same one.
INNER_TESTS = "tests/test_cli.py tests/test_quality.py -k '(test_cli and not wheel) or axe_finds_nothing'"


def quick_start() -> list[str]:
    """The commands of the README's quick start, comments left out."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Quick start\n", 1)[1].split("\n## ", 1)[0]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    return [re.sub(r"\s+#\s.*$", "", line).strip() for line in block.splitlines() if line.strip()]


def test_the_quick_start_is_two_commands_that_make_and_use_a_virtual_environment():
    build, tests = quick_start()
    for command in (build, tests):
        assert command.startswith("python3 -m venv .venv && "), command
        # Nothing is installed or run with the system's Python outside .venv.
        assert re.findall(r"(?<![\w/.])(?:pip3?|python3?)\b(?! -m venv)", command) == [], command
    assert build.endswith(".venv/bin/polku build")
    assert "'.[test]'" in tests and tests.endswith(".venv/bin/python -m pytest")


def test_ci_runs_the_readme_quick_start_exactly():
    lines = [line.strip() for line in CI_RUN.read_text(encoding="utf-8").splitlines()]
    for command in quick_start():
        assert command in lines, f".ci/run does not run the README's command as written: {command}"


def _debian_python() -> None:
    probe = subprocess.run([DEBIAN_PYTHON, "-c", "import venv, ensurepip"], capture_output=True) if Path(DEBIAN_PYTHON).exists() else None
    if probe is None or probe.returncode != 0:
        pytest.skip(f"no Debian python3 with venv at {DEBIAN_PYTHON} (apt-get install python3 python3-venv)")
    if not shutil.which("git") or not (ROOT / ".git").exists():
        pytest.skip("the quick start is tried in a fresh git clone: needs git and a git checkout (apt-get install git)")


def _fresh_clone(folder: Path) -> Path:
    """A clone of this checkout, with its uncommitted edits and new files laid
    over it, so that what is tried is what is being worked on."""
    clone = folder / "polku"
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(ROOT), str(clone)], check=True, capture_output=True)
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], check=True, capture_output=True, text=True).stdout.strip()
    subprocess.run(["git", "-C", str(clone), "checkout", "-q", head], check=True, capture_output=True)  # this checkout's commit, detached or not
    status = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "-z", "--untracked-files=all"],
                            check=True, capture_output=True, text=True).stdout
    entries = status.split("\0")
    while entries:
        entry = entries.pop(0)
        if not entry:
            continue
        code, name = entry[:2], entry[3:]
        if "R" in code or "C" in code:
            entries.pop(0)  # the old name of a rename
        source, target = ROOT / name, clone / name
        if source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
        elif target.exists() and not source.exists():
            target.unlink()
    assert not (clone / ".venv").exists() and not (clone / "site").exists() and not (clone / "tests/js/node_modules").exists()
    return clone


def _environment(folder: Path, active_venv: Path | None = None) -> dict[str, str]:
    """This machine's environment with Debian's python3 first on PATH and no
    virtual environment active (or the given one activated)."""
    shims = folder / "debian-python"
    shims.mkdir(exist_ok=True)
    for name in ("python3", "python"):
        if not (shims / name).exists():
            (shims / name).symlink_to(DEBIAN_PYTHON)
    own = {str(Path(os.environ.get("VIRTUAL_ENV", "/nonexistent")) / "bin"), str(Path(sys.prefix) / "bin")}
    path = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p and p not in own and "pyenv" not in p]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PIP_", "PYTEST_", "VIRTUAL_ENV", "CONDA"))}
    env.update(PATH=os.pathsep.join([str(shims), *path, "/usr/bin", "/bin"]), PIP_DISABLE_PIP_VERSION_CHECK="1")
    if active_venv is not None:
        env.update(VIRTUAL_ENV=str(active_venv), PATH=f"{active_venv / 'bin'}{os.pathsep}{env['PATH']}")
    return env


def _run(command: str, clone: Path, env: dict[str, str], timeout: int = 600) -> subprocess.CompletedProcess:
    run = subprocess.run(["bash", "-c", command], cwd=clone, env=env, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    assert run.returncode == 0, f"`{command}` failed with exit {run.returncode}:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
    return run


@pytest.mark.quickstart
def test_readme_quick_start_with_debians_python_outside_any_virtual_environment(tmp_path):
    _debian_python()
    clone = _fresh_clone(tmp_path)
    env = _environment(tmp_path)
    which = subprocess.run(["bash", "-c", "command -v python3; python3 -c 'import sys; print(sys.prefix == sys.base_prefix)'"],
                           env=env, capture_output=True, text=True, check=True).stdout.split()
    assert which == [str(tmp_path / "debian-python" / "python3"), "True"], "the commands must meet Debian's python3, outside any venv"

    build, tests = quick_start()
    _run(build, clone, env)
    index = clone / "site" / "index.html"
    assert index.exists() and (clone / "site" / "suvi" / "index.html").exists() and (clone / "site" / "suvi" / "suvi.svg").exists()
    assert "<h1>" in index.read_text(encoding="utf-8")
    assert Path(os.path.realpath(clone / ".venv" / "bin" / "python3")).parent == Path("/usr/bin"), "the venv is made from Debian's python3"

    # The test command as written; PYTEST_ADDOPTS (read by pytest itself) picks
    # a part of the suite, and POLKU_REQUIRE_BROWSER fails the run on any skip.
    inner = {**env, "POLKU_REQUIRE_BROWSER": "1", "PYTEST_ADDOPTS": f"-m 'not quickstart' -p no:cacheprovider {INNER_TESTS}"}
    run = _run(tests, clone, inner, timeout=900)
    summary = run.stdout.strip().splitlines()[-1]
    assert re.search(r"\b\d+ passed\b", summary) and "skipped" not in summary and "failed" not in summary, run.stdout[-3000:]
    assert (clone / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js").exists(), "the test command installs the checkers itself"


@pytest.mark.quickstart
def test_readme_build_command_inside_an_active_virtual_environment(tmp_path):
    _debian_python()
    clone = _fresh_clone(tmp_path)
    active = tmp_path / "someone-elses-venv"
    subprocess.run([DEBIAN_PYTHON, "-m", "venv", "--without-pip", str(active)], check=True)
    env = _environment(tmp_path, active_venv=active)
    assert subprocess.run(["bash", "-c", "command -v python3"], env=env, capture_output=True, text=True).stdout.strip() == str(active / "bin" / "python3")

    build, _ = quick_start()
    _run(build, clone, env)
    assert (clone / "site" / "index.html").exists() and (clone / "site" / "suvi" / "suvi.svg").exists()
    assert (clone / ".venv" / "bin" / "polku").exists() and not (active / "bin" / "polku").exists(), "polku goes into .venv, not the active one"
