"""Each invalid example states, in its first line, the diagnostic it must produce."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from polku.load import check_site, load_site

from .conftest import EXAMPLES

INVALID = sorted((EXAMPLES / "invalid").glob("*.yaml"))
EXPECT = re.compile(r"^# expect: (\d+):(\d+): (.+)$")


@pytest.mark.parametrize("example", INVALID, ids=lambda p: p.stem)
def test_invalid_example_reports_its_error(example: Path, tmp_path: Path):
    first = example.read_text(encoding="utf-8").splitlines()[0]
    match = EXPECT.match(first)
    assert match, f"{example.name} must start with '# expect: line:col: words'"
    line, col, words = int(match[1]), int(match[2]), match[3]
    shutil.copy(example, tmp_path / example.name)
    diagnostics = [d for d in check_site(tmp_path) if not d.warning]
    assert diagnostics, "an invalid file passed the check"
    shown = [str(d) for d in diagnostics]
    assert any(d.line == line and d.col == col and words in d.message for d in diagnostics), shown
    assert all(d.file.endswith(example.name) for d in diagnostics)


def test_there_are_enough_invalid_examples():
    assert len(INVALID) >= 20


def test_valid_examples_load(tmp_path: Path):
    for example in sorted((EXAMPLES / "valid").glob("*.yaml")):
        shutil.copy(example, tmp_path / example.name)
    site, warnings = load_site(tmp_path)
    assert site.paths and not [w for w in warnings if not w.warning]
