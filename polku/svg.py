"""Draw a laid-out Diagram as SVG. Where everything stands comes from
polku/layout/; what is drawn here are the fixed shapes of a station, a lamp,
a clock, a flag, a role's mark and the arrow heads, each at a place the
layout gave it.

The structure is a contract with the pages' script (templates/assets/polku.js:
the walk's badges, "my path") and the tests (tests/test_golden.py): each step
is `<g class="step" data-step>` holding its `box`, its `marker` station and
its texts; a pilot step holds a `pilot` lamp with its own `<title>`; notes
are `<g class="note">`; every connection is an `edge` with data-from and
data-to, and a return loop is also a `loop`.
"""

from __future__ import annotations

import math
from functools import lru_cache

from . import colour as c
from . import marks
from .layout import TITLE_SIZE, Card, Diagram, Line, LineKind, RoleMark

FONT_STACK = "'Atkinson Hyperlegible Next', 'DejaVu Sans', 'Noto Sans', Arial, sans-serif"


def num(x: float) -> str:
    """Numbers written short and the same way every time."""
    text = _NUMBERS.get(x)
    if text is None:
        if len(_NUMBERS) > 100_000:
            _NUMBERS.clear()
        text = f"{round(x, 2):.2f}".rstrip("0").rstrip(".")
        text = _NUMBERS[x] = "0" if text == "-0" else text
    return text


_NUMBERS: dict[float, str] = {}  # coordinates repeat a lot: each is formatted once


# Exactly the characters the bundled font has (tests/test_fonts.py checks it
# against the font), so that a character it lacks, such as the Sámi ŋ ŧ ʒ,
# falls back to the next font of the stack instead of a missing glyph.
# templates/assets/style.css declares the same range.
UNICODE_RANGE = "U+0020-007E,U+00A0-00AC,U+00AE-00B4,U+00B6-0107,U+010A-0113,U+0116-011B,U+011E-0123,U+0126-0127,U+012A-012B,U+012E-0133,U+0136-0137,U+0139-013E,U+0141-0148,U+0150-0155,U+0158-015B,U+015E-0165,U+016A-016B,U+016E-017E,U+0192,U+0218-021B,U+0237,U+02C6-02C7,U+02C9,U+02DA,U+02DC-02DD,U+0300-0301,U+0303-0304,U+0308,U+1E80-1E85,U+1E9E,U+1EF2-1EF3,U+2009,U+2013-2014,U+2018-201A,U+201C-201E,U+2020,U+2022,U+2026,U+2039-203A,U+2044,U+20AC,U+20B9,U+2113,U+2122,U+2212,U+2215"


def font_face_css(asset_prefix: str) -> str:
    return "".join(
        "@font-face{font-family:'Atkinson Hyperlegible Next';font-style:normal;"
        f"font-weight:{weight};font-display:swap;"
        f"src:url('{asset_prefix}fonts/atkinson-hyperlegible-next-{weight}.woff2') format('woff2');"
        f"unicode-range:{UNICODE_RANGE}}}"
        for weight in (400, 700)
    )


class El:
    """One SVG element. Every attribute value and text is escaped when written,
    so no content can open a tag or an attribute: safe by construction.

    A few lines instead of svgwrite's element tree: drawing a 12-step path went
    from about 10 ms to under 1 ms (benchmarks/diagram.py)."""

    __slots__ = ("tag", "attrs", "children", "text")

    def __init__(self, tag: str, attrs: dict | None = None, text: str | None = None):
        self.tag = tag
        self.attrs = {k: v for k, v in (attrs or {}).items() if v is not None}
        self.children: list[El] = []
        self.text = text

    def add(self, child):  # El, or a leaf already written by _leaf
        self.children.append(child)
        return child

    def write(self, out: list[str]) -> None:
        out.append("<" + self.tag)
        for key, value in self.attrs.items():
            out.append(f' {key}="{str(value).translate(_ATTRIBUTE)}"')
        if not self.children and self.text is None:
            out.append(" />")
            return
        out.append(">")
        if self.text is not None:
            out.append(_escape_text(self.text))
        for child in self.children:
            if child.__class__ is str:
                out.append(child)
            else:
                child.write(out)
        out.append(f"</{self.tag}>")


def _leaf(tag: str, attrs: dict, text: str | None = None, numbers: str = "") -> str:
    """An element without children, written at once (most of a diagram):
    the same escaping as El.write, without building an El first. numbers are
    coordinates already written by num(), which has only digits, '.' and '-'."""
    parts = [f' {key}="{str(value).translate(_ATTRIBUTE)}"' for key, value in attrs.items() if value is not None]
    if text is None:
        return f"<{tag}{numbers}{''.join(parts)} />"
    return f"<{tag}{numbers}{''.join(parts)}>{text.translate(_TEXT)}</{tag}>"


_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTRIBUTE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\t": "&#9;"})


def _escape_text(text: str) -> str:
    return text.translate(_TEXT)


def _g(cls: str, **data: str) -> El:
    return El("g", {"class": cls, **{f"data-{k}": v for k, v in data.items()}})


def _rect(x: float, y: float, w: float, h: float, **attrs) -> str:
    return _leaf("rect", _attrs(attrs), numbers=f' x="{num(x)}" y="{num(y)}" width="{num(w)}" height="{num(h)}"')


def _circle(cx: float, cy: float, r: float, **attrs) -> str:
    return _leaf("circle", _attrs(attrs), numbers=f' cx="{num(cx)}" cy="{num(cy)}" r="{num(r)}"')


def _line(x1: float, y1: float, x2: float, y2: float, **attrs) -> str:
    return _leaf("line", _attrs(attrs), numbers=f' x1="{num(x1)}" y1="{num(y1)}" x2="{num(x2)}" y2="{num(y2)}"')


def _path(points: str, **attrs) -> str:
    return _leaf("path", {"d": points, **_attrs(attrs)})


def _attrs(attrs: dict) -> dict:
    """Python names to SVG names: class_ -> class, stroke_width -> stroke-width."""
    return {_svg_name(k): (num(v) if isinstance(v, float) else v) for k, v in attrs.items()}


@lru_cache(maxsize=None)
def _svg_name(name: str) -> str:
    return name.rstrip("_").replace("_", "-")


class _Written:
    """A part of the tree already written: the two versions of a diagram share it."""

    __slots__ = ("text",)
    tag = ""

    def __init__(self, part: El):
        out: list[str] = []
        part.write(out)
        self.text = "".join(out)

    def write(self, out: list[str]) -> None:
        out.append(self.text)


def render(diagram: Diagram, id_prefix: str, asset_prefix: str = "../assets/", standalone: bool = True,
           step_attrs: dict[str, dict[str, str]] | None = None, view: tuple[float, float, float, float] | None = None,
           size_pt: tuple[float, float] | None = None) -> str:
    """The SVG text. id_prefix keeps ids unique when the SVG is inlined in a page.
    step_attrs adds attributes to a step's group by step id (the review's data-change).
    view shows only that box (x, y, w, h) of the picture, at size_pt points:
    a page's part of the handout's picture (polku/paper.py)."""
    root = _draw(diagram, id_prefix, asset_prefix, standalone, step_attrs or {})
    if view is not None:
        root.attrs["viewBox"] = " ".join(num(v) for v in view)
    if size_pt is not None:
        root.attrs["width"] = f"{num(size_pt[0])}pt"
        root.attrs["height"] = f"{num(size_pt[1])}pt"
    out: list[str] = []
    root.write(out)
    return "".join(out)


def render_pair(diagram: Diagram, id_prefix: str, asset_prefix: str) -> tuple[str, str]:
    """(standalone file, inline in a page): drawn once, the shared body written once."""
    root = _draw(diagram, id_prefix, asset_prefix, standalone=True)
    root.children = [child if _is_defs(child) else (child if child.__class__ is str else _Written(child)) for child in root.children]
    standalone = []
    root.write(standalone)
    inline = _draw_root(diagram, id_prefix, asset_prefix, standalone=False)
    # On the path page a picture of up to PAGE_LEGIBLE_STEPS steps is never drawn
    # smaller than its titles at PAGE_TITLE_PX (style.css: --legible): wider, it
    # scrolls in its box. A longer path's picture fits the box, a view of the whole road.
    if len(diagram.cards) <= PAGE_LEGIBLE_STEPS:
        inline.attrs["style"] = f"--legible:{num(math.ceil(diagram.width * PAGE_TITLE_PX / TITLE_SIZE) + 1)}px"  # +1: the browser lays out in fractions of a px
    inline.children = [_defs(id_prefix, asset_prefix, standalone=False) if _is_defs(child) else child for child in root.children]
    out: list[str] = []
    inline.write(out)
    return "".join(standalone), "".join(out)


def _is_defs(child) -> bool:
    return isinstance(child, El) and child.tag == "defs"


def _draw_root(diagram: Diagram, id_prefix: str, asset_prefix: str, standalone: bool) -> El:
    return El("svg", {
        "xmlns": "http://www.w3.org/2000/svg",
        "version": "1.1",
        "viewBox": f"0 0 {num(diagram.width)} {num(diagram.height)}",
        "role": "img",
        # Inline in a page the title and description name the picture by reference;
        # a standalone file's first <title> and <desc> do so by themselves (SVG 1.1).
        "aria-labelledby": None if standalone else f"{id_prefix}-title {id_prefix}-desc",
        "class": "polku-diagram",
        ("xml:lang" if standalone else "lang"): diagram.language,
    })


PAGE_TITLE_PX = 14
PAGE_LEGIBLE_STEPS = 12


def _defs(id_prefix: str, asset_prefix: str, standalone: bool) -> El:
    style = (font_face_css(asset_prefix) if standalone else "") + (
        f".polku-diagram text{{font-family:{FONT_STACK};fill:{c.INK}}}"
        ".polku-diagram .edge{fill:none;stroke-width:3.5}.polku-diagram .edge.loop{stroke-width:2.5}"
    )
    defs = El("defs")
    defs.add(El("style", {}, style))
    marker = defs.add(El("marker", {"id": f"{id_prefix}-arrow", "markerHeight": "10", "markerUnits": "userSpaceOnUse", "markerWidth": "10",
                                    "orient": "auto", "refX": "9", "refY": "5", "viewBox": "0 0 10 10"}))
    marker.add(_path("M0,0 L10,5 L0,10 z", fill=c.LINE))
    # A return loop ends in an arrow of its own: open, like its dashed line.
    back = defs.add(El("marker", {"id": f"{id_prefix}-return", "markerHeight": "12", "markerUnits": "userSpaceOnUse", "markerWidth": "12",
                                  "orient": "auto", "refX": "10", "refY": "6", "viewBox": "0 0 12 12"}))
    back.add(_path("M1,1 L10,6 L1,11", fill="none", stroke=c.LINE, stroke_width="2.5", stroke_linejoin="round"))
    return defs


def _draw(diagram: Diagram, id_prefix: str, asset_prefix: str, standalone: bool, step_attrs: dict | None = None) -> El:
    root = _draw_root(diagram, id_prefix, asset_prefix, standalone)
    root.add(_leaf("title", {"id": f"{id_prefix}-title"}, diagram.title))
    root.add(_leaf("desc", {"id": f"{id_prefix}-desc"}, diagram.description))
    root.add(_defs(id_prefix, asset_prefix, standalone))
    root.add(_rect(0, 0, diagram.width, diagram.height, fill=c.PAGE))
    arrow = f"url(#{id_prefix}-arrow)"
    back = f"url(#{id_prefix}-return)"

    for line in diagram.header:
        root.add(_text(line))
    for band in diagram.bands:
        g = root.add(_g("phase", phase=band.phase))
        g.add(_rect(band.x, band.y, band.w, band.h, rx="14", fill=c.BAND))
        for line in band.label:
            g.add(_text(line))

    start = root.add(_g("start"))
    box = diagram.start
    start.add(_rect(box.x, box.y, box.w, box.h, rx="15", fill=c.STATION))
    label = diagram.start_label
    start.add(_leaf("text", {"x": num(label.x), "y": num(label.y), "fill": "#ffffff", "font-size": num(label.size), "font-weight": "bold",
                          "style": "fill:#ffffff", "text-anchor": "middle"}, label.text))
    (ax, ay), (bx, by) = diagram.start_edge
    start.add(_line(ax, ay, bx, by, stroke=c.LINE, stroke_width="3.5", marker_end=arrow))

    for edge in diagram.edges:
        root.add(_path("M" + " L".join(f"{num(x)},{num(y)}" for x, y in edge.points),
                       class_="edge loop" if edge.loop else "edge", data_from=edge.source, data_to=edge.target,
                       stroke=c.LINE, marker_end=back if edge.loop else arrow, stroke_dasharray="7 5" if edge.loop else None))
    if diagram.junctions:
        joints = root.add(_g("junctions"))
        for x, y in diagram.junctions:
            joints.add(_circle(x, y, 5.5, fill=c.LINE))

    for card in diagram.cards:
        root.add(_card(card, step_attrs))

    for note in diagram.notes:
        g = root.add(_g("note", step=note.step_id))
        px, py = note.pointer
        g.add(_path(f"M{num(px - 8)},{num(note.y + 1)} L{num(px)},{num(py + 2)} L{num(px + 8)},{num(note.y + 1)} z", fill=c.NOTE, stroke=c.LAMP_INK))
        g.add(_rect(note.x, note.y, note.w, note.h, class_="box", rx="6", fill=c.NOTE, stroke=c.LAMP_INK))
        for line in note.lines:
            g.add(_text(line))

    root.add(_legend(diagram, arrow))
    return root


def _card(card: Card, step_attrs: dict | None) -> El:
    """One step's card: box, station, lamp, role marks, goal and texts."""
    # data-badge-*: the slot above the card kept free for the walk's badge (polku.js draws it there).
    badge = card.badge
    g = El("g", {"class": "step", "data-step": card.step_id, "data-badge-x": num(badge.x), "data-badge-y": num(badge.y),
                 "data-badge-w": num(badge.w), "data-badge-h": num(badge.h)})
    if step_attrs and card.step_id in step_attrs:
        g.attrs.update(step_attrs[card.step_id])
    g.add(_rect(card.x, card.y, card.w, card.h, class_="box optional" if card.optional else "box", rx="10",
                fill=c.CARD, stroke=c.LINE, stroke_width="2", stroke_dasharray="8 5" if card.optional else None))
    station = g.add(_g("marker"))
    dot = card.station
    station.add(_circle(dot.cx, dot.cy, dot.r, fill=c.STATION))
    station.add(_leaf("text", {"x": num(dot.cx), "y": num(dot.cy + 5), "font-size": "14", "font-weight": "bold", "style": "fill:#ffffff",
                               "text-anchor": "middle"}, str(card.number)))
    if card.lamp:
        g.add(_lamp(card.lamp.x, card.lamp.y, card.lamp.size, title=card.pilot_title))
    for mark in card.marks:
        g.add(_role_mark(mark))
    if card.goal:
        goal = card.goal
        g.add(_rect(goal.x, goal.y, goal.w, goal.h, class_="goal", rx=num(goal.h / 2), fill=c.STATION))
        g.add(_flag(goal.x + 12, goal.y + 5, goal.h - 10))
    first_duration = next((x for x in card.lines if x.kind == LineKind.DURATION), None)
    for line in card.lines:
        if line is first_duration:
            g.add(_clock(card.x + 12 + 7, line.y - 5))
        g.add(_text(line) if line.kind != LineKind.GOAL else _leaf("text", {"class": "t-goal", "font-size": num(line.size), "font-weight": "bold", "style": "fill:#ffffff"},
                                                                 line.text, numbers=f' x="{num(line.x)}" y="{num(line.y)}"'))
    for line in card.signs:
        g.add(_text(line))
    return g


def _legend(diagram: Diagram, arrow: str) -> El:
    legend = _g("legend")
    for mark in diagram.legend_marks:
        kind, x, y, w = mark.kind, mark.x, mark.y, mark.w
        if kind == "lamp":
            legend.add(_lamp(x, y - 2, 22, title=None))
        elif kind == "optional":
            legend.add(_rect(x, y + 2, w - 4, 16, rx="4", fill=c.CARD, stroke=c.LINE, stroke_width="2", stroke_dasharray="5 3"))
        elif kind == "loop":
            legend.add(_line(x, y + 10, x + w - 4, y + 10, stroke=c.LINE, stroke_width="2.5", stroke_dasharray="7 5", marker_end=arrow))
    for mark in diagram.legend_roles:
        legend.add(_role_mark(mark))
    for line in diagram.legend:
        legend.add(_text(line))
    return legend


def _text(line: Line) -> str:
    return _leaf("text", {"class": f"t-{line.kind}", "font-size": num(line.size), "font-weight": "bold" if line.bold else None,
                          "font-style": "italic" if line.italic else None}, line.text, numbers=f' x="{num(line.x)}" y="{num(line.y)}"')


def _lamp(x: float, y: float, size: float, title: str | None) -> El:
    g = _g("pilot")
    if title is not None:
        g.add(_leaf("title", {}, title))
    cx = x + size / 2
    r = size * 0.3
    cy = y + size * 0.42
    rays = [((cx - size * 0.5, cy), (cx - r - 3, cy)), ((cx + r + 3, cy), (cx + size * 0.5, cy)), ((cx, y - 2), (cx, cy - r - 3))]
    for (x1, y1), (x2, y2) in rays:
        g.add(_line(x1, y1, x2, y2, stroke=c.LAMP_INK, stroke_width="2", stroke_linecap="round"))
    g.add(_circle(cx, cy, r, fill=c.LAMP, stroke=c.LAMP_INK, stroke_width="2"))
    g.add(_rect(cx - r * 0.55, cy + r - 1, r * 1.1, size * 0.22, rx="2", fill=c.LAMP_INK))
    return g


def _flag(x: float, y: float, h: float) -> El:
    """The goal's flag: a pole and a pennant, white on the dark goal marker."""
    g = _g("flag")
    g.add(_line(x, y, x, y + h, stroke="#ffffff", stroke_width="1.5"))
    g.add(_path(f"M{num(x)},{num(y)} L{num(x + h * 0.8)},{num(y + h * 0.25)} L{num(x)},{num(y + h * 0.5)} z", fill="#ffffff"))
    return g


def _clock(cx: float, cy: float) -> El:
    g = _g("clock")
    g.add(_circle(cx, cy, 6, fill="none", stroke=c.INK, stroke_width="1.5"))
    g.add(_path(f"M{num(cx)},{num(cy - 3.5)} L{num(cx)},{num(cy)} L{num(cx + 3)},{num(cy + 1.5)}", fill="none", stroke=c.INK, stroke_width="1.5"))
    return g


def _role_mark(mark: RoleMark) -> str:
    return marks.group(mark.role_id, mark.look, mark.x, mark.y, mark.size)

