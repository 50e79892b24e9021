"""Stage connectors: the points of every forward connector and return loop."""

from __future__ import annotations

import itertools

from ..model import ServicePath
from .geometry import Card, CARD_W, CHANNEL_PAD, Edge, _Graph, _Grid, _Loop, LOOP_IN, LOOP_OUT, SIDE_LOOP_UP, TRACK, _Track
from .tracks import _gutter_of, _margin_use


def _connectors(path: ServicePath, g: _Graph, grid: _Grid, tracks: dict, cards: list[Card], col_x, y) -> tuple[list[Edge], list[tuple[float, float]]]:
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


def _loop_connectors(path: ServicePath, grid: _Grid, loops: list[_Loop], tracks: dict, cards: list[Card], corridor, gutter_left, gutter_w, k) -> list[Edge]:
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
            runs.setdefault(r, []).append(((-ups, abs(xa - xb) if ups else -abs(xa - xb)), n, ((xa, ua), (xb, ub))))
    level: dict[tuple[int, int], float] = {}
    for r, items in runs.items():
        for pos, (_, n, _) in enumerate(_stacked(sorted(items))):
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


def _crossings(upper, lower) -> int:
    """Where two runs of one corridor cross, the first above the second: an end of
    the upper run that goes down, inside the lower run's span, and an end of the
    lower run that goes up, inside the upper run's span. (An end is (x, goes up).)"""
    def inside(x: float, run) -> bool:
        (xa, _), (xb, _) = run
        return min(xa, xb) <= x <= max(xa, xb)
    return sum(not up and inside(x, lower) for x, up in upper) + sum(up and inside(x, upper) for x, up in lower)


def _stacked(items: list) -> list:
    """The runs of a corridor from the row above down: nested as sorted (a shorter
    run nearer the row its ends turn to), unless another order of up to six runs
    crosses fewer times (two runs whose spans overlap without nesting)."""
    if len(items) < 2 or len(items) > 6:
        return items
    def cost(order) -> int:
        return sum(_crossings(order[i][2], order[j][2]) for i in range(len(order)) for j in range(i + 1, len(order)))
    return min(itertools.permutations(items), key=cost)  # the first of the least: the sorted order when it is as good


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
