"""The bundled font's subsets are declared with exactly the characters they have."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from polku.svg import UNICODE_RANGE

from .conftest import TEMPLATES

TTFont = pytest.importorskip("fontTools.ttLib", reason="fontTools (a WeasyPrint dependency) is not installed").TTFont


def _codepoints(ranges: str) -> set[int]:
    out: set[int] = set()
    for part in ranges.replace(" ", "").split(","):
        low, _, high = part.removeprefix("U+").partition("-")
        out.update(range(int(low, 16), int(high or low, 16) + 1))
    return out


def _cmap(weight: int) -> set[int]:
    font = resources.files("polku").joinpath(f"assets/fonts/atkinson-hyperlegible-next-{weight}.woff2")
    with resources.as_file(font) as file:
        return set(TTFont(str(file)).getBestCmap())


def test_declared_range_is_exactly_what_the_font_has():
    for weight in (400, 700):
        assert _codepoints(UNICODE_RANGE) == _cmap(weight)
    for letter in "ŋŧʒ":
        assert ord(letter) not in _cmap(400), "then it must fall back to another font"


def test_stylesheet_declares_the_same_range():
    css = (TEMPLATES / "assets" / "style.css").read_text(encoding="utf-8")
    declared = re.findall(r"unicode-range:\s*([^;]+);", css)
    assert len(declared) == 2
    assert {d.replace(" ", "") for d in declared} == {UNICODE_RANGE}
