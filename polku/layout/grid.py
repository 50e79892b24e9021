"""Stages grid and positions: how the columns wind through rows like a road, and the x and y of every column, lane and row."""

from __future__ import annotations

from .geometry import TURN_LANES, ATTACH_Y, BADGE_H, CARD_W, CHANNEL_PAD, CORRIDOR_MIN, _Graph, _Grid, GUTTER_MIN, HEADER_LH, LANE_GAP, _Loop, MARGIN, _Measured, PHASE_LH, SCREEN, SIGN_GAP, START_GAP, START_W, TRACK
from .tracks import _margin_use


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
    # The road runs along the middle lane of its row and the lanes of a fork
    # spread above and below it, so that a step and every step it leads to lie
    # close together. Where parallel lanes turn from one row into the next,
    # the next row stacks them the other way up: they turn like a ribbon,
    # without crossing.
    flip = [False] * rows
    for r in range(1, rows):
        flip[r] = len(order[r * k - 1]) > 1 and not flip[r - 1]
    for v in range(n):
        r = row[v]
        lane[v] += (slots[r] - 1) // 2 - (len(order[g.rank[v]]) - 1) // 2
    slot = [slots[row[v]] - 1 - lane[v] if flip[row[v]] else lane[v] for v in range(n)]
    # A row's last column stands on the row's floor (a single step in its
    # lowest lane) and the next row's first column at that row's top: the
    # road turns into the next row right beside it, and a camera that shows a
    # step shows the next one too.
    foot = [row[v] < rows - 1 and g.rank[v] % k == k - 1 for v in range(n)]
    head = [row[v] > 0 and g.rank[v] % k == 0 for v in range(n)]
    for r in range(rows - 1):
        if len(order[(r + 1) * k - 1]) == 1:
            slot[order[(r + 1) * k - 1][0]] = slots[r] - 1
    lowest: dict[int, int] = {}
    highest: dict[int, int] = {}
    for v in range(n):
        lowest[g.rank[v]] = max(lowest.get(g.rank[v], -1), slot[v])
        highest[g.rank[v]] = min(highest.get(g.rank[v], slot[v]), slot[v])
    below = [slot[v] < lowest[g.rank[v]] for v in range(n)]
    above = [slot[v] > highest[g.rank[v]] for v in range(n)]
    road = [(slots[r] - 1) - (slots[r] - 1) // 2 if flip[r] else (slots[r] - 1) // 2 for r in range(rows)]
    return _Grid(k, rows, row, physical, slot, slots, below, foot, head, above, road)


def _narrow_turns(order: list[list[int]], k: int) -> bool:
    """Whether the road is at most TURN_LANES lanes wide wherever it turns into the next row
    of k columns, and splits into no more than one lane more right after the turn."""
    return all(len(order[end]) <= TURN_LANES and len(order[end + 1]) <= TURN_LANES + 1 for end in range(k - 1, len(order) - 1, k))


def least_width(k: int) -> float:
    """The narrowest picture of k columns _place can produce (see _columns_x):
    the start, k cards, the narrowest gutters between them and at both ends."""
    return MARGIN + START_W + START_GAP + CHANNEL_PAD + k * CARD_W + (k - 1) * GUTTER_MIN + CHANNEL_PAD + MARGIN


def _scale_bound(measured: list[_Measured], g: _Graph, order: list[list[int]], k: int) -> float:
    """An upper bound on the screen scale of k columns: the least width and height _place can produce."""
    width = least_width(k)
    rows = (len(order) - 1) // k + 1
    height = MARGIN + HEADER_LH + 10 + rows * CORRIDOR_MIN
    for r in range(rows):  # each column stacks its own lanes: the row is at least as tall as its tallest stack
        height += max(sum(measured[g.step[v]].cell + BADGE_H + SIGN_GAP if g.step[v] is not None else ATTACH_Y + TRACK
                          for v in order[rank]) + LANE_GAP * (len(order[rank]) - 1)
                      for rank in range(r * k, min(len(order), (r + 1) * k)))
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
    """The top of each node's card, where connectors meet it, each row's top, the corridor under each row, the bottom.

    Each column stacks its own lanes, each under its sign row: the road's lane
    at one height across the row, the lanes above it upwards from there and
    the lanes below downwards, so that a tall card leaves no gap beside it."""
    n = len(g.step)
    head = [measured[s].sign_h + SIGN_GAP if s is not None else 0.0 for s in g.step]
    body = [measured[s].cell if s is not None else ATTACH_Y + TRACK for s in g.step]
    columns: dict[tuple[int, int], list[int]] = {}
    for v in sorted(range(n), key=lambda v: grid.slot[v]):
        columns.setdefault((grid.row[v], grid.physical[v]), []).append(v)
    tops = [0.0] * n
    row_top: list[float] = []
    corridor: dict[int, float] = {}
    y = top
    if corridor_tracks.get(-1):  # return tracks above the first row
        corridor[-1] = y - 10
        y += 2 * CHANNEL_PAD + (corridor_tracks[-1] - 1) * TRACK
    for r in range(grid.rows):
        row_top.append(y)
        y += max((len(measured[s].phase_lines) * PHASE_LH + 6 for v, s in enumerate(g.step)
                  if s is not None and grid.row[v] == r and measured[s].phase_lines), default=0)
        floor = _stack_row(r, y, grid, columns, head, body, tops)
        corridor[r] = floor
        y = floor + max(CORRIDOR_MIN, 2 * CHANNEL_PAD + max(corridor_tracks.get(r, 0) - 1, 0) * TRACK)
    return tops, [tops[v] + ATTACH_Y for v in range(n)], row_top, corridor, y


def _stack_row(r: int, y: float, grid: _Grid, columns: dict, head: list[float], body: list[float], tops: list[float]) -> float:
    """Stack each column of row r, which starts at y, around the road's lane; the column
    the road turns in by at the row's top, the one it turns out by on the floor.
    Writes tops; returns the row's floor."""
    stacks = [nodes for (rr, _), nodes in columns.items() if rr == r]
    split = [([v for v in nodes if grid.slot[v] < grid.road[r]], [v for v in nodes if grid.slot[v] >= grid.road[r]]) for nodes in stacks]
    road_y = y + max(sum(head[v] + body[v] + LANE_GAP for v in ups) + (head[downs[0]] if downs else 0)
                     for ups, downs in split)  # the top of the cards in the road's lane
    for ups, downs in split:
        at = road_y - (head[downs[0]] if downs else 0)
        for v in reversed(ups):
            tops[v] = at - LANE_GAP - body[v]
            at = tops[v] - head[v]
        at = road_y
        for v in downs:
            at += head[v] if v != downs[0] else 0
            tops[v] = at
            at += body[v] + LANE_GAP

    def shift(nodes: list[int], by: float) -> None:
        for v in nodes:
            tops[v] += by

    for nodes in stacks:  # (a single step there stays on the road's lane: a fork it leads to spreads around it)
        if grid.head[nodes[0]] and not grid.foot[nodes[0]] and len(nodes) > 1:
            shift(nodes, y + head[nodes[0]] - tops[nodes[0]])
    floor = max(max(tops[v] + body[v] for nodes in stacks for v in nodes),
                max((y + sum(head[v] + body[v] + LANE_GAP for v in nodes) - LANE_GAP for nodes in stacks if grid.foot[nodes[0]]), default=y))
    for nodes in stacks:
        if grid.foot[nodes[0]] and not grid.head[nodes[0]]:
            shift(nodes, floor - tops[nodes[-1]] - body[nodes[-1]])
    return floor
