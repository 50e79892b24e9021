"""Stage labels: phase bands and the legend."""

from __future__ import annotations

from ..marks import of as mark_of
from ..measure import Measurer
from ..model import ServicePath
from .geometry import Band, Card, LegendMark, LineKind, _Grid, LEGEND_ROW, Line, MARGIN, _Measured, PHASE_LH, PHASE_PAD, PHASE_SIZE, ROLE_MARK, RoleMark, SMALL_SIZE


def _bands(path: ServicePath, m: Measurer, measured: list[_Measured], cards: list[Card], grid: _Grid, row_top: list[float]) -> list[Band]:
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
                label.append(Line(s, lx, top + 4 + PHASE_SIZE + n * PHASE_LH, PHASE_SIZE, True, kind=LineKind.PHASE))
            bands.append(Band(phase.id, left, top, right - left, bottom - top, label))
    return bands


def _legend(path: ServicePath, t, top: float, width: float, m: Measurer):
    """The key to the symbols, laid out in lines that wrap at the width."""
    items: list[tuple[str, str, object]] = []  # kind, text, role mark data
    if any(s.pilot for s in path.steps):
        items.append(("lamp", t("legend_pilot"), None))
    if any(s.optional for s in path.steps):
        items.append(("optional", t("legend_optional"), None))
    if any(path.back.values()):
        items.append(("loop", t("legend_loop"), None))
    for role in path.roles_used():
        items.append(("role", role.name, role.id))
    lines: list[Line] = []
    marks: list[LegendMark] = []
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
            marks.append(LegendMark(kind, x, y, icon_w))
        lines.append(Line(text, x + icon_w + 6, y + 15, SMALL_SIZE, kind=LineKind.LEGEND))
        x += item_w
    bottom = y + LEGEND_ROW if items else top
    return lines, marks, roles, bottom
