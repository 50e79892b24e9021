"""The handout on paper, read back from the PDF as poppler sees it.

Every word on every page is 9 pt or more and the picture's step titles 11 pt
or more; a picture too long for one sheet is cut into parts that say where
they go on, the start on the first and the goal on the last; no step is
split across pages; a 14-step path fits in 7 A4 pages. For the bundled paths,
on A3 too, and for generated paths of 3 to 24 steps. Browser printing with
the default settings (no backgrounds) keeps numbers, marks and pilots in ink.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from polku import paper
from polku.i18n import translator
from polku.layout import prepare
from polku.load import load_site
from polku.pdf import available
from polku.site import build

from . import generated_paths, pdfread
from .conftest import PATHS, TEMPLATES

# One test process runs all of test_pdf and test_handout, so that the PDFs they share
# (bundled_pdf_site) and each module's own builds are made once (pytest-xdist, --dist loadgroup).
pytestmark = [pytest.mark.pdf, pytest.mark.xdist_group("pdf")]
if (_missing := available()) is not None:
    pytest.skip(f"PDF tests not run: {_missing}", allow_module_level=True)

GENERATED = {
    "g3": dict(n=3),
    "g12": dict(n=12, forks={2: 2}, loops={9: 3}),
    "g14": dict(n=14, forks={4: 3}, loops={11: 2}),
    "g20": dict(n=20, forks={2: 2, 12: 3}, loops={17: 9}),
    "g24": dict(n=24, forks={2: 3, 12: 2}, loops={10: 4, 20: 13}),
    # Ten ways side by side: a row taller than any page at 9 pt, cut between its lanes.
    "g16w10": dict(n=16, forks={3: 10}),
}
TOLERANCE = pdfread.TOLERANCE  # pt: the boxes' decimals


def page_budget(steps: int) -> int:
    """A4 pages allowed for a handout: 7 for 14 steps (issue 16), a page more for each 3 steps beyond."""
    return 7 if steps <= 14 else 7 + math.ceil((steps - 14) / 3)


@pytest.fixture(scope="module")
def sites(tmp_path_factory, bundled_pdf_site):
    if not (shutil.which("pdftotext") and shutil.which("pdftoppm")):
        pytest.fail("pdftotext and pdftoppm are needed to read the PDFs back (apt-get install poppler-utils)")
    generated = tmp_path_factory.mktemp("generated-paths")
    for name, shape in GENERATED.items():
        (generated / f"{name}.yaml").write_text(generated_paths.make(**shape), encoding="utf-8")
    out = {"bundled": (PATHS, bundled_pdf_site)}
    for name, folder, size in (("a3", PATHS, "a3"), ("generated", generated, None)):
        site_dir = tmp_path_factory.mktemp(name) / "site"
        build(folder, TEMPLATES, site_dir, pdf=True, paper=size)
        out[name] = (folder, site_dir)
    out["ratios"] = pdfread.calibrate_weasyprint(out["bundled"][1], tmp_path_factory.mktemp("calibration"))
    return out


def _pdfs(site_dir: Path, folder: Path):
    site, _ = load_site(folder)
    for path in site.paths:
        prefix = f"{path.language}/" if path.is_translation else ""
        yield site, path, site_dir / f"{prefix}{path.id}" / f"{path.id}.pdf"


def _parts(pdf: Path) -> int:
    return pdf.with_name("print.html").read_text(encoding="utf-8").count('<section class="handout-diagram')


def _text(page: pdfread.Page) -> str:
    return " ".join(w.text for w in page.words)


def _title_lines(site, path, paper_size: str) -> dict[str, list[str]]:
    """Each step's title as the picture on paper wraps it: step id -> lines."""
    diagram, *_ = paper.plan(prepare(path, translator(path.language)), paper_size)
    return {card.step_id: [line.text for line in card.lines if line.kind == "title"] for card in diagram.cards}


@pytest.mark.parametrize("name", ["bundled", "a3", "generated"])
def test_every_word_is_9pt_and_every_title_11pt(sites, name):
    folder, site_dir = sites[name]
    ratios = sites["ratios"]
    for site, path, pdf in _pdfs(site_dir, folder):
        pages = pdfread.read(pdf)
        smallest = min((ratios.size(w), w.text, w.page) for p in pages for w in p.words)
        assert smallest[0] >= 9 - TOLERANCE, (pdf.name, smallest)
        parts = _parts(pdf)
        picture = pages[:parts]
        for step in path.steps:
            for line in _title_lines(site, path, "a3" if name == "a3" else "a4")[step.id]:
                runs = [run for p in picture for l in p.lines if (run := pdfread.find_run(l, line.split()))]
                assert runs, (pdf.name, step.id, line, "title line not found in the picture")
                assert all(ratios.size(w) >= 11 - TOLERANCE for run in runs for w in run), (pdf.name, line, [ratios.size(w) for w in runs[0]])
        # Each step's heading on the step pages, at 11 pt or more, with its number beside it.
        found = sorted(step_id for p in pages[parts:] for _, step_id in pdfread.headings(p, path, ratios))
        assert found == sorted(s.id for s in path.steps), (pdf.name, found)


@pytest.mark.parametrize("name", ["bundled", "generated"])
def test_page_counts(sites, name):
    folder, site_dir = sites[name]
    for _, path, pdf in _pdfs(site_dir, folder):
        pages = pdfread.read(pdf)
        assert len(pages) <= page_budget(len(path.steps)), (pdf.name, len(path.steps), len(pages))
        assert all(sorted((round(p.width), round(p.height))) == [595, 842] for p in pages[:_parts(pdf)])
        assert len({(round(p.width), round(p.height)) for p in pages[:_parts(pdf)]}) == 1, "the picture's parts on one orientation"
        assert all(round(p.width) == 595 and round(p.height) == 842 for p in pages[_parts(pdf):])
        print(f"{pdf.name}: {len(path.steps)} steps, {len(pages)} pages, picture on {_parts(pdf)}")


@pytest.mark.parametrize("name", ["bundled", "a3", "generated"])
def test_picture_parts_say_where_they_go_on_start_first_goal_last(sites, name):
    folder, site_dir = sites[name]
    for site, path, pdf in _pdfs(site_dir, folder):
        t = translator(path.language)
        pages = pdfread.read(pdf)
        parts = _parts(pdf)
        titles = _title_lines(site, path, "a3" if name == "a3" else "a4")
        for n in range(1, parts + 1):
            text = _text(pages[n - 1])
            if n < parts:
                assert t("print_continues", page=n + 1) in text, (pdf.name, n)
            else:
                assert t("print_continues", page=n + 1) not in text
            if n > 1:
                assert t("print_continued", page=n - 1) in text, (pdf.name, n)
        start_pages = [p.number for p in pages[:parts] if any(l[0].text == t("start") and len(l) == 1 for l in p.lines)
                       or any(pdfread.find_run(l, [t("start")]) and len(l) <= 3 for l in p.lines)]
        assert start_pages[:1] == [1], (pdf.name, start_pages)
        ends = [s for s in path.steps if not s.next and not s.continues]
        assert ends
        for step in ends:
            first = titles[step.id][0].split()
            assert any(pdfread.find_run(l, first) for l in pages[parts - 1].lines), (pdf.name, step.id, "an end of the path is not on the last part")
        # Every step is drawn once in the picture, on one part (generated paths repeat some titles).
        unique = [s for s in path.steps if sum(t2.title == s.title for t2 in path.steps) == 1]
        for step in unique:
            found = [p.number for p in pages[:parts] for l in p.lines if pdfread.find_run(l, titles[step.id][0].split())]
            assert len(set(found)) == 1, (pdf.name, step.id, found)


@pytest.mark.parametrize("name", ["bundled", "generated"])
def test_no_step_is_split_across_pages(sites, name):
    """Each step's heading and its own date line are on the same page, in the
    same column, with no other heading between them."""
    folder, site_dir = sites[name]
    for _, path, pdf in _pdfs(site_dir, folder):
        t = translator(path.language)
        pages = pdfread.read(pdf)
        date = t("print_date") + ":"
        seen = []
        for page in pages[_parts(pdf):]:
            heads = pdfread.headings(page, path, sites["ratios"])
            dates = [w for w in page.words if w.text == date]

            def column(w):
                return 0 if w.x0 < page.width / 2 else 1

            for word, step_id in heads:
                column_below = [(w.y0, "date") for w in dates if column(w) == column(word) and w.y0 > word.y0]
                column_below += [(h.y0, "head") for h, _ in heads if column(h) == column(word) and h.y0 > word.y0]
                assert column_below and min(column_below)[1] == "date", (pdf.name, page.number, step_id, "the step goes on to another page")
                seen.append(step_id)
            assert len(dates) == len(heads), (pdf.name, page.number, len(dates), len(heads))
        assert sorted(seen) == sorted(s.id for s in path.steps), pdf.name


def test_a3_puts_the_picture_on_fewer_or_as_many_a3_pages(sites):
    a4 = {pdf.name: _parts(pdf) for _, _, pdf in _pdfs(sites["bundled"][1], sites["bundled"][0])}
    folder, site_dir = sites["a3"]
    for _, _, pdf in _pdfs(site_dir, folder):
        pages = pdfread.read(pdf)
        parts = _parts(pdf)
        assert parts <= a4[pdf.name]
        assert all(sorted((round(p.width), round(p.height))) == [842, 1191] for p in pages[:parts]), pdf.name
        assert all((round(p.width), round(p.height)) == (595, 842) for p in pages[parts:]), pdf.name


def test_paper_setting_in_site_yaml(tmp_path):
    folder = tmp_path / "paths"
    shutil.copytree(PATHS, folder)
    settings = folder / "_site.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "paper: a3\n", encoding="utf-8")
    site, _ = load_site(folder)
    assert site.paper == "a3"
    build(folder, TEMPLATES, tmp_path / "site")
    assert "paper-a3-" in (tmp_path / "site" / "suvi" / "print.html").read_text(encoding="utf-8")
    settings.write_text(settings.read_text(encoding="utf-8").replace("paper: a3", "paper: a5"), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "polku", "check", "--paths", str(folder)], capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 1 and "_site.yaml" in run.stdout + run.stderr and "paper" in run.stdout + run.stderr, run.stdout + run.stderr
