"""print.html printed by Chromium with the default settings (no background
graphics), read back as poppler sees it and as pixels: step numbers, role
marks, pilot lamps and "you are here" stay visible, every word 9 pt or more;
and the personal handout keeps only the client's path."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from polku.i18n import translator
from polku.load import load_site

from . import pdfread
from .conftest import PATHS

DPI = 100
DARK = 110  # luminance 0-255: ink, not a faint grey


def _print(browser, url: str, out: Path):
    page = browser.new_page()
    page.goto(url)
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready.then(() => true)")
    out.write_bytes(page.pdf(prefer_css_page_size=True, print_background=False))
    parts = page.evaluate("document.querySelectorAll('section.handout-diagram').length")
    return page, parts


def _images(pdf: Path, tmp: Path) -> list[Image.Image]:
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", str(pdf), str(tmp / pdf.stem)], check=True)
    return [Image.open(p).convert("RGB") for p in sorted(tmp.glob(f"{pdf.stem}-*.png"))]


def _box(image: Image.Image, x0: float, y0: float, x1: float, y1: float):
    s = DPI / 72
    return image.crop((int(x0 * s), int(y0 * s), int(x1 * s) + 1, int(y1 * s) + 1)).getdata()


def _darkest(pixels) -> float:
    return min(0.2126 * r + 0.7152 * g + 0.0722 * b for r, g, b in pixels)


def _suvi():
    site, _ = load_site(PATHS)
    return next(p for p in site.paths if p.id == "suvi" and not p.is_translation)


@pytest.fixture(scope="module")
def poppler():
    if not (shutil.which("pdftotext") and shutil.which("pdftoppm")):
        pytest.fail("pdftotext and pdftoppm are needed to read the PDFs back (apt-get install poppler-utils)")


def test_default_browser_print_keeps_numbers_marks_and_pilots(browser, bundled_site, tmp_path, poppler):
    path = _suvi()
    t = translator(path.language)
    pdf = tmp_path / "suvi.pdf"
    page, parts = _print(browser, (bundled_site / "suvi" / "print.html").as_uri(), pdf)
    ratios = pdfread.calibrate_chromium(page, bundled_site, tmp_path)
    pages = pdfread.read(pdf)
    images = _images(pdf, tmp_path)
    assert len(images) == len(pages) and parts >= 1
    smallest = min((ratios.size(w), w.text, w.page) for p in pages for w in p.words)
    assert smallest[0] >= 9 - pdfread.TOLERANCE, smallest
    # Step numbers beside the step titles: dark ink, not white on a dropped background.
    numbered = []
    for p in pages[parts:]:
        for word, step_id in pdfread.headings(p, path, ratios):
            assert _darkest(_box(images[p.number - 1], word.x0, word.y0, word.x1, word.y1)) < DARK, (p.number, step_id)
            numbered.append(step_id)
    assert sorted(numbered) == sorted(s.id for s in path.steps)
    # Pilots: the lamp's yellow left of the word "Kokeilu" in each pilot step.
    pilots = [w for p in pages[parts:] for w in p.words if w.text == t("pilot")]
    assert len(pilots) >= sum(1 for s in path.steps if s.pilot)
    for w in pilots[:sum(1 for s in path.steps if s.pilot)]:
        pixels = _box(images[w.page - 1], w.x0 - 24, w.y0 - 4, w.x0, w.y1 + 4)
        assert any(r > 200 and g > 150 and b < 90 for r, g, b in pixels), ("no lamp beside", w)
    # Role marks: each role's coloured mark stands left of its name in the step list.
    for role in path.roles_used():
        first = role.name.split()[0]
        spots = [w for p in pages[parts:] for w in p.words if w.text.rstrip(",") == first]
        assert spots, role.name
        # (a mark may be grey or black: printed ink, coloured or not)
        assert any(_darkest(_box(images[w.page - 1], w.x0 - 18, w.y0, w.x0 - 3, w.y1)) < 160 for w in spots), role.name
    # The picture's stations keep their numbers: white digits on a dark disc.
    for p in pages[:parts]:
        digits = [w for w in p.words if w.text.isdigit() and ratios.size(w) < 12]
        assert digits
        for w in digits:
            pixels = list(_box(images[p.number - 1], w.x0, w.y0, w.x1, w.y1))
            assert _darkest(pixels) < DARK, ("station without its disc", p.number, w.text)


def test_personal_handout_keeps_only_the_clients_path(browser, bundled_site, tmp_path, poppler):
    path = _suvi()
    t = translator(path.language)
    pdf = tmp_path / "mine.pdf"
    url = (bundled_site / "suvi" / "print.html").as_uri() + "?at=palkkatuki&choose=loppuarvio.palkkatuki"
    page, parts = _print(browser, url, pdf)
    hidden = set(page.evaluate("Array.from(document.querySelectorAll('li.handout-step[hidden]')).map(li => li.dataset.step)"))
    assert hidden == {"tyokokeilu", "opiskelu", "uusi-jakso"}
    ratios = pdfread.calibrate_chromium(page, bundled_site, tmp_path)
    pages = pdfread.read(pdf)
    images = _images(pdf, tmp_path)
    smallest = min((ratios.size(w), w.text, w.page) for p in pages for w in p.words)
    assert smallest[0] >= 9 - pdfread.TOLERANCE, smallest
    steps = pages[parts:]
    text = " ".join(w.text for p in steps for w in p.words)
    # Only the client's steps, each with its lines for the date and notes.
    shown = sorted(step_id for p in steps for _, step_id in pdfread.headings(p, path, ratios))
    assert shown == sorted(s.id for s in path.steps if s.id not in hidden)
    assert text.count(t("print_date") + ":") == len(path.steps) - len(hidden)
    # Where the client is now, in ink.
    here = [(p, pdfread.find_run(l, t("here").split())) for p in steps for l in p.lines if pdfread.find_run(l, t("here").split())]
    assert len(here) == 1
    p, run = here[0]
    assert _darkest(_box(images[p.number - 1], run[0].x0, run[0].y0, run[-1].x1, run[-1].y1)) < DARK
    # The way taken at the fork, with its condition; not the others.
    assert "Jos työpaikka löytyy" in text
    for other in ("Jos haluat kokeilla työtä ensin", "Jos opiskelu tai kuntoutus sopii", "Jos tarvitset vielä aikaa"):
        assert other not in text
    assert t("print_chosen") in text
    # The client's own goal and next meeting.
    assert t("print_goal") in text and t("print_next_appointment") in text
