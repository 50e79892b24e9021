"""Merge the bundled font's subsets and regenerate polku/assets/fonts/metrics.json.

Run by a developer after changing the bundled font (needs fonttools and
brotli, which the build itself does not). Fontsource ships Atkinson
Hyperlegible Next as 'latin' and 'latin-ext' subsets; with both in a page,
WeasyPrint embeds them under one name and mixes up their glyphs (č printed
as g), so they are merged into one file per weight, which is also smaller.
The build measures text with metrics.json so that it needs no font library.

    python tools/font_metrics.py [folder with the fontsource subset woff2 files]
"""

import json
import sys
from pathlib import Path

from fontTools.merge import Merger
from fontTools.ttLib import TTFont

FONTS = Path(__file__).resolve().parent.parent / "polku" / "assets" / "fonts"
SUBSET = "atkinson-hyperlegible-next-{subset}-{weight}-normal.woff2"
MERGED = "atkinson-hyperlegible-next-{weight}.woff2"


def merge(source: Path, weight: int) -> None:
    parts = []
    for subset in ("latin", "latin-ext"):
        font = TTFont(source / SUBSET.format(subset=subset, weight=weight))
        font.flavor = None
        ttf = FONTS / f".{subset}-{weight}.ttf"
        font.save(ttf)
        parts.append(ttf)
    merged = Merger().merge([str(p) for p in parts])
    merged.flavor = "woff2"
    merged.save(FONTS / MERGED.format(weight=weight))
    for ttf in parts:
        ttf.unlink()


def ranges(codepoints) -> str:
    cps = sorted(codepoints)
    spans, start, prev = [], cps[0], cps[0]
    for c in cps[1:]:
        if c != prev + 1:
            spans.append((start, prev))
            start = c
        prev = c
    spans.append((start, prev))
    return ",".join(f"U+{a:04X}" if a == b else f"U+{a:04X}-{b:04X}" for a, b in spans)


def widths(weight: int) -> dict[str, int]:
    font = TTFont(FONTS / MERGED.format(weight=weight))
    assert font["head"].unitsPerEm == 1000
    hmtx = font["hmtx"]
    return dict(sorted((chr(code), hmtx[glyph][0]) for code, glyph in font.getBestCmap().items()))


def main() -> None:
    if len(sys.argv) > 1:
        for weight in (400, 700):
            merge(Path(sys.argv[1]), weight)
    data = {"units_per_em": 1000, "family": "Atkinson Hyperlegible Next", "regular": widths(400), "bold": widths(700)}
    out = FONTS / "metrics.json"
    out.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {out} ({len(data['regular'])} glyphs)")
    print("unicode-range (polku/svg.py and templates/assets/style.css):", ranges(map(ord, data["regular"])))


if __name__ == "__main__":
    main()
