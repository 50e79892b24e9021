"""Lay out a path as geometry: cards, stations, lanes, connectors, labels.

Measure first, place later. Each step is measured into a card of wrapped
text lines; the steps are ranked into columns (the longest chain of forward
connections leading to each), steps of the same column stack into lanes,
and the columns wind through rows like a road: the first row left to right,
the next right to left, turning at the edge. Every connector then runs in
the free channels between cards (gutters between columns, corridors between
rows, margins at the sides), each on a track of its own, so that no
connector crosses a card or hides another.

Everything here is plain numbers; svg.py draws it and decides nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .marks import of as mark_of
from .measure import Measurer, bundled, wrap
from .model import Mark, Path

# Sizes in SVG user units (px at 100 %).
CARD_W = 260
PAD = 12
STATION_R = 14
TITLE_SIZE = 17
TITLE_LH = 21
SMALL_SIZE = 14
SMALL_LH = 18
ROLE_MARK = 20  # a role's mark (marks.py) beside its name: big enough to show its pictogram
ROLE_ROW = ROLE_MARK + 3
ROLE_INDENT = ROLE_MARK + 6
LAMP_W = 26
ATTACH_Y = PAD + STATION_R  # connectors meet cards level with the station
NOTE_GAP = 14
NOTE_SIZE = 14
PHASE_SIZE = 14
PHASE_H = 26
LANE_GAP = 22
TRACK = 12  # distance between parallel connectors
CHANNEL_PAD = 14
MARGIN = 24
HEADER_SIZE = 24
START_W = 64
START_GAP = 10
START_Y = PAD + 2 * STATION_R + 8  # where the start arrow meets the first card


@dataclass
class Line:
    text: str
    x: float
    y: float  # baseline
    size: float
    bold: bool = False
    italic: bool = False
    kind: str = "text"  # title | role | duration | optional | continues | end | note | phase | header


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


@dataclass
class _Measured:
    step_index: int
    lines: list[tuple[str, str, float, bool]]  # kind, text, size, bold
    roles: list[tuple[str, list[str]]]  # role id, wrapped name lines
    h: float
    note_lines: list[str]
    note_h: float
    phase_lines: list[str]


def layout(path: Path, t, path_titles: dict[str, str] | None = None, measurer: Measurer | None = None, columns: int | None = None) -> Diagram:
    """Geometry for a path. t is the interface translator of the path's language."""
    measurer = measurer or bundled()
    path_titles = path_titles or {}
    measured = [_measure_step(path, i, t, path_titles, measurer) for i in range(len(path.steps))]
    rank = _ranks(path)
    layers = max(rank) + 1
    if columns is not None:
        return _place(path, t, measured, rank, max(1, min(columns, layers)), measurer)
    # Try column counts in order of the best scale they could possibly reach,
    # and stop once no remaining one can beat the best placed so far.
    candidates = sorted(range(1, min(layers, 10) + 1), key=lambda k: (-_scale_bound(measured, rank, k), k))
    best: tuple[float, int, Diagram] | None = None
    for k in candidates:
        if best is not None and _scale_bound(measured, rank, k) <= best[0] + 1e-9:
            break
        diagram = _place(path, t, measured, rank, k, measurer)
        scale = min(1280 / diagram.width, 720 / diagram.height)
        if best is None or scale > best[0] + 1e-9 or (abs(scale - best[0]) <= 1e-9 and k < best[1]):
            best = (scale, k, diagram)
    assert best is not None
    return best[2]


def _scale_bound(measured: list[_Measured], rank: list[int], k: int) -> float:
    """An upper bound on the 1280x720 scale of k columns: the least width and
    height _place can produce (no channels, notes stacked as they will be)."""
    width = 2 * MARGIN + MARGIN + START_W + START_GAP + k * CARD_W + (k - 1) * 36 + MARGIN
    lanes: dict[tuple[int, int], float] = {}
    used: dict[int, int] = {}
    for me, r in zip(measured, rank):
        lane = used.get(r, 0)
        used[r] = lane + 1
        key = (r // k, lane)
        lanes[key] = max(lanes.get(key, 0), me.h + (NOTE_GAP + me.note_h if me.note_h else 0))
    rows = max(rank) // k + 1
    height = MARGIN + HEADER_SIZE + 6 + 10 + rows * 24 + sum(lanes.values()) + LANE_GAP * (len(lanes) - rows)
    return min(1280 / width, 720 / height)


# ------------------------------------------------------------- measuring


def _measure_step(path: Path, i: int, t, path_titles: dict[str, str], m: Measurer) -> _Measured:
    step = path.steps[i]
    inner = CARD_W - 2 * PAD
    title_w = inner - 2 * STATION_R - 8 - (LAMP_W + 4 if step.pilot else 0)
    lines: list[tuple[str, str, float, bool]] = [("title", s, TITLE_SIZE, True) for s in wrap(step.title, title_w, TITLE_SIZE, m, True, path.language)]
    roles = [(rid, wrap(path.roles[rid].name, inner - ROLE_INDENT, SMALL_SIZE, m, False, path.language)) for rid in step.roles]
    extra: list[tuple[str, str, float, bool]] = []
    if step.duration:
        extra += [("duration", s, SMALL_SIZE, False) for s in wrap(step.duration, inner - 20, SMALL_SIZE, m, False, path.language)]
    if step.optional:
        extra += [("optional", s, SMALL_SIZE, True) for s in wrap(t("optional"), inner, SMALL_SIZE, m, True, path.language)]
    if step.continues:
        label = t("continues_in", title=path_titles.get(step.continues, step.continues)) + " →"
        extra += [("continues", s, SMALL_SIZE, True) for s in wrap(label, inner, SMALL_SIZE, m, True, path.language)]
    elif not step.next:
        extra += [("end", s, SMALL_SIZE, True) for s in wrap(t("path_ends"), inner, SMALL_SIZE, m, True, path.language)]
    title_h = max(len(lines) * TITLE_LH, 2 * STATION_R)
    h = PAD + title_h + 6 + sum(max(len(n) * SMALL_LH, ROLE_ROW) for _, n in roles) + len(extra) * SMALL_LH + PAD
    lines += extra
    note_lines = wrap(step.note, CARD_W - 2 * PAD, NOTE_SIZE, m, False, path.language) if step.note else []
    note_h = (2 * 8 + len(note_lines) * SMALL_LH) if note_lines else 0
    starts_phase = step.phase and (i == 0 or path.steps[i - 1].phase != step.phase)
    phase_lines = wrap(path.phase_title(step.phase), CARD_W, PHASE_SIZE, m, True, path.language) if starts_phase else []
    return _Measured(i, lines, roles, h, note_lines, note_h, phase_lines)


def _ranks(path: Path) -> list[int]:
    """Each step's column: the longest chain of forward connections to it."""
    index = {s.id: i for i, s in enumerate(path.steps)}
    rank = [0] * len(path.steps)
    for i, step in enumerate(path.steps):  # forward edges go down the file, so one pass suffices
        for target in step.next:
            j = index[target]
            if j > i:
                rank[j] = max(rank[j], rank[i] + 1)
    return rank


# ------------------------------------------------------------- placing


def _place(path: Path, t, measured: list[_Measured], rank: list[int], k: int, m: Measurer) -> Diagram:
    n = len(path.steps)
    layers = max(rank) + 1
    rows = math.ceil(layers / k)
    column_of = [r % k for r in rank]
    row_of = [r // k for r in rank]
    lane_of = [0] * n
    used: dict[int, int] = {}
    for i in range(n):  # file order within a column
        lane_of[i] = used.get(rank[i], 0)
        used[rank[i]] = lane_of[i] + 1

    def physical(i: int) -> int:
        return column_of[i] if row_of[i] % 2 == 0 else k - 1 - column_of[i]

    def exit_gutter(i: int) -> int:  # gutters: -1 left margin, 0..k-2 between columns, k-1 right margin
        return physical(i) if row_of[i] % 2 == 0 else physical(i) - 1

    def entry_gutter(i: int) -> int:
        return physical(i) - 1 if row_of[i] % 2 == 0 else physical(i)

    index = {s.id: i for i, s in enumerate(path.steps)}
    rerouted = _crossed_direct(path, index, physical, exit_gutter, entry_gutter, row_of, lane_of)
    # --- route topology: which channels each connector uses
    routes = []  # (source, target, loop, kind, details)
    gutter_slots: dict[int, list] = {g: [] for g in range(-1, k)}
    corridor_slots: dict[int, list] = {}
    for i, step in enumerate(path.steps):
        for target in step.next:
            j = index[target]
            loop = j <= i
            gs, gt = exit_gutter(i), entry_gutter(j)
            rs, rt = row_of[i], row_of[j]
            key = (step.id, target)
            if _is_direct(gs, gt, rs, rt, loop) and key not in rerouted:
                routes.append((i, j, loop, "direct", gs))
                gutter_slots[gs].append((key, "direct", i, j))
                continue
            if rt > rs:
                cs, ct = rs, rt - 1
            elif rt < rs:
                cs, ct = rs - 1, rt
            else:
                cs = ct = rs
            margin = None
            if cs != ct:
                margin = -1 if (gs + gt) / 2 < (k - 1) / 2 else k - 1
                gutter_slots[margin].append((key, "margin", i, j))
            gutter_slots[gs].append((key, "exit", i, j))
            gutter_slots[gt].append((key, "entry", i, j))
            corridor_slots.setdefault(cs, []).append(key)
            if ct != cs:
                corridor_slots.setdefault(ct, []).append(key)
            routes.append((i, j, loop, "channel", (gs, gt, cs, ct, margin)))

    # Order each gutter's tracks so that stubs from the left column come
    # first and stubs into the right column last: stubs never overlap.
    def side(entry, g):
        _, use, i, j = entry
        if use == "margin":
            return 1 if g == -1 else -1
        card = i if use in ("exit", "direct") else j
        card_is_left = physical(card) == g
        if use == "direct":
            return 0
        return -1 if card_is_left else 1

    direct_order = {key: n for n, key in enumerate(_direct_order(path, index, physical, exit_gutter, entry_gutter, row_of, lane_of, rerouted))}

    slot: dict[tuple, int] = {}
    gutter_w: dict[int, float] = {}
    for g, entries in gutter_slots.items():
        ordered = sorted(entries, key=lambda e: (side(e, g), direct_order.get(e[0], 0), e[2], e[3], e[1]))
        for pos, e in enumerate(ordered):
            slot[(g, e[0], e[1])] = pos
        width = 2 * CHANNEL_PAD + max(len(ordered) - 1, 0) * TRACK
        gutter_w[g] = max(width, 36 if 0 <= g < k - 1 else MARGIN)
    # The start marker stands left of the left margin's tracks: a return loop
    # into the first step comes up that margin.
    gutter_w[-1] += START_W + START_GAP
    corridor_h = {c: 2 * CHANNEL_PAD + max(len(v) - 1, 0) * TRACK for c, v in corridor_slots.items()}

    # --- sizes of rows and lanes
    lane_h: dict[tuple[int, int], float] = {}
    has_phase: dict[int, float] = {}
    for i, me in enumerate(measured):
        key = (row_of[i], lane_of[i])
        cell = me.h + (NOTE_GAP + me.note_h if me.note_h else 0)
        lane_h[key] = max(lane_h.get(key, 0), cell)
        if me.phase_lines:
            has_phase[row_of[i]] = max(has_phase.get(row_of[i], 0), len(me.phase_lines) * (PHASE_SIZE + 4) + 10)
    col_x = []
    x = MARGIN + gutter_w[-1]
    for p in range(k):
        col_x.append(x)
        x += CARD_W + gutter_w[p]
    width = x + MARGIN
    header = wrap(path.title, width - 2 * MARGIN, HEADER_SIZE, m, True, path.language)
    header_h = MARGIN + len(header) * (HEADER_SIZE + 6) + 10
    lane_y: dict[tuple[int, int], float] = {}
    corridor_y: dict[int, float] = {}
    y = header_h
    for r in range(rows):
        y += has_phase.get(r, 0) + 8
        lanes = sorted(lane for (row, lane) in lane_h if row == r)
        for lane in lanes:
            lane_y[(r, lane)] = y
            y += lane_h[(r, lane)] + LANE_GAP
        y -= LANE_GAP
        corridor_y[r] = y + 8
        y += 16 + corridor_h.get(r, 0)
    diagram_bottom = y

    # --- cards, notes, bands
    cards: list[Card] = []
    notes: list[Note] = []
    for i, me in enumerate(measured):
        step = path.steps[i]
        cx, cy = col_x[physical(i)], lane_y[(row_of[i], lane_of[i])]
        card = Card(step.id, step.number, cx, cy, CARD_W, me.h, optional=step.optional, row=row_of[i], lane=lane_of[i], column=column_of[i])
        card.station = (cx + PAD + STATION_R, cy + PAD + STATION_R, STATION_R)
        if step.pilot:
            card.lamp = (cx + CARD_W - PAD - LAMP_W, cy + PAD - 2, LAMP_W)
            card.pilot_title = f"{t('pilot')}: {step.pilot.text}"
        ty = cy + PAD
        tx = cx + PAD + 2 * STATION_R + 8
        for kind, text, size, bold in me.lines:
            if kind != "title":
                continue
            card.lines.append(Line(text, tx, ty + size, size, bold, kind="title"))
            ty += TITLE_LH
        ty = max(ty, cy + PAD + 2 * STATION_R) + 6
        for rid, name_lines in me.roles:
            card.marks.append(RoleMark(rid, cx + PAD, ty, ROLE_MARK, mark_of(path, rid)))
            row_top = ty
            for name in name_lines:
                card.lines.append(Line(name, cx + PAD + ROLE_INDENT, ty + SMALL_SIZE + 2, SMALL_SIZE, kind="role"))
                ty += SMALL_LH
            ty = max(ty, row_top + ROLE_ROW)
        for kind, text, size, bold in me.lines:
            if kind == "title":
                continue
            indent = 20 if kind == "duration" else 0
            card.lines.append(Line(text, cx + PAD + indent, ty + size, size, bold, italic=kind == "optional", kind=kind))
            ty += SMALL_LH
        cards.append(card)
        if me.note_lines:
            ny = cy + me.h + NOTE_GAP
            lines = [Line(s, cx + PAD, ny + 8 + NOTE_SIZE + k2 * SMALL_LH, NOTE_SIZE, kind="note") for k2, s in enumerate(me.note_lines)]
            notes.append(Note(step.id, cx, ny, CARD_W, me.note_h, lines, (cx + 30, cy + me.h)))

    bands: list[Band] = []
    for r in range(rows):
        for phase in path.phases:
            members = [c for c, s in zip(cards, path.steps) if s.phase == phase.id and c.row == r]
            if not members:
                continue
            left = min(c.x for c in members) - 8
            right = max(c.x + c.w for c in members) + 8
            top = min(c.y for c in members) - has_phase.get(r, 0) - 4
            bottom = max(c.y + lane_h[(r, c.lane)] for c in members) + 8
            first = next((me for me, c, s in zip(measured, cards, path.steps) if c in members and me.phase_lines), None)
            label_lines = first.phase_lines if first else wrap(phase.title, CARD_W, PHASE_SIZE, m, True, path.language)
            reverse = r % 2 == 1
            label = []
            for k2, s in enumerate(label_lines):
                lx = right - 8 - m.width(s, PHASE_SIZE, True) if reverse else left + 8
                label.append(Line(s, lx, top + 6 + PHASE_SIZE + k2 * (PHASE_SIZE + 4), PHASE_SIZE, True, kind="phase"))
            bands.append(Band(phase.id, left, top, right - left, bottom - top, label))

    # --- connectors
    def attach(i: int, exiting: bool) -> tuple[float, float]:
        card = cards[i]
        right_side = (row_of[i] % 2 == 0) == exiting
        return (card.x + card.w if right_side else card.x, card.y + ATTACH_Y)

    def gutter_x(g: int, key, use: str) -> float:
        left = col_x[g] + CARD_W if g >= 0 else MARGIN + START_W + START_GAP
        return left + CHANNEL_PAD + slot[(g, key, use)] * TRACK

    corridor_track = {c: {key: pos for pos, key in enumerate(keys)} for c, keys in corridor_slots.items()}
    edges: list[Edge] = []
    for i, j, loop, kind, info in routes:
        key = (path.steps[i].id, path.steps[j].id)
        sx, sy = attach(i, True)
        tx, ty = attach(j, False)
        if kind == "direct":
            gx = gutter_x(info, key, "direct")
            points = [(sx, sy), (tx, ty)] if sy == ty else [(sx, sy), (gx, sy), (gx, ty), (tx, ty)]
        else:
            gs, gt, cs, ct, margin = info
            xs, xt = gutter_x(gs, key, "exit"), gutter_x(gt, key, "entry")
            ys = corridor_y[cs] + CHANNEL_PAD + corridor_track[cs][key] * TRACK if cs in corridor_y else corridor_y[0]
            yt = corridor_y[ct] + CHANNEL_PAD + corridor_track[ct][key] * TRACK
            points = [(sx, sy), (xs, sy), (xs, ys)]
            if margin is not None:
                xm = gutter_x(margin, key, "margin")
                points += [(xm, ys), (xm, yt)]
            points += [(xt, yt), (xt, ty), (tx, ty)]
        edges.append(Edge(key[0], key[1], _simplify(points), loop))

    # --- start marker, legend
    first = cards[0]
    start_y = first.y + START_Y  # below the station, where no connector enters
    start = (MARGIN, start_y - 15, START_W, 30)
    start_label = Line(t("start"), MARGIN + START_W / 2, start_y + 5, SMALL_SIZE, True, kind="start")
    legend, legend_marks, legend_roles, legend_bottom = _legend(path, t, diagram_bottom, width, m)
    diagram = Diagram(
        width=width,
        height=legend_bottom + MARGIN,
        cards=cards,
        notes=notes,
        edges=edges,
        bands=bands,
        header=[Line(s, MARGIN, MARGIN + HEADER_SIZE + n2 * (HEADER_SIZE + 6), HEADER_SIZE, True, kind="header") for n2, s in enumerate(header)],
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
        rows=rows,
    )
    return diagram


def _is_direct(gs: int, gt: int, rs: int, rt: int, loop: bool) -> bool:
    """A connector can go straight across one gutter when it leaves and enters through it."""
    return gs == gt and abs(rt - rs) <= 1 and not (rs == rt and loop)


def _bent_direct(path, index, physical, exit_gutter, entry_gutter, row_of, lane_of):
    """Direct connectors that change lane: (key, gutter, left stub place, right stub place)."""
    out = []
    for i, step in enumerate(path.steps):
        for target in step.next:
            j = index[target]
            gs, gt = exit_gutter(i), entry_gutter(j)
            if not _is_direct(gs, gt, row_of[i], row_of[j], j <= i):
                continue
            if (row_of[i], lane_of[i]) == (row_of[j], lane_of[j]):
                continue  # a straight line: it shares its lane only with its own source and target
            left, right = (i, j) if physical(i) == gs else (j, i)
            out.append(((step.id, target), gs, (row_of[left], lane_of[left]), (row_of[right], lane_of[right])))
    return out


def _constraints(bent):
    """A must take a lower track than B when A's left stub lies where B's right stub does."""
    after: dict = {key: [] for key, *_ in bent}
    for key_a, g_a, left_a, _ in bent:
        for key_b, g_b, _, right_b in bent:
            if key_a != key_b and g_a == g_b and left_a == right_b and key_a[0] != key_b[0] and key_a[1] != key_b[1]:
                after[key_a].append(key_b)
    return after


def _crossed_direct(path, index, physical, exit_gutter, entry_gutter, row_of, lane_of) -> set:
    """Bent direct connectors whose track order cannot be satisfied go round by
    the corridor instead: one at a time, until no cycle of constraints is left."""
    bent = _bent_direct(path, index, physical, exit_gutter, entry_gutter, row_of, lane_of)
    rerouted: set = set()
    while True:
        _, stuck = _topological(_constraints([b for b in bent if b[0] not in rerouted]))
        if not stuck:
            return rerouted
        rerouted.add(min(stuck))


def _direct_order(path, index, physical, exit_gutter, entry_gutter, row_of, lane_of, rerouted) -> list:
    bent = [b for b in _bent_direct(path, index, physical, exit_gutter, entry_gutter, row_of, lane_of) if b[0] not in rerouted]
    order, _ = _topological(_constraints(bent))
    return order


def _topological(after: dict) -> tuple[list, set]:
    """Kahn's order of the keys (stable); the keys left in cycles are returned apart."""
    incoming = {key: 0 for key in after}
    for targets in after.values():
        for target in targets:
            incoming[target] += 1
    ready = [key for key in after if incoming[key] == 0]
    order = []
    while ready:
        key = ready.pop(0)
        order.append(key)
        for target in after[key]:
            incoming[target] -= 1
            if incoming[target] == 0:
                ready.append(target)
    return order, {key for key in after if key not in order}


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
    row_h = 24
    for kind, text, role_id in items:
        icon_w = 30 if kind in ("loop", "optional") else ROLE_MARK if kind == "role" else 20
        text_w = m.width(text, SMALL_SIZE)
        item_w = icon_w + 6 + text_w + 24
        if x + item_w > width - MARGIN and x > MARGIN:
            x, y = MARGIN, y + row_h
        if kind == "role":
            roles.append(RoleMark(str(role_id), x, y + 1, ROLE_MARK, mark_of(path, str(role_id))))
        else:
            marks.append((kind, x, y, icon_w))
        lines.append(Line(text, x + icon_w + 6, y + 15, SMALL_SIZE, kind="legend"))
        x += item_w
    bottom = y + row_h if items else top
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
