"""The built site: the spec's layout and diagram structure, safety, determinism."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from polku.load import load_site
from polku.site import build

from .conftest import FEATURE_SITE, PATHS, ROOT, TEMPLATES, write_paths

SVG = "{http://www.w3.org/2000/svg}"


class _Attributes(HTMLParser):
    """Every attribute name, and every URL-carrying value, as a browser would parse them."""

    def __init__(self):
        super().__init__()
        self.names: list[str] = []
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            self.names.append(name.lower())
            if name.lower() in ("href", "src", "xlink:href", "action", "formaction"):
                self.urls.append(value or "")


def test_every_step_has_its_section(bundled_site: Path):
    site, _ = load_site(PATHS)
    for path in site.paths:
        html = (bundled_site / path.id / "index.html").read_text(encoding="utf-8")
        assert '<html lang="fi">' in html
        for step in path.steps:
            assert f'id="step-{step.id}"' in html


def test_professional_notes_only_on_the_professional_page(tmp_path: Path):
    paths = write_paths(tmp_path / "paths", {"p.yaml": "title: P\nsteps:\n  - title: A\n    text: Asiakkaalle.\n    professional: SALAINEN-SISÄINEN-OHJE\n"})
    build(paths, TEMPLATES, tmp_path / "site")
    site = tmp_path / "site"
    assert "SALAINEN-SISÄINEN-OHJE" in (site / "p" / "professional.html").read_text(encoding="utf-8")
    for page in site.rglob("*"):
        if page.is_file() and page.suffix in (".html", ".svg") and page.name != "professional.html":
            assert "SALAINEN-SISÄINEN-OHJE" not in page.read_text(encoding="utf-8"), page


def test_diagram_follows_the_structure_contract(bundled_site: Path):
    site, _ = load_site(PATHS)
    for path in site.paths:
        root = ET.parse(bundled_site / path.id / f"{path.id}.svg").getroot()
        assert root.get("viewBox") and root.get("role") == "img"
        assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "fi"
        title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
        assert title.text == path.title and path.title in desc.text
        assert list(root).index(title) == 0, "a standalone SVG is named by its first <title> (SVG 1.1 has no aria-labelledby)"
        groups = {g.get("data-step"): g for g in root.iter(f"{SVG}g") if "step" in (g.get("class") or "").split()}
        assert list(groups) == [s.id for s in path.steps]
        for step in path.steps:
            group = groups[step.id]
            assert [e for e in group.iter() if "box" in (e.get("class") or "").split()]
            texts = " ".join("".join(e.itertext()) for e in group.iter(f"{SVG}text"))
            assert step.title.split()[0] in texts
            for role in step.roles:
                assert path.roles[role].name.split()[0] in texts
            assert [e for e in group.iter(f"{SVG}g") if e.get("class") == "marker"]
            lamps = [e for e in group.iter(f"{SVG}g") if e.get("class") == "pilot"]
            if step.pilot:
                assert lamps and lamps[0].find(f"{SVG}title").text.endswith(step.pilot.text)
            else:
                assert not lamps
        edges = [e for e in root.iter() if "edge" in (e.get("class") or "").split()]
        expected = {(s.id, n, path.is_loop(s, n)) for s in path.steps for n in s.next}
        assert {(e.get("data-from"), e.get("data-to"), "loop" in e.get("class").split()) for e in edges} == expected
        notes = [g for g in root.iter(f"{SVG}g") if g.get("class") == "note"]
        assert len(notes) == sum(bool(s.note) for s in path.steps)


def test_path_page_inlines_the_diagram_and_links_roles(bundled_site: Path):
    html = (bundled_site / "suvi" / "index.html").read_text(encoding="utf-8")
    assert '<svg' in html and 'class="step"' in html and 'lang="fi"' in html
    roles = (bundled_site / "roles" / "index.html").read_text(encoding="utf-8")
    for anchor in re.findall(r'roles/index\.html#([a-z0-9-]+)"', html):
        assert f'id="{anchor}"' in roles
    pilots = (bundled_site / "pilots" / "index.html").read_text(encoding="utf-8")
    assert "suvi/index.html#step-tyohonvalmennus" in pilots and "suvi/index.html#step-jalkikontaktointi" in pilots


HOSTILE = '<script>alert(1)</script>"\'><img src=x onerror=alert(1)>{{ 7*7 }}]]>&amp;'


def test_hostile_text_is_escaped_everywhere(tmp_path: Path):
    quoted = HOSTILE.replace("'", "''")
    paths = write_paths(tmp_path / "paths", {
        "_site.yaml": f"title: '{quoted}'\n",
        "p.yaml": (
            f"title: '{quoted}'\nsubtitle: '{quoted}'\nsummary: '{quoted} [x](javascript:alert(1))'\n"
            f"roles:\n  r: {{name: '{quoted}', text: '{quoted}'}}\n"
            f"phases:\n  - {{id: f, title: '{quoted}'}}\n"
            f"steps:\n  - title: '{quoted}'\n    phase: f\n    roles: [r]\n    duration: '{quoted}'\n    note: '{quoted}'\n"
            f"    text: '<a href=\"javascript:alert(1)\" onclick=\"x()\">a</a> {quoted}'\n    pilot: '{quoted}'\n"
        ),
    })
    build(paths, TEMPLATES, tmp_path / "site")
    for page in (tmp_path / "site").rglob("*"):
        if page.suffix not in (".html", ".svg") or "assets" in page.parts:
            continue
        text = page.read_text(encoding="utf-8")
        assert "<script>alert" not in text and "<img src=x" not in text, page
        parser = _Attributes()
        parser.feed(text)
        assert not [a for a in parser.names if a.startswith("on")], page
        assert not [u for u in parser.urls if u.strip().lower().startswith(("javascript:", "data:", "vbscript:"))], page
        assert "{{ 7*7 }}" in text, "template syntax was evaluated or the text was lost"
        if page.suffix == ".svg":
            ET.parse(page)  # still well-formed XML


def test_two_builds_are_byte_identical(tmp_path: Path):
    first = tmp_path / "a"
    second = tmp_path / "b"
    build(PATHS, TEMPLATES, first)
    build(PATHS, TEMPLATES, second)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_a_build_on_every_core_writes_what_one_process_writes(tmp_path: Path, monkeypatch):
    """Reading and rendering are spread over worker processes for large sites:
    the result must not depend on it."""
    from polku import workers

    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    _, _, names = build(FEATURE_SITE, TEMPLATES, serial, workers=1)
    monkeypatch.setattr(workers, "MIN_PARALLEL", 0)
    _, _, parallel_names = build(FEATURE_SITE, TEMPLATES, parallel, workers=2)
    assert names == parallel_names
    files = sorted(p.relative_to(serial).as_posix() for p in serial.rglob("*") if p.is_file())
    assert files == names
    for name in files:
        assert (serial / name).read_bytes() == (parallel / name).read_bytes(), name


def test_nothing_is_loaded_from_another_host(bundled_site: Path):
    for page in bundled_site.rglob("*"):
        if page.suffix not in (".html", ".svg", ".css"):
            continue
        text = page.read_text(encoding="utf-8")
        loads = re.findall(r'src="([^"]+)"|<link[^>]+href="([^"]+)"|url\(([^)]+)\)', text)
        for groups in loads:
            url = "".join(groups).strip("'\"")
            assert not url.startswith(("http:", "https:", "//")), (page, url)


def test_translation_is_published_under_its_language(tmp_path: Path):
    paths = write_paths(tmp_path / "paths", {
        "p.yaml": "title: Polku\nsteps:\n  - {id: a, title: Alku}\n",
        "p.sv.yaml": "title: Stig\nsteps:\n  - {id: a, title: Början, continues: q}\n",
        "q.yaml": "title: Toinen\nsteps:\n  - {id: a, title: Alku}\n",
    })
    build(paths, TEMPLATES, tmp_path / "site")
    sv = (tmp_path / "site" / "sv" / "p" / "index.html").read_text(encoding="utf-8")
    fi = (tmp_path / "site" / "p" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="sv">' in sv and 'hreflang="fi"' in sv
    assert 'hreflang="sv"' in fi
    assert (tmp_path / "site" / "sv" / "index.html").is_file()
    assert 'href="../../q/index.html"' in sv, "a path with no Swedish version is linked in its original"


def test_role_directory_and_pilot_register_list_exactly_what_the_paths_say(feature_site: Path):
    from .conftest import FEATURE_SITE

    site, _ = load_site(FEATURE_SITE)
    roles_page = (feature_site / "roles" / "index.html").read_text(encoding="utf-8")
    pilots_page = (feature_site / "pilots" / "index.html").read_text(encoding="utf-8")
    sections = re.findall(r'<section class="role role-card" id="([^"]+)"', roles_page)
    expected_sections = {f"role-{r}" for r in site.shared_roles["fi"]}
    expected_links = set()
    expected_pilots = set()
    for path in site.originals():
        for rid, role in path.roles.items():
            expected_sections.add(f"role-{rid}" if role.shared else f"role-{path.id}-{rid}")
        for step in path.steps:
            for rid in step.roles:
                expected_links.add((f"role-{rid}" if path.roles[rid].shared else f"role-{path.id}-{rid}", f"{path.id}/index.html#step-{step.id}"))
            if step.pilot:
                expected_pilots.add(f"{path.id}/index.html#step-{step.id}")
    assert set(sections) == expected_sections and len(sections) == len(expected_sections)
    found_links = set()
    for anchor, body in re.findall(r'<section class="role role-card" id="([^"]+)"(.*?)</section>', roles_page, re.S):
        for href in re.findall(r'href="\.\./([^"]+)"', body):
            found_links.add((anchor, href))
    assert found_links == expected_links
    assert set(re.findall(r'href="\.\./([^"]+#step-[^"]+)"', pilots_page)) == expected_pilots
    # Long words carry soft hyphens (U+00AD) at their syllables; the words are the same.
    sv_roles = (feature_site / "sv" / "roles" / "index.html").read_text(encoding="utf-8").replace("\u00ad", "")
    assert "Handledare för arbetsverksamhet i rehabiliteringssyfte" in sv_roles


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_builds_are_identical_across_hash_seeds_time_zones_locales_and_file_order(tmp_path: Path):
    import os
    import random
    import shutil
    import subprocess
    import sys

    # The same paths, copied in a different order (directory order follows creation order on most file systems).
    shuffled = tmp_path / "shuffled"
    shuffled.mkdir()
    files = sorted(FEATURE_SITE.iterdir())
    random.Random(7).shuffle(files)
    for file in files:
        shutil.copy(file, shuffled / file.name)
    outputs = []
    for i, (paths, env) in enumerate([
        (FEATURE_SITE, {"PYTHONHASHSEED": "1", "TZ": "UTC", "LC_ALL": "C"}),
        (shuffled, {"PYTHONHASHSEED": "4242", "TZ": "Pacific/Kiritimati", "LC_ALL": "C.UTF-8", "LANG": "fi_FI.UTF-8"}),
    ]):
        out = tmp_path / f"site{i}"
        run = subprocess.run([sys.executable, "build.py", "build", "--paths", str(paths), "--out", str(out)],
                             cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        outputs.append(_tree(out))
    assert outputs[0].keys() == outputs[1].keys()
    assert [name for name in outputs[0] if outputs[0][name] != outputs[1][name]] == []


def test_source_date_epoch_dates_the_pdf_and_nothing_else(tmp_path: Path, monkeypatch):
    """A one-path site, built twice with PDFs: a PDF takes seconds, the bundled paths' eight took a minute."""
    import subprocess

    from polku.pdf import available

    if (missing := available()) is not None:
        pytest.skip(missing)
    paths = write_paths(tmp_path / "paths", {"p.yaml": "title: Polku\nsteps:\n  - title: Alku\n    text: Tervetuloa.\n  - title: Loppu\n"})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build(paths, TEMPLATES, tmp_path / "a", pdf=True)
    info = subprocess.run(["pdfinfo", str(tmp_path / "a" / "p" / "p.pdf")], capture_output=True, text=True, check=True).stdout
    assert "2023" in info and "CreationDate" in info
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    build(paths, TEMPLATES, tmp_path / "b", pdf=True)
    info = subprocess.run(["pdfinfo", str(tmp_path / "b" / "p" / "p.pdf")], capture_output=True, text=True, check=True).stdout
    assert "CreationDate" not in info, "without SOURCE_DATE_EPOCH no build date is written"
    files = {site: {f.relative_to(tmp_path / site): f.read_bytes() for f in (tmp_path / site).rglob("*") if f.is_file()} for site in "ab"}
    assert files["a"].keys() == files["b"].keys()
    differ = sorted(str(name) for name in files["a"] if files["a"][name] != files["b"][name])
    assert differ == ["p/p.pdf", "p/print.html"], "only the handout and its PDF carry the date"


def test_when_of_a_branch_is_on_the_page_in_the_handout_and_translated(feature_site):
    """next: [{step, when}]: the words say when the client goes that way, wherever the fork is told."""
    page = (feature_site / "haara" / "index.html").read_text(encoding="utf-8").replace("\u00ad", "")  # soft hyphens aside
    assert '<li data-to="b" data-when="Jos haluat ensin harjoitella"><span class="when">Jos haluat ensin harjoitella:</span> <a href="#step-b">' in page
    assert '<li data-to="c"><a href="#step-c">' in page, "a plain id has no when"
    assert 'data-to="a" data-when="Jos suunnitelma ei toimi"><span class="when">Jos suunnitelma ei toimi:</span>' in page
    handout = (feature_site / "haara" / "print.html").read_text(encoding="utf-8")
    assert '<span class="when">Jos haluat ensin harjoitella:</span> 2. Arbetsverksamhet' in handout
    assert '<span class="when">Jos suunnitelma ei toimi:</span>' in handout
    swedish = (feature_site / "sv" / "haara" / "index.html").read_text(encoding="utf-8")
    assert 'data-when="Om du vill öva först"' in swedish and "Jos haluat" not in swedish
