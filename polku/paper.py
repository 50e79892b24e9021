"""The picture on paper: laid out for the sheet, cut into page parts at row boundaries.

On paper every word of the picture is at least 9 pt and every step title at
least 11 pt (../shared/design/PICTURE.md). A path too long for one sheet at
that size is not shrunk: the picture is cut between its rows into parts, one
part a page, and each part says on which page the road goes on.

This module only reads the laid-out Diagram (cards with their row, bands,
notes, edges, legend): it works for any layout that winds its columns
through rows. It chooses the column count that suits the paper (the screen's
choice is made for 1280x720), a scale, and where to cut; svg.py draws each
part as a view of the same picture.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .layout import Card, Diagram, Prepared, least_width
from .svg import render

MM = 72 / 25.4  # points in a millimetre
MIN_WORD_PT = 9.0
MIN_TITLE_PT = 11.0
SAFETY = 1.01  # a little above the minimum, so rounding in a PDF never dips below it
MAX_SCALE = 0.95  # pt per picture unit: a short path is drawn larger, up to about its screen size
STATION_NUMBER = 14  # svg.py writes a station's number at this size

# Paper for the picture pages, landscape, in mm: width, height. The picture
# is printed landscape unless a row of it is too tall for that (a fork of many
# ways): then portrait, on every picture page. Page margins
# and the room the page's own texts take (title, "continues on page N") are
# kept out of the picture's box; templates/assets/style.css sets the same.
PAPERS = {"a4": (297.0, 210.0), "a3": (420.0, 297.0)}
PAGE_MARGIN = (8.0, 8.0, 13.0)  # sides, top, bottom (the footer) in mm
HEADING_ROOM = 15.0  # the first part's title and subtitle, in mm
CONTINUES_ROOM = 7.5  # a "continued from" / "continues on" line, in mm


@dataclass
class Part:
    number: int  # 1-based: the page it is printed on
    y0: float  # the part's stretch of the picture, in picture units
    y1: float
    svg: str
    width_pt: float
    height_pt: float
    continues: int | None  # the page the road goes on to, if any
    continued_from: int | None
    exit_side: str  # "left" or "right": where the road leaves the part
    orientation: str = "landscape"  # or "portrait"


def min_sizes(diagram: Diagram) -> tuple[float, float]:
    """The smallest text of the picture, and the smallest step title, in picture units."""
    sizes = [STATION_NUMBER]
    titles = []
    lines = list(diagram.legend) + [diagram.start_label]
    for band in diagram.bands:
        lines += band.label
    for note in diagram.notes:
        lines += note.lines
    for card in diagram.cards:
        lines += card.lines
        lines += card.signs
    for line in lines:
        sizes.append(line.size)
        if line.kind == "title":
            titles.append(line.size)
    return min(sizes), min(titles or sizes)


def least_scale(diagram: Diagram) -> float:
    """Points per picture unit that bring every word to 9 pt and every title to 11 pt."""
    smallest, title = min_sizes(diagram)
    return max(MIN_WORD_PT / smallest, MIN_TITLE_PT / title) * SAFETY


# No picture has a smaller least_scale: min_sizes counts a station's number.
LEAST_SCALE_FLOOR = MIN_WORD_PT / STATION_NUMBER * SAFETY
ROW_AIR = 8.0  # picture units kept free above a row, or a piece of one, where the paper cuts


def _card_top(card: Card) -> float:
    """The top of what stands with a card: its signs (when the client comes
    this way) and the walk's badge slot above it."""
    return min([card.y, *(sign.y - sign.size - 4 for sign in card.signs)] + ([card.badge.y] if card.badge.h else []))


def _rows(diagram: Diagram) -> list[tuple[float, float]]:
    """Each row's stretch of the picture, top to bottom: from above its phase
    labels and signs to above the next row (its corridor included). The first
    row starts below the picture's own title (the page has it); the last ends
    with the legend."""
    rows = sorted({c.row for c in diagram.cards})
    tops = []
    for r in rows:
        cards = [c for c in diagram.cards if c.row == r]
        top = min(_card_top(c) for c in cards)
        bottom = max(c.y + c.h for c in cards)
        for band in diagram.bands:
            if band.y < bottom and band.y + band.h > top:
                top = min(top, band.y)
        tops.append(top - ROW_AIR)
    out = []
    for n, top in enumerate(tops):
        bottom = tops[n + 1] if n + 1 < len(tops) else diagram.height
        out.append((top, bottom))
    return out


def _cut_tall(diagram: Diagram, rows: list[tuple[float, float]], scale: float, room: float) -> list[tuple[float, float]] | None:
    """The rows, with each row taller than `room` at `scale` (a fork of many
    ways) cut where no card, its signs, badge slot or note lies: each piece as
    tall as fits. None when a single card is taller than the page."""
    out = []
    for top, bottom in rows:
        if (bottom - top) * scale <= room:
            out.append((top, bottom))
            continue
        spans = []
        for card in diagram.cards:
            if top <= card.y < bottom:
                upper = _card_top(card)
                lower = card.y + card.h
                for note in diagram.notes:
                    if note.step_id == card.step_id:
                        upper, lower = min(upper, note.y), max(lower, note.y + note.h)
                spans.append((upper - ROW_AIR, lower))
        cuts = []  # where a piece may end: above a span that starts below everything before it
        reach = top
        for upper, lower in sorted(spans):
            if upper > reach:
                cuts.append(upper)
            reach = max(reach, lower)
        start = top
        while (bottom - start) * scale > room:
            fitting = [c for c in cuts if start < c and (c - start) * scale <= room]
            if not fitting:
                return None
            out.append((start, fitting[-1]))
            start = fitting[-1]
        out.append((start, bottom))
    return out


def _room(paper: str, orientation: str = "landscape") -> tuple[float, float, float]:
    """The picture's box on a page in points: width, height of the first part, height of the others."""
    w, h = PAPERS[paper]
    if orientation == "portrait":
        w, h = h, w
    side, top, bottom = PAGE_MARGIN
    width = (w - 2 * side) * MM
    height = (h - top - bottom - 2 * CONTINUES_ROOM) * MM
    return width, height - HEADING_ROOM * MM + CONTINUES_ROOM * MM, height


def _pack(rows: list[tuple[float, float]], scale: float, first: float, other: float) -> list[tuple[int, int]] | None:
    """Rows into parts, greedily: (first row, last row) of each. None when a row alone does not fit."""
    parts = []
    start = 0
    while start < len(rows):
        room = first if not parts else other
        end = start
        if (rows[start][1] - rows[start][0]) * scale > room:
            return None
        while end + 1 < len(rows) and (rows[end + 1][1] - rows[start][0]) * scale <= room:
            end += 1
        parts.append((start, end))
        start = end + 1
    return parts


def plan(prepared: Prepared, paper: str = "a4", placed: Diagram | None = None):
    """The picture for the paper: (diagram, scale in pt per unit, parts as row
    ranges, row stretches, orientation).

    Tries each column count that fits the sheet's width at the least scale,
    landscape and portrait, and keeps the one with the fewest parts (then
    landscape, then the largest scale, then the most columns); a row is cut
    between its lanes only when no picture keeps every row whole. `prepared` is
    the path measured (layout.prepare), `placed` a picture of it already laid
    out (the screen's), not laid out again."""
    best = None
    diagrams = {placed.columns: placed} if placed is not None else {}
    for orientation in ("landscape", "portrait"):
        width, first, other = _room(paper, orientation)
        for k in range(min(len(prepared.path.steps), 10), 0, -1):
            if k > prepared.layers:
                continue  # the same picture as a smaller count
            if least_width(k) * LEAST_SCALE_FLOOR > width:
                continue  # too wide for the sheet at any least_scale
            if k not in diagrams:
                diagrams[k] = prepared.place(k)
            diagram = diagrams[k]
            least = least_scale(diagram)
            if diagram.width * least > width:
                continue
            rows = _rows(diagram)
            packed = _pack(rows, least, first, other)
            cut = packed is None
            if cut:  # a row taller than the page: cut it between its lanes
                rows = _cut_tall(diagram, rows, least, min(first, other))
                packed = _pack(rows, least, first, other) if rows else None
            if packed is None:
                continue
            # The largest scale that keeps as few parts.
            scale = least
            s = min(MAX_SCALE, width / diagram.width)
            while s > least:
                again = _pack(rows, s, first, other)
                if again is not None and len(again) <= len(packed):
                    scale, packed = s, again
                    break
                s -= 0.02
            key = (cut, len(packed), orientation != "landscape", -scale, -k)
            if best is None or key < best[0]:
                best = (key, diagram, scale, packed, rows, orientation)
    if best is None:
        # A single card taller than any page at 9 pt: one row a portrait
        # page, shrunk to fit rather than cut off.
        diagram = diagrams.get(1) or prepared.place(1)
        rows = _rows(diagram)
        width, first, other = _room(paper, "portrait")
        scale = min(least_scale(diagram), width / diagram.width, *(first / (b - a) for a, b in rows))
        return diagram, scale, [(r, r) for r in range(len(rows))], rows, "portrait"
    _, diagram, scale, packed, rows, orientation = best
    return diagram, scale, packed, rows, orientation


def parts(prepared: Prepared, paper: str = "a4", id_prefix: str = "p", placed: Diagram | None = None) -> list[Part]:
    """The picture's page parts, each with its SVG drawn for inlining in print.html."""
    diagram, scale, packed, rows, orientation = plan(prepared, paper, placed)
    out = []
    total = len(packed)
    for n, (a, b) in enumerate(packed, start=1):
        y0 = rows[a][0]
        y1 = rows[b][1]
        last = n == total
        if last:
            y1 = diagram.height
        piece = _piece(diagram, y0, y1, first=n == 1, last=last, number=n, total=total)
        w = diagram.width
        svg = render(piece, f"{id_prefix}{n}", standalone=False, view=(0, y0, w, y1 - y0), size_pt=(w * scale, (y1 - y0) * scale))
        out.append(Part(n, y0, y1, svg, w * scale, (y1 - y0) * scale, None if last else n + 1, None if n == 1 else n - 1,
                        _exit_side(diagram, y1), orientation))
    return out


def _piece(diagram: Diagram, y0: float, y1: float, first: bool, last: bool, number: int, total: int) -> Diagram:
    """The diagram with only what lies in [y0, y1): each step drawn once in the
    whole handout; connectors that run on are cut by the part's view."""
    def inside(y: float) -> bool:
        return y0 <= y < y1

    cards = [c for c in diagram.cards if inside(c.y)]
    ids = {c.step_id for c in cards}
    edges = [e for e in diagram.edges if min(y for _, y in e.points) < y1 and max(y for _, y in e.points) > y0]
    title = diagram.title if total == 1 else f"{diagram.title} ({number}/{total})"
    # The start stands by the first step: later parts leave its label out
    # (its marker lies outside their view).
    start_label = diagram.start_label if first else replace(diagram.start_label, text="")
    return replace(
        diagram,
        cards=cards,
        notes=[n for n in diagram.notes if n.step_id in ids],
        edges=edges,
        bands=[b for b in diagram.bands if inside(b.y + 1)],
        header=[],
        legend=diagram.legend if last else [],
        legend_marks=diagram.legend_marks if last else [],
        legend_roles=diagram.legend_roles if last else [],
        title=title,
        start_label=start_label,
    )


def _exit_side(diagram: Diagram, y1: float) -> str:
    """Where the road crosses the part's lower edge: left or right."""
    xs = []
    for e in diagram.edges:
        for (ax, ay), (bx, by) in zip(e.points, e.points[1:]):
            if min(ay, by) < y1 <= max(ay, by) and not e.loop:
                xs.append(ax)
    if not xs:
        return "right"
    return "left" if sum(xs) / len(xs) < diagram.width / 2 else "right"
