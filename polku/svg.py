"""Draw a laid-out Diagram as SVG. Decides nothing: every number comes from layout.py.

The structure is a contract (docs/format.md, "Diagram structure"): each step
is `<g class="step" data-step>` holding its `box`, its `marker` station and
its texts; a pilot step holds a `pilot` lamp with its own `<title>`; notes
are `<g class="note">`; every connection is an `edge` with data-from and
data-to, and a return loop is also a `loop`.
"""

from __future__ import annotations

import svgwrite
from svgwrite.container import Group

from . import colour as c
from .layout import Diagram, Line, RoleMark

FONT_STACK = "'Atkinson Hyperlegible Next', 'DejaVu Sans', 'Noto Sans', Arial, sans-serif"


def num(x: float) -> str:
    """Numbers written short and the same way every time."""
    text = f"{round(x, 2):.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def font_face_css(asset_prefix: str) -> str:
    faces = []
    for weight in (400, 700):
        for subset, unicode_range in (("latin", "U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+2000-206F,U+20AC,U+2122,U+2191,U+2193,U+2212,U+2215,U+FEFF,U+FFFD"), ("latin-ext", "U+0100-02AF,U+0304,U+0308,U+0329,U+1E00-1E9F,U+1EF2-1EFF,U+2020,U+20A0-20AB,U+20AD-20C0,U+2113,U+2C60-2C7F,U+A720-A7FF")):
            faces.append(
                "@font-face{font-family:'Atkinson Hyperlegible Next';font-style:normal;"
                f"font-weight:{weight};font-display:swap;"
                f"src:url('{asset_prefix}fonts/atkinson-hyperlegible-next-{subset}-{weight}-normal.woff2') format('woff2');"
                f"unicode-range:{unicode_range}}}"
            )
    return "".join(faces)


def render(diagram: Diagram, id_prefix: str, asset_prefix: str = "../assets/", standalone: bool = True) -> str:
    """The SVG text. id_prefix keeps ids unique when the SVG is inlined in a page."""
    d = svgwrite.Drawing(size=(None, None), profile="full", debug=False)
    root = d.attribs
    del root["width"], root["height"]
    root["viewBox"] = f"0 0 {num(diagram.width)} {num(diagram.height)}"
    root["role"] = "img"
    root["aria-labelledby"] = f"{id_prefix}-title {id_prefix}-desc"
    root["class"] = "polku-diagram"
    if standalone:
        root["xml:lang"] = diagram.language
    else:
        root["lang"] = diagram.language
    d.elements.insert(0, _TextElement("title", diagram.title, {"id": f"{id_prefix}-title"}))
    d.elements.insert(1, _TextElement("desc", diagram.description, {"id": f"{id_prefix}-desc"}))
    style = (font_face_css(asset_prefix) if standalone else "") + (
        f".polku-diagram text{{font-family:{FONT_STACK};fill:{c.INK}}}"
        ".polku-diagram .edge{fill:none;stroke-width:2.5}"
    )
    d.defs.add(d.style(style))
    marker = d.marker(id=f"{id_prefix}-arrow", insert=(9, 5), size=(10, 10), orient="auto", markerUnits="userSpaceOnUse")
    marker.viewbox(0, 0, 10, 10)
    marker.add(d.path(d="M0,0 L10,5 L0,10 z", fill=c.LINE))
    d.defs.add(marker)
    d.add(d.rect(insert=(0, 0), size=(num(diagram.width), num(diagram.height)), fill=c.PAGE))

    for line in diagram.header:
        d.add(_text(d, line))
    for band in diagram.bands:
        g = d.g(class_="phase", **{"data-phase": band.phase})
        g.add(d.rect(insert=(num(band.x), num(band.y)), size=(num(band.w), num(band.h)), rx=14, fill=c.BAND))
        for line in band.label:
            g.add(_text(d, line))
        d.add(g)

    sx, sy = diagram.start[:2]
    start = d.g(class_="start")
    start.add(d.rect(insert=(num(sx), num(sy)), size=(num(diagram.start[2]), num(diagram.start[3])), rx=15, fill=c.STATION))
    label = diagram.start_label
    start.add(d.text(label.text, insert=(num(label.x), num(label.y)), fill="#ffffff", style="fill:#ffffff", **{"font-size": num(label.size), "font-weight": "bold", "text-anchor": "middle"}))
    (ax, ay), (bx, by) = diagram.start_edge
    start.add(d.line((num(ax), num(ay)), (num(bx), num(by)), stroke=c.LINE, **{"stroke-width": 2.5, "marker-end": f"url(#{id_prefix}-arrow)"}))
    d.add(start)

    for edge in diagram.edges:
        attrs = {
            "class_": "edge loop" if edge.loop else "edge",
            "data-from": edge.source,
            "data-to": edge.target,
            "stroke": c.LINE,
            "marker-end": f"url(#{id_prefix}-arrow)",
        }
        if edge.loop:
            attrs["stroke-dasharray"] = "7 5"
        d.add(d.path(d="M" + " L".join(f"{num(x)},{num(y)}" for x, y in edge.points), **attrs))

    for card in diagram.cards:
        g = d.g(class_="step", **{"data-step": card.step_id})
        box = {"class_": "box", "rx": 10, "fill": c.CARD, "stroke": c.LINE, "stroke-width": 2}
        if card.optional:
            box["stroke-dasharray"] = "8 5"
            box["class_"] = "box optional"
        g.add(d.rect(insert=(num(card.x), num(card.y)), size=(num(card.w), num(card.h)), **box))
        station = d.g(class_="marker")
        cx, cy, r = card.station
        station.add(d.circle(center=(num(cx), num(cy)), r=num(r), fill=c.STATION))
        station.add(d.text(str(card.number), insert=(num(cx), num(cy + 5)), style="fill:#ffffff", **{"font-size": "14", "font-weight": "bold", "text-anchor": "middle"}))
        g.add(station)
        if card.lamp:
            g.add(_lamp(d, *card.lamp, title=card.pilot_title))
        for mark in card.marks:
            g.add(_role_mark(d, mark))
        for line in card.lines:
            if line.kind == "duration" and line is next(x for x in card.lines if x.kind == "duration"):
                g.add(_clock(d, card.x + 12 + 7, line.y - 5))
            g.add(_text(d, line))
        d.add(g)

    for note in diagram.notes:
        g = d.g(class_="note", **{"data-step": note.step_id})
        px, py = note.pointer
        g.add(d.path(d=f"M{num(px - 8)},{num(note.y + 1)} L{num(px)},{num(py + 2)} L{num(px + 8)},{num(note.y + 1)} z", fill=c.NOTE, stroke=c.LAMP_INK))
        g.add(d.rect(insert=(num(note.x), num(note.y)), size=(num(note.w), num(note.h)), rx=6, fill=c.NOTE, stroke=c.LAMP_INK, class_="box"))
        for line in note.lines:
            g.add(_text(d, line))
        d.add(g)

    legend = d.g(class_="legend")
    for kind, x, y, w in diagram.legend_marks:
        if kind == "lamp":
            legend.add(_lamp(d, x, y - 2, 22, title=None))
        elif kind == "optional":
            legend.add(d.rect(insert=(num(x), num(y + 2)), size=(num(w - 4), 16), rx=4, fill=c.CARD, stroke=c.LINE, **{"stroke-width": 2, "stroke-dasharray": "5 3"}))
        elif kind == "loop":
            legend.add(d.line((num(x), num(y + 10)), (num(x + w - 4), num(y + 10)), stroke=c.LINE, **{"stroke-width": 2.5, "stroke-dasharray": "7 5", "marker-end": f"url(#{id_prefix}-arrow)"}))
    for mark in diagram.legend_roles:
        legend.add(_role_mark(d, mark))
    for line in diagram.legend:
        legend.add(_text(d, line))
    d.add(legend)
    # svgwrite declares namespaces the drawing never uses; HTML validators object to them.
    return d.tostring().replace(' xmlns:ev="http://www.w3.org/2001/xml-events"', "").replace(' xmlns:xlink="http://www.w3.org/1999/xlink"', "")


class _TextElement(svgwrite.base.BaseElement):
    """A <title> or <desc> with text, which svgwrite has no class for."""

    def __init__(self, tag: str, text: str, attrs: dict):
        super().__init__(debug=False, profile="full")
        self.elementname = tag
        self._content = text
        self.attribs.update(attrs)

    def get_xml(self):
        xml = super().get_xml()
        xml.text = self._content
        return xml


def _text(d: svgwrite.Drawing, line: Line):
    attrs = {"font-size": num(line.size)}
    if line.bold:
        attrs["font-weight"] = "bold"
    if line.italic:
        attrs["font-style"] = "italic"
    return d.text(line.text, insert=(num(line.x), num(line.y)), class_=f"t-{line.kind}", **attrs)


def _lamp(d: svgwrite.Drawing, x: float, y: float, size: float, title: str | None) -> Group:
    g = d.g(class_="pilot")
    if title is not None:
        g.add(_TextElement("title", title, {}))
    cx = x + size / 2
    r = size * 0.3
    cy = y + size * 0.42
    rays = [((cx - size * 0.5, cy), (cx - r - 3, cy)), ((cx + r + 3, cy), (cx + size * 0.5, cy)), ((cx, y - 2), (cx, cy - r - 3))]
    for (x1, y1), (x2, y2) in rays:
        g.add(d.line((num(x1), num(y1)), (num(x2), num(y2)), stroke=c.LAMP_INK, **{"stroke-width": 2, "stroke-linecap": "round"}))
    g.add(d.circle(center=(num(cx), num(cy)), r=num(r), fill=c.LAMP, stroke=c.LAMP_INK, **{"stroke-width": 2}))
    g.add(d.rect(insert=(num(cx - r * 0.55), num(cy + r - 1)), size=(num(r * 1.1), num(size * 0.22)), rx=2, fill=c.LAMP_INK))
    return g


def _clock(d: svgwrite.Drawing, cx: float, cy: float) -> Group:
    g = d.g(class_="clock")
    g.add(d.circle(center=(num(cx), num(cy)), r=6, fill="none", stroke=c.INK, **{"stroke-width": 1.5}))
    g.add(d.path(d=f"M{num(cx)},{num(cy - 3.5)} L{num(cx)},{num(cy)} L{num(cx + 3)},{num(cy + 1.5)}", fill="none", stroke=c.INK, **{"stroke-width": 1.5}))
    return g


def _role_mark(d: svgwrite.Drawing, mark: RoleMark):
    x, y, s, fill = mark.x, mark.y, mark.size, mark.colour
    h = s / 2
    cx, cy = x + h, y + h
    attrs = {"class_": f"role-mark shape-{mark.shape}", "data-role": mark.role_id, "fill": fill}
    if mark.shape == "circle":
        return d.circle(center=(num(cx), num(cy)), r=num(h), **attrs)
    if mark.shape == "square":
        return d.rect(insert=(num(x), num(y)), size=(num(s), num(s)), **attrs)
    if mark.shape == "ring":
        return d.circle(center=(num(cx), num(cy)), r=num(h - 1.5), stroke=fill, **{**attrs, "fill": "none", "stroke-width": 3})
    if mark.shape == "bar":
        return d.rect(insert=(num(x), num(y + s * 0.25)), size=(num(s), num(s * 0.5)), **attrs)
    points = {
        "triangle": [(cx, y), (x + s, y + s), (x, y + s)],
        "diamond": [(cx, y - 1), (x + s + 1, cy), (cx, y + s + 1), (x - 1, cy)],
        "hexagon": [(x + s * 0.25, y), (x + s * 0.75, y), (x + s, cy), (x + s * 0.75, y + s), (x + s * 0.25, y + s), (x, cy)],
        "cross": [(x + s * 0.35, y), (x + s * 0.65, y), (x + s * 0.65, y + s * 0.35), (x + s, y + s * 0.35), (x + s, y + s * 0.65), (x + s * 0.65, y + s * 0.65), (x + s * 0.65, y + s), (x + s * 0.35, y + s), (x + s * 0.35, y + s * 0.65), (x, y + s * 0.65), (x, y + s * 0.35), (x + s * 0.35, y + s * 0.35)],
    }[mark.shape]
    return d.polygon([(num(px), num(py)) for px, py in points], **attrs)
