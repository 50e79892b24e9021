"""Walking a client through a path in Chromium: keys, buttons, forks, loops, the address, "my path"."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parent.parent / "build" / "screenshots"


def _page(browser_context, url: str, width: int = 1366, height: int = 768):
    page = browser_context.new_page()
    page.set_viewport_size({"width": width, "height": height})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(url)
    return page, errors


def _current(page) -> list[str]:
    """Every element marked aria-current=step, as tag:step-id."""
    return page.evaluate(
        "[...document.querySelectorAll('[aria-current=step]')].map(e => e.tagName.toLowerCase() + ':' + e.dataset.step)"
    )


def _hash(page) -> str:
    return page.evaluate("location.hash")


def test_opening_a_step_address_starts_the_walk_there(browser_context, feature_site):
    page, errors = _page(browser_context, (feature_site / "haara" / "index.html").as_uri() + "#step-b")
    assert _current(page) == ["g:b", "section:b"]
    assert page.evaluate("document.activeElement.id") == "step-b", "focus moves to the current step's text"
    assert page.is_visible(".walk-bar")
    assert "Arbetsverksamhet" in page.inner_text(".walk-status").replace("\u00ad", ""), "soft hyphens aside"
    assert page.get_attribute(".walk-status", "aria-live") == "polite", "a screen reader hears the change"
    # The step before it on the way here looks "behind you", in the diagram and the text.
    assert page.evaluate("document.querySelector('.polku-diagram g.step[data-step=a]').classList.contains('behind')")
    assert page.evaluate("document.getElementById('step-a').classList.contains('behind')")
    assert errors == []


def test_keys_walk_through_a_fork_and_a_loop_and_the_address_follows(browser_context, feature_site):
    page, errors = _page(browser_context, (feature_site / "haara" / "index.html").as_uri() + "#step-b")
    page.keyboard.press("ArrowRight")
    assert _current(page) == ["g:d", "section:d"] and _hash(page) == "#step-d"
    # d goes on to e or back to a: the client chooses, and arrows move focus to the choices.
    page.keyboard.press("ArrowRight")
    assert _current(page) == ["g:d", "section:d"], "a fork does not choose by itself"
    choices = page.locator(".walk-choices button")
    assert choices.count() == 2
    assert page.evaluate("document.activeElement.closest('.walk-choices') !== null")
    labels = [text.replace("\u00ad", "") for text in choices.all_inner_texts()]
    assert any("Loppu" in text for text in labels) and any("Työllistymis" in text for text in labels)
    # The loop's "when" (next: {step: a, when: ...}) says on its button why one would go back.
    assert any(text.startswith("Jos suunnitelma ei toimi:") and "↺" in text for text in labels), labels
    page.locator(".walk-choices button", has_text="↺").click()  # the return loop
    assert _current(page) == ["g:a", "section:a"] and _hash(page) == "#step-a"
    # At a the path forks into b and c.
    page.locator(".walk-choices button", has_text="Sámi").click()
    assert _current(page) == ["g:c", "section:c"]
    page.keyboard.press("ArrowRight")  # c leads on to d (and also continues in another path)
    assert _current(page) == ["g:d", "section:d"]
    # The browser's back button retraces the walk; reloading keeps the place.
    page.go_back()
    assert _current(page) == ["g:c", "section:c"] and _hash(page) == "#step-c"
    page.go_back()
    page.go_back()
    assert _current(page) == ["g:d", "section:d"]
    page.reload()
    assert _current(page) == ["g:d", "section:d"]
    page.keyboard.press("ArrowLeft")
    assert _current(page) == ["g:b", "section:b"]
    page.keyboard.press("Escape")
    assert _current(page) == [] and _hash(page) == ""
    assert not page.is_visible(".walk-bar")
    assert page.evaluate("document.activeElement.className") == "walk-start", "focus returns to the button that starts the walk"
    assert errors == []


def test_buttons_walk_from_the_start(browser_context, bundled_site):
    page, errors = _page(browser_context, (bundled_site / "suvi" / "index.html").as_uri())
    assert _current(page) == []
    page.click(".walk-start")
    first = page.evaluate("document.querySelector('section.step').dataset.step")
    assert _current(page) == [f"g:{first}", f"section:{first}"]
    assert page.is_disabled(".walk-prev")
    page.click(".walk-next")
    page.click(".walk-next")
    assert _hash(page) == "#step-palvelutarpeen-arviointi"
    assert page.evaluate("document.activeElement.className") == "walk-next", "focus stays on the button pressed"
    page.click(".walk-prev")
    assert _hash(page) == "#step-monialainen-suunnitelma"
    page.click(".walk-stop")
    assert _current(page) == []
    assert errors == []


@pytest.mark.parametrize("width,height", [(1366, 768), (1920, 1080)])
def test_walk_and_presentation_screenshots(browser_context, bundled_site, width, height):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page, errors = _page(browser_context, (bundled_site / "suvi" / "index.html").as_uri() + "#step-loppuarvio", width, height)
    page.evaluate("document.fonts.ready")
    # The current card is scrolled into the visible part of the diagram.
    visible = page.evaluate("""(() => {
        const box = document.querySelector('.polku-diagram g.step[data-step=loppuarvio]').getBoundingClientRect();
        const frame = document.querySelector('.diagram-scroll').getBoundingClientRect();
        return box.top >= frame.top - 1 && box.bottom <= frame.bottom + 1 && box.left >= frame.left - 1 && box.right <= frame.right + 1;
    })()""")
    assert visible
    page.screenshot(path=str(SHOTS / f"walk-{width}.png"))
    page.click(".walk-present")
    assert page.evaluate("document.body.classList.contains('presenting')")
    assert page.get_attribute(".walk-present", "aria-pressed") == "true"
    # Only the current step's text is shown, large, beside the whole diagram; nothing scrolls sideways.
    shown = page.evaluate("[...document.querySelectorAll('.steps > li')].filter(li => li.offsetParent !== null).map(li => li.querySelector('section').dataset.step)")
    assert shown == ["loppuarvio"]
    assert page.evaluate("parseFloat(getComputedStyle(document.querySelector('.steps')).fontSize)") >= 22
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    svg = page.evaluate("(() => { const r = document.querySelector('.polku-diagram').getBoundingClientRect(); return [r.width, r.height]; })()")
    assert svg[0] > width * 0.5 and svg[1] > height * 0.5
    page.keyboard.press("ArrowRight")  # still walks by keyboard alone
    page.screenshot(path=str(SHOTS / f"present-{width}.png"))
    page.keyboard.press("Escape")
    assert not page.evaluate("document.body.classList.contains('presenting')")
    assert _current(page) != [], "the first Esc leaves the presentation, the walk goes on"
    assert errors == []


OVERLAPS = """(() => {
    // Every text and idea lamp of the picture, and the walk's badges, in the picture's own units.
    const svg = document.querySelector('.polku-diagram');
    const items = [];
    for (const el of svg.querySelectorAll('text, g.pilot, g.badge')) {
        if (el.closest('g.badge') && el.tagName === 'text') continue;  // a badge's text lies on its own badge
        if (el.closest('g.start') || el.closest('g.legend') || el.closest('g.pilot') && el.tagName === 'text') continue;
        const b = el.getBBox();
        if (b.width && b.height) items.push([el.tagName + ' ' + (el.getAttribute('class') || '') + ' ' + el.textContent.slice(0, 30), b]);
    }
    const out = [];
    for (let i = 0; i < items.length; i++) for (let j = i + 1; j < items.length; j++) {
        const [n1, a] = items[i], [n2, b] = items[j];
        if (a.x < b.x + b.width - 1 && b.x < a.x + a.width - 1 && a.y < b.y + b.height - 1 && b.y < a.y + a.height - 1) out.push([n1, n2]);
    }
    return [out, svg.querySelectorAll('g.badge').length];
})()"""


@pytest.mark.parametrize("path_id", ["suvi", "valtteri"])
def test_no_badge_covers_anything_at_any_step_of_a_walk(browser_context, bundled_site, path_id):
    """The walk's badges ("Käsitellään nyt", "✓ Takana") stand in the slots the layout keeps free."""
    page, errors = _page(browser_context, (bundled_site / path_id / "index.html").as_uri())
    page.evaluate("document.fonts.ready")
    page.click(".walk-start")
    seen = set()
    for _ in range(40):
        here = page.evaluate("location.hash")
        if here in seen:
            break
        seen.add(here)
        overlaps, badges = page.evaluate(OVERLAPS)
        assert badges >= 1 and overlaps == [], (here, overlaps)
        choices = page.locator(".walk-choices button:not([hidden])")
        if page.is_visible(".walk-choices") and choices.count():
            forward = [b for b in choices.all() if "↺" not in b.inner_text()]
            (forward[-1] if forward else choices.first).click()  # the last way forward: another lane than before
        elif page.is_enabled(".walk-next") and page.is_visible(".walk-next"):
            page.click(".walk-next")
        else:
            break
    assert len(seen) >= 8
    assert errors == []


def test_without_javascript_the_page_is_a_complete_document(browser, feature_site):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, java_script_enabled=False)
    page = context.new_page()
    page.goto((feature_site / "haara" / "index.html").as_uri() + "#step-d")
    sections = page.locator("section.step")
    assert sections.count() == 5
    assert all(page.is_visible(f"#step-{s}") for s in "abcde")
    for hidden in (".walk-bar", ".walk-controls", "#mypath", ".mypath-status"):
        assert not page.is_visible(hidden), hidden
    assert _current(page) == []
    context.close()


def test_my_path_lives_in_the_address_and_is_restored(browser_context, feature_site):
    page, errors = _page(browser_context, (feature_site / "haara" / "index.html").as_uri())
    page.click(".mypath-toggle")
    assert page.get_attribute(".mypath-toggle", "aria-expanded") == "true"
    page.select_option("#mypath-at", "d")
    page.check("input[name=fork-a][value=b]")
    page.click("#mypath button[type=submit]")
    url = page.url
    assert "at=d" in url and "choose=a.b" in url
    assert page.is_hidden("#step-c") and page.is_visible("#step-b")
    assert page.evaluate("document.querySelector('.polku-diagram g.step[data-step=c]').classList.contains('off')")
    assert page.evaluate("document.querySelector('.polku-diagram .edge[data-from=a][data-to=c]').classList.contains('off')")
    assert page.is_visible("#step-d .here-label"), "where the client is now is said in words"
    # The fork's card in the picture names the way chosen, instead of "choose one way".
    fork_line = "document.querySelector('.polku-diagram g.step[data-step=a] text.t-fork').textContent"
    assert page.evaluate(fork_line) == "Sinun valintasi: 2."
    assert "4/5" in page.inner_text(".mypath-status")
    print_href = page.get_attribute(".mypath-print", "href")
    assert print_href.startswith("print.html?") and "choose=a.b" in print_href
    # The same address in a new tab restores the same choices, in the page and the form.
    again, errors2 = _page(browser_context, url)
    assert again.is_hidden("#step-c")
    assert again.evaluate("document.querySelector('input[name=fork-a][value=b]').checked")
    assert again.evaluate("document.getElementById('mypath-at').value") == "d"
    # Walking follows the choice: from a, next goes to b without asking.
    again.click(".walk-start")
    assert _current(again) == ["g:d", "section:d"], "the walk starts where the client is"
    # Leaving out the optional step b: a leads straight to d.
    third, errors3 = _page(browser_context, (feature_site / "haara" / "index.html").as_uri() + "?choose=a.b&skip=b#step-a")
    third.keyboard.press("ArrowRight")
    assert _current(third) == ["g:d", "section:d"]
    assert third.is_hidden("#step-b")
    # Nothing is stored: no cookies, no storage.
    assert third.evaluate("document.cookie") == ""
    assert third.evaluate("localStorage.length + sessionStorage.length") == 0
    assert errors == errors2 == errors3 == []


def test_handout_follows_my_path(browser_context, feature_site):
    page, errors = _page(browser_context, (feature_site / "haara" / "print.html").as_uri() + "?at=d&choose=a.b")
    assert page.is_hidden("li[data-step=c]") and page.is_visible("li[data-step=b]")
    assert page.is_visible("li[data-step=d] .here-label")
    assert page.evaluate("document.querySelector('.handout-diagram g.step[data-step=a] text.t-fork').textContent") == "Sinun valintasi: 2."
    # Without a choice the handout is everyone's: the fork says to choose.
    every, _ = _page(browser_context, (feature_site / "haara" / "print.html").as_uri())
    assert every.evaluate("document.querySelector('.handout-diagram g.step[data-step=a] text.t-fork').textContent") == "Valitse yksi suunta"
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    assert errors == []


def test_professional_page_has_notes_and_client_page_does_not(browser_context, feature_site):
    page, _ = _page(browser_context, (feature_site / "haara" / "professional.html").as_uri())
    assert page.locator(".professional-notes").count() >= 1
    assert page.is_visible(".audience-banner")
    client, _ = _page(browser_context, (feature_site / "haara" / "index.html").as_uri())
    assert client.locator(".professional-notes").count() == 0


@pytest.mark.parametrize("page_name,query", [
    ("index.html", "?at=constructor#step-__proto__"),
    ("index.html", "?choose=toString.valueOf"),
    ("index.html", "?choose=constructor.x,a.constructor,__proto__.b,a.b.c&skip=hasOwnProperty,__proto__,toString#step-constructor"),
    ("index.html", "?at=__proto__&skip=valueOf#step-toString"),
    ("print.html", "?at=__proto__&choose=toString.valueOf&skip=constructor"),
])
def test_odd_addresses_never_break_the_walk(browser_context, feature_site, page_name, query):
    """Ids in the address are looked up in Maps: 'constructor' or '__proto__' find nothing."""
    page, errors = _page(browser_context, (feature_site / "haara" / page_name).as_uri() + query)
    assert errors == []
    assert _current(page) == [], "no walk starts at a step that does not exist"
    # Every step is still shown (nothing odd was taken as a choice or a skipped step).
    assert page.evaluate("[...document.querySelectorAll('li[data-step], .steps > li')].every(li => !li.hidden)")
    if page_name == "index.html":
        page.click(".walk-start")
        assert _current(page) == ["g:a", "section:a"]
        page.keyboard.press("ArrowRight")  # a forks: the choices, not an error
        assert page.locator(".walk-choices button").count() == 2
    assert errors == []


def test_a_step_that_continues_in_another_path_offers_the_way_there(browser_context, tmp_path):
    """Where a path ends but the client goes on in another path, the walk says
    where, not that this is the last step (issue 20)."""
    from polku.site import build

    from .conftest import TEMPLATES, write_paths

    paths = write_paths(tmp_path / "paths", {
        "eka.yaml": "title: Eka polku\nsteps:\n  - {id: a, title: Alku}\n  - {id: b, title: Siirto, continues: toka}\n",
        "toka.yaml": "title: Toka polku\nsteps:\n  - {id: x, title: Jatko}\n",
    })
    build(paths, TEMPLATES, tmp_path / "site")
    page, errors = _page(browser_context, (tmp_path / "site" / "eka" / "index.html").as_uri() + "#step-a")
    page.keyboard.press("ArrowRight")
    assert _current(page) == ["g:b", "section:b"]
    assert "viimeinen vaihe" not in page.inner_text(".walk-status")
    assert not page.is_visible(".walk-next")
    onward = page.locator(".walk-onward")
    assert onward.is_visible() and onward.inner_text() == "Jatkuu polulla: Toka polku →"
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.classList.contains('walk-onward')"), "the arrow moves focus to the way on"
    page.keyboard.press("Enter")
    page.wait_for_url("**/toka/index.html")
    assert page.locator("h1").inner_text() == "Toka polku"
    assert errors == []


def test_the_last_step_of_a_path_that_goes_nowhere_says_so(browser_context, feature_site):
    page, errors = _page(browser_context, (feature_site / "haara" / "index.html").as_uri() + "#step-e")
    assert page.inner_text(".walk-status").endswith("Polun viimeinen vaihe.")
    assert not page.is_visible(".walk-onward") and page.is_disabled(".walk-next")
    page.keyboard.press("ArrowRight")
    assert _current(page) == ["g:e", "section:e"] and errors == []


def test_a_step_whose_only_way_on_leads_back_says_so_on_its_button(browser_context, bundled_site):
    # Suvi's "Uusi työtoimintajakso" goes on only by its return loop, back to the decision.
    page, errors = _page(browser_context, (bundled_site / "suvi" / "index.html").as_uri() + "#step-uusi-jakso")
    back = page.evaluate("document.getElementById('step-paatos').dataset.title")
    assert page.inner_text(".walk-next") == f"↺ Takaisin: {back}"
    page.click(".walk-next")
    assert _hash(page) == "#step-paatos"
    assert page.inner_text(".walk-next") == "Seuraava →", "a way forward is 'next' again"
    assert errors == []


# The words inside the section of the step the client is at: any two that overlap.
HERE_OVERLAPS = """(section) => {
  const parts = [...section.querySelectorAll('.here-label, h3, .phase, .pilot-note, .optional-note, .facts, .step-roles')]
    .filter(e => e.getClientRects().length);
  const out = [];
  parts.forEach((a, i) => parts.slice(i + 1).forEach(b => {
    if (a.contains(b) || b.contains(a)) return;
    const r = a.getBoundingClientRect(), q = b.getBoundingClientRect();
    if (r.left < q.right && q.left < r.right && r.top < q.bottom - 0.5 && q.top < r.bottom - 0.5) out.push(a.className + ' / ' + b.className);
  }));
  return out;
}"""


@pytest.mark.parametrize("page_name", ["index.html", "print.html"])
@pytest.mark.parametrize("width", [1366, 320])
def test_you_are_here_covers_no_words_of_the_step(browser_context, bundled_site, page_name, width):
    """"Olet tässä" stands clear of the step's title and phase: it once sat on the
    phase's line (the phase is pulled up under the title)."""
    page, errors = _page(browser_context, (bundled_site / "suvi" / page_name).as_uri() + "?at=loppuarvio", width=width)
    page.evaluate("document.fonts.ready")
    section = page.locator("#step-loppuarvio" if page_name == "index.html" else "li[data-step=loppuarvio] section.step")
    assert section.locator(".here-label").is_visible() and section.locator(".phase" if page_name == "index.html" else "h3").is_visible()
    assert section.evaluate(HERE_OVERLAPS) == []
    assert errors == []


@pytest.mark.parametrize("width,height", [(1280, 720), (320, 640)])
def test_the_presentations_step_panel_says_when_more_text_is_below(browser_context, bundled_site, feature_site, width, height):
    """The step's text panel scrolls when the step says more than it has room
    for: an arrow at its foot says so until the reader reaches the end."""
    page, errors = _page(browser_context, (bundled_site / "suvi" / "index.html").as_uri() + "?at=loppuarvio&view=present#step-loppuarvio", width, height)
    page.evaluate("document.fonts.ready")
    panel = page.locator("ol.steps")
    assert panel.evaluate("p => p.scrollHeight > p.clientHeight + 2"), "the step's text is longer than its panel here"
    assert panel.get_attribute("data-more") == "Lisää tekstiä alempana", "said in words, in the page's language"
    cue = panel.evaluate("""p => { const s = getComputedStyle(p, '::after'); return [s.content, s.position, s.visibility]; }""")
    assert "↓\xa0Lisää tekstiä alempana" in cue[0] and cue[1] == "sticky" and cue[2] == "visible", cue
    panel.evaluate("p => { p.scrollTop = p.scrollHeight; }")
    page.wait_for_function("() => !document.querySelector('ol.steps').hasAttribute('data-more')")
    # Outside the presentation, and where the step fits, no cue.
    page.keyboard.press("Escape")
    page.wait_for_function("() => !document.body.classList.contains('presenting')")
    assert panel.get_attribute("data-more") is None
    short, errors2 = _page(browser_context, (feature_site / "pitka" / "index.html").as_uri() + "?view=present#step-s2", 1366, 768)
    short.evaluate("document.fonts.ready")
    assert short.evaluate("document.body.classList.contains('presenting')")
    assert short.evaluate("(p => p.scrollHeight <= p.clientHeight + 2)(document.querySelector('ol.steps'))")
    assert short.locator("ol.steps").get_attribute("data-more") is None
    assert errors == errors2 == []


def test_on_a_phone_the_far_loop_sign_finds_room_beside_the_cards(browser_context, bundled_site):
    """A return loop to a step too far back for the frame gets a sign at the
    frame's edge. A phone's frame has no room for the step's whole name: the
    sign then names its number ("Takaisin: 4."), covering no card, and the
    walk's button below names it in full."""
    page, errors = _page(browser_context, (bundled_site / "suvi" / "index.html").as_uri() + "?view=present#step-uusi-jakso", 320, 640)
    page.evaluate("document.fonts.ready")
    page.wait_for_selector(".present-far")
    covered = page.evaluate("""() => {
      const sign = document.querySelector('.present-far').getBoundingClientRect();
      const frame = document.querySelector('.diagram').getBoundingClientRect();
      const meet = (a, b) => Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left)) * Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top));
      const cards = [...document.querySelectorAll('.polku-diagram g.step .box')].map(b => b.getBoundingClientRect())
        .filter(r => meet(r, frame) > 0 && meet(r, sign) > 0.5);
      return {cards: cards.length, inside: meet(sign, frame) / (sign.width * sign.height)};
    }""")
    assert covered == {"cards": 0, "inside": 1}, covered
    number = page.evaluate("document.getElementById('step-paatos').dataset.title").split(".")[0]
    assert f"{number}." in page.inner_text(".present-far")
    assert "Päätös" in page.inner_text(".walk-next")
    # It looks like the way back, and a tap on it takes it.
    page.click(".present-far")
    page.wait_for_function("() => document.querySelector('[aria-current=step]')?.dataset.step === 'paatos'")
    assert errors == []
