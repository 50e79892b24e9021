"""Markdown for the fields the format marks as Markdown, sanitised.

Markdown is rendered first and the HTML then cleaned with nh3 (a binding of
the Rust ammonia sanitiser, kept by the same people as Python's Bleach
successor): a whitelist of tags, no attributes that run script, and links
only to http, https, mailto, tel and relative addresses. Raw HTML typed in
the Markdown is not recognised as HTML at all, so it shows as text, never as
markup. Links to other hosts are marked, in words for screen readers and
print, by a treeprocessor that sees each link's address as a browser will.

Python-Markdown reads some hostile texts in quadratic time: its link parser
scans from every '[' to the end of the paragraph when the bracket is never
closed (20,000 '[' took a minute), from every '](' to the end when a
parenthesis is never closed, and its code-span finder from every unpaired
'`' run. The classes below answer the same questions in linear time, with
the same results.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from bisect import bisect_right
from functools import cache, lru_cache

import markdown
import nh3
from markdown.inlinepatterns import BacktickInlineProcessor, ImageInlineProcessor, ImageReferenceInlineProcessor, LinkInlineProcessor, ReferenceInlineProcessor, ShortImageReferenceInlineProcessor, ShortReferenceInlineProcessor
from markupsafe import Markup, escape  # escape: site.py escapes with it

TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h3", "h4", "blockquote", "code", "span"}
ATTRIBUTES = {"a": {"href", "class"}, "span": {"class"}}
SCHEMES = {"http", "https", "mailto", "tel"}
MAX_QUOTE_DEPTH = 5
# Characters a browser drops from an address before reading it.
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]")


def is_external(url: str) -> bool:
    """Whether a link leaves the site, judged as a browser reads the address:
    'https:', '//host' and '/\\host' (a browser reads '\\' as '/') all go
    to another host."""
    cleaned = _URL_NOISE.sub("", url).replace("\\", "/").lower()
    return cleaned.startswith(("//", "http:", "https:"))


# ---------------------------------------------------------------- linear-time links


_MAX_TITLED_LINK = 300  # an address with a title is read by the original loop, this far at most


class _PairTable:
    """Where each opening mark of one text closes (or that it never does),
    counted from the end of the text: the inline processor only ever changes
    a text before the place it is reading, so a table stays right for the
    rest of it."""

    def __init__(self, marks: str) -> None:
        self.marks = re.compile(re.escape(marks[0]) + "|" + re.escape(marks[1]))
        self.open = marks[0]
        self.text = ""
        self.closes: dict[int, int] = {}

    def partner(self, data: str, index: int) -> int | None:
        """Index of the mark closing the one at index - 1, or None."""
        from_end = len(data) - index + 1
        if data is not self.text and not (len(self.text) >= from_end and self.text.endswith(data[index - 1 :])):
            self._build(data)
        close = self.closes.get(from_end)
        return None if close is None else len(data) - close

    def _build(self, data: str) -> None:
        self.text, self.closes, n = data, {}, len(data)
        stack: list[int] = []
        for match in self.marks.finditer(data):
            if match.group() == self.open:
                stack.append(n - match.start())
            elif stack:
                self.closes[stack.pop()] = n - match.start()


def _has_quote(data: str, start: int, end: int) -> bool:
    return data.find('"', start, end) >= 0 or data.find("'", start, end) >= 0


class _LinearLinks:
    """getText and getLink of Python-Markdown's link processors, with the
    same results in linear time: the next closing mark answers when nothing
    opens before it, and a table of the whole text answers otherwise."""

    def handleMatch(self, m: re.Match[str], data: str):  # noqa: ANN201 - Python-Markdown's signature
        if data.find("]", m.end(0)) < 0:
            # No ']' anywhere after: no later '[' can make a link either, so
            # skip to the end rather than try each of them.
            return None, m.start(0), len(data)
        return super().handleMatch(m, data)  # type: ignore[misc]

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:
        close = data.find("]", index)
        if close < 0:
            return "", len(data), False  # never closed
        if data.find("[", index, close) >= 0:  # nested: ask the table
            close = self._tables()[0].partner(data, index)
            if close is None:
                return "", len(data), False
        return data[index:close], close + 1, True

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:
        m = self.RE_LINK.match(data, pos=index)  # type: ignore[attr-defined]
        if m is None or m.group(1):
            return super().getLink(data, index)  # type: ignore[misc]
        start = m.end()
        # Without quotes the original only pairs parentheses; with them it
        # reads a title, in ways best left to it (in a window).
        close = data.find(")", start)
        if close >= 0 and data.find("(", start, close) >= 0:  # nested: ask the table
            close = self._tables()[1].partner(data, index + 1)
        if close is None or close < 0:
            if _has_quote(data, start, start + _MAX_TITLED_LINK):
                return self._titled(data, index)
            return "", None, len(data), False  # never closed
        if _has_quote(data, start, close):
            return self._titled(data, index)
        return self.unescape(data[start:close]).strip(), None, close + 1, True  # type: ignore[attr-defined]

    def _titled(self, data: str, index: int) -> tuple[str, str | None, int, bool]:
        window = data[index : index + _MAX_TITLED_LINK]
        href, title, end, handled = super().getLink(window, 0)  # type: ignore[misc]
        # The original can give -1, the end of the text, when a title is never closed.
        return href, title, end if end < 0 else end + index, handled

    def _tables(self) -> tuple[_PairTable, _PairTable]:
        tables = self.__dict__.get("_pair_tables")
        if tables is None:
            tables = self.__dict__["_pair_tables"] = (_PairTable("[]"), _PairTable("()"))
        return tables


class _Link(_LinearLinks, LinkInlineProcessor):
    pass


class _Image(_LinearLinks, ImageInlineProcessor):
    pass


class _Reference(_LinearLinks, ReferenceInlineProcessor):
    pass


class _ShortReference(_LinearLinks, ShortReferenceInlineProcessor):
    pass


class _ImageReference(_LinearLinks, ImageReferenceInlineProcessor):
    pass


class _ShortImageReference(_LinearLinks, ShortImageReferenceInlineProcessor):
    pass


_TICKS = re.compile(r"`+")


class _TickTable:
    """Every run of backticks of one text, counted from the end of the text
    (see _PairTable): for each length, where runs of it start, and for each
    run, the first of the longest runs from it on."""

    def __init__(self) -> None:
        self._build("")

    def runs_after(self, data: str, pos: int) -> tuple[int, int]:
        """(index of the first run at or after pos, its from-end key)."""
        if data is not self.text and not (len(self.text) >= len(data) - pos and self.text.endswith(data[pos:])):
            self._build(data)
        key = len(data) - pos
        # self.ends is descending; the first run at or after pos has end-key <= key.
        return bisect_right(self.neg_ends, -key - 1), key

    def _build(self, data: str) -> None:
        n = len(data)
        self.text = data
        runs = [(n - m.start(), m.end() - m.start()) for m in _TICKS.finditer(data)]
        self.neg_ends = [-end for end, _ in runs]
        self.runs = runs
        self.by_length: dict[int, list[int]] = {}
        for i, (_, length) in enumerate(runs):
            self.by_length.setdefault(length, []).append(i)
        self.longest = [0] * (len(runs) + 1)  # index of the first longest run from i on
        best = len(runs)
        lengths = [length for _, length in runs] + [0]
        for i in range(len(runs) - 1, -1, -1):
            if lengths[i] >= lengths[best]:
                best = i
            self.longest[i] = best
        self.lengths = lengths


class _Backtick(BacktickInlineProcessor):
    """find_code_spans with the same answers as the original, from a table
    instead of a Python loop over every character to the end."""

    def find_code_spans(self, start: int, text: str) -> tuple[int, int | None]:
        opening = _TICKS.match(text, start)
        if opening is None:  # not at a backtick: as the original, nothing
            return start, None
        max_ticks = len(opening.group())
        start = opening.end()
        table = self.__dict__.get("_ticks")
        if table is None:
            table = self.__dict__["_ticks"] = _TickTable()
        first, _ = table.runs_after(text, start)
        n = len(text)
        same = table.by_length.get(max_ticks, [])
        at = bisect_right(same, first - 1)
        if at < len(same):
            return start, n - table.runs[same[at]][0]
        # As the original: pair with the first of the longest shorter runs.
        best = table.longest[first] if first < len(table.runs) else None
        if best is not None and 0 < table.lengths[best] < max_ticks:
            longest = table.lengths[best]
            return start - (max_ticks - longest), n - table.runs[best][0]
        return start + max_ticks, None  # as the original, which skips this far


# ---------------------------------------------------------------- the extension


class _QuoteDepth(markdown.preprocessors.Preprocessor):
    """Block quotes nest at most MAX_QUOTE_DEPTH deep: each level is parsed
    again from the start, so 200 levels took seconds. Deeper '>' are text."""

    _DEEP = re.compile(r"^((?:[ ]{0,3}>[ ]?){%d})([ ]{0,3}>)" % MAX_QUOTE_DEPTH)

    def run(self, lines: list[str]) -> list[str]:
        return [self._DEEP.sub(r"\1\\\2", line) if ">" in line else line for line in lines]


class _External(markdown.treeprocessors.Treeprocessor):
    """Mark each link to another host: a class, and hidden words that say so.
    Runs after the unescape treeprocessor, on the address a browser gets."""

    label = ""

    def run(self, root: etree.Element) -> None:
        if not self.label:
            return
        for link in list(root.iter("a")):
            if not is_external(link.get("href", "")):
                continue
            link.set("class", "external")
            if len(link):
                link[-1].tail = (link[-1].tail or "") + " "
            else:
                link.text = (link.text or "") + " "
            hidden = etree.SubElement(link, "span", {"class": "visually-hidden"})
            hidden.text = self.label


class _Polku(markdown.Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.inlinePatterns.deregister("entity")  # "&amp;" typed shows as typed, like any HTML
        md.preprocessors.register(_QuoteDepth(md), "polku_quote_depth", 5)
        patterns = md.inlinePatterns
        patterns.register(_Backtick(markdown.inlinepatterns.BACKTICK_RE), "backtick", 190)
        patterns.register(_Reference(markdown.inlinepatterns.REFERENCE_RE, md), "reference", 170)
        patterns.register(_Link(markdown.inlinepatterns.LINK_RE, md), "link", 160)
        patterns.register(_Image(markdown.inlinepatterns.IMAGE_LINK_RE, md), "image_link", 150)
        patterns.register(_ImageReference(markdown.inlinepatterns.IMAGE_REFERENCE_RE, md), "image_reference", 140)
        patterns.register(_ShortReference(markdown.inlinepatterns.REFERENCE_RE, md), "short_reference", 130)
        patterns.register(_ShortImageReference(markdown.inlinepatterns.IMAGE_REFERENCE_RE, md), "short_image_ref", 125)
        md.treeprocessors.register(_External(md), "polku_external", -10)


@cache
def _renderer() -> markdown.Markdown:
    return markdown.Markdown(extensions=[_Polku(), "sane_lists"], output_format="html")


# Anything that could be Markdown: inline marks, entities and HTML, a line that
# starts with a space, a digit or a block mark, and trailing spaces (<br>).
_MARKDOWN_SYNTAX = re.compile(r"[*_`\[\]<>&\\\t\r\f\v]|^[ \d\-+=#>|~:]| $", re.MULTILINE)


@lru_cache(maxsize=16384)
def render(text: str, external_label: str = "") -> Markup:
    """Markdown text -> safe HTML. The same text is often rendered on three
    pages of a path: each is converted once."""
    if not text:
        return Markup("")
    if not _MARKDOWN_SYNTAX.search(text):
        return _paragraphs(text)
    md = _renderer()
    md.reset()
    md.treeprocessors["polku_external"].label = external_label
    html = md.convert(text)
    clean = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return Markup(clean)


def _paragraphs(text: str) -> Markup:
    """Plain paragraphs, exactly as Markdown writes them, without its parser:
    most step texts are just this (tests/test_site.py compares the two)."""
    body = text.strip("\n")
    return Markup("\n".join(f"<p>{para}</p>" for para in re.split(r"\n{2,}", body)) if body else "")
