"""Regenerate polku/assets/icons/tabler.json: the role pictograms polku bundles.

A curated subset of Tabler Icons (MIT, https://tabler.io/icons): people,
places and work, the things a client meets on a service path. Each icon is
kept as plain SVG path data in a 24 x 24 box, drawn with round strokes, so
that a diagram that shows it is still plain SVG that Inkscape, LibreOffice
and PowerPoint open. The build reads the JSON file only; it never needs npm.

    cd /tmp && npm pack @tabler/icons && tar xzf tabler-icons-*.tgz
    python tools/icons.py /tmp/package

To add an icon, add its Tabler name (https://tabler.io/icons) and a short
Finnish description to ICONS below, run the script, and list it in
docs/format.md and docs/opas.md.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "polku" / "assets" / "icons"

# Tabler name -> what it shows, in Finnish (for the editors' guide).
ICONS = {
    # people
    "user": "henkilö",
    "users": "kaksi henkilöä",
    "users-group": "ryhmä",
    "friends": "ystävät, vertaiset",
    "user-heart": "läheinen, tukihenkilö",
    "user-check": "vastuuhenkilö",
    "user-search": "ohjaus, etsiminen",
    "baby-carriage": "perhe, lapset",
    "wheelchair": "esteettömyys, vammaispalvelut",
    "nurse": "hoitaja",
    "mood-smile": "hyvinvointi",
    "heart-handshake": "auttavat kädet",
    "heart": "välittäminen",
    # places
    "home": "koti",
    "home-heart": "asuminen, tuettu asuminen",
    "building": "toimisto",
    "building-community": "kunta, yhteisö",
    "building-hospital": "sairaala",
    "building-bank": "virasto, Kela",
    "building-factory-2": "työpaikka, tehdas",
    "building-store": "kauppa, palvelupiste",
    "school": "koulu, oppilaitos",
    "map-pin": "paikka",
    "bus": "liikkuminen",
    "tree": "ulkoilu, luonto",
    "plant-2": "kasvu",
    # work
    "briefcase": "työ",
    "briefcase-2": "työnantaja",
    "tools": "työtoiminta, paja",
    "hammer": "käsityö, rakentaminen",
    "id-badge-2": "henkilökortti, asiantuntija",
    "certificate": "todistus, tutkinto",
    "book": "opiskelu",
    "presentation": "koulutus",
    "chalkboard": "opetus",
    "clipboard-heart": "hoitosuunnitelma",
    "clipboard-list": "suunnitelma",
    "file-text": "asiakirja, hakemus",
    "calendar-event": "tapaaminen",
    "phone": "puhelin",
    "message-circle": "keskustelu",
    "mail": "posti, viesti",
    "coin": "raha",
    "cash": "tuki, etuus",
    "report-money": "talousneuvonta",
    "scale": "oikeus, päätös",
    "gavel": "tuomioistuin",
    "shield-check": "turva, suojelu",
    "stethoscope": "lääkäri",
    "pill": "lääkkeet",
    "brain": "mielenterveys",
    "compass": "suunta, ohjaus",
    "lifebuoy": "apu, kriisi",
    "device-laptop": "verkkoasiointi",
    "headset": "neuvonta puhelimessa",
    "puzzle": "kuntoutus",
    "flag": "tavoite",
    "route": "polku",
}

_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:e-?\d+)?")


def _n(value: str | float) -> str:
    return f"{float(value):g}"


def to_path(tag: str, a: dict[str, str]) -> str | None:
    """One SVG shape as path data, so every icon is paths only."""
    if tag == "path":
        return a["d"]
    if tag == "circle" or tag == "ellipse":
        cx, cy = float(a["cx"]), float(a["cy"])
        rx = float(a.get("rx", a.get("r", 0)))
        ry = float(a.get("ry", a.get("r", 0)))
        return f"M{_n(cx - rx)} {_n(cy)}a{_n(rx)} {_n(ry)} 0 1 0 {_n(2 * rx)} 0a{_n(rx)} {_n(ry)} 0 1 0 {_n(-2 * rx)} 0"
    if tag == "line":
        return f"M{_n(a['x1'])} {_n(a['y1'])}L{_n(a['x2'])} {_n(a['y2'])}"
    if tag in ("polyline", "polygon"):
        points = _NUMBER.findall(a["points"])
        pairs = [f"{_n(points[i])} {_n(points[i + 1])}" for i in range(0, len(points) - 1, 2)]
        return "M" + "L".join(pairs) + ("z" if tag == "polygon" else "")
    if tag == "rect":
        x, y, w, h = (float(a.get(k, 0)) for k in ("x", "y", "width", "height"))
        return f"M{_n(x)} {_n(y)}h{_n(w)}v{_n(h)}h{_n(-w)}z"
    raise SystemExit(f"an element polku cannot turn into a path: <{tag}>")


def icon_paths(svg_file: Path) -> list[str]:
    root = ET.parse(svg_file).getroot()
    out = []
    for el in root.iter():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "svg" or el.get("stroke") == "none":  # Tabler's invisible 24 x 24 frame
            continue
        out.append(to_path(tag, el.attrib))
    return out


def main(package: Path) -> None:
    meta = json.loads((package / "package.json").read_text(encoding="utf-8"))
    icons = {name: icon_paths(package / "icons" / "outline" / f"{name}.svg") for name in sorted(ICONS)}
    OUT.mkdir(parents=True, exist_ok=True)
    data = {
        "source": f"{meta['name']} {meta['version']} (icons/outline), {meta['license']} licence: LICENSE-tabler.txt",
        "viewBox": "0 0 24 24",
        "descriptions": {name: ICONS[name] for name in sorted(ICONS)},
        "icons": icons,
    }
    (OUT / "tabler.json").write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    shutil.copyfile(package / "LICENSE", OUT / "LICENSE-tabler.txt")
    print(f"{len(icons)} icons from {meta['name']} {meta['version']} -> {OUT / 'tabler.json'}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python tools/icons.py <folder of the unpacked @tabler/icons npm package>")
    main(Path(sys.argv[1]))
