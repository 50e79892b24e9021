"""Shared helpers: the project's folders, a CLI runner, and a Chromium that skips visibly."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
PATHS = ROOT / "paths"
TEMPLATES = ROOT / "templates"
EXAMPLES = Path(__file__).resolve().parent / "examples"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


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
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: browser tests not run")
    playwright_api = pytest.importorskip("playwright.sync_api")
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


def pytest_collection_modifyitems(config, items):
    del config
    if os.environ.get("POLKU_REQUIRE_BROWSER") and not shutil.which("chromium") and not Path(CHROMIUM).exists():
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(pytest.mark.xfail(reason="Chromium required but missing", strict=True, run=False))
