"""Markdown fields: the plain-paragraph shortcut writes exactly what Markdown would."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from polku import markup

# Letters, Finnish and Sámi ones, punctuation, digits, spaces, line breaks and
# every Markdown mark, so that both sides of the shortcut are exercised.
ALPHABET = st.sampled_from(list("aäöå ŋ.,:;()-–'\"?!%/0123456789\n\n  *_`[]<>&#>+=|~\\\t") + ["\r\n", "1. ", "- ", "    ", "http://x.fi"])


@settings(max_examples=1500, deadline=None)
@given(st.lists(ALPHABET, max_size=40).map("".join))
def test_plain_paragraphs_shortcut_matches_markdown(text: str) -> None:
    if markup._MARKDOWN_SYNTAX.search(text) or not text:
        return
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
