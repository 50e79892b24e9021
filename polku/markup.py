"""Markdown for the fields the format marks as Markdown, sanitised.

Markdown is rendered first and the HTML then cleaned with nh3 (a binding of
the Rust ammonia sanitiser, kept by the same people as Python's Bleach
successor): a whitelist of tags, no attributes that run script, and links
only to http, https, mailto, tel and relative addresses. Raw HTML typed in
the Markdown is escaped before rendering, so it shows as text, never as
markup. External links are marked in words for screen readers and print.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

import markdown
import nh3
from markupsafe import Markup, escape

TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h3", "h4", "blockquote", "code", "span"}
ATTRIBUTES = {"a": {"href", "class"}, "span": {"class"}}
SCHEMES = {"http", "https", "mailto", "tel"}
_EXTERNAL = re.compile(r'<a href="(https?:)?//[^"]*"', re.IGNORECASE)


class _EscapeHtml(markdown.preprocessors.Preprocessor):
    """Raw HTML is text in polku: editors are not writing web pages."""

    def run(self, lines: list[str]) -> list[str]:
        return [line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for line in lines]


class _NoHtml(markdown.Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.preprocessors.register(_EscapeHtml(md), "polku_escape_html", 100)


@cache
def _renderer() -> markdown.Markdown:
    return markdown.Markdown(extensions=[_NoHtml(), "sane_lists"], output_format="html")


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
    html = md.convert(text)
    clean = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    if external_label:
        clean = _mark_external(clean, external_label)
    return Markup(clean)


def _paragraphs(text: str) -> Markup:
    """Plain paragraphs, exactly as Markdown writes them, without its parser:
    most step texts are just this (tests/test_site.py compares the two)."""
    body = text.strip("\n")
    return Markup("\n".join(f"<p>{para}</p>" for para in re.split(r"\n{2,}", body)) if body else "")


def _mark_external(html: str, label: str) -> str:
    hidden = f' <span class="visually-hidden">{escape(label)}</span>'
    out, pos = [], 0
    for match in _EXTERNAL.finditer(html):
        end = html.index("</a>", match.end())
        out.append(html[pos : match.start()] + '<a class="external"' + html[match.start() + 2 : end] + hidden)
        pos = end
    out.append(html[pos:])
    return "".join(out)


def inline(text: str) -> Markup:
    """Plain text for HTML: escaped, nothing else."""
    return escape(text)
