"""Handouts as PDF, read back: text, page size, whole steps, no professionals' notes."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from polku.load import load_site
from polku.pdf import available
from polku.site import build

from .conftest import FEATURE_SITE, PATHS, TEMPLATES, build_with_pdfs

# One test process runs all of test_pdf and test_handout, so that the PDFs they share
# (bundled_pdf_site) and each module's own builds are made once (pytest-xdist, --dist loadgroup).
pytestmark = [pytest.mark.pdf, pytest.mark.xdist_group("pdf")]
if (_missing := available()) is not None:
    pytest.skip(f"PDF tests not run: {_missing}", allow_module_level=True)
import weasyprint  # noqa: E402

POPPLER = shutil.which("pdftotext") and shutil.which("pdftoppm") and shutil.which("pdfinfo")


@pytest.fixture(scope="module")
def pdf_sites(tmp_path_factory, bundled_pdf_site, pdf_scratch):
    if not POPPLER:
        pytest.fail("pdftotext, pdftoppm and pdfinfo are needed to read the PDFs back (apt-get install poppler-utils)")
    # Both builds' temporary files go to a folder of their own, to see what they leave there.
    features = build_with_pdfs(FEATURE_SITE, tmp_path_factory.mktemp("features") / "site", pdf_scratch)
    return {"bundled": (PATHS, bundled_pdf_site), "features": (FEATURE_SITE, features),
            "left in the temporary folder": sorted(p.name for p in pdf_scratch.iterdir())}


def test_a_pdf_build_leaves_nothing_in_the_temporary_folder(pdf_sites):
    # WeasyPrint unpacks web fonts into a weasyprint-* folder that a worker process
    # never removed: every build --pdf left ~100 kB behind, 906 folders on one machine.
    assert pdf_sites["left in the temporary folder"] == []


def _text(pdf: Path, page: int | None = None) -> str:
    args = ["pdftotext", "-enc", "UTF-8"] + (["-f", str(page), "-l", str(page)] if page else []) + [str(pdf), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("-\n", "")).strip()


def _all_pdfs(site_dir: Path, folder: Path):
    site, _ = load_site(folder)
    for path in site.paths:
        prefix = f"{path.language}/" if path.is_translation else ""
        yield path, site_dir / f"{prefix}{path.id}" / f"{path.id}.pdf"


@pytest.mark.parametrize("name", ["bundled", "features"])
def test_every_step_and_role_is_in_the_pdf_text_and_no_professional_note(pdf_sites, name):
    folder, site_dir = pdf_sites[name]
    for path, pdf in _all_pdfs(site_dir, folder):
        assert pdf.exists(), pdf
        text = _flat(_text(pdf))
        for step in path.steps:
            assert _flat(step.title) in text, (pdf.name, step.title)
            if step.professional:
                first_words = " ".join(step.professional.replace("*", "").split()[:4])
                assert first_words not in text, (pdf.name, "professional note leaked")
        for role in path.roles_used():
            assert _flat(role.name) in text, (pdf.name, role.name)
        assert path.title in text


@pytest.mark.parametrize("name", ["bundled", "features"])
def test_pdfs_are_a4_with_embedded_fonts_and_tagged(pdf_sites, name):
    folder, site_dir = pdf_sites[name]
    for _, pdf in _all_pdfs(site_dir, folder):
        info = subprocess.run(["pdfinfo", "-l", "99", str(pdf)], capture_output=True, text=True, check=True).stdout
        sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)
        assert sizes
        for w, h in sizes:
            assert sorted((round(float(w)), round(float(h)))) == [595, 842], (pdf.name, w, h)
        assert re.search(r"Tagged:\s+yes", info), "a tagged PDF is read in order by screen readers"
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
        assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # the 'emb' column


def test_the_diagram_pages_are_landscape_unless_a_row_needs_portrait_and_the_rest_portrait(pdf_sites):
    folder, site_dir = pdf_sites["bundled"]
    for _, pdf in _all_pdfs(site_dir, folder):
        info = subprocess.run(["pdfinfo", "-l", "99", str(pdf)], capture_output=True, text=True, check=True).stdout
        sizes = [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)]
        parts = pdf.with_name("print.html").read_text(encoding="utf-8").count('<section class="handout-diagram')
        assert parts >= 1
        landscape = "-landscape" in pdf.with_name("print.html").read_text(encoding="utf-8").split('<section class="handout-diagram')[1][:40]
        assert all((w > h) == landscape for w, h in sizes[:parts]), (pdf.name, sizes)
        assert all(w < h for w, h in sizes[parts:]), (pdf.name, sizes)


def test_no_step_is_cut_across_pages(pdf_sites):
    """Ask WeasyPrint's own layout which pages each step's box lands on."""
    for name in ("bundled", "features"):
        folder, site_dir = pdf_sites[name]
        for path, pdf in _all_pdfs(site_dir, folder):
            document = weasyprint.HTML(filename=str(pdf.with_name("print.html"))).render()
            pages_of: dict[str, set[int]] = {}
            for number, page in enumerate(document.pages):
                stack = [page._page_box]
                while stack:
                    box = stack.pop()
                    element = getattr(box, "element", None)
                    if element is not None and "handout-step" in (element.get("class") or ""):
                        pages_of.setdefault(element.get("data-step"), set()).add(number)
                    stack.extend(getattr(box, "children", []))
            assert set(pages_of) == {s.id for s in path.steps}
            split = {step: pages for step, pages in pages_of.items() if len(pages) > 1}
            assert split == {}, (pdf.name, split)


def test_page_images_have_ink_and_the_footer_numbers_pages(pdf_sites, tmp_path):
    folder, site_dir = pdf_sites["bundled"]
    _, pdf = next(_all_pdfs(site_dir, folder))
    subprocess.run(["pdftoppm", "-r", "30", "-gray", "-png", str(pdf), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) >= 3
    for image in images:
        assert image.stat().st_size > 1500, f"{image.name} looks blank"
    last = _text(pdf, len(images))
    assert f"{len(images)}/{len(images)}" in last.replace(" ", ""), "the footer says 'Sivu n/N'"


def test_path_page_links_its_pdf_only_when_built(pdf_sites, bundled_site):
    _, site_dir = pdf_sites["bundled"]
    assert 'href="suvi.pdf"' in (site_dir / "suvi" / "index.html").read_text(encoding="utf-8")
    assert 'href="suvi.pdf"' not in (bundled_site / "suvi" / "index.html").read_text(encoding="utf-8")


def test_pdf_build_is_byte_identical(pdf_sites, tmp_path):
    _, a = pdf_sites["features"]
    b = tmp_path / "b"
    build(FEATURE_SITE, TEMPLATES, b, pdf=True)  # a second build, to the first one's bytes
    pdfs = sorted(a.rglob("*.pdf"))
    assert pdfs == sorted(pdf for _, pdf in _all_pdfs(a, FEATURE_SITE)), "one PDF for each path and translation"
    for pdf in pdfs:
        assert pdf.read_bytes() == (b / pdf.relative_to(a)).read_bytes(), pdf
