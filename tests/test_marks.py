"""One face for each role: the same mark everywhere, stable as paths are added (issue 15)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from polku import marks
from polku.colour import CARD, contrast
from polku.load import check_site, load_site
from polku.site import build

from .conftest import PATHS, TEMPLATES, write_paths

SHARED = """\
ohjaaja: {name: Ohjaaja, text: Ohjaa., icon: compass}
valmentaja: {name: Valmentaja, text: Valmentaa., icon: briefcase}
kela: {name: Kelan asiantuntija, text: Etuudet., icon: building-bank}
omatyontekija: {name: Omatyöntekijä, text: Tuntee tilanteesi., icon: user-heart}
tyonantaja: {name: Työnantaja, text: Perehdyttää.}
"""


def path_file(title: str, order: list[str], local: str = "") -> str:
    """A path whose steps bring in the roles in the given order, two at a time."""
    steps = "".join(f"  - id: s{i}\n    title: Vaihe {i}\n    roles: [{', '.join(order[i:i + 2])}]\n" for i in range(len(order)))
    roles = f"roles:\n{local}" if local else ""
    return f"title: {title}\n{roles}steps:\n{steps}"


THREE = {
    "_roles.yaml": SHARED,
    "aino.yaml": path_file("Ainon polku", ["ohjaaja", "valmentaja", "kela", "omatyontekija", "tyonantaja"]),
    "bertta.yaml": path_file("Bertan polku", ["tyonantaja", "kela", "omatyontekija", "valmentaja", "ohjaaja", "oma"],
                             "  oma: {name: Oma rooli, text: Vain täällä., icon: home}\n"),
    "cecilia.yaml": path_file("Cecilian polku", ["omatyontekija", "tyonantaja", "ohjaaja", "kela", "valmentaja"]),
}
FOURTH = {"daniel.yaml": path_file("Danielin polku", ["kela", "valmentaja", "tyonantaja", "omatyontekija", "ohjaaja", "uusi"],
                                   "  uusi: {name: Uusi rooli, icon: school}\n")}

MARK = re.compile(r'<g class="role-mark symbol-(\w+)" data-role="([a-z0-9-]+)" (.*?)( transform="[^"]*")?>(.*?)</g>')


def marks_in(text: str) -> list[tuple[str, str]]:
    """(role id, what is drawn: symbol, paint, shape and pictogram) of every mark, its position left out."""
    return [(role, f"{symbol} {attrs} {body}") for symbol, role, attrs, _, body in MARK.findall(text)]


def all_marks(site: Path) -> dict[str, dict[str, set[str]]]:
    """role id -> page kind -> the set of looks drawn there."""
    found: dict[str, dict[str, set[str]]] = {}
    for file in sorted(site.rglob("*")):
        if file.suffix not in (".html", ".svg") or "assets" in file.parts:
            continue
        rel = file.relative_to(site).as_posix()
        kind = "roles" if rel.startswith("roles/") else "svg" if file.suffix == ".svg" else "print" if file.name == "print.html" else "page"
        for role, look in marks_in(file.read_text(encoding="utf-8")):
            found.setdefault(role, {}).setdefault(kind, set()).add(look)
    return found


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("marks")
    three = write_paths(base / "three", THREE)
    four = write_paths(base / "four", {**THREE, **FOURTH})
    build(three, TEMPLATES, base / "site3")
    build(four, TEMPLATES, base / "site4")
    return base / "site3", base / "site4"


def test_each_role_has_one_look_everywhere(sites):
    site3, _ = sites
    found = all_marks(site3)
    for role in ("ohjaaja", "valmentaja", "kela", "omatyontekija", "tyonantaja", "oma"):
        places = found[role]
        assert set(places) == {"svg", "page", "print", "roles"}, (role, set(places))
        looks = set().union(*places.values())
        assert len(looks) == 1, (role, looks)
    # The pictogram is drawn inside the mark, as plain paths.
    (look,) = set().union(*found["kela"].values())
    assert 'class="mark-icon"' in look and " ".join(marks.icons()["building-bank"]) in look


def test_marks_sit_beside_names_in_step_texts_and_in_the_role_section(sites):
    site3, _ = sites
    page = (site3 / "bertta" / "index.html").read_text(encoding="utf-8")
    step = re.search(r'<section class="step[^"]*" id="step-s1".*?</section>', page, re.S)[0]
    facts = re.search(r'<ul class="role-names">(.*?)</ul>', step, re.S)[1]
    assert [r for r, _ in marks_in(facts)] == ["kela", "omatyontekija"]
    names = facts.replace("\u00ad", "")  # soft hyphens at syllables
    assert "Kelan asiantuntija" in names and "Omatyöntekijä" in names
    roles = (site3 / "roles" / "index.html").read_text(encoding="utf-8")
    for anchor, role in (("role-kela", "kela"), ("role-bertta-oma", "oma")):
        section = re.search(rf'<section class="role role-card" id="{anchor}".*?</section>', roles, re.S)[0]
        assert [r for r, _ in marks_in(section)] == [role]
        # A mark that stands for the role on its own card says in words what it looks like.
        assert re.search(r'<svg class="role-icon"[^>]*role="img" aria-label="Merkki: [a-zäö]+ [a-zäö]+"', section), section[:400]


def test_adding_a_path_changes_no_mark(sites):
    site3, site4 = sites
    before, after = all_marks(site3), all_marks(site4)
    for role, places in before.items():
        assert set().union(*after[role].values()) == set().union(*places.values()), role
    assert "uusi" in after and "uusi" not in before


def test_no_two_roles_of_a_path_look_alike(sites):
    site, _ = load_site(write_paths(Path(sites[0]).parent / "check", {**THREE, **FOURTH}))
    for path in site.paths:
        used = path.roles_used()
        looks = [(r.mark.symbol, r.mark.colour) for r in used]
        assert len(set(looks)) == len(looks), path.id
        # Five shared roles and a local one fit in ten symbols: every symbol differs too.
        assert len({s for s, _ in looks}) == len(looks), (path.id, looks)


def test_marks_do_not_depend_on_the_paths_or_their_order(tmp_path):
    alone = load_site(write_paths(tmp_path / "a", {"_roles.yaml": SHARED, "x.yaml": path_file("X", ["kela"])}))[0]
    many = load_site(write_paths(tmp_path / "b", {**THREE, **FOURTH}))[0]
    assert {r: role.mark for r, role in alone.shared_roles["fi"].items()} == {r: role.mark for r, role in many.shared_roles["fi"].items()}


def test_a_role_added_at_the_end_of_roles_yaml_changes_no_other_mark(tmp_path):
    before = load_site(write_paths(tmp_path / "a", THREE))[0].shared_roles["fi"]
    grown = {**THREE, "_roles.yaml": SHARED + "uusi-rooli: {name: Uusi}\n"}
    after = load_site(write_paths(tmp_path / "b", grown))[0].shared_roles["fi"]
    assert all(after[r].mark == before[r].mark for r in before)
    assert after["uusi-rooli"].mark not in [role.mark for role in before.values()]


def test_the_bundled_roles_all_differ_in_symbol_and_colour():
    site, _ = load_site(PATHS)
    shared = list(site.shared_roles["fi"].values())
    assert 5 <= len(shared) <= len(marks.SYMBOLS)
    assert len({r.mark.symbol for r in shared}) == len(shared)
    assert len({r.mark.colour for r in shared}) == len(shared)
    assert all(r.mark.icon in marks.icons() for p in site.paths for r in p.roles_used()), "every bundled role has a pictogram"


def test_editors_fix_a_look_and_the_others_make_room(tmp_path):
    fixed = SHARED.replace("kela: {name: Kelan asiantuntija,", "kela: {name: Kelan asiantuntija, symbol: star, colour: '#7a1fa2',")
    site = load_site(write_paths(tmp_path, {**THREE, "_roles.yaml": fixed}))[0]
    roles = site.shared_roles["fi"]
    assert roles["kela"].mark == marks.Mark("star", "#7a1fa2", "building-bank")
    assert all(r.mark.symbol != "star" for rid, r in roles.items() if rid != "kela")


def test_palette_and_pictograms_are_readable():
    for name, colour in marks.PALETTE.items():
        assert contrast(colour, CARD) >= 3, name  # the mark against the card
        assert contrast("#ffffff", colour) >= 3, name  # the white pictogram against the mark
    assert len(set(marks.PALETTE.values())) == len(marks.PALETTE) == 10
    assert set(marks.SHAPES) == set(marks.SYMBOLS)


def test_bundled_icons_are_plain_paths_with_their_licence():
    folder = Path(marks.__file__).parent / "assets" / "icons"
    data = json.loads((folder / "tabler.json").read_text(encoding="utf-8"))
    assert 30 <= len(data["icons"]) <= 60
    assert "MIT License" in (folder / "LICENSE-tabler.txt").read_text(encoding="utf-8")
    for name, paths in data["icons"].items():
        assert paths and all(re.fullmatch(r"[MmLlHhVvCcSsQqTtAaZz0-9 .,\-e]+", d) for d in paths), name
    for wanted in ("user", "users-group", "stethoscope", "school", "home", "briefcase", "phone", "heart-handshake"):
        assert wanted in data["icons"]


def test_diagram_with_marks_is_plain_svg(sites):
    site3, _ = sites
    svg = (site3 / "bertta" / "bertta.svg").read_text(encoding="utf-8")
    root = ET.fromstring(svg)
    tags = {el.tag.split("}")[1] for el in root.iter()}
    assert tags <= {"svg", "title", "desc", "defs", "style", "marker", "path", "g", "rect", "circle", "line", "text", "polygon"}, tags
    assert "href" not in svg and "<image" not in svg and "<use" not in svg


def test_translation_shows_the_originals_marks(tmp_path):
    files = {
        **THREE,
        "_roles.sv.yaml": "kela: {name: FPA:s expert}\n",
        "bertta.sv.yaml": path_file("Berttas stig", ["tyonantaja", "kela", "omatyontekija", "valmentaja", "ohjaaja", "oma"],
                                    "  oma: {name: Egen roll}\n").replace("title: Berttas stig\n", "title: Berttas stig\nlanguage: sv\n"),
    }
    site = load_site(write_paths(tmp_path, files))[0]
    original = next(p for p in site.originals() if p.id == "bertta")
    translation = next(p for p in site.paths if p.original == "bertta")
    assert {r.id: r.mark for r in translation.roles_used()} == {r.id: r.mark for r in original.roles_used()}
    assert site.shared_roles["sv"]["kela"].mark == site.shared_roles["fi"]["kela"].mark


def test_bad_looks_in_roles_yaml_are_reported_where_they_are(tmp_path):
    folder = write_paths(tmp_path, {
        "_roles.yaml": "ohjaaja:\n  name: Ohjaaja\n  colour: '#dddddd'\n  icon: koti\nkela:\n  name: Kela\n  symbol: circel\n",
        "_roles.sv.yaml": "ohjaaja:\n  name: Handledare\n  icon: home\n",
        "p.yaml": "title: P\nsteps:\n  - title: A\n    roles: [ohjaaja, kela]\n",
    })
    shown = sorted(str(d).replace(str(folder), "paths") for d in check_site(folder) if not d.warning)
    assert shown == [
        "paths/_roles.sv.yaml:3:3: ohjaaja.icon: a translation shows the marks of paths/_roles.yaml; set 'icon:' there and delete it here",
        "paths/_roles.yaml:3:11: ohjaaja.colour: '#dddddd' is too light: its contrast against the white card is 1.4:1, and a mark needs at least 3:1; choose a darker colour, or one of blue, rust, green, purple, brown, teal, rose, olive, grey, indigo",
        "paths/_roles.yaml:4:9: ohjaaja.icon: there is no icon 'koti'; the icons are listed in the editors' guide (docs/opas.md) and docs/format.md",
        "paths/_roles.yaml:7:11: kela.symbol: 'circel' is not one of the allowed values: circle, square, triangle, diamond, pentagon, hexagon, star, shield, drop, cross (did you mean 'circle'?)",
    ], shown


@pytest.mark.browser
def test_roles_page_filters_by_path_without_javascript(sites, browser):
    site3, _ = sites
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((site3 / "roles" / "index.html").as_uri())
    everyone = page.locator(".role-card:visible").count()
    assert everyone == 6
    page.locator(".role-filter").get_by_role("link", name="Ainon polku").click()
    assert page.locator(".role-card:visible").count() == 5
    assert page.locator("#on-aino").is_visible()
    assert not page.locator("#role-bertta-oma").is_visible()
    page.locator(".role-filter").get_by_role("link", name="Bertan polku").click()
    assert page.locator("#role-bertta-oma").is_visible() and page.locator(".role-card:visible").count() == 6
    page.locator("#on-bertta").get_by_role("link").click()
    assert page.locator(".role-card:visible").count() == everyone and not page.locator("#on-bertta").is_visible()
    context.close()


@pytest.mark.browser
def test_marks_are_drawn_alike_in_the_browser(sites, browser):
    """The drawn shape and paint of every mark, as Chromium computes them, on every kind of page."""
    site3, _ = sites
    page = browser.new_page()
    seen: dict[str, set[str]] = {}
    for rel in ("aino/index.html", "bertta/index.html", "cecilia/print.html", "roles/index.html"):
        page.goto((site3 / rel).as_uri())
        for role, look in page.eval_on_selector_all(
            "[data-role]",
            """els => els.map(g => [g.dataset.role, [...g.children].map(c =>
                 c.getAttribute('d') + '|' + getComputedStyle(c).fill + '|' + getComputedStyle(c).stroke).join('/')])""",
        ):
            seen.setdefault(role, set()).add(look)
    page.close()
    assert set(seen) == {"ohjaaja", "valmentaja", "kela", "omatyontekija", "tyonantaja", "oma"}
    for role, looks in seen.items():
        assert len(looks) == 1, (role, looks)
