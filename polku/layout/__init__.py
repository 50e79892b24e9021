"""Lay out a path as a road: numbered stations on cards, from a start to a goal.

Measure first, place later, in named stages over a small grid. Each stage
lives in the module named beside it; _place below runs them in order.

    measure    cards.py       each step's card: wrapped title, roles, duration, labels
    rank       graph.py       each step's column: the longest chain of forward steps to it
    chains     graph.py       a forward connector that skips columns passes through a
                              waypoint in each column between (a layered graph)
    lanes      graph.py       the order of the steps in each column, crossings kept few
    grid       grid.py        columns wind through rows like a road: left to right, then
                              right to left. The road runs along the middle lane of its
                              row, a fork's lanes spread above and below it; a row ends
                              where the road is one lane (if any column count allows
                              it), and its last step stands on the row's floor, so the
                              road turns into the next row beside it
    gutters    tracks.py      between two columns each fork is one spine that splits at
                              one point, each join one spine that merges, each other
                              connector a track of its own; the tracks are ordered so
                              that no two cross where an order allows it
    returns    tracks.py      a return loop leaves its own step by the card's foot, runs
                              in the corridor below the row (and up the outer margin to
                              an earlier row) and comes back into its target's foot
    positions  grid.py        sizes of gutters, rows and corridors; each column stacks
                              its own lanes, so a tall card leaves no gap beside it
    cards      cards.py       every card, its sign row and its badge slot
    connectors connectors.py  the points of every connector
    labels     labels.py      phase bands and the legend

Sizes are named once, in geometry.py, with the Diagram this returns.
Above each card a sign row holds the conditions (`when`) of the branches
that lead into it and a free slot for the walk's badge, so nothing the walk
draws covers anything. Everything here is plain numbers; svg.py draws it and
decides nothing. polku/rules.py measures the result.

Why the rows turn as they do: in the presentation view a camera shows each
step with the steps it leads to, its title at 20 px on a 1280x720 screen
(tests/test_present.py). A step and its next steps must lie within about
650 x 590 units of the picture, so a fork's lanes spread around the road
instead of below it, and a row's last step sits next to the next row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..measure import Measurer, bundled, wrap
from ..model import ServicePath
from .cards import _cards, _measure_step
from .connectors import _connectors, _loop_connectors
from .geometry import (BADGE_PAD, CARD_W, Box, Lamp, LegendMark, LineKind, Station, HEADER_LH, HEADER_SIZE, MARGIN, SCREEN, SMALL_SIZE, START_H, START_W, TITLE_SIZE, Band, Card,
                       Diagram, Edge, Line, Note, RoleMark, _Graph, _Measured, PRESENT_VIEW)
from .graph import _chains, _lanes, _rank
from .grid import _columns_x, _grid, _narrow_turns, _rows_y, _scale_bound, least_width
from .labels import _bands, _legend
from .tracks import _gutters, _margins, _returns, _side_tracks, _track_x

__all__ = ["Prepared", "prepare", "screen", "apart", "least_width", "Band", "Box", "Card", "Diagram", "Edge", "Lamp", "LegendMark", "Line", "LineKind", "Note", "RoleMark", "Station", "TITLE_SIZE", "layout"]


@dataclass(frozen=True)
class Prepared:
    """What every column count of a path's picture shares: the measured cards
    and the step graph with its lanes. The screen and the handout's pages lay
    the same path out at several column counts; they measure it once."""

    path: ServicePath
    t: Callable[..., str]
    m: Measurer
    measured: list[_Measured]
    graph: _Graph
    order: list[list[int]]
    badge_w: float
    shown: dict = field(default_factory=dict, compare=False, repr=False)  # screen()'s choice, once made

    @property
    def layers(self) -> int:
        return max(self.graph.rank) + 1

    def place(self, columns: int) -> Diagram:
        """The picture in this many columns (at most one per layer)."""
        return _place(self.path, self.t, self.m, self.measured, self.graph, self.order, max(1, min(columns, self.layers)), self.badge_w)


def prepare(path: ServicePath, t, path_titles: dict[str, str] | None = None, measurer: Measurer | None = None) -> Prepared:
    """Measure and rank a path once. t is the interface translator of the path's language."""
    m = measurer or bundled()
    badge_w = max(m.width(s, SMALL_SIZE, True) for s in (t("walk_now"), "✓ " + t("walk_behind"), t("here"))) + 2 * BADGE_PAD
    measured = [_measure_step(path, i, t, path_titles or {}, m, badge_w) for i in range(len(path.steps))]

    def ranked(rank: list[int]) -> Prepared:
        graph = _chains(path, rank)
        return Prepared(path, t, m, measured, graph, _lanes(graph), badge_w)

    middle, beside = _rank(path), _rank(path, middle=False)
    prepared = ranked(middle)
    if beside != middle:
        # A short branch beside a longer one: in the middle of its room, or
        # beside the fork it leaves if that keeps more steps near their next ones.
        other = ranked(beside)
        if _chosen(other)[0] < _chosen(prepared)[0]:
            return other
    return prepared


def layout(path: ServicePath, t, path_titles: dict[str, str] | None = None, measurer: Measurer | None = None, columns: int | None = None) -> Diagram:
    """Geometry for a path. t is the interface translator of the path's language."""
    prepared = prepare(path, t, path_titles, measurer)
    return prepared.place(columns) if columns is not None else screen(prepared)


def screen(prepared: Prepared) -> Diagram:
    """The picture for the screen: among the column counts that keep every step
    within a presentation view of the steps it leads to (apart), the one that
    shows the picture largest."""
    return _chosen(prepared)[3]


def _chosen(prepared: Prepared) -> tuple[int, float, int, Diagram]:
    if "screen" not in prepared.shown:
        prepared.shown["screen"] = _search(prepared)
    return prepared.shown["screen"]


def _search(prepared: Prepared) -> tuple[int, float, int, Diagram]:
    measured, graph, order, layers = prepared.measured, prepared.graph, prepared.order, prepared.layers
    every = list(range(1, min(layers, 10) + 1))
    bounds = {k: _scale_bound(measured, graph, order, k) for k in every}
    # Column counts whose rows turn where the road is narrow first: they
    # usually keep a turn's steps together; the others only if none of those does.
    narrow = [k for k in every if _narrow_turns(order, k)]
    best = _best(prepared, narrow or every, bounds)
    if best[0] and narrow and len(narrow) < len(every):
        best = min(best, _best(prepared, [k for k in every if k not in narrow], bounds), key=lambda b: b[:3])
    if best[0] and layers > len(every):
        # Still a step apart from its next one (a wide fork of long lanes where a
        # row turns): more than ten columns, a smaller page picture, rather than
        # a presentation that cannot show where the road goes.
        wider = list(range(len(every) + 1, layers + 1))
        bounds.update((k, _scale_bound(measured, graph, order, k)) for k in wider)
        best = min(best, _best(prepared, wider, bounds), key=lambda b: b[:3])
    return best


def _best(prepared: Prepared, counts: list[int], bounds: dict[int, float]) -> tuple[int, float, int, Diagram]:
    """(apart, -scale, k, diagram) of the best of these column counts. They are
    tried in order of the best scale they could reach; once one keeps every
    step near its next ones, the search stops where no other can beat it."""
    best: tuple[int, float, int, Diagram] | None = None
    for k in sorted(counts, key=lambda k: (-bounds[k], k)):
        if best is not None and best[0] == 0 and bounds[k] <= -best[1] + 1e-9:
            break
        diagram = prepared.place(k)
        scale = min(SCREEN[0] / diagram.width, SCREEN[1] / diagram.height)
        candidate = (apart(diagram), -scale, k, diagram)
        if best is None or candidate[0] < best[0] or (candidate[0] == best[0] and (
                scale > -best[1] + 1e-9 or (abs(scale + best[1]) <= 1e-9 and k < best[2]))):
            best = candidate
    assert best is not None
    return best


def apart(diagram: Diagram) -> int:
    """How many steps the presentation view cannot show with all the ways
    forward they lead to: the step's card with its badge slot and the nearer
    40 % of each next card do not fit in one view of PRESENT_VIEW units (a
    1280 x 720 screen's picture with titles at 20 px; tests/test_present.py
    measures it in the browser)."""
    cards = {c.step_id: c for c in diagram.cards}
    ahead: dict[str, list[Card]] = {}
    for edge in diagram.edges:
        if not edge.loop and edge.source in cards and edge.target in cards:
            ahead.setdefault(edge.source, []).append(cards[edge.target])
    count = 0
    for source, targets in ahead.items():
        c = cards[source]
        boxes = [(c.x, min(c.y, c.badge.y), c.x + c.w, c.y + c.h)]  # left, top, right, bottom
        for t in targets:
            # 40 % of a card is in sight as its nearer 40 % across or its nearer 40 % down:
            # every choice for up to 64 combinations (a fork of six ways), the best few beyond.
            across = (t.x, t.y, t.x + 0.4 * t.w, t.y + t.h) if t.x >= c.x else (t.x + 0.6 * t.w, t.y, t.x + t.w, t.y + t.h)
            down = (t.x, t.y, t.x + t.w, t.y + 0.4 * t.h) if t.y >= c.y else (t.x, t.y + 0.6 * t.h, t.x + t.w, t.y + t.h)
            boxes = sorted({_joined(box, part) for box in boxes for part in (across, down)}, key=_overflow)[:64]
        count += _overflow(boxes[0])[0] > 0
    return count


def _joined(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])


def _overflow(box: tuple[float, float, float, float]) -> tuple[float, float]:
    """How far a box exceeds the presentation view, then its size (the smaller the better)."""
    w, h = box[2] - box[0], box[3] - box[1]
    return max(0.0, w - PRESENT_VIEW[0]) + max(0.0, h - PRESENT_VIEW[1]), w * h


def _place(path: ServicePath, t, m: Measurer, measured: list[_Measured], g: _Graph, order: list[list[int]], k: int, badge_w: float) -> Diagram:
    grid = _grid(g, order, k)
    loops = _returns(g, grid)
    corridor_tracks: dict[int, int] = {}
    for lp in loops:
        for r in dict.fromkeys(lp.corridors):
            corridor_tracks[r] = corridor_tracks.get(r, 0) + 1
    header = wrap(path.title, max(CARD_W, k * CARD_W), HEADER_SIZE, m, True, path.language)
    top = MARGIN + len(header) * HEADER_LH + 10
    card_y, attach, row_top, corridor, bottom = _rows_y(measured, g, grid, corridor_tracks, top)
    y = attach
    tracks = _gutters(g, grid, y)
    _side_tracks(path, g, grid, loops, tracks, measured, card_y)
    _margins(loops, grid, tracks)
    col_x, gutter_left, gutter_w = _columns_x(grid, tracks, loops)
    width = gutter_left[k - 1] + gutter_w[k - 1] + MARGIN
    _track_x(tracks, gutter_left, gutter_w, k)
    cards, notes = _cards(path, t, m, measured, grid, col_x, card_y, badge_w, frozenset(lp.source for lp in loops if lp.out == "head"))
    edges, junctions = _connectors(path, g, grid, tracks, cards, col_x, y)
    edges += _loop_connectors(path, grid, loops, tracks, cards, corridor, gutter_left, gutter_w, k)
    bands = _bands(path, m, measured, cards, grid, row_top)
    first = cards[0]
    start_y = y[0]
    start = Box(MARGIN, start_y - START_H / 2, START_W, START_H)
    start_label = Line(t("start"), MARGIN + START_W / 2, start_y + 5, SMALL_SIZE, True, kind=LineKind.START)
    legend, legend_marks, legend_roles, legend_bottom = _legend(path, t, bottom, width, m)
    return Diagram(
        width=width,
        height=legend_bottom + MARGIN,
        cards=cards,
        notes=notes,
        edges=edges,
        bands=bands,
        header=[Line(s, MARGIN, MARGIN + HEADER_SIZE + n * HEADER_LH, HEADER_SIZE, True, kind=LineKind.HEADER) for n, s in enumerate(header)],
        start=start,
        start_label=start_label,
        legend=legend,
        legend_marks=legend_marks,
        legend_roles=legend_roles,
        title=path.title,
        description=t("diagram_desc", title=path.title, count=len(path.steps)),
        language=path.language,
        start_edge=((MARGIN + START_W, start_y), (first.x, start_y)),
        columns=k,
        rows=grid.rows,
        junctions=junctions,
    )
