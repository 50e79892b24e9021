"""Diagnostics: every problem found in the content, with where it is.

Problems are collected, never raised one by one, so that an editor sees all
of them in one run (`file:line:col: message`, the format of compilers and
yamllint that editors and CI annotate).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True, order=True)
class Diagnostic:
    file: str
    line: int
    col: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        prefix = "warning: " if self.warning else ""
        return f"{self.file}:{self.line}:{self.col}: {prefix}{self.message}"


class ContentError(Exception):
    """Raised once, at the end of reading, when the content has problems."""

    def __init__(self, diagnostics: Iterable[Diagnostic]):
        self.diagnostics = sorted(diagnostics)
        super().__init__("\n".join(map(str, self.diagnostics)))


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ' (did you mean 'x'?)' hint when one choice is close, else ''."""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
