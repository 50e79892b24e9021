"""Shared helpers: the project's folders, a CLI runner, and a Chromium that skips visibly."""

from __future__ import annotations

import fcntl
import functools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
PATHS = ROOT / "paths"
TEMPLATES = ROOT / "templates"
EXAMPLES = Path(__file__).resolve().parent / "examples"
JS_TOOLS = Path(__file__).resolve().parent / "js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


# In CI the property tests draw the same examples on every run (derandomize), so
# that a run fails for the change it tests, not for a new random draw. They
# explore freely on developers' machines (POLKU_FUZZ=5000 draws more).
settings.register_profile("ci", derandomize=True)
if os.environ.get("POLKU_REQUIRE_BROWSER"):
    settings.load_profile("ci")

_skipped: list[str] = []


def pytest_collection_modifyitems(items):
    """The quick-start tests first: each takes a test process for half a minute
    or more (a fresh clone, a venv, pip), and pytest-xdist hands out the tests
    in this order (a group such as "pdf" goes out whole, the largest first).
    Begun last, they would leave the other process idle at the end of a run."""
    items.sort(key=lambda item: item.get_closest_marker("quickstart") is None)


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_collectreport(report):
    if report.skipped:  # a whole module skipped, say the PDF tests without WeasyPrint
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    """In CI (POLKU_REQUIRE_BROWSER=1) a skipped test is a failed run, never a quiet pass.

    With pytest-xdist the tests run in worker processes, whose exit status
    nobody reads: the reports reach the hooks above in the controlling
    process too, and that one decides the run's exit status here."""
    if os.environ.get("POLKU_REQUIRE_BROWSER") and _skipped and exitstatus == 0:
        print(f"\n{len(_skipped)} test(s) skipped, which CI does not allow: " + ", ".join(_skipped[:5]))
        session.exitstatus = 1


@functools.cache
def js_tools(folder: Path = JS_TOOLS) -> str | None:
    """Set up the checkers in tests/js (axe-core, the Nu Html Checker) with
    `npm ci` the first time a test needs them, or when the lock file is newer
    than the last install, so that a newcomer's first test run skips nothing.
    None when they are ready, otherwise why not and what to install."""
    lock = folder / "package-lock.json"
    installed = folder / "node_modules" / ".package-lock.json"  # npm writes it on every install
    if installed.exists() and installed.stat().st_mtime >= lock.stat().st_mtime:
        return None
    npm = shutil.which("npm")
    if not npm:
        return "no npm to install axe-core and the Nu Html Checker into tests/js (apt-get install npm)"
    # The test workers (pytest-xdist) may all get here at once in a fresh clone:
    # one installs while the others wait on the lock file, then find it done.
    with open(lock, "rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        if installed.exists() and installed.stat().st_mtime >= lock.stat().st_mtime:
            return None
        run = subprocess.run([npm, "ci", "--prefix", str(folder), "--no-audit", "--no-fund", "--loglevel=error"],
                             capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if run.returncode != 0:
        last = (run.stderr.strip().splitlines() or ["no message"])[-1]
        return f"`npm ci --prefix tests/js` failed ({last}): axe-core and the Nu Html Checker are not installed"
    return None


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def write_paths(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def browser():
    """A real headless Chromium, or a visible skip (which .ci/run turns into a failure)."""
    required = bool(os.environ.get("POLKU_REQUIRE_BROWSER"))
    if not Path(CHROMIUM).exists():
        message = f"no Chromium at {CHROMIUM}: browser tests not run (apt-get install chromium)"
        pytest.fail(message) if required else pytest.skip(message)
    try:
        import playwright.sync_api as playwright_api
    except ImportError:
        message = "the playwright package is not installed: browser tests not run (.venv/bin/pip install -e '.[test]')"
        pytest.fail(message) if required else pytest.skip(message)
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def browser_context(browser):
    """One browser context for a module's pages, each page still a tab of its own
    with its own history. A context for each page starts a renderer process for
    each, which took about as much CPU again as loading the page; the pages keep
    nothing in storage or cookies for one page to leave to the next."""
    context = browser.new_context()
    yield context
    context.close()


@pytest.fixture(scope="session")
def bundled_site(tmp_path_factory) -> Path:
    from polku.site import build

    out = tmp_path_factory.mktemp("bundled") / "site"
    build(PATHS, TEMPLATES, out)
    return out


@pytest.fixture(scope="session")
def pdf_scratch(tmp_path_factory) -> Path:
    """The temporary folder of the PDF builds below, to see what they leave there."""
    return tmp_path_factory.mktemp("tmp")


def build_with_pdfs(folder: Path, out: Path, scratch: Path, paper: str | None = None) -> Path:
    """Build folder into out with its PDF handouts, the build's temporary files in scratch."""
    from polku.site import build

    default, tempfile.tempdir = tempfile.tempdir, str(scratch)
    try:
        build(folder, TEMPLATES, out, pdf=True, paper=paper)
    finally:
        tempfile.tempdir = default
    return out


@pytest.fixture(scope="session")
def bundled_pdf_site(tmp_path_factory, pdf_scratch) -> Path:
    """The bundled paths with their A4 PDFs: built once for test_pdf and test_handout,
    whose modules skip themselves when WeasyPrint cannot run."""
    return build_with_pdfs(PATHS, tmp_path_factory.mktemp("bundled-pdf") / "site", pdf_scratch)


FEATURE_SITE = EXAMPLES / "feature-site"


@pytest.fixture(scope="session")
def feature_site(tmp_path_factory) -> Path:
    """A site that uses every feature of the format, translations included."""
    from polku.site import build

    out = tmp_path_factory.mktemp("features") / "site"
    build(FEATURE_SITE, TEMPLATES, out)
    return out
