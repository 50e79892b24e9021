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
from .conftest import PATHS, TEMPLATES

DPI = 100
DARK = 110  # luminance 0-255: ink, not a faint grey


def _print(browser, url: str, out: Path):
    page = browser.new_page()
    page.goto(url)
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready.then(() => true)")
    out.write_bytes(page.pdf(prefer_css_page_size=True, print_background=False))
    parts = page.evaluate("document.querySelectorAll('section.handout-diagram:not([hidden])').length")
    return page, parts


def _images(pdf: Path, tmp: Path) -> list[Image.Image]:
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", str(pdf), str(tmp / pdf.stem)], check=True)
    return [Image.open(p).convert("RGB") for p in sorted(tmp.glob(f"{pdf.stem}-*.png"))]


def _box(image: Image.Image, x0: float, y0: float, x1: float, y1: float):
    s = DPI / 72
    data = image.crop((int(x0 * s), int(y0 * s), int(x1 * s) + 1, int(y1 * s) + 1)).tobytes()  # RGB: 3 bytes a pixel
    return list(zip(data[0::3], data[1::3], data[2::3]))


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
    drawn = page.evaluate("""Array.from(document.querySelectorAll('.handout-diagram g.step'))
        .filter(g => getComputedStyle(g).display !== 'none').map(g => g.dataset.step)""")
    sheet = page.evaluate("""Array.from(document.querySelectorAll('.sheet .role-item'))
        .filter(li => !li.hidden).map(li => [li.querySelector('.role-card-name').textContent.replace(/\u00ad/g, '').trim(),
                                             li.querySelector('.role-meets-steps').textContent.trim()])""")
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
    # The picture leaves the other ways out (it does not fade them): none of
    # their titles or conditions is printed, and every step of the client's is.
    assert sorted(drawn) == sorted(s.id for s in path.steps if s.id not in hidden)
    picture = " ".join(w.text for p in pages[:parts] for w in p.words)
    picture_words = set(picture.split())
    for step in path.steps:
        if step.id in hidden:
            assert step.title not in picture and step.title.split()[0] not in picture_words, step.title
        else:
            assert step.title.split()[0] in picture_words, step.title
    for other in ("Jos haluat kokeilla työtä ensin", "Jos opiskelu tai kuntoutus sopii", "Jos tarvitset vielä aikaa"):
        assert other not in picture
    assert "Jos työpaikka löytyy" in picture
    # The fork no longer says "choose one way": the client's way is chosen, and its step named.
    assert t("fork_choose") not in picture
    chosen = next(s for s in path.steps if s.id == "palkkatuki")
    assert f"{t('print_chosen')} {chosen.number}." in picture
    # The sheet: each person with the numbers of the client's own steps only.
    on = [s for s in path.steps if s.id not in hidden]
    expected = []
    for role in path.roles_used():
        numbers = [str(s.number) for s in on if role.id in s.roles]
        if numbers:
            expected.append([role.name, t("role_meet_step", n=numbers[0]) if len(numbers) == 1
                             else t("role_meet_steps", numbers=", ".join(numbers))])
    assert sheet == expected
    tyovalmentaja = next(r for r in sheet if r[0] == "Työhönvalmentaja")
    assert tyovalmentaja[1] == t("role_meet_steps", numbers="7, 10")  # not 9, the work trial not taken


def test_personal_handout_leaves_out_a_picture_page_of_skipped_steps_and_counts_the_pages_again(browser, tmp_path, poppler):
    from polku.site import build

    from .generated_paths import _title, make

    # 30 steps in a line, 8-21 optional: the picture's middle page holds only optional steps.
    lines = []
    for line in make(30).split("\n"):
        lines.append(line)
        if line.startswith("  - id: s") and 8 <= int(line.rsplit("s", 1)[1]) <= 21:
            lines.append("    optional: true")
    (tmp_path / "paths").mkdir()
    (tmp_path / "paths" / "valinta.yaml").write_text("\n".join(lines), encoding="utf-8")
    build(tmp_path / "paths", TEMPLATES, tmp_path / "site")
    url = (tmp_path / "site" / "valinta" / "print.html").as_uri()
    t = translator("fi")
    page, whole = _print(browser, url, tmp_path / "all.pdf")
    assert whole == 3
    middle = page.evaluate("Array.from(document.querySelectorAll('section.handout-diagram')[1].querySelectorAll('g.step')).map(g => g.dataset.step)")
    assert middle and all(8 <= int(s[1:]) <= 21 for s in middle), middle
    skip = ",".join(f"s{i}" for i in range(8, 22))
    page, parts = _print(browser, url + f"?skip={skip}", tmp_path / "mine.pdf")
    assert parts == 2
    pages = pdfread.read(tmp_path / "mine.pdf")
    first = " ".join(w.text for w in pages[0].words)
    second = " ".join(w.text for w in pages[1].words)
    assert t("print_continues", page=2) in first
    assert t("print_continued", page=1) in second
    assert _title(23) in second  # "Jälkikontakti 24", the first step after the skipped ones on one line
    picture = first + " " + second
    for i in range(8, 22):
        assert _title(i) not in picture, i
