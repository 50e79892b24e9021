"""The built site in a real headless Chromium: loads clean, links resolve, text stays in its card."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        del args


@pytest.fixture(scope="module")
def server(bundled_site: Path):
    handler = functools.partial(_QuietHandler, directory=str(bundled_site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


def _pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


@pytest.fixture(scope="module")
def tab(browser_context):
    """One tab that this module loads page after page in (_open): a new tab for
    each page took about 0.2 s of CPU more than the page itself in one tab."""
    page = browser_context.new_page()
    problems: list[list[str]] = [[]]  # the list of the page loaded last
    page.on("console", lambda m: problems[0].append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems[0].append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems[0].append(f"failed: {r.url}"))
    page.on("response", lambda r: problems[0].append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    yield page, problems


def _open(tab, url: str, width: int = 1366):
    """The page at url, loaded afresh at that width, and the problems it reports."""
    page, problems = tab
    page.goto("about:blank")  # the last page gone, and a new document even when only the #anchor differs
    problems[0] = []
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(url, wait_until="load")
    page.evaluate("document.fonts.ready")
    return page, problems[0]


@pytest.mark.parametrize("base", ["file", "http"])
def test_every_page_loads_clean_and_its_links_and_step_anchors_resolve(tab, bundled_site, server, base):
    """Each page opened once per way of serving it: no error, a title, its language, and
    every link to the site's own files leads to a file that has the anchor it names."""
    root = bundled_site.as_uri() + "/" if base == "file" else server
    checked = 0
    for name in _pages(bundled_site):
        page, problems = _open(tab, root + name)
        assert page.title(), name
        assert page.evaluate("document.documentElement.lang") == "fi"
        links = page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)")
        assert problems == [], (name, problems)
        for href in links:
            if not href.startswith(root):
                continue
            target, _, anchor = href[len(root):].partition("#")
            file = bundled_site / (target or "index.html")
            if file.is_dir() or target.endswith("/"):
                file = file / "index.html"
            assert file.is_file(), (name, href)
            if anchor:
                assert f'id="{anchor}"' in file.read_text(encoding="utf-8"), (name, href)
                checked += 1
    assert checked > 20, "step and role anchors were among the links"


def test_every_feature_page_loads_clean_with_its_language(tab, feature_site):
    titles = set()
    for name in _pages(feature_site):
        page, problems = _open(tab, feature_site.as_uri() + "/" + name)
        lang = page.evaluate("document.documentElement.lang")
        titles.add(page.title())
        anchors = page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)")
        assert problems == [], (name, problems)
        assert lang == ("sv" if name.startswith("sv/") else "fi"), name
        for href in anchors:
            if href.startswith("file:"):
                target = Path(href[len("file://"):].split("#")[0])
                assert target.is_file(), (name, href)
    assert len(titles) == len(_pages(feature_site)), "page titles are unique"


@pytest.mark.parametrize("which", ["bundled_site", "feature_site"])
def test_diagram_text_stays_inside_its_card_in_chromium(tab, which, request):
    site = request.getfixturevalue(which)
    for svg in sorted(site.rglob("*.svg")):
        if "assets" in svg.parts:
            continue
        page, problems = _open(tab, svg.as_uri())
        overflow = page.evaluate(
            """() => {
              const out = [];
              const fonts = [...document.fonts].filter(f => f.status === 'loaded').length;
              for (const g of document.querySelectorAll('g.step, g.note')) {
                const box = g.querySelector('.box').getBBox();
                for (const t of g.querySelectorAll('text')) {
                  const b = t.getBBox();
                  // A branch's condition (t-when) stands in the sign row above its card, as wide as the card.
                  const above = t.classList.contains('t-when');
                  if (b.x < box.x - 0.5 || b.x + b.width > box.x + box.width + 0.5 ||
                      (above ? b.y + b.height > box.y + 0.5 : (b.y < box.y - 0.5 || b.y + b.height > box.y + box.height + 0.5)))
                    out.push([g.dataset.step, t.textContent, b.x, b.width, box.x, box.width]);
                }
              }
              return {out, fonts};
            }"""
        )
        assert problems == []
        assert overflow["fonts"] >= 1, "the bundled font did not load"
        assert overflow["out"] == [], overflow["out"]


def test_search_on_index_finds_a_path_by_a_word_of_its_subtitle(tab, bundled_site):
    page, problems = _open(tab, (bundled_site / "index.html").as_uri())
    page.fill("#search", "kuntouttava")
    page.wait_for_selector(".search-hit")
    paths = page.eval_on_selector_all(".search-hit-path .search-hit-title", "els => els.map(e => e.textContent)")
    assert paths == ["Suvin polku"] and problems == []


def test_screenshots_at_three_widths(tab, bundled_site, tmp_path_factory):
    out = tmp_path_factory.mktemp("shots")
    for width in (320, 1366, 1920):
        page, problems = _open(tab, (bundled_site / "suvi" / "index.html").as_uri(), width)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        page.screenshot(path=str(out / f"suvi-{width}.png"), full_page=False)
        assert problems == []
        assert scroll_width <= width, f"the page scrolls sideways at {width}px"
