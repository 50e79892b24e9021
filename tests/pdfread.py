"""Read a PDF back as poppler sees it: pages, lines and words with their boxes,
and each word's font size from its box.

`pdftotext -bbox-layout` gives a word's box from its font's ascent and descent
times its size, so the size is the box's height over that ratio. The ratio is
measured, not guessed: the same engine prints a calibration page with the
bundled font and the fallback font at a known size (calibrate_*). A word with
no character of the bundled font is set in the fallback font."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from polku.svg import UNICODE_RANGE

NS = "{http://www.w3.org/1999/xhtml}"
CALIBRATION_PT = 20.0
_RANGES = [tuple(int(x, 16) for x in part.replace("U+", "").split("-")) if "-" in part else (int(part[2:], 16),) * 2
           for part in UNICODE_RANGE.split(",")]


def bundled_font_has(char: str) -> bool:
    return any(a <= ord(char) <= b for a, b in _RANGES)


@dataclass
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    page: int  # 1-based

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass
class Page:
    number: int
    width: float
    height: float
    lines: list[list[Word]]

    @property
    def words(self) -> list[Word]:
        return [w for line in self.lines for w in line]


def _unsoft(text: str) -> str:
    """Chromium keeps a word's soft hyphens in its text: only one at the end is a break."""
    return text[:-1].replace("\u00ad", "") + text[-1:] if text else text


def read(pdf: Path) -> list[Page]:
    out = subprocess.run(["pdftotext", "-bbox-layout", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True).stdout
    root = ET.fromstring(out)
    pages = []
    for n, page in enumerate(root.iter(f"{NS}page"), start=1):
        lines = []
        for line in page.iter(f"{NS}line"):
            words = [Word(_unsoft(w.text or ""), float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")), float(w.get("yMax")), n)
                     for w in line.iter(f"{NS}word")]
            if words:
                lines.append(words)
        pages.append(Page(n, float(page.get("width")), float(page.get("height")), lines))
    return pages


@dataclass
class Ratios:
    bundled: float  # box height / font size, Atkinson Hyperlegible Next
    fallback: float  # DejaVu Sans

    def size(self, word: Word) -> float:
        ratio = self.bundled if any(bundled_font_has(c) for c in word.text) else self.fallback
        return word.height / ratio


CALIBRATION_HTML = f"""<!DOCTYPE html><html lang="fi"><head><meta charset="utf-8"><link rel="stylesheet" href="assets/style.css"></head>
<body><p style="font-family:'Atkinson Hyperlegible Next';font-size:{CALIBRATION_PT}pt">Kalibrointiäö</p>
<p style="font-family:'Atkinson Hyperlegible Next';font-size:{CALIBRATION_PT}pt;font-weight:700">Lihavoituäö</p>
<p style="font-family:'DejaVu Sans';font-size:{CALIBRATION_PT}pt">\u2713</p></body></html>"""


def ratios_from(pdf: Path) -> Ratios:
    words = {w.text: w for p in read(pdf) for w in p.words}
    regular, bold, tick = words["Kalibrointiäö"], words["Lihavoituäö"], words["\u2713"]
    assert abs(regular.height - bold.height) < 0.05 * regular.height, "both weights share their metrics"
    return Ratios(regular.height / CALIBRATION_PT, tick.height / CALIBRATION_PT)


def calibrate_weasyprint(site: Path, tmp: Path) -> Ratios:
    import weasyprint

    html = site / "calibration.html"
    html.write_text(CALIBRATION_HTML, encoding="utf-8")
    pdf = tmp / "calibration-weasyprint.pdf"
    weasyprint.HTML(filename=str(html)).write_pdf(str(pdf))
    html.unlink()
    return ratios_from(pdf)


def calibrate_chromium(page, site: Path, tmp: Path) -> Ratios:
    html = site / "calibration.html"
    html.write_text(CALIBRATION_HTML, encoding="utf-8")
    page.goto(html.as_uri())
    page.evaluate("document.fonts.ready.then(() => true)")
    pdf = tmp / "calibration-chromium.pdf"
    pdf.write_bytes(page.pdf(prefer_css_page_size=True, print_background=False))
    html.unlink()
    return ratios_from(pdf)


HYPHENS = "-\u2010\u00ad"  # a word broken at a line's end
TOLERANCE = 0.05  # pt: the boxes' decimals


def headings(page: Page, path, ratios: Ratios) -> list[tuple[Word, str]]:
    """The step headings on a page of the handout's step list: the first word
    of a step's title at 11 pt or more, with the step's number just left of it.
    Returns (the number's word, step id)."""
    out = []
    for word in page.words:
        stem = word.text.rstrip(HYPHENS)
        for step in path.steps:
            first = step.title.split()[0]
            if not (word.text == first or (stem != word.text and first.startswith(stem))):
                continue
            if ratios.size(word) < 11 - TOLERANCE:
                continue
            number = [w for w in page.words if w.text == str(step.number) and 0 < word.x0 - w.x1 < 20
                      and abs((w.y0 + w.y1) / 2 - (word.y0 + word.y1) / 2) < 4]
            if number:
                out.append((number[0], step.id))
    return out


def find_run(line: list[Word], words: list[str]) -> list[Word] | None:
    """The words of a line that spell out `words`, in order, or None."""
    n = len(words)
    for i in range(len(line) - n + 1):
        if [w.text for w in line[i:i + n]] == words:
            return line[i:i + n]
    return None
