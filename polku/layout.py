"""Lay out a path as a road: numbered stations on cards, from a start to a goal.

Measure first, place later, in named stages over a small grid:

    measure    each step's card: wrapped title, roles, duration, labels
    rank       each step's column: the longest chain of forward steps to it
    chains     a forward connector that skips columns passes through a
               waypoint in each column between (a layered graph)
    lanes      the order of the steps in each column, crossings kept few
    grid       columns wind through rows like a road: left to right, then
               right to left; in a right-to-left row the lanes are stacked
               bottom up, so that parallel lanes turn without crossing
    gutters    between two columns each fork is one spine that splits at
               one point, each join one spine that merges, each other
               connector a track of its own; the tracks are ordered so that
               no two cross where an order allows it
    returns    a return loop leaves its own step by the card's foot, runs
               in the corridor below the row (and up the outer margin to an
               earlier row) and comes back into its target's foot
    positions  sizes of gutters, rows and corridors, then every card
    connectors the points of every connector
    labels     phase bands, start, legend

Above each card a sign row holds the conditions (`when`) of the branches
that lead into it and a free slot for the walk's badge, so nothing the walk
draws covers anything. Everything here is plain numbers; svg.py draws it and
decides nothing. polku/rules.py measures the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import permutations

from .marks import of as mark_of
from .measure import Measurer, bundled, wrap
from .model import Mark, Path

# Sizes in SVG user units (px at 100 %), each named once.
CARD_W = 260
PAD = 12  # inside a card
STATION_R = 14
TITLE_SIZE = 17
TITLE_LH = 21
SMALL_SIZE = 14
SMALL_LH = 18
ROLE_MARK = 20  # a role's mark (marks.py) beside its name: big enough to show its pictogram
ROLE_ROW = ROLE_MARK + 3
ROLE_GAP = 4  # below a role name of two lines or more, so its last line keeps clear of the next
ROLE_INDENT = ROLE_MARK + 6
DURATION_INDENT = 20  # a duration's text, right of its clock
LAMP_W = 26
ATTACH_Y = PAD + STATION_R  # connectors meet a card level with its station
GOAL_H = 24
NOTE_GAP = 14
NOTE_SIZE = 14
NOTE_PAD = 8
NOTE_W = CARD_W - 64  # leaves the card's lower right corner to return tracks
PHASE_SIZE = 14
PHASE_LH = PHASE_SIZE + 4
PHASE_PAD = 8  # a phase band reaches this far beyond its cards
SIGN_SIZE = 14
SIGN_LH = 18
BADGE_H = 24
BADGE_PAD = 10
SIGN_GAP = 6  # between a sign row and its card
LANE_GAP = 18
TRACK = 12  # between parallel connectors
CHANNEL_PAD = 14  # between a card and the nearest track
GUTTER_MIN = 40
CORRIDOR_MIN = 24
LOOP_OUT = 14  # a return track leaves a card's foot (or head) this far from its right edge
LOOP_IN = 30  # and comes into a card's foot (or head) this far from it
LOOP_LANE = 42  # the right end of a sign row and of a phase label row kept free for return tracks
SIDE_LOOP_UP = 10  # a return track that must use a card's side does so this far above its foot
MARGIN = 24
HEADER_SIZE = 24
HEADER_LH = HEADER_SIZE + 6
START_W = 64
START_H = 30
START_GAP = 10
LEGEND_ROW = 24
SCREEN = (1280, 720)  # the column count is chosen to fit this best
OVERLAP = 100  # connectors running on one line weigh this many crossings when tracks are ordered


@dataclass
class Line:
    text: str
    x: float
    y: float  # baseline
    size: float
    bold: bool = False
    italic: bool = False
    kind: str = "text"  # title | role | duration | optional | continues | goal | fork | return | when | note | phase | header | legend | start


@dataclass
class RoleMark:
    role_id: str
    x: float
    y: float
    size: float
    look: Mark  # drawn by marks.py, the same on the whole site


@dataclass
class Card:
    step_id: str
    number: int
    x: float
    y: float
    w: float
    h: float
    lines: list[Line] = field(default_factory=list)
    marks: list[RoleMark] = field(default_factory=list)
    station: tuple[float, float, float] = (0, 0, 0)  # cx, cy, r
    lamp: tuple[float, float, float] | None = None  # x, y, size of the idea lamp
    pilot_title: str = ""
    optional: bool = False
    row: int = 0
    lane: int = 0
    column: int = 0
    signs: list[Line] = field(default_factory=list)  # above the card: when the client comes this way
    badge: tuple[float, float, float, float] = (0, 0, 0, 0)  # x, y, w, h kept free for the walk's badge
    goal: tuple[float, float, float, float] | None = None  # the goal marker inside the card


@dataclass
class Note:
    step_id: str
    x: float
    y: float
    w: float
    h: float
    lines: list[Line]
    pointer: tuple[float, float]  # where the callout points at the card


@dataclass
class Edge:
    source: str
    target: str
    points: list[tuple[float, float]]
    loop: bool = False


@dataclass
class Band:
    phase: str
    x: float
    y: float
    w: float
    h: float
    label: list[Line]


@dataclass
class Diagram:
    width: float
    height: float
    cards: list[Card]
    notes: list[Note]
    edges: list[Edge]
    bands: list[Band]
    header: list[Line]
    start: tuple[float, float, float, float]  # x, y, w, h of the start marker
    start_label: Line
    legend: list[Line]
    legend_marks: list[tuple[str, float, float, float]]  # kind, x, y, size
    legend_roles: list[RoleMark]
    title: str
    description: str
    language: str
    start_edge: tuple[tuple[float, float], tuple[float, float]] = ((0, 0), (0, 0))
    columns: int = 0
    rows: int = 0
    junctions: list[tuple[float, float]] = field(default_factory=list)  # where a road splits or merges


# ------------------------------------------------------------- the grid


@dataclass
class _Measured:
    lines: list[tuple[str, str, float, bool]]  # kind, text, size, bold
    roles: list[tuple[str, list[str]]]  # role id, wrapped name lines
    h: float
    note_lines: list[str]
    note_h: float
    phase_lines: list[str]
    signs: list[str]  # the wrapped conditions of the branches into it
    sign_h: float

    @property
    def cell(self) -> float:
        return self.h + (NOTE_GAP + self.note_h if self.note_h else 0)


@dataclass
class _Graph:
    """The layered graph: steps and waypoints (step None), edges between neighbouring columns."""

    rank: list[int]  # per node
    step: list[int | None]  # per node: the step's index, or None for a waypoint
    succ: list[list[int]]
    pred: list[list[int]]
    chains: dict[tuple[int, int], list[int]]  # (step, next step) -> nodes from one to the other
    loops: list[tuple[int, int]]  # (step, earlier step)


@dataclass
class _Grid:
    k: int  # columns
    rows: int
    row: list[int]  # per node
    physical: list[int]  # per node: 0 is the leftmost column
    slot: list[int]  # per node: 0 is the top lane of its row
    slots: list[int]  # per row: how many lanes
    below: list[bool]  # per node: something stands below it in its column
    above: list[bool]


@dataclass
class _Track:
    """One vertical run in a gutter: a fork's or a join's spine, a single connector, or a return track."""

    stubs: list[tuple[float, int, int]]  # y, side (-1 left, +1 right), node
    edges: list[tuple[int, int]]  # layered edges it carries
    loop: tuple[int, int] | None = None
    x: float = 0.0
    dy: dict[int, float] = field(default_factory=dict)  # node -> how far below its lane this track meets it


def layout(path: Path, t, path_titles: dict[str, str] | None = None, measurer: Measurer | None = None, columns: int | None = None) -> Diagram:
    """Geometry for a path. t is the interface translator of the path's language."""
    m = measurer or bundled()
    badge_w = max(m.width(s, SMALL_SIZE, True) for s in (t("walk_now"), "✓ " + t("walk_behind"), t("here"))) + 2 * BADGE_PAD
    measured = [_measure_step(path, i, t, path_titles or {}, m, badge_w) for i in range(len(path.steps))]
    graph = _chains(path, _rank(path))
    order = _lanes(graph)
    layers = max(graph.rank) + 1
    if columns is not None:
        return _place(path, t, m, measured, graph, order, max(1, min(columns, layers)), badge_w)
    # Try column counts in order of the best scale they could reach; stop
    # once no remaining one can beat the best placed so far.
    bounds = {k: _scale_bound(measured, graph, order, k) for k in range(1, min(layers, 10) + 1)}
    best: tuple[float, int, Diagram] | None = None
    for k in sorted(bounds, key=lambda k: (-bounds[k], k)):
        if best is not None and bounds[k] <= best[0] + 1e-9:
            break
        diagram = _place(path, t, m, measured, graph, order, k, badge_w)
        scale = min(SCREEN[0] / diagram.width, SCREEN[1] / diagram.height)
        if best is None or scale > best[0] + 1e-9 or (abs(scale - best[0]) <= 1e-9 and k < best[1]):
            best = (scale, k, diagram)
    assert best is not None
    return best[2]


# ------------------------------------------------------------- measure


def _measure_step(path: Path, i: int, t, path_titles: dict[str, str], m: Measurer, badge_w: float) -> _Measured:
    step = path.steps[i]
    lang = path.language
    inner = CARD_W - 2 * PAD
    title_w = inner - 2 * STATION_R - 8 - (LAMP_W + 4 if step.pilot else 0)
    lines = [("title", s, TITLE_SIZE, True) for s in wrap(step.title, title_w, TITLE_SIZE, m, True, lang)]
    roles = [(rid, wrap(path.roles[rid].name, inner - ROLE_INDENT, SMALL_SIZE, m, False, lang)) for rid in step.roles]
    extra: list[tuple[str, str, float, bool]] = []

    def add(kind: str, text: str, bold: bool, width: float = inner) -> None:
        extra.extend((kind, s, SMALL_SIZE, bold) for s in wrap(text, width, SMALL_SIZE, m, bold, lang))

    if step.duration:
        add("duration", step.duration, False, inner - DURATION_INDENT)
    if step.optional:
        add("optional", t("optional"), True)
    for succ in path.successors[step.id]:
        if succ.loop and succ.when:
            add("return", "↺ " + succ.when, False, inner - LOOP_IN)
    if len(path.forward[step.id]) > 1:
        add("fork", t("fork_choose"), True, inner - LOOP_IN)
    if step.continues:
        add("continues", t("continues_in", title=path_titles.get(step.continues, step.continues)) + " →", True)
    title_h = max(len(lines) * TITLE_LH, 2 * STATION_R)
    h = PAD + title_h + 6 + sum(_role_row_h(len(n)) for _, n in roles) + len(extra) * SMALL_LH + PAD
    if not step.next and not step.continues:
        extra.append(("goal", t("goal"), SMALL_SIZE, True))
        h += GOAL_H + 4
    lines += extra
    note_lines = wrap(step.note, NOTE_W - 2 * NOTE_PAD, NOTE_SIZE, m, False, lang) if step.note else []
    note_h = (2 * NOTE_PAD + len(note_lines) * SMALL_LH) if note_lines else 0
    phase_lines = wrap(path.phase_title(step.phase), CARD_W - LOOP_LANE, PHASE_SIZE, m, True, lang) if step.phase else []
    whens = dict.fromkeys(path.when[(s.id, step.id)] for s in path.steps if (s.id, step.id) in path.when and not path.is_loop(s, step.id))
    signs = [line for w in whens for line in wrap(w, CARD_W - LOOP_LANE - badge_w - 8, SIGN_SIZE, m, True, lang)]
    sign_h = max(BADGE_H, len(signs) * SIGN_LH + 4)
    if len(signs) > 1:  # a longer condition takes the card's width, above the badge's slot
        signs = [line for w in whens for line in wrap(w, CARD_W - LOOP_LANE, SIGN_SIZE, m, True, lang)]
        sign_h = len(signs) * SIGN_LH + 4 + BADGE_H
    return _Measured(lines, roles, h, note_lines, note_h, phase_lines, signs, sign_h)


# ------------------------------------------------------------- rank, chains, lanes


def _rank(path: Path) -> list[int]:
    """Each step's column: the longest chain of forward connections to it."""
    rank = [0] * len(path.steps)
    for i, step in enumerate(path.steps):  # forward connectors go down the file, so one pass suffices
        for succ in path.successors[step.id]:
            if not succ.loop:
                j = path.index_of(succ.step)
                rank[j] = max(rank[j], rank[i] + 1)
    return rank


def _chains(path: Path, rank: list[int]) -> _Graph:
    n = len(path.steps)
    g = _Graph(list(rank), list(range(n)), [[] for _ in range(n)], [[] for _ in range(n)], {}, [])
    for i, step in enumerate(path.steps):
        for succ in path.successors[step.id]:
            j = path.index_of(succ.step)
            if succ.loop:
                g.loops.append((i, j))
                continue
            chain = [i]
            for r in range(rank[i] + 1, rank[j]):  # a waypoint in each column skipped
                g.rank.append(r)
                g.step.append(None)
                g.succ.append([])
                g.pred.append([])
                chain.append(len(g.rank) - 1)
            chain.append(j)
            for a, b in zip(chain, chain[1:]):
                g.succ[a].append(b)
                g.pred[b].append(a)
            g.chains[(i, j)] = chain
    return g


def _lanes(g: _Graph) -> list[list[int]]:
    """The nodes of each column, top lane first: in the order a walk from the
    start meets them, then a few barycentre sweeps that keep the order with
    the fewest crossings."""
    layers = max(g.rank) + 1
    seen: dict[int, None] = {}
    todo = [0]
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen[node] = None
        todo.extend(reversed(g.succ[node]))
    for node in range(len(g.rank)):
        if node not in seen:
            seen[node] = None
            todo = list(reversed(g.succ[node]))
            while todo:
                nxt = todo.pop()
                if nxt not in seen:
                    seen[nxt] = None
                    todo.extend(reversed(g.succ[nxt]))
    order: list[list[int]] = [[] for _ in range(layers)]
    for node in seen:
        order[g.rank[node]].append(node)
    best, best_count = [list(o) for o in order], _crossings(g, order)
    for sweep in range(4):
        ranks = range(1, layers) if sweep % 2 == 0 else range(layers - 2, -1, -1)
        for r in ranks:
            near = g.pred if sweep % 2 == 0 else g.succ
            pos = {node: p for p, node in enumerate(order[r - 1 if sweep % 2 == 0 else r + 1])}
            here = {node: p for p, node in enumerate(order[r])}

            def key(node: int) -> tuple[float, int]:
                ps = [pos[x] for x in near[node]]
                return (sum(ps) / len(ps) if ps else here[node], here[node])

            order[r].sort(key=key)
        count = _crossings(g, order)
        if count < best_count:
            best, best_count = [list(o) for o in order], count
    return best


def _crossings(g: _Graph, order: list[list[int]]) -> int:
    """Pairs of edges between neighbouring columns whose ends are in opposite orders."""
    total = 0
    for r in range(len(order) - 1):
        below = {node: p for p, node in enumerate(order[r + 1])}
        ends = [(p, below[v]) for p, u in enumerate(order[r]) for v in g.succ[u]]
        total += sum(1 for a, (p1, q1) in enumerate(ends) for p2, q2 in ends[a + 1:] if (p1 - p2) * (q1 - q2) < 0)
    return total


def _grid(g: _Graph, order: list[list[int]], k: int) -> _Grid:
    n = len(g.rank)
    rows = (len(order) - 1) // k + 1
    row = [g.rank[v] // k for v in range(n)]
    physical = [0] * n
    lane = [0] * n
    slots = [0] * rows
    for r, nodes in enumerate(order):
        for p, v in enumerate(nodes):
            lane[v] = p
            col = r % k
            physical[v] = col if row[v] % 2 == 0 else k - 1 - col
        slots[r // k] = max(slots[r // k], len(nodes))
    # Right-to-left rows stack their lanes bottom up: lanes turn at a row's end like a ribbon.
    slot = [lane[v] if row[v] % 2 == 0 else slots[row[v]] - 1 - lane[v] for v in range(n)]
    lowest: dict[int, int] = {}
    highest: dict[int, int] = {}
    for v in range(n):
        lowest[g.rank[v]] = max(lowest.get(g.rank[v], -1), slot[v])
        highest[g.rank[v]] = min(highest.get(g.rank[v], slot[v]), slot[v])
    below = [slot[v] < lowest[g.rank[v]] for v in range(n)]
    above = [slot[v] > highest[g.rank[v]] for v in range(n)]
    return _Grid(k, rows, row, physical, slot, slots, below, above)


# ------------------------------------------------------------- gutters


def _gutter_of(grid: _Grid, u: int, v: int) -> tuple[int, object, int, int]:
    """(gutter, its key, side of u's stub, side of v's stub) of the layered edge u -> v.
    Gutter -1 is the left margin, k - 1 the right margin, g between columns g and g + 1."""
    ru, rv = grid.row[u], grid.row[v]
    if ru == rv:
        if ru % 2 == 0:
            return grid.physical[u], ru, -1, +1
        return grid.physical[v], ru, +1, -1
    if ru % 2 == 0:  # the road turns down the right margin
        return grid.k - 1, ("turn", ru), -1, -1
    return -1, ("turn", ru), +1, +1


def _gutters(g: _Graph, grid: _Grid, y: list[float]) -> dict[tuple[int, object], list[_Track]]:
    """Each gutter's tracks, left to right: a fork is one spine, a join one spine."""
    edges: dict[tuple[int, object], list[tuple[int, int, int, int]]] = {}
    for u in range(len(g.rank)):
        for v in g.succ[u]:
            gutter, key, su, sv = _gutter_of(grid, u, v)
            edges.setdefault((gutter, key), []).append((u, v, su, sv))
    out = {}
    for place, items in edges.items():
        outs: dict[int, int] = {}
        ins: dict[int, int] = {}
        for u, v, _, _ in items:
            outs[u] = outs.get(u, 0) + 1
            ins[v] = ins.get(v, 0) + 1
        groups: dict[tuple, _Track] = {}
        for u, v, su, sv in items:
            key = ("fork", u) if outs[u] > 1 else ("join", v) if ins[v] > 1 else ("one", u, v)
            track = groups.setdefault(key, _Track([], []))
            for stub in ((y[u], su, u), (y[v], sv, v)):
                if stub not in track.stubs:
                    track.stubs.append(stub)
            track.edges.append((u, v))
        ordered = _order_tracks(sorted(groups.values(), key=lambda tr: (min(s[0] for s in tr.stubs), max(s[0] for s in tr.stubs))))
        _unstack(ordered, g.step)
        out[place] = ordered
    return out


def _unstack(tracks: list[_Track], step: list[int | None]) -> None:
    """Where no order keeps two stubs off one line, one meets its card (or waypoint) a little lower."""
    for a, first in enumerate(tracks):
        for second in tracks[a + 1:]:
            for one, two in _overlaps(first, second):
                if two[2] not in second.dy:
                    second.dy[two[2]] = TRACK / 2
                elif one[2] not in first.dy:
                    first.dy[one[2]] = TRACK / 2


def _conflicts(a: _Track, b: _Track) -> int:
    """Crossings and overlaps when a's spine stands left of b's (a at x 0, b at x 1,
    the gutter's sides at -1 and 2)."""
    total = OVERLAP * len(_overlaps(a, b))
    for first, second, xf, xs in ((a, b, 0, 1), (b, a, 1, 0)):
        lo, hi = min(s[0] for s in second.stubs), max(s[0] for s in second.stubs)
        for y, side, node in first.stubs:
            end = -1 if side < 0 else 2
            if min(xf, end) < xs < max(xf, end) and lo < y < hi and (y, side, node) not in second.stubs:
                total += 1  # a stub across the other's spine
    return total


def _overlaps(a: _Track, b: _Track) -> list[tuple[tuple, tuple]]:
    """Stubs of a and b that would run on one line, a's spine standing left of b's."""
    out = []
    for stub in a.stubs:
        y, side, node = stub
        for other in b.stubs:
            y2, side2, node2 = other
            if y2 == y + a.dy.get(node, 0) - b.dy.get(node2, 0) and (side2, node2) != (side, node):
                lo1, hi1 = sorted((0, -1 if side < 0 else 2))
                lo2, hi2 = sorted((1, -1 if side2 < 0 else 2))
                if min(hi1, hi2) - max(lo1, lo2) > 0:
                    out.append((stub, other))
    return out


def _order_tracks(tracks: list[_Track]) -> list[_Track]:
    """The left-to-right order with the fewest conflicts: every order when
    there are few tracks, else adjacent swaps while they help."""
    n = len(tracks)
    if n < 2:
        return tracks
    cost = [[_conflicts(a, b) if a is not b else 0 for b in tracks] for a in tracks]

    def total(order) -> int:
        return sum(cost[order[i]][order[j]] for i in range(n) for j in range(i + 1, n))

    if n <= 6:
        best = min(permutations(range(n)), key=total)
        return [tracks[i] for i in best]
    order = list(range(n))
    improved = True
    while improved:
        improved = False
        for i in range(n - 1):
            a, b = order[i], order[i + 1]
            if cost[b][a] < cost[a][b]:
                order[i], order[i + 1] = b, a
                improved = True
    return [tracks[i] for i in order]


# ------------------------------------------------------------- return loops


@dataclass
class _Loop:
    source: int
    target: int
    out: str  # how it leaves its card: "foot", "head" or "side" (when cards stand both below and above)
    into: str
    corridors: list[int]  # the corridors it runs in: r is the one below row r, -1 the one above the first row
    margin: int | None  # gutter (-1 or k - 1) it climbs in between corridors
    out_gutter: int = 0
    in_gutter: int = 0

    @property
    def side_out(self) -> bool:
        return self.out == "side"

    @property
    def side_in(self) -> bool:
        return self.into == "side"


def _returns(g: _Graph, grid: _Grid) -> list[_Loop]:
    """How each return loop leaves and comes in: by a card's foot or head where
    nothing stands below or above it, else by its side; and its corridors."""
    loops = []
    for i, j in g.loops:
        rs, rt = grid.row[i], grid.row[j]

        def ways(node: int, row: int) -> list[tuple[int, str, int]]:  # (cost, how, corridor)
            out = []
            if not grid.below[node]:
                out.append((0, "foot", row))
            if not grid.above[node]:
                out.append((0, "head", row - 1))
            return out or [(1, "side", row)]

        best = min(((a[0] + b[0] + (a[2] != b[2]), n, a, b) for n, (a, b) in enumerate((a, b) for a in ways(i, rs) for b in ways(j, rt))))
        _, _, (_, out, cs), (_, into, ct) = best
        loop = _Loop(i, j, out, into, [cs] if cs == ct else [cs, ct], None)
        loop.out_gutter = grid.physical[i] if rs % 2 == 0 else grid.physical[i] - 1
        loop.in_gutter = grid.physical[j] - 1 if rt % 2 == 0 else grid.physical[j]
        loops.append(loop)
    return loops


def _margins(loops: list[_Loop], grid: _Grid, tracks: dict) -> None:
    """A loop between rows climbs the outer margin on the side where it crosses fewer
    turns of the road: a turn crosses the corridor below the row it leaves."""
    turns = {key[1]: len(items) for (gutter, key), items in tracks.items() if isinstance(key, tuple)}

    def side(row: int) -> int:  # the margin where the road turns from row to row + 1
        return grid.k - 1 if row % 2 == 0 else -1

    for lp in loops:
        if len(lp.corridors) == 2:
            cost = {margin: sum(turns.get(r, 0) for r in lp.corridors if side(r) == margin) for margin in (-1, grid.k - 1)}
            if min(lp.corridors) == -1:
                cost[-1] += 1  # climbing past the first row on the left crosses the start's line
            before = side(max(lp.corridors))
            lp.margin = min((-1, grid.k - 1), key=lambda margin: (cost[margin], margin != before))


# ------------------------------------------------------------- positions


def _scale_bound(measured: list[_Measured], g: _Graph, order: list[list[int]], k: int) -> float:
    """An upper bound on the screen scale of k columns: the least width and height _place can produce."""
    width = MARGIN + START_W + START_GAP + CHANNEL_PAD + k * CARD_W + (k - 1) * GUTTER_MIN + CHANNEL_PAD + MARGIN
    rows = (len(order) - 1) // k + 1
    height = MARGIN + HEADER_LH + 10 + rows * CORRIDOR_MIN
    for r in range(rows):
        lanes: dict[int, float] = {}
        for rank in range(r * k, min(len(order), (r + 1) * k)):
            for lane, v in enumerate(order[rank]):
                cell = measured[g.step[v]].cell + BADGE_H + SIGN_GAP if g.step[v] is not None else 2 * TRACK
                lanes[lane] = max(lanes.get(lane, 0), cell)
        height += sum(lanes.values()) + LANE_GAP * (len(lanes) - 1)
    return min(SCREEN[0] / width, SCREEN[1] / height)


def _columns_x(grid: _Grid, tracks: dict, loops: list[_Loop]) -> tuple[list[float], dict[int, float], dict[int, float]]:
    """x of each physical column, and the left edge and width of each gutter."""
    per_gutter: dict[int, int] = {}
    for (gutter, _), items in tracks.items():
        per_gutter[gutter] = max(per_gutter.get(gutter, 0), len(items))
    for gutter in (-1, grid.k - 1):
        per_gutter[gutter] = sum(_margin_use(tracks, gutter))
    outer = {-1: sum(1 for lp in loops if lp.margin == -1), grid.k - 1: sum(1 for lp in loops if lp.margin == grid.k - 1)}
    width = {}
    for gutter in range(-1, grid.k):
        n = per_gutter.get(gutter, 0) + (outer.get(gutter, 0) if gutter in (-1, grid.k - 1) else 0)
        inner = 0 <= gutter < grid.k - 1
        width[gutter] = max(2 * CHANNEL_PAD + max(n - 1, 0) * TRACK, GUTTER_MIN if inner else CHANNEL_PAD)
    left = {-1: MARGIN + START_W + START_GAP}
    col_x = []
    x = left[-1] + width[-1]
    for p in range(grid.k):
        col_x.append(x)
        x += CARD_W
        left[p] = x
        x += width[p]
    return col_x, left, width


def _rows_y(measured: list[_Measured], g: _Graph, grid: _Grid, corridor_tracks: dict[int, int], top: float):
    """y of each lane's sign row and card, per row and slot; the corridor under each row; the bottom."""
    sign: dict[tuple[int, int], float] = {}
    body: dict[tuple[int, int], float] = {}
    phase: dict[int, float] = {}
    for v, s in enumerate(g.step):
        key = (grid.row[v], grid.slot[v])
        if s is None:
            body[key] = max(body.get(key, 0), 2 * TRACK)
            continue
        me = measured[s]
        sign[key] = max(sign.get(key, 0), me.sign_h)
        body[key] = max(body.get(key, 0), me.cell)
        if me.phase_lines:
            phase[grid.row[v]] = max(phase.get(grid.row[v], 0), len(me.phase_lines) * PHASE_LH + 6)
    card_y: dict[tuple[int, int], float] = {}
    attach: dict[tuple[int, int], float] = {}
    row_top: list[float] = []
    corridor: dict[int, float] = {}
    y = top
    if corridor_tracks.get(-1):  # return tracks above the first row
        corridor[-1] = y - 10
        y += 2 * CHANNEL_PAD + (corridor_tracks[-1] - 1) * TRACK
    for r in range(grid.rows):
        row_top.append(y)
        y += phase.get(r, 0)
        for s in range(grid.slots[r]):
            key = (r, s)
            if key not in body:
                continue
            head = sign.get(key, 0) + (SIGN_GAP if key in sign else 0)
            card_y[key] = y + head
            attach[key] = y + head + (ATTACH_Y if key in sign else TRACK)
            y += head + body[key] + LANE_GAP
        y -= LANE_GAP
        corridor[r] = y
        y += max(CORRIDOR_MIN, 2 * CHANNEL_PAD + max(corridor_tracks.get(r, 0) - 1, 0) * TRACK)
    return card_y, attach, row_top, corridor, y


# ------------------------------------------------------------- place: the stages in order


def _place(path: Path, t, m: Measurer, measured: list[_Measured], g: _Graph, order: list[list[int]], k: int, badge_w: float) -> Diagram:
    grid = _grid(g, order, k)
    loops = _returns(g, grid)
    corridor_tracks: dict[int, int] = {}
    for lp in loops:
        for r in dict.fromkeys(lp.corridors):
            corridor_tracks[r] = corridor_tracks.get(r, 0) + 1
    header = wrap(path.title, max(CARD_W, k * CARD_W), HEADER_SIZE, m, True, path.language)
    top = MARGIN + len(header) * HEADER_LH + 10
    card_y, attach, row_top, corridor, bottom = _rows_y(measured, g, grid, corridor_tracks, top)
    y = [attach[(grid.row[v], grid.slot[v])] for v in range(len(g.rank))]
    tracks = _gutters(g, grid, y)
    _side_tracks(path, g, grid, loops, tracks, measured, card_y)
    _margins(loops, grid, tracks)
    col_x, gutter_left, gutter_w = _columns_x(grid, tracks, loops)
    width = gutter_left[k - 1] + gutter_w[k - 1] + MARGIN
    _track_x(tracks, gutter_left, gutter_w, k)
    cards, notes = _cards(path, t, m, measured, grid, col_x, card_y, badge_w)
    edges, junctions = _connectors(path, g, grid, tracks, cards, col_x, y)
    edges += _loop_connectors(path, grid, loops, tracks, cards, corridor, gutter_left, gutter_w, k)
    bands = _bands(path, m, measured, cards, grid, row_top)
    first = cards[0]
    start_y = y[0]
    start = (MARGIN, start_y - START_H / 2, START_W, START_H)
    start_label = Line(t("start"), MARGIN + START_W / 2, start_y + 5, SMALL_SIZE, True, kind="start")
    legend, legend_marks, legend_roles, legend_bottom = _legend(path, t, bottom, width, m)
    return Diagram(
        width=width,
        height=legend_bottom + MARGIN,
        cards=cards,
        notes=notes,
        edges=edges,
        bands=bands,
        header=[Line(s, MARGIN, MARGIN + HEADER_SIZE + n * HEADER_LH, HEADER_SIZE, True, kind="header") for n, s in enumerate(header)],
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


def _side_tracks(path, g: _Graph, grid: _Grid, loops: list[_Loop], tracks: dict, measured, card_y) -> None:
    """Return tracks that must use a card's side stand next to that card in its gutter."""
    for lp in loops:
        for use, node, gutter in (("out", lp.source, lp.out_gutter), ("in", lp.target, lp.in_gutter)):
            if not (lp.side_out if use == "out" else lp.side_in):
                continue
            r = grid.row[node]
            y = card_y[(r, grid.slot[node])] + measured[node].h - SIDE_LOOP_UP
            card_left = grid.physical[node] == gutter + 1  # the card stands right of the gutter
            track = _Track([(y, +1 if card_left else -1, node)], [], loop=(lp.source, lp.target) if use == "out" else (-1 - lp.source, lp.target))
            items = tracks.setdefault((gutter, r), [])
            if card_left:
                items.append(track)
            else:
                items.insert(0, track)


def _margin_use(tracks: dict, gutter: int) -> tuple[int, int]:
    """(turn tracks, return tracks at a card's side) a margin needs at most in any row:
    the turns span two rows each, so the others stand beyond them."""
    turns = max((len(v) for (gg, key), v in tracks.items() if gg == gutter and isinstance(key, tuple)), default=0)
    sides = max((len(v) for (gg, key), v in tracks.items() if gg == gutter and not isinstance(key, tuple)), default=0)
    return turns, sides


def _track_x(tracks: dict, gutter_left: dict[int, float], gutter_w: dict[int, float], k: int) -> None:
    for (gutter, key), items in tracks.items():
        n = len(items)
        if gutter in (-1, k - 1):
            skip = 0 if isinstance(key, tuple) else _margin_use(tracks, gutter)[0]
            order = range(n) if gutter == k - 1 else range(n - 1, -1, -1)  # from the cards outwards
            for step, i in enumerate(order):
                offset = CHANNEL_PAD + (skip + step) * TRACK
                items[i].x = gutter_left[gutter] + offset if gutter == k - 1 else gutter_left[gutter] + gutter_w[gutter] - offset
            continue
        x0 = gutter_left[gutter] + (gutter_w[gutter] - (n - 1) * TRACK) / 2
        for i, track in enumerate(items):
            track.x = x0 + i * TRACK


def _cards(path: Path, t, m: Measurer, measured: list[_Measured], grid: _Grid, col_x, card_y, badge_w) -> tuple[list[Card], list[Note]]:
    cards: list[Card] = []
    notes: list[Note] = []
    for i, me in enumerate(measured):
        step = path.steps[i]
        x, y = col_x[grid.physical[i]], card_y[(grid.row[i], grid.slot[i])]
        card = Card(step.id, step.number, x, y, CARD_W, me.h, optional=step.optional, row=grid.row[i], lane=grid.slot[i], column=grid.physical[i])
        card.station = (x + PAD + STATION_R, y + PAD + STATION_R, STATION_R)
        if step.pilot:
            card.lamp = (x + CARD_W - PAD - LAMP_W, y + PAD - 2, LAMP_W)
            card.pilot_title = f"{t('pilot')}: {step.pilot.text}"
        _card_lines(path, m, card, me)
        # The sign row: the branch's condition on the side the road comes in, the badge's slot on the other.
        rtl = grid.row[i] % 2 == 1
        sign_top = y - SIGN_GAP - me.sign_h
        card.badge = (x if rtl else x + CARD_W - LOOP_LANE - badge_w, y - SIGN_GAP - BADGE_H, badge_w, BADGE_H)
        for n, text in enumerate(me.signs):
            w = m.width(text, SIGN_SIZE, True) if rtl else 0
            card.signs.append(Line(text, x + CARD_W - LOOP_LANE - w if rtl else x, sign_top + SIGN_SIZE + 2 + n * SIGN_LH, SIGN_SIZE, True, kind="when"))
        cards.append(card)
        if me.note_lines:
            ny = y + me.h + NOTE_GAP
            lines = [Line(s, x + NOTE_PAD, ny + NOTE_PAD + NOTE_SIZE - 2 + n * SMALL_LH, NOTE_SIZE, kind="note") for n, s in enumerate(me.note_lines)]
            notes.append(Note(step.id, x, ny, NOTE_W, me.note_h, lines, (x + 30, y + me.h)))
    return cards, notes


def _role_row_h(lines: int) -> float:
    """The height of one role's row in a card: its mark, or its name's lines and a gap below them."""
    return max(lines * SMALL_LH + ROLE_GAP, ROLE_ROW)


def _card_lines(path: Path, m: Measurer, card: Card, me: _Measured) -> None:
    x, y = card.x, card.y
    ty = y + PAD
    tx = x + PAD + 2 * STATION_R + 8
    for kind, text, size, bold in me.lines:
        if kind == "title":
            card.lines.append(Line(text, tx, ty + size, size, bold, kind="title"))
            ty += TITLE_LH
    ty = max(ty, y + PAD + 2 * STATION_R) + 6
    for rid, name_lines in me.roles:
        card.marks.append(RoleMark(rid, x + PAD, ty, ROLE_MARK, mark_of(path, rid)))
        row_top = ty
        for name in name_lines:
            card.lines.append(Line(name, x + PAD + ROLE_INDENT, ty + SMALL_SIZE + 2, SMALL_SIZE, kind="role"))
            ty += SMALL_LH
        ty = row_top + _role_row_h(len(name_lines))
    for kind, text, size, bold in me.lines:
        if kind == "title":
            continue
        if kind == "goal":
            w = m.width(text, size, True) + 2 * BADGE_PAD + 18
            card.goal = (x + PAD, ty + 4, w, GOAL_H)
            card.lines.append(Line(text, x + PAD + BADGE_PAD + 18, ty + 4 + GOAL_H / 2 + 5, size, True, kind="goal"))
            ty += GOAL_H + 4
            continue
        indent = DURATION_INDENT if kind == "duration" else 0
        card.lines.append(Line(text, x + PAD + indent, ty + size, size, bold, italic=kind in ("optional", "return"), kind=kind))
        ty += SMALL_LH


def _connectors(path: Path, g: _Graph, grid: _Grid, tracks: dict, cards: list[Card], col_x, y) -> tuple[list[Edge], list[tuple[float, float]]]:
    """Each forward connector through its gutters and waypoints; a dot where a road splits or merges."""
    spine: dict[tuple[int, int], _Track] = {}
    junctions: dict[tuple[float, float], None] = {}

    def side_x(node: int, side: int) -> float:  # the card edge a stub reaches, going to that side
        x = col_x[grid.physical[node]]
        return x + CARD_W if side < 0 else x

    def at(track: _Track, node: int) -> float:
        return y[node] + track.dy.get(node, 0)

    for items in tracks.values():
        for track in items:
            for e in track.edges:
                spine[e] = track
            if len(track.edges) > 1:
                forks = {u for u, _ in track.edges}
                for u, v in track.edges:
                    point = (track.x, at(track, u)) if len(forks) == 1 else (track.x, at(track, v))
                    junctions[point] = None

    edges = []
    for (i, j), chain in g.chains.items():
        points: list[tuple[float, float]] = []
        for u, v in zip(chain, chain[1:]):
            _, _, su, sv = _gutter_of(grid, u, v)
            track = spine[(u, v)]
            yu, yv = at(track, u), at(track, v)
            if points and points[-1][1] != yu:  # a waypoint met a little lower on one side: step in the middle of its column
                middle = col_x[grid.physical[u]] + CARD_W / 2
                points += [(middle, points[-1][1]), (middle, yu)]
            points += [(side_x(u, su), yu), (track.x, yu), (track.x, yv), (side_x(v, sv), yv)]
        edges.append(Edge(path.steps[i].id, path.steps[j].id, _simplify(points)))
    return edges, list(junctions)


def _loop_connectors(path: Path, grid: _Grid, loops: list[_Loop], tracks: dict, cards: list[Card], corridor, gutter_left, gutter_w, k) -> list[Edge]:
    side_track = {track.loop: track for items in tracks.values() for track in items if track.loop is not None}
    # Corridor tracks: a shorter run lies nearer the row, so runs nest instead of crossing.
    ends: list[tuple[_Loop, float, float]] = []  # loop, x where it leaves, x where it comes in
    margin_x: dict[int, float] = {}
    per_margin: dict[int, list[_Loop]] = {}
    for lp in loops:
        if lp.margin is not None:
            per_margin.setdefault(lp.margin, []).append(lp)
    used = {gutter: sum(_margin_use(tracks, gutter)) for gutter in (-1, k - 1)}
    for gutter, items in per_margin.items():
        items.sort(key=lambda lp: abs(grid.row[lp.source] - grid.row[lp.target]))  # longer climbs outside
        for n, lp in enumerate(items):
            step = used[gutter] + n
            margin_x[id(lp)] = gutter_left[gutter] + CHANNEL_PAD + step * TRACK if gutter == k - 1 else gutter_left[gutter] + gutter_w[gutter] - CHANNEL_PAD - step * TRACK
    for lp in loops:
        src, dst = cards[lp.source], cards[lp.target]
        out_x = side_track[(lp.source, lp.target)].x if lp.side_out else src.x + src.w - LOOP_OUT
        in_x = side_track[(-1 - lp.source, lp.target)].x if lp.side_in else dst.x + dst.w - LOOP_IN
        ends.append((lp, out_x, in_x))
    # Each corridor's runs: those whose ends turn up lie nearest the row above, the
    # shorter first; those whose ends turn down nearest the row below: runs nest.
    runs: dict[int, list[tuple[tuple, int]]] = {}
    for n, (lp, out_x, in_x) in enumerate(ends):
        up_out = lp.out != "head"  # a foot or a side track comes down into the corridor from above
        up_in = lp.into != "head"
        if lp.margin is None:
            spans = [(lp.corridors[0], out_x, in_x, up_out, up_in)]
        else:
            mx = margin_x[id(lp)]
            first, second = lp.corridors
            spans = [(first, out_x, mx, up_out, second < first), (second, mx, in_x, first < second, up_in)]
        for r, xa, xb, ua, ub in spans:
            ups = ua + ub
            runs.setdefault(r, []).append(((-ups, abs(xa - xb) if ups else -abs(xa - xb)), n))
    level: dict[tuple[int, int], float] = {}
    for r, items in runs.items():
        for pos, (_, n) in enumerate(sorted(items)):
            level[(r, n)] = corridor[r] + CHANNEL_PAD + pos * TRACK
    edges = []
    for n, (lp, out_x, in_x) in enumerate(ends):
        src, dst = cards[lp.source], cards[lp.target]
        y1 = level[(lp.corridors[0], n)]
        if lp.side_out:
            ys = src.y + src.h - SIDE_LOOP_UP
            points = [(src.x + src.w if out_x > src.x else src.x, ys), (out_x, ys), (out_x, y1)]
        else:
            points = [(out_x, src.y + src.h if lp.out == "foot" else src.y), (out_x, y1)]
        if lp.margin is not None:
            mx = margin_x[id(lp)]
            y2 = level[(lp.corridors[1], n)]
            points += [(mx, y1), (mx, y2)]
            y1 = y2
        if lp.side_in:
            yt = dst.y + dst.h - SIDE_LOOP_UP
            points += [(in_x, y1), (in_x, yt), (dst.x + dst.w if in_x > dst.x else dst.x, yt)]
        else:
            points += [(in_x, y1), (in_x, dst.y + dst.h if lp.into == "foot" else dst.y)]
        edges.append(Edge(path.steps[lp.source].id, path.steps[lp.target].id, _simplify(points), loop=True))
    return edges


# ------------------------------------------------------------- labels


def _bands(path: Path, m: Measurer, measured: list[_Measured], cards: list[Card], grid: _Grid, row_top: list[float]) -> list[Band]:
    """Each phase is a labelled stretch of the road: a band behind its cards, row by row."""
    bands: list[Band] = []
    for r in range(grid.rows):
        for phase in path.phases:
            members = [(i, c) for i, (c, s) in enumerate(zip(cards, path.steps)) if s.phase == phase.id and c.row == r]
            if not members:
                continue
            left = min(c.x for _, c in members) - PHASE_PAD
            right = max(c.x + c.w for _, c in members) + PHASE_PAD
            top = row_top[r] - 2
            bottom = max(c.y + measured[i].cell for i, c in members) + PHASE_PAD
            label_lines = measured[members[0][0]].phase_lines
            label = []
            for n, s in enumerate(label_lines):
                lx = left + PHASE_PAD
                label.append(Line(s, lx, top + 4 + PHASE_SIZE + n * PHASE_LH, PHASE_SIZE, True, kind="phase"))
            bands.append(Band(phase.id, left, top, right - left, bottom - top, label))
    return bands


def _legend(path: Path, t, top: float, width: float, m: Measurer):
    """The key to the symbols, laid out in lines that wrap at the width."""
    items: list[tuple[str, str, object]] = []  # kind, text, role mark data
    if any(s.pilot for s in path.steps):
        items.append(("lamp", t("legend_pilot"), None))
    if any(s.optional for s in path.steps):
        items.append(("optional", t("legend_optional"), None))
    if any(path.is_loop(s, n) for s in path.steps for n in s.next):
        items.append(("loop", t("legend_loop"), None))
    for role in path.roles_used():
        items.append(("role", role.name, role.id))
    lines: list[Line] = []
    marks: list[tuple[str, float, float, float]] = []
    roles: list[RoleMark] = []
    x, y = MARGIN, top + 8
    for kind, text, role_id in items:
        icon_w = 30 if kind in ("loop", "optional") else ROLE_MARK if kind == "role" else 20
        text_w = m.width(text, SMALL_SIZE)
        item_w = icon_w + 6 + text_w + 24
        if x + item_w > width - MARGIN and x > MARGIN:
            x, y = MARGIN, y + LEGEND_ROW
        if kind == "role":
            roles.append(RoleMark(str(role_id), x, y + 1, ROLE_MARK, mark_of(path, str(role_id))))
        else:
            marks.append((kind, x, y, icon_w))
        lines.append(Line(text, x + icon_w + 6, y + 15, SMALL_SIZE, kind="legend"))
        x += item_w
    bottom = y + LEGEND_ROW if items else top
    return lines, marks, roles, bottom


def _simplify(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Drop repeated points and points in the middle of straight runs."""
    out: list[tuple[float, float]] = []
    for p in points:
        if out and abs(out[-1][0] - p[0]) < 1e-9 and abs(out[-1][1] - p[1]) < 1e-9:
            continue
        if len(out) >= 2:
            (ax, ay), (bx, by) = out[-2], out[-1]
            if (abs(ax - bx) < 1e-9 and abs(bx - p[0]) < 1e-9) or (abs(ay - by) < 1e-9 and abs(by - p[1]) < 1e-9):
                out[-1] = p
                continue
        out.append(p)
    return out
