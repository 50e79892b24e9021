"""Finnish, Swedish and English: one site with all three, checked page by page."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from polku.errors import ContentError
from polku.i18n import catalogue
from polku.load import load_site
from polku.site import build

from .conftest import ROOT, TEMPLATES, write_paths

ROLES = "tyovalmentaja: {name: Työhönvalmentaja, text: Tukee sinua työnhaussa.}\nohjaaja: {name: Ohjaaja, text: Ohjaa työtoimintaa.}\n"
ORIGINAL = """title: Työpolku
updated: "2026-03-05"
steps:
  - {id: alku, title: Yhteydenotto, roles: [tyovalmentaja], pilot: Uusi tapa}
  - {id: suunnitelma, title: Suunnitelma, roles: [ohjaaja]}
  - {id: tyo, title: Töihin, roles: [tyovalmentaja]}
"""
SWEDISH = """title: Arbetsstigen
language: sv
updated: "2026-03-05"
steps:
  - {id: alku, title: Kontakt, roles: [tyovalmentaja], pilot: Nytt sätt}
  - {id: suunnitelma, title: Plan, roles: [ohjaaja]}
  - {id: tyo, title: Till arbete, roles: [tyovalmentaja]}
"""
ENGLISH = """title: The work path
language: en
updated: "2026-03-05"
steps:
  - {id: alku, title: First contact, roles: [tyovalmentaja], pilot: A new way}
  - {id: suunnitelmaa, title: A plan, roles: [ohjaaja]}
  - {id: tyo, title: To work, roles: [tyovalmentaja]}
"""


@pytest.fixture(scope="module")
def trilingual(tmp_path_factory) -> tuple[Path, list]:
    root = tmp_path_factory.mktemp("three")
    paths = write_paths(root / "paths", {
        "_site.yaml": "title: Palvelupolut\norganisation: Hyvinvointialue\nlanguage: fi\naccessibility: {feedback: 'palaute@example.org'}\n",
        "_roles.yaml": ROLES,
        "_roles.sv.yaml": "tyovalmentaja: {name: Jobbcoach, text: Stöder dig i jobbsökandet.}\nohjaaja: {name: Handledare, text: Handleder verksamheten.}\n",
        "_roles.en.yaml": "tyovalmentaja: {name: Job coach, text: Supports you in finding work.}\n",
        "tyo.yaml": ORIGINAL, "tyo.sv.yaml": SWEDISH, "tyo.en.yaml": ENGLISH,
    })
    _, warnings, _ = build(paths, TEMPLATES, root / "site")
    return root / "site", warnings


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.lang = None
        self.alternates: dict[str, str] = {}
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "link" and a.get("rel") == "alternate":
            self.alternates[a["hreflang"]] = a["href"]
        if tag in ("script", "style", "svg"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "svg"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def _read(page: Path) -> _Page:
    parsed = _Page()
    parsed.feed(page.read_text(encoding="utf-8"))
    return parsed


PAGES = ["tyo/index.html", "tyo/professional.html", "tyo/print.html", "index.html", "roles/index.html", "pilots/index.html", "accessibility/index.html"]


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_declares_its_language_and_links_the_others_both_ways(trilingual, lang, page):
    site, _ = trilingual
    here = site / ("" if lang == "fi" else f"{lang}/") / page
    parsed = _read(here)
    assert parsed.lang == lang
    assert set(parsed.alternates) == {"fi", "sv", "en"}
    for other, href in parsed.alternates.items():
        target = (here.parent / href).resolve()
        assert target.is_file(), href
        assert _read(target).lang == other
        back = (target.parent / _read(target).alternates[lang]).resolve()
        assert back == here.resolve()  # and the other version links back here


def _interface_words(lang: str) -> set[str]:
    """Words of the Finnish interface that no other language's catalogue uses."""
    others = " ".join(v for code in ("sv", "en") for v in catalogue(code).values()).lower()
    words = set()
    for value in catalogue("fi").values():
        for word in re.findall(r"[a-zåäö]{6,}", re.sub(r"\{[^}]*\}|\[[^]]*\]\([^)]*\)", "", value.lower())):
            if word not in others:
                words.add(word)
    return words


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_no_finnish_interface_word_on_a_swedish_or_english_page(trilingual, lang, page):
    site, _ = trilingual
    text = " ".join(_read(site / lang / page).text).lower()
    shown = {w for w in _interface_words(lang) if re.search(rf"\b{w}\b", text)}
    # The site's own name and organisation are content, written once in Finnish.
    shown -= {"palvelupolut", "hyvinvointialue"}
    assert not shown, f"Finnish interface words on {lang}/{page}: {sorted(shown)}"
    assert catalogue(lang)["all_paths"] in " ".join(_read(site / lang / page).text)


def test_catalogues_have_the_same_keys_and_placeholders():
    keys = {lang: catalogue(lang) for lang in ("fi", "sv", "en")}
    assert set(keys["fi"]) == set(keys["sv"]) == set(keys["en"])
    for key, text in keys["fi"].items():
        for lang in ("sv", "en"):
            assert set(re.findall(r"\{\w+\}", keys[lang][key])) == set(re.findall(r"\{\w+\}", text)), (lang, key)


def test_shared_roles_are_translated_and_fall_back_with_a_warning(trilingual):
    site, warnings = trilingual
    sv_page = (site / "sv" / "tyo" / "index.html").read_text(encoding="utf-8")
    assert "Jobbcoach" in sv_page and "Handledare" in sv_page
    assert "Työhönvalmentaja" not in sv_page
    en_page = (site / "en" / "tyo" / "index.html").read_text(encoding="utf-8")
    assert "Job coach" in en_page
    assert "Ohjaaja" in en_page  # no English wording: the original is used...
    untranslated = [w for w in warnings if "_roles.en.yaml" in w.message]
    assert untranslated and "ohjaaja" in untranslated[0].message  # ...and check says so
    assert "Jobbcoach" in (site / "sv" / "roles" / "index.html").read_text(encoding="utf-8")


def test_a_translation_that_drifted_is_warned_about_with_its_line(trilingual):
    _, warnings = trilingual
    drift = [w for w in warnings if w.file.endswith("tyo.en.yaml")]
    messages = " ".join(w.message for w in drift)
    assert "suunnitelmaa" in messages and "did you mean 'suunnitelma'" in messages
    assert "'suunnitelma'" in messages and "missing from this translation" in messages
    renamed = next(w for w in drift if "suunnitelmaa" in w.message)
    assert renamed.line == 6  # the step's own line in the file


def test_dates_follow_each_language(trilingual):
    site, _ = trilingual
    assert "5. maaliskuuta 2026" in (site / "tyo" / "index.html").read_text(encoding="utf-8")
    assert "5 mars 2026" in (site / "sv" / "tyo" / "index.html").read_text(encoding="utf-8")
    assert "5 March 2026" in (site / "en" / "tyo" / "index.html").read_text(encoding="utf-8")


def test_switching_language_keeps_the_step(trilingual, browser):
    site, _ = trilingual
    page = browser.new_page()
    page.goto((site / "tyo" / "index.html").as_uri() + "#step-tyo")
    page.locator(".languages a[hreflang='sv']").click()
    page.wait_for_load_state()
    assert page.url.endswith("/sv/tyo/index.html#step-tyo")
    assert page.locator("html").get_attribute("lang") == "sv"
    page.close()
