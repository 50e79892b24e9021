"""The index page's search: Snowball stems at build time and in the page,
inflected words typed into the box in Chromium, and the hits followed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from polku import search
from polku.load import load_site
from polku.site import build

from .conftest import FEATURE_SITE, PATHS, TEMPLATES, js_tools, write_paths

SNOWBALL_JS = TEMPLATES / "assets" / "snowball.js"

# A small service (not one of the bundled paths) in Finnish, with a Swedish translation.
SERVICE = {
    "_site.yaml": "title: Palvelut\n",
    "_roles.yaml": "omaohjaaja:\n  name: Omaohjaaja\n  text: Kulkee rinnalla koko polun ajan.\n",
    "_roles.sv.yaml": "omaohjaaja:\n  name: Egen handledare\n  text: Går bredvid dig hela vägen.\n",
    "nuoret.yaml": """title: Nuoren polku
summary: Polku nuorelle, joka etsii opiskelupaikkaa.
roles:
  kuraattori: {name: Koulukuraattori, text: Tukee opinnoissa.}
steps:
  - id: tulo
    title: Tulohaastattelu
    roles: [omaohjaaja]
    text: Kerrot, mikä sinulle on tärkeää.
  - id: koordinointi
    title: Palvelujen yhteensovitus
    roles: [kuraattori, omaohjaaja]
    note: Ota mukaan Kelan päätökset.
  - id: kokeilu
    title: Harjoittelu työpaikalla
    pilot: Digitaalinen työvalmentaja kulkee mukana puhelimessa
""",
    "nuoret.sv.yaml": """title: Den ungas stig
language: sv
roles:
  kuraattori: {name: Skolkurator, text: Stöder i studierna.}
steps:
  - {id: tulo, title: Inledande intervju, roles: [omaohjaaja]}
  - {id: koordinointi, title: Samordning, roles: [kuraattori, omaohjaaja]}
  - {id: kokeilu, title: Praktik på en arbetsplats, pilot: En digital arbetscoach följer med i telefonen}
""",
    "aikuiset.yaml": """title: Aikuisen polku
steps:
  - id: alku
    title: Alkukartoitus
    text: Tulohaastattelussa sovitaan seuraavista askelista.
  - id: tyokokeilu
    title: Työkokeilu
    roles: [omaohjaaja]
""",
}


@pytest.fixture(scope="module")
def service_site(tmp_path_factory) -> Path:
    paths = write_paths(tmp_path_factory.mktemp("service") / "paths", SERVICE)
    out = paths.parent / "site"
    build(paths, TEMPLATES, out)
    return out


def _data(site: Path, prefix: str = "") -> dict:
    text = (site / prefix / "search-index.js").read_text(encoding="utf-8")
    return json.loads(text.split("window.polkuSearch=", 1)[1].split(";\nwindow.polkuSearch.plural=", 1)[0])


def _search(page, words: str) -> list[dict]:
    page.fill("#search", words)
    page.wait_for_function("(w) => document.querySelector('#search-results').dataset.query === w", arg=words)
    return page.eval_on_selector_all(".search-hit", """items => items.map(li => ({
        kind: li.querySelector('.search-hit-kind').textContent, title: li.querySelector('.search-hit-title').textContent,
        href: li.querySelector('a').getAttribute('href'), tag: (li.querySelector('.search-hit-tag') || {}).textContent || ''}))""")


@pytest.fixture(scope="module")
def tab(browser_context):
    """One tab that this module's tests load their pages in (_page): a new tab for
    each page took about 0.2 s of CPU more than the page itself in one tab."""
    page = browser_context.new_page()
    problems: list[list[str]] = [[]]  # the list of the page loaded last
    page.on("pageerror", lambda error: problems[0].append(str(error)))
    page.on("console", lambda message: problems[0].append(message.text) if message.type == "error" else None)
    yield page, problems
    page.close()


def _page(tab, url: str):
    """The page at url, loaded afresh in 1280 x 720, and the errors it reports."""
    page, problems = tab
    page.goto("about:blank")  # a new document even when only the #anchor differs from the last one
    problems[0] = []
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(url)
    return page, problems[0]


# ---------------------------------------------------------------- build time


def _rows(data: dict) -> set[tuple[str, str, str]]:
    """(kind, title, link) of each doc, the links made as the page makes them."""
    out = set()
    for kind, title, path, anchor, _, _ in data["docs"]:
        folder = data["paths"][path][0] if path >= 0 else ""
        link = [f"{folder}/index.html", f"{folder}/index.html#step-{anchor}", f"roles/index.html#{anchor}"][kind]
        out.add((["path", "step", "role"][kind], title, link))
    return out


def test_the_search_data_names_every_step_role_and_path_with_its_link(service_site):
    data = _data(service_site)
    rows = _rows(data)
    assert ("step", "Tulohaastattelu", "nuoret/index.html#step-tulo") in rows
    assert ("step", "Työkokeilu", "aikuiset/index.html#step-tyokokeilu") in rows
    assert ("role", "Omaohjaaja", "roles/index.html#role-omaohjaaja") in rows
    assert ("role", "Koulukuraattori", "roles/index.html#role-nuoret-kuraattori") in rows
    assert ("path", "Nuoren polku", "nuoret/index.html") in rows
    swedish = _rows(_data(service_site, "sv"))
    assert ("step", "Samordning", "nuoret/index.html#step-koordinointi") in swedish
    assert not any(title == "Tulohaastattelu" for _, title, _ in swedish), "each language searches its own edition"
    # The role anchors the search links to are on the roles page.
    roles_page = (service_site / "roles" / "index.html").read_text(encoding="utf-8")
    assert 'id="role-omaohjaaja"' in roles_page and 'id="role-nuoret-kuraattori"' in roles_page


def test_inflected_forms_share_the_stem_of_the_base_form():
    for language, inflected, base in [("fi", "tulohaastattelussa", "Tulohaastattelu"), ("fi", "omaohjaajan", "Omaohjaaja"),
                                      ("fi", "työkokeilussa", "työkokeilu"), ("sv", "samordningen", "Samordning"), ("en", "steps", "step")]:
        assert [search.stem(w, language) for w in search.tokens(inflected)] == [search.stem(w, language) for w in search.tokens(base)]


def test_postings_decode_to_the_docs_that_hold_the_word(service_site):
    data = _data(service_site)
    stem = search.stem("tulohaastattelu", "fi")
    text, docs, doc, digits = data["terms"][stem], [], 0, ""
    for char in text:
        if 65 <= ord(char) <= 96:
            doc += int(digits, 36)
            docs.append((data["docs"][doc][1], ord(char) - 65))
            digits = ""
        else:
            digits += char
    assert sorted(docs) == [("Alkukartoitus", search.TEXT), ("Tulohaastattelu", search.TITLE)]


def test_the_search_data_is_the_same_bytes_every_build(tmp_path):
    build(PATHS, TEMPLATES, tmp_path / "a")
    build(PATHS, TEMPLATES, tmp_path / "b")
    assert (tmp_path / "a" / "search-index.js").read_bytes() == (tmp_path / "b" / "search-index.js").read_bytes()


def test_the_vendored_stemmers_are_the_npm_package_cut_unchanged():
    import importlib.util

    spec = importlib.util.spec_from_file_location("vendor_snowball", TEMPLATES.parent / "tools" / "vendor_snowball.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    if (problem := js_tools()) is not None:
        pytest.skip(problem)
    package = Path(__file__).resolve().parent / "js" / "node_modules" / "snowball-stemmers"
    version = json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]
    assert SNOWBALL_JS.read_text(encoding="utf-8") == tool.vendor((package / "snowball-stemmers.js").read_text(encoding="utf-8"), version)


# ---------------------------------------------------------------- in the browser

def _vocabulary() -> dict[str, set[str]]:
    """Every word of the bundled and feature paths, and forms people type."""
    words: dict[str, set[str]] = {"fi": set(), "sv": set(), "en": set()}
    for folder in (PATHS, FEATURE_SITE):
        site, _ = load_site(folder)
        for path in site.paths:
            for step in path.steps:
                for text in (step.title, step.text, step.note, step.duration, step.professional, *(step.pilot.text for _ in [0] if step.pilot)):
                    words[path.language].update(search.tokens(text))
            for role in path.roles.values():
                words[path.language].update(search.tokens(f"{role.name} {role.text}"))
            words[path.language].update(search.tokens(f"{path.title} {path.subtitle} {path.summary}"))
    words["fi"].update("tulohaastattelussa omaohjaajan omaohjaajalle nuorta nuorille kuntoutukseen sosiaalityöntekijän työkokeiluun palkkatuella".split())
    words["sv"].update("samordningen samordning handledaren stigarna arbetsplatsen".split())
    words["en"].update("steps stepping coordination coordinating running pilots".split())
    return words


@pytest.mark.browser
def test_the_page_stems_every_word_as_the_build_does(tab, bundled_site):
    page, problems = _page(tab, (bundled_site / "index.html").as_uri())
    page.add_script_tag(url=(bundled_site / "assets" / "snowball.js").as_uri())  # the site's copy: CSP allows only its own files
    vocabulary = _vocabulary()
    assert sum(len(words) for words in vocabulary.values()) > 500
    for language, words in vocabulary.items():
        words = sorted(words)
        in_page = page.evaluate("""([algorithm, words]) => {
            const stemmer = snowballFactory.newStemmer(algorithm);
            return words.map(w => /\\p{N}/u.test(w) ? w : stemmer.stem(w));
        }""", [search.STEMMERS[language], words])
        differ = [(w, p, search.stem(w, language)) for w, p in zip(words, in_page) if p != search.stem(w, language)]
        assert differ == [], f"{language}: the page's and the build's Snowball stems differ"
    assert problems == []


@pytest.mark.browser
@pytest.mark.parametrize("typed, kind, title, href", [
    ("tulohaastattelussa", "Vaihe 1 · Nuoren polku", "Tulohaastattelu", "nuoret/index.html#step-tulo"),
    ("omaohjaajan", "Rooli", "Omaohjaaja", "roles/index.html#role-omaohjaaja"),
    ("työkokeilussa", "Vaihe 2 · Aikuisen polku", "Työkokeilu", "aikuiset/index.html#step-tyokokeilu"),
    ("kuraattorille", "Rooli · Nuoren polku", "Koulukuraattori", "roles/index.html#role-nuoret-kuraattori"),
    ("nuori", "Polku", "Nuoren polku", "nuoret/index.html"),
    ("työvalmentajan", "Vaihe 3 · Nuoren polku", "Harjoittelu työpaikalla", "nuoret/index.html#step-kokeilu"),
    ("kelan päätöksiä", "Vaihe 2 · Nuoren polku", "Palvelujen yhteensovitus", "nuoret/index.html#step-koordinointi"),
])
def test_an_inflected_word_finds_the_thing_first_and_the_link_leads_to_it(tab, service_site, typed, kind, title, href):
    page, problems = _page(tab, (service_site / "index.html").as_uri())
    hits = _search(page, typed)
    assert hits, f"nothing found for {typed!r}"
    assert (hits[0]["kind"], hits[0]["title"], hits[0]["href"]) == (kind, title, href), hits
    assert page.is_hidden(".path-group"), "the path list gives way to the hits"
    page.click(".search-hit a >> nth=0")
    page.wait_for_load_state()
    target = page.url.split("#", 1)
    assert target[0].endswith(href.split("#")[0])
    if len(target) == 2:  # the step or role the hit named is on the page it leads to
        assert title in page.inner_text(f"#{target[1]}").replace("\xad", "")  # soft hyphens aside
    assert problems == []


@pytest.mark.browser
def test_hits_are_ranked_title_first_and_say_what_they_are(tab, service_site):
    page, problems = _page(tab, (service_site / "index.html").as_uri())
    hits = _search(page, "tulohaastattelu")
    assert [h["title"] for h in hits] == ["Tulohaastattelu", "Alkukartoitus"], "the step named so first, the one that mentions it next"
    assert page.inner_text("#search-status") == "2 osumaa."
    pilot = _search(page, "digitaalinen")
    assert pilot[0]["title"] == "Harjoittelu työpaikalla" and "Kokeilu" in pilot[0]["tag"]
    one = _search(page, "alkukartoitukseen")
    assert [h["title"] for h in one] == ["Alkukartoitus"] and page.inner_text("#search-status") == "1 osuma."
    assert _search(page, "xyzzy") == [] and page.inner_text("#search-status") == "Haulla ei löytynyt mitään. Kokeile toista sanaa."
    page.fill("#search", "")
    assert page.is_visible(".path-group") and page.is_hidden("#search-results")
    assert problems == []


@pytest.mark.browser
def test_swedish_search_finds_samordning_from_samordningen(tab, service_site):
    page, problems = _page(tab, (service_site / "sv" / "index.html").as_uri())
    hits = _search(page, "samordningen")
    assert (hits[0]["title"], hits[0]["href"]) == ("Samordning", "nuoret/index.html#step-koordinointi")
    assert page.inner_text("#search-status") == "1 träff."
    handledare = _search(page, "handledaren")
    assert handledare[0]["title"] == "Egen handledare"
    page.keyboard.press("Enter")  # Enter follows the first hit
    page.wait_for_url("**/sv/roles/index.html#role-omaohjaaja")
    assert problems == []


@pytest.mark.browser
def test_bundled_site_finds_steps_roles_and_paths(tab, bundled_site):
    page, problems = _page(tab, (bundled_site / "index.html").as_uri())
    found = _search(page, "työkokeilussa")
    assert [h["title"] for h in found[:2]] == ["Työkokeilu", "Työkokeilu"], found
    assert {h["kind"].split(" · ")[1] for h in found[:2]} == {"Suvin polku", "Valtterin polku"}
    roles = _search(page, "sosiaalityöntekijän")
    assert roles[0]["title"] == "Sosiaalityöntekijä" and roles[0]["href"].startswith("roles/index.html#role-")
    kuntoutus = _search(page, "kuntoutus")
    assert any(h["title"] == "Opiskelu tai ammatillinen kuntoutus" for h in kuntoutus)
    nuori = _search(page, "nuori")
    assert any(h["title"] == "Valtterin polku" for h in nuori), "nuori finds the path that speaks of 'nuorta'"
    assert problems == []


@pytest.mark.browser
def test_hostile_titles_are_shown_as_text(tab, tmp_path):
    paths = write_paths(tmp_path / "paths", {"p.yaml": 'title: "<img src=x onerror=window.__pwned=1> Paha"\nsteps:\n  - title: "<script>window.__pwned=2</script> Vaihe"\n'})
    build(paths, TEMPLATES, tmp_path / "site")
    page, problems = _page(tab, (tmp_path / "site" / "index.html").as_uri())
    hits = _search(page, "paha")
    assert hits[0]["title"] == "<img src=x onerror=window.__pwned=1> Paha"
    hits = _search(page, "script")
    assert hits[0]["title"] == "<script>window.__pwned=2</script> Vaihe"
    assert page.evaluate("window.__pwned") is None


@pytest.mark.browser
def test_without_javascript_the_index_still_lists_every_path(browser, service_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((service_site / "index.html").as_uri())
    assert page.is_hidden(".search")
    assert page.locator(".path-card").count() == 2
    context.close()


@pytest.mark.browser
def test_axe_finds_nothing_on_the_index_page_with_hits_shown(browser, service_site):
    from .test_quality import AXE, _axe, _need

    _need(AXE, "axe-core")
    context = browser.new_context(bypass_csp=True)  # axe is injected
    page = context.new_page()
    page.goto((service_site / "index.html").as_uri())
    page.fill("#search", "harjoittelu")
    page.wait_for_selector(".search-hit-pilot")
    assert _axe(page) == [], "hits shown, one a pilot"
    page.fill("#search", "xyzzy")
    page.wait_for_function("() => document.querySelector('#search-results').dataset.query === 'xyzzy'")
    assert _axe(page) == [], "nothing found"
    context.close()


@pytest.mark.browser
def test_an_update_in_place_by_serve_keeps_the_query_and_reads_the_data_again(tab, service_site):
    """serve's live.js morphs the page between polku:beforeupdate and polku:afterupdate."""
    page, problems = _page(tab, (service_site / "index.html").as_uri())
    assert [h["title"] for h in _search(page, "tulohaastattelu")] == ["Tulohaastattelu", "Alkukartoitus"]
    assert page.evaluate("document.querySelectorAll('script[src$=\"search-index.js\"], script[src$=\"snowball.js\"]').length") == 0, \
        "the loaded scripts leave no element behind (serve reloads a page whose scripts differ from the built one)"
    page.evaluate("""() => {
        const detail = {};
        document.dispatchEvent(new CustomEvent('polku:beforeupdate', {detail}));
        document.querySelector('#search').value = '';  // as a morph into the built page leaves it
        document.querySelector('#search-results').removeAttribute('data-query');
        window.polkuSearch.docs.forEach(d => { d[1] = 'vanha'; });  // stale data must not be used again
        document.dispatchEvent(new CustomEvent('polku:afterupdate', {detail}));
    }""")
    page.wait_for_function("() => document.querySelector('#search-results').dataset.query === 'tulohaastattelu'")
    assert page.input_value("#search") == "tulohaastattelu"
    assert page.eval_on_selector_all(".search-hit-title", "els => els.map(e => e.textContent)") == ["Tulohaastattelu", "Alkukartoitus"]
    assert [h["title"] for h in _search(page, "omaohjaajan")][:1] == ["Omaohjaaja"]
    assert page.locator(".search-hit-role").count() == 1, "one set of listeners: each hit shown once"
    assert problems == []


# ---------------------------------------------------------------- a large edition

LARGE = 60  # generated paths beside the small service: enough that most cards are off the first screen


@pytest.fixture(scope="module")
def large_site(tmp_path_factory) -> Path:
    """The benchmark's generated paths (benchmarks/search.py, seeded) and the small service."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_search", TEMPLATES.parent / "benchmarks" / "search.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    paths = tmp_path_factory.mktemp("large") / "paths"
    bench.write_paths(paths, LARGE)
    write_paths(paths, {name: text for name, text in SERVICE.items() if name != "_site.yaml"})
    out = paths.parent / "site"
    build(paths, TEMPLATES, out)
    return out


def _file_size(url: str) -> int:
    from urllib.parse import unquote, urlparse

    return Path(unquote(urlparse(url).path)).stat().st_size


@pytest.mark.browser
def test_a_large_index_page_reads_no_search_data_until_the_box_is_used_and_lays_out_only_the_cards_in_view(browser, large_site):
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto((large_site / "index.html").as_uri())
    page.wait_for_load_state("load")
    names = sorted({url.rsplit("/", 1)[1] for url in requested})
    assert not any(name in ("search-index.js", "snowball.js") for name in names), names
    before = sum(_file_size(url) for url in set(requested))
    page_bytes = (large_site / "index.html").stat().st_size
    # What the first screen costs beyond the page itself: styles, search.js, two fonts, the lamp (about 66 kB
    # today, most of it the fonts; the index page has no walk, so no polku.js). Nothing of it grows with the paths.
    assert before - page_bytes < 100_000, names
    assert page_bytes < 1_200 * (LARGE + 2), "a path's card on the index page stays small"
    cards = page.locator(".path-card")
    assert cards.count() == LARGE + 2
    # Off-screen cards are in the page (find-in-page, screen readers, printing), but what is inside them is
    # not laid out or painted until they come near the screen.
    drawn = "c => c.querySelector('h3').checkVisibility({contentVisibilityAuto: true})"
    page.wait_for_function(f"() => !({drawn})(Array.from(document.querySelectorAll('.path-card')).pop())", timeout=10_000)
    shown = page.evaluate(f"() => Array.from(document.querySelectorAll('.path-card'), {drawn})")
    assert shown[0], "the first card is drawn"
    assert shown.count(False) > LARGE // 2, f"{shown.count(True)} of {len(shown)} cards drawn on a 1366 x 768 screen"
    cards.last.scroll_into_view_if_needed()
    page.wait_for_function(f"() => ({drawn})(Array.from(document.querySelectorAll('.path-card')).pop())", timeout=10_000)
    assert "Nuoren polku" in page.text_content("main").replace("\xad", ""), "the text of every card is in the page"
    # The first use of the box loads the stemmer and the edition's data, once.
    requested.clear()
    hits = _search(page, "tulohaastattelussa")
    assert sorted(url.rsplit("/", 1)[1] for url in requested) == ["search-index.js", "snowball.js"]
    page.close()
    assert ("Vaihe 1 · Nuoren polku", "Tulohaastattelu", "nuoret/index.html#step-tulo") in [(h["kind"], h["title"], h["href"]) for h in hits]


@pytest.mark.browser
@pytest.mark.parametrize("typed, title, href", [
    ("tulohaastattelussa", "Tulohaastattelu", "nuoret/index.html#step-tulo"),
    ("omaohjaajalle", "Omaohjaaja", "roles/index.html#role-omaohjaaja"),
    ("kuraattorille", "Koulukuraattori", "roles/index.html#role-nuoret-kuraattori"),
])
def test_in_a_large_edition_an_inflected_word_finds_its_stem_and_the_hit_leads_there(tab, large_site, typed, title, href):
    page, problems = _page(tab, (large_site / "index.html").as_uri())
    hits = _search(page, typed)
    found = [(h["title"], h["href"]) for h in hits]
    assert (title, href) in found, found[:10]
    typed_stem = search.stem(typed, "fi")
    # Every hit holds the typed word's stem (or a longer word that starts with it) in some field.
    data = _data(large_site)
    holding = {term for term in data["terms"] if term.startswith(typed_stem) or typed_stem in term}
    assert holding, typed_stem
    page.click(f".search-hit a[href='{href}']")
    page.wait_for_load_state()
    anchor = href.split("#", 1)[1]
    assert page.url.endswith(href) and title in page.inner_text(f"#{anchor}").replace("\xad", "")
    assert problems == []
