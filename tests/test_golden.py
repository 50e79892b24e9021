"""Structural golden files: the shape of each diagram, without coordinates.

Geometry may move when the layout improves; the structure (which steps,
edges, loops, lamps, notes and legend entries a diagram holds, in order)
changes only when we mean it to. To accept an intended change:

    POLKU_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py

and review the diff of tests/golden/ like any other change.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from polku.i18n import translator
from polku.layout import layout
from polku.load import load_site
from polku.svg import render

from .conftest import EXAMPLES, PATHS

GOLDEN = Path(__file__).resolve().parent / "golden"
NS = "{http://www.w3.org/2000/svg}"
KEPT = ("class", "data-step", "data-from", "data-to", "data-role", "data-phase")


def outline(svg: str) -> str:
    """One line per element: its depth, tag, structural attributes and text."""
    lines: list[str] = []

    def walk(el: ET.Element, depth: int) -> None:
        tag = el.tag.removeprefix(NS)
        if tag in ("style", "defs"):
            return
        attrs = " ".join(f"{k}={el.get(k)!r}" for k in KEPT if el.get(k) is not None)
        text = f" {el.text.strip()!r}" if el.text and el.text.strip() else ""
        lines.append(f"{'  ' * depth}{tag}{' ' + attrs if attrs else ''}{text}")
        for child in el:
            walk(child, depth + 1)

    walk(ET.fromstring(svg), 0)
    return "\n".join(lines) + "\n"


CASES = [(PATHS, "suvi"), (PATHS, "valtteri"), (EXAMPLES / "feature-site", "haara"), (EXAMPLES / "feature-site", "haara.sv")]


@pytest.mark.parametrize(("folder", "name"), CASES, ids=[name for _, name in CASES])
def test_diagram_structure_matches_golden(folder, name):
    site, _ = load_site(folder)
    path = next(p for p in site.paths if Path(p.source).stem == name)
    titles = {p.id: p.title for p in site.paths if p.language == path.language}
    got = outline(render(layout(path, translator(path.language), titles), "d"))
    golden = GOLDEN / f"{name}.txt"
    if os.environ.get("POLKU_UPDATE_GOLDEN"):
        golden.write_text(got, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden.name}: run with POLKU_UPDATE_GOLDEN=1 and review it"
    assert got == golden.read_text(encoding="utf-8"), f"{name}: the diagram's structure changed; if intended, regenerate (see module docstring)"
