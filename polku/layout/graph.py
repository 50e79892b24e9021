"""Stages rank, chains and lanes: each step's column, waypoints where a connector skips columns, and the order of the lanes with few crossings."""

from __future__ import annotations

from ..model import ServicePath
from .geometry import _Graph


def _rank(path: ServicePath, middle: bool = True) -> list[int]:
    """Each step's column: the longest chain of forward connections to it. Then,
    if middle, a step with room between the steps before and after it (a short
    branch beside a longer one) moves to the middle of that room, so that no
    connector skips more columns than it must: the presentation view shows a
    step with the steps it leads to only when they are near. Without middle a
    short branch stays beside the fork it leaves (prepare chooses)."""
    n = len(path.steps)
    succ = [[path.index_of(way.step) for way in path.ahead[step.id]] for step in path.steps]
    pred: list[list[int]] = [[] for _ in range(n)]
    rank = [0] * n
    for i in range(n):  # forward connectors go down the file, so one pass suffices
        for j in succ[i]:
            pred[j].append(i)
            rank[j] = max(rank[j], rank[i] + 1)
    for order in (range(n), range(n - 1, -1, -1), range(n)) if middle else ():
        for i in order:
            if pred[i] and succ[i]:
                before, after = max(rank[p] for p in pred[i]), min(rank[s] for s in succ[i])
                rank[i] = min(max((before + after) // 2, before + 1), after - 1)
    return rank


def _chains(path: ServicePath, rank: list[int]) -> _Graph:
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
