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
from functools import cache, lru_cache
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


@cache
def bundled() -> FontMetrics:
    raw = json.loads(resources.files("polku").joinpath("assets/fonts/metrics.json").read_text(encoding="utf-8"))
    return FontMetrics(raw["regular"], raw["bold"], raw["units_per_em"])


def syllable_breaks(word: str) -> list[int]:
    """Positions where a Finnish word may be hyphenated (hyphenate(word, "fi"))."""
    return hyphenate(word, "fi")


@lru_cache(maxsize=65536)
def _hyphenate(word: str, language: str) -> tuple[int, ...]:
    breaks: list[int] = []
    start = 0
    # A hyphen already in the word ends one part and starts the next: each
    # part is hyphenated on its own ("A-klinikka", never "A-k-linikka").
    for part in word.split("-"):
        if part:
            rule = _finnish_breaks if language not in _PYPHEN else _pyphen_breaks(language)
            breaks += [start + p for p in rule(part)]
        start += len(part) + 1
        if 0 < start - 1 < len(word) - 1:
            breaks.append(start)  # after the hyphen itself
    return tuple(sorted(set(b for b in breaks if 0 < b < len(word) and word[b] != "-")))


def hyphenate(word: str, language: str) -> list[int]:
    """Positions where a word may be broken across lines, in a language
    (fi, sv or en): a break at p puts word[:p] on one line and word[p:] on
    the next. A break right after a hyphen of the word adds no hyphen; any
    other adds one. The same breaks serve the picture (wrap) and the soft
    hyphens of the pages.

    Swedish and English use the hyphenation dictionaries of LibreOffice
    (pyphen): their syllables follow no simple rule. Finnish keeps its own
    rule, which is regular: a syllable starts with the last consonant before
    a vowel (kun-tout-ta-va, työl-lis-tä-mi-nen).
    """
    return list(_hyphenate(word, language))


_PYPHEN = {"sv": ("sv", 2, 2), "en": ("en_US", 2, 3)}  # name, least letters before and after a break


@cache
def _pyphen_breaks(language: str):
    import pyphen  # LibreOffice's dictionaries: Swedish and English have no short rule of their own

    name, left, right = _PYPHEN[language]
    dictionary = pyphen.Pyphen(lang=name, left=left, right=right)
    return dictionary.positions


def _finnish_breaks(part: str) -> list[int]:
    breaks = []
    seen_vowel = False
    n = len(part)
    for i, ch in enumerate(part):
        if ch in VOWELS:
            seen_vowel = True
        elif (
            2 <= i <= n - 2
            and seen_vowel
            and ch.isalpha()
            and part[i + 1] in VOWELS
            and part[i - 1].isalpha()
        ):
            breaks.append(i)
    return breaks


def wrap(text: str, max_width: float, size: float, measurer: Measurer, bold: bool = False, language: str = "fi") -> list[str]:
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
            head, word = _split_word(word, max_width, size, measurer, bold, language)
            lines.append(head)
        line = word
    if line:
        lines.append(line)
    return lines or [""]


def _split_word(word: str, max_width: float, size: float, measurer: Measurer, bold: bool, language: str) -> tuple[str, str]:
    """The longest head of word (with a hyphen) that fits, and the rest."""
    for pos in reversed(hyphenate(word, language)):
        head = word[:pos] if word[pos - 1] == "-" else word[:pos] + "-"
        if measurer.width(head, size, bold) <= max_width:
            return head, word[pos:]
    for pos in range(len(word) - 1, 0, -1):
        head = word[:pos] + "-"
        if measurer.width(head, size, bold) <= max_width:
            return head, word[pos:]
    return word[:1], word[1:]  # a single character wider than the line: nothing better exists
