"""Regenerate polku/assets/fonts/metrics.json from the bundled woff2 files.

Run by a developer after changing the bundled font (needs fonttools and
brotli, which the build itself does not): the build measures text with this
table so that it needs no font library at run time.
"""

import json
from pathlib import Path

from fontTools.ttLib import TTFont

FONTS = Path(__file__).resolve().parent.parent / "polku" / "assets" / "fonts"
NAME = "atkinson-hyperlegible-next-{subset}-{weight}-normal.woff2"


def widths(weight: int) -> dict[str, int]:
    table: dict[str, int] = {}
    for subset in ("latin", "latin-ext"):
        font = TTFont(FONTS / NAME.format(subset=subset, weight=weight))
        assert font["head"].unitsPerEm == 1000
        hmtx = font["hmtx"]
        for code, glyph in font.getBestCmap().items():
            table.setdefault(chr(code), hmtx[glyph][0])
    return dict(sorted(table.items()))


def main() -> None:
    data = {
        "units_per_em": 1000,
        "family": "Atkinson Hyperlegible Next",
        "regular": widths(400),
        "bold": widths(700),
    }
    out = FONTS / "metrics.json"
    out.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {out} ({len(data['regular'])} glyphs)")


if __name__ == "__main__":
    main()
