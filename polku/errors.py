"""Diagnostics: every problem found in the content, with where it is.

Problems are collected, never raised one by one, so that an editor sees all
of them in one run (`file:line:col: message`, the format of compilers and
yamllint that editors and CI annotate).

Every diagnostic is exactly one line, whatever the content held: line
breaks, control characters, bidirectional overrides, lone surrogates and
non-characters in a file name or a message are shown escaped (`\\n`,
`\\x01`, `\\u202e`), here, in one place. Values quoted in messages go through
quote(), which cuts them to MAX_QUOTED characters, and a whole message is cut
to MAX_MESSAGE characters: a log never shows more than a glimpse of a file.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any, Iterable

MAX_QUOTED = 60
MAX_MESSAGE = 400

# What must never reach a terminal or a log as it is: C0 and C1 controls (line
# breaks among them), the Unicode line and paragraph separators, bidirectional
# controls, lone surrogates (which cannot even be written as UTF-8) and
# non-characters.
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069"
    "\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff\U0001fffe\U0001ffff\U0010fffe\U0010ffff]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_one(match: re.Match) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def one_line(text: str) -> str:
    """text with everything that could break a line or fool a reader escaped."""
    return _UNSAFE.sub(_escape_one, text)


def cut(text: str, limit: int = MAX_QUOTED) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quote(value: Any) -> str:
    """A value from a file as a message shows it: in quotes, on one line,
    cut to about MAX_QUOTED characters."""
    return f"'{cut(one_line(str(value)))}'"


@dataclass(frozen=True, order=True)
class Diagnostic:
    file: str
    line: int
    col: int
    message: str
    warning: bool = False

    def __post_init__(self) -> None:
        # The one place that keeps every problem on one line, and short.
        object.__setattr__(self, "file", one_line(str(self.file)))
        object.__setattr__(self, "message", cut(one_line(str(self.message)), MAX_MESSAGE))

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
    return f" (did you mean {quote(close[0])}?)" if close else ""
