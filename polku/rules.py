"""The picture's rules, measured from a laid-out Diagram's numbers alone.

Used by the tests (every bundled and generated path) and by
benchmarks/diagram.py (which counts the same crossings for Graphviz):

- forward connectors never cross one another;
- a return loop crosses at most one other connector (two loops back into
  one step from different rows may still cross each other);
- no connector runs along a card's edge or along another connector
  (connectors of one fork share their trunk up to the split, those of one
  join their trunk after the merge: that is one road, not two);
- no two texts, lamps or badge slots overlap;
- everything lies inside the canvas.
"""

from __future__ import annotations

from .layout import Box, Diagram, LineKind
from .measure import Measurer, bundled

Segment = tuple[tuple[float, float], tuple[float, float]]
EPS = 1e-6


def connectors(d: Diagram) -> list[tuple[str, str, bool, list[Segment]]]:
    """(from, to, is a loop, segments) of every connector, the start's line included."""
    out = [("<start>", d.cards[0].step_id if d.cards else "", False, [d.start_edge])]
    for e in d.edges:
        out.append((e.source, e.target, e.loop, list(zip(e.points, e.points[1:]))))
    return out


def _cross(s: Segment, t: Segment) -> tuple[float, float] | None:
    """Where a horizontal and a vertical segment cut through each other (not at an end)."""
    for h, v in ((s, t), (t, s)):
        (hx0, hy), (hx1, hy1) = h
        (vx, vy0), (vx1, vy1) = v
        if abs(hy - hy1) > EPS or abs(vx - vx1) > EPS:
            continue
        if min(hx0, hx1) + EPS < vx < max(hx0, hx1) - EPS and min(vy0, vy1) + EPS < hy < max(vy0, vy1) - EPS:
            return (round(vx, 3), round(hy, 3))
    return None


def crossings(d: Diagram) -> tuple[int, dict[tuple[str, str], int]]:
    """(points where forward connectors cross, points where each return loop crosses another connector).
    Connectors of one fork or one join share a trunk: crossing it is one crossing, as the eye sees it."""
    items = connectors(d)
    forward: set[tuple[float, float]] = set()
    loops: dict[tuple[str, str], set] = {(a, b): set() for a, b, loop, _ in items if loop}
    for i, (a1, b1, loop1, segs1) in enumerate(items):
        for a2, b2, loop2, segs2 in items[i + 1:]:
            points = {p for s in segs1 for t in segs2 if (p := _cross(s, t))}
            if not points:
                continue
            if not loop1 and not loop2:
                forward |= points
            if loop1:
                loops[(a1, b1)] |= points
            if loop2:
                loops[(a2, b2)] |= points
    return len(forward), {key: len(points) for key, points in loops.items()}


def _collinear(s: Segment, t: Segment) -> float:
    """How long two segments run on one line."""
    (ax, ay), (bx, by) = s
    (cx, cy), (dx, dy) = t
    if abs(ay - by) < EPS and abs(cy - dy) < EPS and abs(ay - cy) < EPS:
        return min(max(ax, bx), max(cx, dx)) - max(min(ax, bx), min(cx, dx))
    if abs(ax - bx) < EPS and abs(cx - dx) < EPS and abs(ax - cx) < EPS:
        return min(max(ay, by), max(cy, dy)) - max(min(ay, by), min(cy, dy))
    return 0.0


def _edges_of(box: tuple[float, float, float, float]) -> list[Segment]:
    x, y, w, h = box
    return [((x, y), (x + w, y)), ((x, y + h), (x + w, y + h)), ((x, y), (x, y + h)), ((x + w, y), (x + w, y + h))]


def runs_along(d: Diagram) -> list[str]:
    """Each place where a connector runs along a card's (or note's) edge or along another connector."""
    problems = []
    items = connectors(d)
    boxes = [(c.step_id, (c.x, c.y, c.w, c.h)) for c in d.cards] + [("note " + n.step_id, (n.x, n.y, n.w, n.h)) for n in d.notes]
    for a, b, _, segs in items:
        for name, box in boxes:
            if any(_collinear(s, e) > EPS for s in segs for e in _edges_of(box)):
                problems.append(f"{a}->{b} along the edge of {name}")
    for i, (a1, b1, _, segs1) in enumerate(items):
        for a2, b2, _, segs2 in items[i + 1:]:
            if a1 == a2 or b1 == b2:
                continue  # one fork's trunk, or one join's
            if any(_collinear(s, t) > EPS for s in segs1 for t in segs2):
                problems.append(f"{a1}->{b1} along {a2}->{b2}")
    return problems


def _xywh(box: Box) -> tuple[float, float, float, float]:
    return (box.x, box.y, box.w, box.h)


def text_boxes(d: Diagram, m: Measurer | None = None) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Every text, lamp, goal marker, station and badge slot of the picture as (what, x, y, w, h)."""
    m = m or bundled()

    def text(line, what: str):
        return (f"{what}: {line.text}", (line.x, line.y - 0.8 * line.size, m.width(line.text, line.size, line.bold), line.size))

    out = [text(line, "header") for line in d.header] + [text(line, "legend") for line in d.legend]
    out.append(("start", _xywh(d.start)))
    for band in d.bands:
        out += [text(line, "phase") for line in band.label]
    for card in d.cards:
        out += [text(line, card.step_id) for line in card.lines if line.kind != LineKind.GOAL]
        out += [text(line, card.step_id + " when") for line in card.signs]
        out.append((card.step_id + " badge slot", _xywh(card.badge)))
        dot = card.station
        out.append((card.step_id + " station", (dot.cx - dot.r, dot.cy - dot.r, 2 * dot.r, 2 * dot.r)))
        if card.lamp:
            out.append((card.step_id + " lamp", (card.lamp.x, card.lamp.y - 2, card.lamp.size, card.lamp.size)))
        if card.goal:
            out.append((card.step_id + " goal", _xywh(card.goal)))
    for note in d.notes:
        out += [text(line, "note " + note.step_id) for line in note.lines]
    # A text written right-aligned (a sign in a right-to-left row) is measured the same way.
    return out


def overlaps(d: Diagram, m: Measurer | None = None) -> list[str]:
    boxes = text_boxes(d, m)
    problems = []
    for i, (a, p) in enumerate(boxes):
        for b, q in boxes[i + 1:]:
            if p[0] < q[0] + q[2] - EPS and q[0] < p[0] + p[2] - EPS and p[1] < q[1] + q[3] - EPS and q[1] < p[1] + p[3] - EPS:
                problems.append(f"{a!r} overlaps {b!r}")
    return problems


def outside(d: Diagram, m: Measurer | None = None) -> list[str]:
    """Anything drawn outside the canvas."""
    problems = []
    for what, (x, y, w, h) in text_boxes(d, m):
        if x < -EPS or y < -EPS or x + w > d.width + EPS or y + h > d.height + EPS:
            problems.append(what)
    for a, b, _, segs in connectors(d):
        for (x, y), _ in segs:
            if not (0 <= x <= d.width and 0 <= y <= d.height):
                problems.append(f"{a}->{b}")
    return problems
