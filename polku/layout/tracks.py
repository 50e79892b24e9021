"""Stages gutters and returns: the tracks between columns (a fork one spine, a join one spine) in the order with the fewest crossings, and how each return loop leaves, runs and comes back."""

from __future__ import annotations

from itertools import permutations

from .geometry import CHANNEL_PAD, _Graph, _Grid, _Loop, OVERLAP, SIDE_LOOP_UP, TRACK, _Track


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


def _side_tracks(path, g: _Graph, grid: _Grid, loops: list[_Loop], tracks: dict, measured, card_y) -> None:
    """Return tracks that must use a card's side stand next to that card in its gutter."""
    for lp in loops:
        for use, node, gutter in (("out", lp.source, lp.out_gutter), ("in", lp.target, lp.in_gutter)):
            if not (lp.side_out if use == "out" else lp.side_in):
                continue
            r = grid.row[node]
            y = card_y[node] + measured[node].h - SIDE_LOOP_UP
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
