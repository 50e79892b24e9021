"""Markdown fields: the plain-paragraph shortcut writes exactly what Markdown would."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from polku import markup

# Two kinds of draws. Prose the shortcut takes: lines that mostly start with a letter and end
# without a space, of letters (Finnish and Sámi ones too), digits, punctuation and spaces,
# in paragraphs; nearly all of them reach the assertion. And any mix of those with every
# Markdown mark, line starts that make lists, quotes and code and line ends that break a line among them: these catch a
# shortcut taken where Markdown would do something (`assume` drops those the shortcut
# rightly leaves to Markdown, about 5 in 6 of them).
# A line mostly starts with a letter; sometimes as a list, a quote, a heading or code does.
LINE_START = st.sampled_from(list("aäöåŋSÄzx") * 8 + ["1. ", "2) ", "- ", "+ ", "> ", "# ", "    ", " ", "| ", ": "])
PROSE_CHAR = st.sampled_from(list("aäöå ŋ.,;()-–'\"?!%/0123456789+=#|~:") + [" ", "  ", "http://x.fi"])
PROSE_LINE = st.builds(lambda first, rest: (first + "".join(rest)).rstrip(" "), LINE_START, st.lists(PROSE_CHAR, max_size=30))
PROSE = st.lists(st.tuples(PROSE_LINE, st.sampled_from(["\n"] * 4 + ["\n\n"] * 3 + ["\n\n\n", "  \n"])), min_size=1, max_size=4).map(
    lambda lines: "".join(line + gap for line, gap in lines).rstrip("\n"))
ALPHABET = st.sampled_from(list("aäöå ŋ.,:;()-–'\"?!%/0123456789\n\n  *_`[]<>&#>+=|~\\\t") + ["\r\n", "1. ", "- ", "    ", "http://x.fi"])


@settings(max_examples=300, deadline=None)
@given(st.one_of(PROSE, st.lists(ALPHABET, max_size=40).map("".join)))
def test_plain_paragraphs_shortcut_matches_markdown(text: str) -> None:
    assume(text and not markup._MARKDOWN_SYNTAX.search(text))
    markup.render.cache_clear()
    md = markup._renderer()
    md.reset()
    import nh3

    full = nh3.clean(md.convert(text), tags=markup.TAGS, attributes=markup.ATTRIBUTES, url_schemes=markup.SCHEMES,
                     link_rel="noopener noreferrer", strip_comments=True)
    assert str(markup.render(text)) == full


def test_the_shortcut_is_taken_for_ordinary_prose_and_not_for_markdown() -> None:
    assert not markup._MARKDOWN_SYNTAX.search("Suvi saa kirjallisen päätöksen.\nSiinä kerrotaan, missä.\n\nToinen kappale (30 päivää).")
    for text in ("*tärkeä*", "- kohta", "1. kohta", "rivi  \nrivi", "[linkki](https://x.fi)", "    koodi", "a & b", "<b>x</b>"):
        assert markup._MARKDOWN_SYNTAX.search(text), text


# ---------------------------------------------------------------- issue 17: safe and linear Markdown

import time  # noqa: E402

import markdown  # noqa: E402
import pytest  # noqa: E402


class _StockNoHtml(markdown.Extension):
    def extendMarkdown(self, md):
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.inlinePatterns.deregister("entity")
        md.preprocessors.register(markup._QuoteDepth(md), "polku_quote_depth", 5)  # not what is compared


LINKY = st.sampled_from(list("ab `[]()!\"'<>\\\n") + ["](", "[a]", "(b)", "``", "x.fi", "\n\n", "[r]: /u\n", '"t"', "<u>"])


@settings(max_examples=1000, deadline=None)
@given(st.lists(LINKY, max_size=30).map("".join))
def test_linear_link_and_code_parsers_read_exactly_what_python_markdown_reads(text: str) -> None:
    """The linear-time link and code-span readers give Python-Markdown's own
    results, on texts full of brackets, parentheses, quotes and backticks."""
    stock = markdown.Markdown(extensions=[_StockNoHtml(), "sane_lists"], output_format="html")
    ours = markup._renderer()
    ours.reset()
    assert ours.convert(text) == stock.convert(text)


HOSTILE = {
    "open brackets": "[" * 20000,
    "open images": "![" * 10000,
    "nested brackets": "[" * 10000 + "]" * 10000 + "(",
    "brackets and stars": "*[" * 10000,
    "unclosed addresses": "[a](" * 5000,
    "unclosed angle addresses": "[x](<" * 4000,
    "unclosed titles": '[x](a "' * 2857,
    "titles with parentheses": "[x](a '(" * 2500,
    "links and open brackets": "[](x)[[]" * 2500,
    "code spans of every length": "".join("`" * i + "a" for i in range(1, 200))[:20000],
    "unpaired code spans": "``a`" * 5000,
    "brackets in code": "[`]`" * 5000,
    "deep quotes": "".join(">" * i + " a\n" for i in range(1, 200))[:20000],
    "backslashes": "\\" * 20000,
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_markdown_renders_in_linear_time(name: str) -> None:
    """Each of these took from 2 to 60 seconds before (a '[' never closed made
    the link parser scan to the end from every '['). Measured against a plain
    text of the same length rendered in the same run, on a shared machine."""
    text = HOSTILE[name]
    plain = ("Tavallista tekstiä *korostettuna* ja [linkki](https://x.fi). " * 400)[: len(text)]
    markup.render.cache_clear()
    began = time.perf_counter()
    markup.render(plain, "ulkoinen")
    baseline = time.perf_counter() - began
    markup.render.cache_clear()
    began = time.perf_counter()
    markup.render(text, "ulkoinen")
    took = time.perf_counter() - began
    assert took < max(20 * baseline, 0.5), f"{name}: {took:.2f}s, plain text {baseline:.2f}s"


def test_code_spans_are_escaped_once_and_block_quotes_render() -> None:
    markup.render.cache_clear()
    assert str(markup.render("`a < b` & <b>c</b>")) == "<p><code>a &lt; b</code> &amp; &lt;b&gt;c&lt;/b&gt;</p>"
    quoted = str(markup.render("> Lainaus\n> jatkuu\n\nSen jälkeen"))
    assert quoted.startswith("<blockquote>\n<p>Lainaus\njatkuu</p>\n</blockquote>")
    deep = str(markup.render("> " * 8 + "syvä"))
    assert deep.count("<blockquote>") == markup.MAX_QUOTE_DEPTH and "&gt; &gt; &gt; syvä" in deep


@pytest.mark.parametrize("href", ["/\\evil.example/x", "\\\\\\\\evil.example/x", "https://x.fi", "HTTP://x.fi", "//x.fi", " https://x.fi", "/\\\\evil.example"])
def test_links_to_other_hosts_are_marked_as_a_browser_reads_them(href: str) -> None:
    markup.render.cache_clear()
    html = str(markup.render(f"[ulos]({href})", "(ulkoinen sivusto)"))
    assert '<a class="external"' in html, html
    assert 'ulos <span class="visually-hidden">(ulkoinen sivusto)</span></a>' in html
    assert markup.is_external(href.replace("\\\\", "\\"))


@pytest.mark.parametrize("href", ["/local/page", "\\\\x.fi/a", "sivu.html", "#kohta", "mailto:a@x.fi", "tel:+358401234567", "?at=2"])
def test_links_within_the_site_are_not_marked(href: str) -> None:
    markup.render.cache_clear()
    html = str(markup.render(f"[tässä]({href})", "(ulkoinen sivusto)"))
    assert "external" not in html and "visually-hidden" not in html and "<a " in html, html
