"""Shared helpers: the project's folders, a CLI runner, and a Chromium that skips visibly."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
PATHS = ROOT / "paths"
TEMPLATES = ROOT / "templates"
EXAMPLES = Path(__file__).resolve().parent / "examples"
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


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    """In CI (POLKU_REQUIRE_BROWSER=1) a skipped test is a failed run, never a quiet pass."""
    if os.environ.get("POLKU_REQUIRE_BROWSER") and _skipped and exitstatus == 0:
        print(f"\n{len(_skipped)} test(s) skipped, which CI does not allow: " + ", ".join(_skipped[:5]))
        session.exitstatus = 1


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
        message = "the playwright package is not installed: browser tests not run"
        pytest.fail(message) if required else pytest.skip(message)
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def bundled_site(tmp_path_factory) -> Path:
    from polku.site import build

    out = tmp_path_factory.mktemp("bundled") / "site"
    build(PATHS, TEMPLATES, out)
    return out


FEATURE_SITE = EXAMPLES / "feature-site"


@pytest.fixture(scope="session")
def feature_site(tmp_path_factory) -> Path:
    """A site that uses every feature of the format, translations included."""
    from polku.site import build

    out = tmp_path_factory.mktemp("features") / "site"
    build(FEATURE_SITE, TEMPLATES, out)
    return out
