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
    # the picture's breaks, but none that leaves fewer than 3 letters on a line
    assert positions == [b for b in hyphenate(word, "fi") if 3 <= b <= len(word) - 3] and len(positions) >= 5
    assert str(soft_hyphens("jatkosuunnitelma")).split(SHY)[-1] == "telma", 'not "jatkosuunnitel-ma"'



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


@pytest.fixture(scope="module")
def tab(browser):
    """One browser tab that this module's tests load page after page in (_open).
    A context of its own for each page would start a renderer process for each,
    which took more CPU than the page itself; the pages keep nothing in storage
    or cookies, and each load starts from a blank page, so nothing carries over."""
    context = browser.new_context()
    page = context.new_page()
    errors: list[list[str]] = [[]]  # the list of the page loaded last
    page.on("pageerror", lambda e: errors[0].append(str(e)))
    page.on("console", lambda m: errors[0].append(m.text) if m.type == "error" else None)
    yield page, errors
    context.close()


def _open(tab, url: str, width: int, height: int, reduced_motion: bool = False):
    """The page at url, loaded afresh at that size, and the errors it reports."""
    page, errors = tab
    page.goto("about:blank")  # a new document even when only the #step- differs from the last one
    errors[0] = []
    page.set_viewport_size({"width": width, "height": height})
    page.emulate_media(reduced_motion="reduce" if reduced_motion else "no-preference")
    page.goto(url)
    page.evaluate("document.fonts.ready")
    return page, errors[0]


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
def test_at_320_px_no_page_is_wider_than_the_screen_and_no_word_sticks_out(tab, bundled_site, generated_site):
    problems = []
    for site in (bundled_site, generated_site):
        for page_file in _pages(site):
            page, errors = _open(tab, page_file.as_uri(), 320, 640)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 320:
                problems.append(f"{page_file.relative_to(site)}: {width} px wide")
            stuck = page.evaluate(STICKING_OUT)
            if stuck:
                problems.append(f"{page_file.relative_to(site)}: {stuck[:3]}")
            assert errors == []
    assert not problems, "\n".join(problems)
    page, _ = _open(tab, (generated_site / "p24" / "index.html").as_uri(), 320, 640)
    assert page.evaluate("document.querySelectorAll('section.step').length") == 24
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "page-p24-320.png"))


# ------------------------------------------------------------ item 1: the presentation view

# What a client sees at the current step of the presentation, in real screen px.
PRESENTED = """(id) => {
  const svg = document.querySelector('.diagram .polku-diagram');
  const a = svg.getBoundingClientRect();
  const cover = [document.querySelector('.walk-bar'), document.querySelector('.present-overview')]
    .filter(Boolean).map(e => e.getBoundingClientRect());
  const seen = {left: Math.max(0, a.left), top: Math.max(0, a.top),
                right: Math.min(innerWidth, a.right), bottom: Math.min(innerHeight, a.bottom)};
  const meet = (r, s) => Math.max(0, Math.min(r.right, s.right) - Math.max(r.left, s.left)) *
                         Math.max(0, Math.min(r.bottom, s.bottom) - Math.max(r.top, s.top));
  const share = r => meet(r, seen) / (r.width * r.height);
  const group = s => svg.querySelector(`g.step[data-step="${s}"]`);
  const card = group(id).querySelector('.box').getBoundingClientRect();
  const titles = [...group(id).querySelectorAll('text.t-title')];
  const px = t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a;
  const section = document.getElementById('step-' + id);
  const ahead = (section.dataset.next + ' ' + section.dataset.loops).split(/\\s+/).filter(Boolean);
  const panel = document.querySelector('.steps');
  const p = panel.getBoundingClientRect();
  const small = [];
  for (const e of section.querySelectorAll('*')) {
    const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (own && e.offsetParent && parseFloat(getComputedStyle(e).fontSize) < 18) small.push(e.tagName + ' ' + e.textContent.trim().slice(0, 20));
  }
  // Whether a camera could show 40 % of a next step at all: the current card and
  // the 40 % of the next card nearest to it, in the picture's units, within the
  // view that draws the title at 20 px. A return loop may go further back than that.
  const user = e => {
    const b = e.getBBox(), m = svg.getScreenCTM().inverse().multiply(e.getScreenCTM());
    return {x: m.a * b.x + m.e, y: m.d * b.y + m.f, w: m.a * b.width, h: m.d * b.height};
  };
  const font = Math.max(...titles.map(t => parseFloat(getComputedStyle(t).fontSize)));
  const viewW = a.width * font / 20, viewH = a.height * font / 20;
  const c = user(group(id).querySelector('.box'));
  const slice = s => {
    const t = user(group(s).querySelector('.box'));
    if (t.x >= c.x + c.w) return {x: t.x, y: t.y, w: 0.4 * t.w, h: t.h};
    if (t.x + t.w <= c.x) return {x: t.x + 0.6 * t.w, y: t.y, w: 0.4 * t.w, h: t.h};
    if (t.y >= c.y + c.h) return {x: t.x, y: t.y, w: t.w, h: 0.4 * t.h};
    return {x: t.x, y: t.y + 0.6 * t.h, w: t.w, h: 0.4 * t.h};
  };
  const possible = list => {  // the card and 40 % of every step in list, all at once
    const all = [c, ...list.map(slice)];
    const w = Math.max(...all.map(b => b.x + b.w)) - Math.min(...all.map(b => b.x));
    const h = Math.max(...all.map(b => b.y + b.h)) - Math.min(...all.map(b => b.y));
    return w <= viewW && h <= viewH;
  };
  const loops = section.dataset.loops.split(/\\s+/).filter(Boolean);
  const ov = document.querySelector('.present-overview');
  const o = ov ? ov.getBoundingClientRect() : null;
  return {
    card: share(card), cardCovered: cover.some(r => meet(card, r) > 0),
    // The walk's badge above the card ("Käsitellään nyt"), whole inside the picture's frame.
    badge: (b => {
      if (!b) return 1;
      const r = b.getBoundingClientRect(), f = svg.parentElement.getBoundingClientRect();
      const inFrame = {left: Math.max(seen.left, f.left), top: Math.max(seen.top, f.top),
                       right: Math.min(seen.right, f.right), bottom: Math.min(seen.bottom, f.bottom)};
      return meet(r, inFrame) / (r.width * r.height);
    })(group(id).querySelector('.badge')),
    title: titles.length ? Math.min(...titles.map(px)) : 0,
    ahead: Object.fromEntries(ahead.map(s => [s, share(group(s).querySelector('.box').getBoundingClientRect())])),
    loops: loops, allPossible: possible(ahead), forwardPossible: possible(ahead.filter(s => !loops.includes(s))),
    small: small,
    panelInside: p.left >= 0 && p.right <= innerWidth + 0.5 && p.top >= 0 && p.bottom <= cover[0].top + 0.5,
    panelCut: panel.scrollWidth > panel.clientWidth + 1 ||
              (panel.scrollHeight > panel.clientHeight + 1 && !['auto', 'scroll'].includes(getComputedStyle(panel).overflowY)),
    shownSteps: [...document.querySelectorAll('.steps > li')].filter(li => li.offsetParent).length,
    overview: !!o && o.width > 60 && o.height > 30 && o.left >= 0 && o.right <= innerWidth + 0.5 && o.top >= 0 && o.bottom <= innerHeight,
    overviewMarks: ov ? [...ov.querySelectorAll('.overview-current')].map(g => g.dataset.overviewStep) : [],
    pageWidth: document.documentElement.scrollWidth,
    // A return loop's step beyond the frame: the sign at the frame's edge, and the overview's mark.
    signs: [...document.querySelectorAll('.present-far')].map(e => {
      const r = e.getBoundingClientRect();
      return {text: e.textContent, inside: meet(r, seen) / (r.width * r.height), overCard: meet(r, card) > 0};
    }),
    overviewLoops: ov ? [...ov.querySelectorAll('.overview-loop')].map(g => g.dataset.overviewStep) : [],
    titles: Object.fromEntries(ahead.map(s => [s, document.getElementById('step-' + s).dataset.title])),
    // At a fork every choice is wholly in sight, inside the controls and the screen.
    choicesCut: (() => {
      const bar = document.querySelector('.walk-bar').getBoundingClientRect();
      const box = {left: Math.max(0, bar.left), top: Math.max(0, bar.top), right: Math.min(innerWidth, bar.right), bottom: Math.min(innerHeight, bar.bottom)};
      return [...document.querySelectorAll('.walk-choices:not([hidden]) button')].map(b => b.getBoundingClientRect())
        .filter(r => r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5 || r.left < box.left - 0.5 || r.right > box.right + 0.5).length;
    })(),
  };
}"""


def _at_step(page, step: str, measure: str, settle: bool = True):
    """Go to a step by its address, wait until the walk has made it the current
    one (looked at every frame, as wait_for_function does), let two more frames
    draw if settle, and return what the function measure (of the step's id)
    finds: one call to the browser for each step, where four cost more CPU than
    the measuring."""
    return page.evaluate("""async (id) => {
      location.hash = 'step-' + id;
      const frame = () => new Promise(r => requestAnimationFrame(r));
      for (const t0 = performance.now(); document.querySelector('[aria-current=step]')?.dataset.step !== id; await frame())
        if (performance.now() - t0 > 30000) throw new Error(`step ${id} did not become the current one in 30 s`);
      if (%s) { await frame(); await frame(); }
      return (%s)(id);
    }""" % ("true" if settle else "false", measure), step)


def _walk_every_step(page, width: int, far: list[str]) -> list[str]:
    """Go to every step by its address and measure it; the problems found.
    A return loop whose target lies too far back to be seen together with the
    ways forward at 20 px titles goes into far: the camera shows the ways
    forward then, and a sign at the frame's edge and the overview's mark must
    show where the loop leads (the layout decides the distance)."""
    problems = []
    ids = page.evaluate("[...document.querySelectorAll('section.step')].map(s => s.dataset.step)")
    for step in ids:
        m = _at_step(page, step, PRESENTED)
        where = f"{page.url.split('/')[-2]}#{step}"
        if m["card"] < 0.999 or m["cardCovered"]:
            problems.append(f"{where}: card {m['card']:.0%} on screen, covered {m['cardCovered']}")
        if m["badge"] < 0.999:
            problems.append(f"{where}: the walk's badge {m['badge']:.0%} inside the picture's frame")
        if m["title"] < 20:
            problems.append(f"{where}: title {m['title']:.1f} px")
        forward_seen = all(share >= 0.4 for s, share in m["ahead"].items() if s not in m["loops"])
        for target, share in m["ahead"].items():
            if share >= 0.4:
                continue
            if target in m["loops"] and not m["allPossible"] and (m["forwardPossible"] or forward_seen):
                far.append(f"{where} -> {target}")  # the loop or the ways forward: forward wins
                # Then the frame's edge names the loop's step, beside the card, and the overview marks it.
                said = [s for s in m["signs"] if m["titles"][target] in s["text"]]
                if not said or said[0]["inside"] < 0.999 or said[0]["overCard"] or target not in m["overviewLoops"]:
                    problems.append(f"{where}: the return loop to {target} is out of sight, and its sign {said} "
                                    f"or the overview's mark {m['overviewLoops']} does not show it")
            else:
                problems.append(f"{where}: next step {target} {share:.0%} on screen")
        if m["choicesCut"]:
            problems.append(f"{where}: {m['choicesCut']} of the fork's choices cut by the controls' edge")
        if m["small"]:
            problems.append(f"{where}: text under 18 px: {m['small'][:3]}")
        if not m["panelInside"] or m["panelCut"] or m["shownSteps"] != 1:
            problems.append(f"{where}: explanation panel inside {m['panelInside']}, cut {m['panelCut']}, steps {m['shownSteps']}")
        if not m["overview"] or m["overviewMarks"] != [step]:
            problems.append(f"{where}: overview {m['overview']}, marks {m['overviewMarks']}")
        if m["pageWidth"] > width:
            problems.append(f"{where}: page {m['pageWidth']} px wide")
    return problems


@pytest.mark.browser
@pytest.mark.parametrize("width,height", [(1366, 768), (1280, 720)])
def test_presentation_frames_every_step_of_every_path(tab, bundled_site, feature_site, generated_site, width, height):
    problems: list[str] = []
    far: list[str] = []
    pages = [bundled_site / "suvi", bundled_site / "valtteri", feature_site / "haara", feature_site / "pitka"]
    pages += [generated_site / name for name in generated_paths.names()]
    for folder in pages:
        first = (folder / "index.html").as_uri()
        page, errors = _open(tab, first + "?view=present", width, height, reduced_motion=True)
        assert page.evaluate("document.body.classList.contains('presenting')"), folder.name
        problems += _walk_every_step(page, width, far)
        assert errors == [], folder.name
    print(f"\n{width}x{height}: return loops too far back for 20 px titles: {len(far)}: {', '.join(far)}")
    assert not problems, "\n".join(problems)


@pytest.mark.browser
def test_deep_link_button_keys_and_smooth_moves(tab, bundled_site):
    url = (bundled_site / "suvi" / "index.html").as_uri()
    page, errors = _open(tab, url + "?view=present#step-monialainen-suunnitelma", 1366, 768)
    page.wait_for_function("() => !document.querySelector('.polku-diagram').hasAttribute('data-moving')")
    assert page.evaluate("document.body.classList.contains('presenting')")
    assert page.evaluate("document.querySelector('[aria-current=step]').dataset.step") == "monialainen-suunnitelma"
    whole = page.evaluate("document.querySelector('.present-overview svg').getAttribute('viewBox')")  # the whole picture
    assert (bundled_site / "suvi" / "suvi.svg").read_text(encoding="utf-8").count(f'viewBox="{whole}"') == 1
    # The next step pans and zooms over about 300 ms, eased: midway the view is between the two.
    before = page.evaluate("document.querySelector('.polku-diagram').getAttribute('viewBox')")
    samples = page.evaluate("""new Promise(done => { const svg = document.querySelector('.polku-diagram'); const out = [];
        document.activeElement.dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowRight', bubbles: true}));
        const t0 = performance.now();
        (function tick() { out.push([performance.now() - t0, svg.getAttribute('viewBox'), svg.hasAttribute('data-moving')]);
          if (performance.now() - t0 < 600) requestAnimationFrame(tick); else done(out); })(); })""")
    assert page.evaluate("location.search") == "?view=present" and page.evaluate("location.hash") == "#step-palvelutarpeen-arviointi"
    boxes = [s[1] for s in samples]
    after = boxes[-1]
    assert after != before
    # Frames come as fast as the machine draws them (a shared test machine draws
    # few): at least one view between the two, each one further along the way.
    between = [b for b in boxes if b not in (before, after)]
    assert between, f"the camera moves through views between the two: {samples}"
    x0, x1 = float(before.split()[0]), float(after.split()[0])
    xs = [float(b.split()[0]) for b in boxes]
    assert all((b - a) * (x1 - x0) >= 0 for a, b in zip(xs, xs[1:])), "it never turns back"
    moving = [t for t, _, m in samples if m]
    still = [t for t, _, m in samples if not m]
    # about 300 ms: not over before 250 ms, and over in time even on a slow machine
    assert moving and still and 250 <= min(still) <= 800, f"it moves for about 300 ms: {samples}"
    assert page.evaluate("document.querySelector('.polku-diagram').viewBox.baseVal.width") < float(whole.split()[2]), "it zooms in"
    # The walk's own button enters and leaves the same view, and the address says so.
    page.keyboard.press("Escape")
    assert not page.evaluate("document.body.classList.contains('presenting')")
    assert page.evaluate("location.search") == "" and page.evaluate("location.hash") == "#step-palvelutarpeen-arviointi"
    assert page.evaluate("document.querySelector('.polku-diagram').getAttribute('viewBox')") == whole, "the page shows the whole picture again"
    assert page.locator(".present-overview").count() == 0
    page.click(".walk-present")
    assert page.evaluate("location.search") == "?view=present"
    assert page.locator(".present-overview").count() == 1
    # The keys work as in the walk: back, forward, a fork's choices, Esc.
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("location.hash") == "#step-monialainen-suunnitelma"
    page.reload()
    assert page.evaluate("document.body.classList.contains('presenting')"), "a reload keeps the view"
    assert errors == []
    # With reduced motion the camera jumps: the first frame after the key shows the end.
    page, errors = _open(tab, url + "?view=present#step-monialainen-suunnitelma", 1366, 768, reduced_motion=True)
    page.keyboard.press("ArrowRight")
    first = page.evaluate("document.querySelector('.polku-diagram').getAttribute('viewBox')")
    page.wait_for_timeout(500)
    assert page.evaluate("document.querySelector('.polku-diagram').getAttribute('viewBox')") == first
    assert not page.evaluate("document.querySelector('.polku-diagram').hasAttribute('data-moving')")
    assert errors == []


@pytest.mark.browser
def test_presentation_has_no_wcag_violations_and_the_overview_is_hidden_from_screen_readers(browser, bundled_site):
    from .test_quality import AXE, _axe, _need

    _need(AXE, "axe-core")
    context = browser.new_context(viewport={"width": 1280, "height": 720}, reduced_motion="reduce", bypass_csp=True)
    page = context.new_page()
    page.goto((bundled_site / "suvi" / "index.html").as_uri() + "?view=present#step-loppuarvio")
    page.evaluate("document.fonts.ready")
    assert page.get_attribute(".present-overview svg", "aria-hidden") == "true"
    assert page.evaluate("document.querySelectorAll('.present-overview [id], .present-overview [data-step], .present-overview text').length") == 0
    assert _axe(page) == []
    context.close()


# ------------------------------------------------------------ item 5: the path page

PAGE_PICTURE = """(() => {
  const svg = document.querySelector('.diagram .polku-diagram');
  const r = svg.getBoundingClientRect();
  const px = [...svg.querySelectorAll('g.step text.t-title')].map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a);
  return {top: r.top, title: Math.min(...px), steps: document.querySelectorAll('section.step').length, scrollY: scrollY};
})()"""


@pytest.mark.browser
@pytest.mark.parametrize("width,height", [(1366, 768), (1280, 720)])
def test_path_page_starts_the_picture_in_the_first_screen_with_legible_titles(tab, bundled_site, feature_site, generated_site,
                                                                              width, height):
    problems = []
    pages = [bundled_site / "suvi", bundled_site / "valtteri", feature_site / "haara", feature_site / "pitka"]
    pages += [generated_site / name for name in generated_paths.names()]
    for folder in pages:
        for name in ("index.html", "professional.html"):
            page, errors = _open(tab, (folder / name).as_uri(), width, height)
            m = page.evaluate(PAGE_PICTURE)
            where = f"{folder.name}/{name}"
            # The picture starts in the upper half of the first screen (the issue asks for the first screen).
            if m["top"] > 0.5 * height:
                problems.append(f"{where}: picture starts at {m['top']:.0f} px")
            if width == 1366 and m["steps"] <= 12 and m["title"] < 14:
                problems.append(f"{where}: {m['steps']} steps, titles at {m['title']:.1f} px")
            assert errors == []
    assert not problems, "\n".join(problems)


# ------------------------------------------------------------ item 8: the walk on a phone

@pytest.mark.browser
@pytest.mark.parametrize("height", [568, 640])
def test_at_320_px_the_walks_controls_cover_a_third_of_the_screen_at_most(tab, bundled_site, feature_site, generated_site, height):
    problems = []
    for folder in (bundled_site / "suvi", feature_site / "haara", generated_site / "p30", generated_site / "fork4"):
        page, errors = _open(tab, (folder / "index.html").as_uri() + "#step-" + ("s0" if folder.name in ("p30", "fork4") else
                                                                                   "tuen-tarve" if folder.name == "suvi" else "a"),
                             320, height)
        for step in page.evaluate("[...document.querySelectorAll('section.step')].map(s => s.dataset.step)"):
            bar, width, cut = _at_step(page, step, """() => [
                document.querySelector('.walk-bar').getBoundingClientRect().height,
                document.documentElement.scrollWidth,
                [...document.querySelectorAll('.walk-choices button')].filter(b => b.scrollWidth > b.clientWidth + 1).length]""",
                                       settle=False)
            if bar > height / 3:
                problems.append(f"{folder.name}#{step}: controls {bar:.0f} of {height} px")
            if width > 320:
                problems.append(f"{folder.name}#{step}: page wider than 320 px")
            # Every choice can be reached and read: none is cut off inside its button.
            if cut:
                problems.append(f"{folder.name}#{step}: {cut} choice buttons cut off")
        assert errors == []
    assert not problems, "\n".join(problems)


@pytest.mark.browser
def test_a_presentation_opened_on_a_phone_shows_the_current_card_above_the_step_and_controls(tab, bundled_site):
    """The presentation is for a laptop or a projector, but its address may be
    opened on a phone: there the picture stands on top, the current card whole
    in it, and the explanation and the controls below cover none of it."""
    problems = []
    for folder in (bundled_site / "suvi", bundled_site / "valtteri"):
        page, errors = _open(tab, (folder / "index.html").as_uri() + "?view=present", 320, 640, reduced_motion=True)
        for step in page.evaluate("[...document.querySelectorAll('section.step')].map(s => s.dataset.step)"):
            m = _at_step(page, step, """(id) => {
                const r = e => e.getBoundingClientRect();
                const card = r(document.querySelector(`.diagram g.step[data-step="${id}"] .box`));
                const whole = r(document.querySelector('.diagram'));
                // The frame as the screen shows it: the page itself may have scrolled it partly away.
                const frame = {left: Math.max(0, whole.left), top: Math.max(0, whole.top),
                               right: Math.min(innerWidth, whole.right), bottom: Math.min(innerHeight, whole.bottom)};
                frame.height = frame.bottom - frame.top;
                const meet = (a, b) => Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left)) *
                                       Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top));
                const inside = meet(card, frame) / (card.width * card.height);
                const badge = document.querySelector(`.diagram g.step[data-step="${id}"] .badge`);
                const badgeInside = badge ? meet(r(badge), frame) / (r(badge).width * r(badge).height) : 1;
                const covered = [...document.querySelectorAll('.steps, .walk-bar')].some(e => meet(card, r(e)) > 0);
                const title = document.querySelector(`.diagram g.step[data-step="${id}"] text.title, .diagram g.step[data-step="${id}"] text`);
                return {inside, covered, badge: badgeInside, frame: frame.height / innerHeight, title: r(title).height,
                        width: document.documentElement.scrollWidth};
            }""")
            if m["inside"] < 0.999 or m["badge"] < 0.999 or m["covered"] or m["frame"] < 0.4 or m["width"] > 320:
                problems.append(f"{folder.name}#{step}: card {m['inside']:.0%} and the walk's badge {m['badge']:.0%} in the picture, "
                                f"covered {m['covered']}, picture {m['frame']:.0%} of the screen, page {m['width']} px wide")
        assert errors == []
    assert not problems, "\n".join(problems)
