"""The picture where it is used: the presentation view that follows the walk,
the path page's first screen, and long words on narrow screens (issue 14,
items 1, 5 and 8). Measured in Chromium on the bundled paths and on made-up
ones (tests/generated_paths.py): 3 to 30 steps, forks of 2 to 4 ways, joins,
return loops, long Finnish compounds."""

from __future__ import annotations

from pathlib import Path

import pytest
from markupsafe import Markup

from polku.measure import hyphenate
from polku.site import soft_hyphens

from . import generated_paths
from .conftest import TEMPLATES

SHY = "\u00ad"
SHOTS = Path("/tmp/shots/present")


# ------------------------------------------------------------ soft hyphens (no browser)

def test_soft_hyphens_sit_at_the_pictures_syllable_breaks():
    word = "Asiakassuunnitelmaneuvottelu"
    out = str(soft_hyphens(word))
    assert out.replace(SHY, "") == word
    positions, at = [], 0
    for piece in out.split(SHY)[:-1]:
        at += len(piece)
        positions.append(at)
    assert positions == hyphenate(word, "fi") and len(positions) >= 5


def test_soft_hyphens_escape_text_and_leave_markup_code_and_short_words_alone():
    assert str(soft_hyphens("<b>Kuntoutusmahdollisuusselvitys</b> & työ")).startswith("&lt;b&gt;Kun" + SHY)
    html = Markup('<p><a href="Kuntoutusmahdollisuusselvitys.html">Kuntoutusmahdollisuusselvitys</a> '
                  '<code>Kuntoutusmahdollisuusselvitys</code> Suvi</p>')
    out = str(soft_hyphens(html))
    assert 'href="Kuntoutusmahdollisuusselvitys.html"' in out, "attributes are not text"
    assert "<code>Kuntoutusmahdollisuusselvitys</code>" in out, "code is copied, not read"
    assert ">Kun" + SHY + "tou" in out
    assert str(soft_hyphens("Suvi ja polku alkaa")) == "Suvi ja polku alkaa"


# ------------------------------------------------------------ browser fixtures

@pytest.fixture(scope="session")
def generated_site(tmp_path_factory) -> Path:
    from polku.site import build

    root = tmp_path_factory.mktemp("generated")
    generated_paths.write(root / "paths")
    build(root / "paths", TEMPLATES, root / "site")
    return root / "site"


def _open(browser, url: str, width: int, height: int, reduced_motion: bool = False):
    context = browser.new_context(viewport={"width": width, "height": height},
                                  reduced_motion="reduce" if reduced_motion else "no-preference")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(url)
    page.evaluate("document.fonts.ready")
    return page, errors


def _pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if p.name != "print.html")


# Every element outside the picture whose content is wider than its box
# (scroll containers aside: their content scrolls, it does not stick out).
STICKING_OUT = """(() => {
  const out = [];
  for (const e of document.querySelectorAll('body *')) {
    if (e.closest('svg') || !e.offsetParent && getComputedStyle(e).position !== 'fixed') continue;
    const style = getComputedStyle(e);
    if (style.overflowX !== 'visible' || style.display === 'inline') continue;
    if (e.scrollWidth > e.clientWidth + 1) out.push(e.tagName + '.' + e.className + ': ' + e.textContent.trim().slice(0, 40));
  }
  return out;
})()"""


# ------------------------------------------------------------ item 8: narrow screens


@pytest.mark.browser
def test_at_320_px_no_page_is_wider_than_the_screen_and_no_word_sticks_out(browser, bundled_site, generated_site):
    problems = []
    for site in (bundled_site, generated_site):
        for page_file in _pages(site):
            page, errors = _open(browser, page_file.as_uri(), 320, 640)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 320:
                problems.append(f"{page_file.relative_to(site)}: {width} px wide")
            stuck = page.evaluate(STICKING_OUT)
            if stuck:
                problems.append(f"{page_file.relative_to(site)}: {stuck[:3]}")
            assert errors == []
            page.context.close()
    assert problems == []
    page, _ = _open(browser, (generated_site / "p24" / "index.html").as_uri(), 320, 640)
    assert page.evaluate("document.querySelectorAll('section.step').length") == 24
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "page-p24-320.png"))
    page.context.close()
