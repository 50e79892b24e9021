"""Text width from the bundled font's metrics, and wrapping to a width.

The diagram is drawn with Atkinson Hyperlegible Next (bundled in
assets/fonts). Its advance widths are read from metrics.json, written by
tools/font_metrics.py, so that the build needs no font library. A character
the font lacks (Sámi ŋ ŧ ʒ, emoji) is drawn by a fallback font and measured
wider than any real glyph of those fonts, so text never overflows its card.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Protocol

FALLBACK_EM = 1.3  # width of a character the font lacks, in ems: wider than emoji (about 1.25) and CJK (1.0)
VOWELS = set("aeiouyäöåAEIOUYÄÖÅéÉüÜ")


class Measurer(Protocol):
    def width(self, text: str, size: float, bold: bool = False) -> float: ...


@dataclass(frozen=True)
class FontMetrics:
    regular: dict[str, int]
    bold: dict[str, int]
    units_per_em: int = 1000

    def width(self, text: str, size: float, bold: bool = False) -> float:
        table = self.bold if bold else self.regular
        fallback = FALLBACK_EM * self.units_per_em
        units = sum(table.get(ch, fallback) for ch in text)
        return units * size / self.units_per_em

    def has(self, ch: str) -> bool:
        return ch in self.regular


@cache
def bundled() -> FontMetrics:
    raw = json.loads(resources.files("polku").joinpath("assets/fonts/metrics.json").read_text(encoding="utf-8"))
    return FontMetrics(raw["regular"], raw["bold"], raw["units_per_em"])


def syllable_breaks(word: str) -> list[int]:
    """Positions where a Finnish word may be hyphenated.

    The Finnish rule: a syllable starts with the last consonant before a
    vowel (kun-tout-ta-va, työ-llis-tä-mi-nen is wrong, työl-lis-tä-mi-nen
    right). Existing hyphens are break points too. Applied to Swedish or
    English text it gives breaks that are acceptable on a diagram card.
    """
    breaks = []
    seen_vowel = False
    for i, ch in enumerate(word):
        if ch in VOWELS:
            seen_vowel = True
        if (
            0 < i < len(word) - 1
            and seen_vowel
            and ch.isalpha()
            and ch not in VOWELS
            and word[i + 1] in VOWELS
            and word[i - 1].isalpha()
            and i >= 2
            and len(word) - i >= 2
        ):
            breaks.append(i)
        if ch == "-" and 0 < i < len(word) - 1:
            breaks.append(i + 1)
    return sorted(set(breaks))


def wrap(text: str, max_width: float, size: float, measurer: Measurer, bold: bool = False) -> list[str]:
    """Greedy word wrap; a word too long for a line is hyphenated at a
    syllable boundary, and failing that cut between characters."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if measurer.width(candidate, size, bold) <= max_width:
            line = candidate
            continue
        if line:
            lines.append(line)
            line = ""
        while measurer.width(word, size, bold) > max_width:
            head, word = _split_word(word, max_width, size, measurer, bold)
            lines.append(head)
        line = word
    if line:
        lines.append(line)
    return lines or [""]


def _split_word(word: str, max_width: float, size: float, measurer: Measurer, bold: bool) -> tuple[str, str]:
    """The longest head of word (with a hyphen) that fits, and the rest."""
    for pos in reversed(syllable_breaks(word)):
        head = word[:pos] if word[pos - 1] == "-" else word[:pos] + "-"
        if measurer.width(head, size, bold) <= max_width:
            return head, word[pos:]
    for pos in range(len(word) - 1, 0, -1):
        head = word[:pos] + "-"
        if measurer.width(head, size, bold) <= max_width:
            return head, word[pos:]
    return word[:1], word[1:]  # a single character wider than the line: nothing better exists
