"""Stage measure, and the cards: each step's wrapped title, roles, duration and labels, then its card, sign row and badge slot placed."""

from __future__ import annotations

from ..marks import of as mark_of
from ..measure import Measurer, wrap
from ..model import ServicePath
from .geometry import BADGE_H, BADGE_PAD, Box, Card, Lamp, LineKind, Station, CARD_W, DURATION_INDENT, GOAL_H, _Grid, LAMP_W, Line, LOOP_IN, LOOP_LANE, _Measured, Note, NOTE_GAP, NOTE_PAD, NOTE_SIZE, NOTE_W, PAD, PHASE_SIZE, ROLE_GAP, ROLE_INDENT, ROLE_MARK, ROLE_ROW, RoleMark, SIGN_GAP, SIGN_LH, SIGN_SIZE, SMALL_LH, SMALL_SIZE, STATION_R, TITLE_LH, TITLE_SIZE


def _measure_step(path: ServicePath, i: int, t, path_titles: dict[str, str], m: Measurer, badge_w: float) -> _Measured:
    step = path.steps[i]
    lang = path.language
    inner = CARD_W - 2 * PAD
    title_w = inner - 2 * STATION_R - 8 - (LAMP_W + 4 if step.pilot else 0)
    lines = [(LineKind.TITLE, s, TITLE_SIZE, True) for s in wrap(step.title, title_w, TITLE_SIZE, m, True, lang)]
    roles = [(rid, wrap(path.roles[rid].name, inner - ROLE_INDENT, SMALL_SIZE, m, False, lang)) for rid in step.roles]
    extra: list[tuple[LineKind, str, float, bool]] = []

    def add(kind: LineKind, text: str, bold: bool, width: float = inner) -> None:
        extra.extend((kind, s, SMALL_SIZE, bold) for s in wrap(text, width, SMALL_SIZE, m, bold, lang))

    if step.duration:
        add(LineKind.DURATION, step.duration, False, inner - DURATION_INDENT)
    if step.optional:
        add(LineKind.OPTIONAL, t("optional"), True)
    for way in path.back[step.id]:
        if way.when:
            add(LineKind.RETURN, "↺ " + way.when, False, inner - LOOP_IN)
    if step.id in path.forks:
        add(LineKind.FORK, t("fork_choose"), True, inner - LOOP_IN)
    if step.continues:
        add(LineKind.CONTINUES, t("continues_in", title=path_titles.get(step.continues, step.continues)) + " →", True)
    title_h = max(len(lines) * TITLE_LH, 2 * STATION_R)
    h = PAD + title_h + 6 + sum(_role_row_h(len(n)) for _, n in roles) + len(extra) * SMALL_LH + PAD
    if step.id in path.ends and step.id not in path.continuing:
        extra.append((LineKind.GOAL, t("goal"), SMALL_SIZE, True))
        h += GOAL_H + 4
    lines += extra
    note_lines = wrap(step.note, NOTE_W - 2 * NOTE_PAD, NOTE_SIZE, m, False, lang) if step.note else []
    note_h = (2 * NOTE_PAD + len(note_lines) * SMALL_LH) if note_lines else 0
    phase_lines = wrap(path.phase_title(step.phase), CARD_W - LOOP_LANE, PHASE_SIZE, m, True, lang) if step.phase else []
    whens = dict.fromkeys(way.when for _, way in path.incoming[step.id] if way.when)
    signs = [line for w in whens for line in wrap(w, CARD_W - LOOP_LANE - badge_w - 8, SIGN_SIZE, m, True, lang)]
    sign_h = max(BADGE_H, len(signs) * SIGN_LH + 4)
    wide = len(signs) > 1
    if wide:  # a longer condition takes the card's width, with the badge's slot above it
        signs = [line for w in whens for line in wrap(w, CARD_W - LOOP_LANE, SIGN_SIZE, m, True, lang)]
        sign_h = len(signs) * SIGN_LH + 4 + BADGE_H
    return _Measured(lines, roles, h, note_lines, note_h, phase_lines, signs, sign_h, wide)


def _cards(path: ServicePath, t, m: Measurer, measured: list[_Measured], grid: _Grid, col_x, card_y, badge_w,
           loop_heads: frozenset[int] = frozenset()) -> tuple[list[Card], list[Note]]:
    """loop_heads: the steps whose return loop leaves by the card's head; its condition
    is written under the title there, beside where the track leaves, not at the foot."""
    cards: list[Card] = []
    notes: list[Note] = []
    for i, me in enumerate(measured):
        step = path.steps[i]
        x, y = col_x[grid.physical[i]], card_y[i]
        card = Card(step.id, step.number, x, y, CARD_W, me.h, optional=step.optional, row=grid.row[i], lane=grid.slot[i], column=grid.physical[i])
        card.station = Station(x + PAD + STATION_R, y + PAD + STATION_R, STATION_R)
        if step.pilot:
            card.lamp = Lamp(x + CARD_W - PAD - LAMP_W, y + PAD - 2, LAMP_W)
            card.pilot_title = f"{t('pilot')}: {step.pilot.text}"
        _card_lines(path, m, card, me, i in loop_heads)
        # The sign row: the branch's condition on the side the road comes in, the badge's slot on the other.
        # A condition as wide as the card stands right above it, next to the card it
        # names rather than nearer the card above, and the badge's slot above the condition.
        rtl = grid.row[i] % 2 == 1
        sign_top = y - SIGN_GAP - (me.sign_h - BADGE_H if me.signs_wide else me.sign_h)
        badge_y = y - SIGN_GAP - (me.sign_h if me.signs_wide else BADGE_H)
        card.badge = Box(x if rtl else x + CARD_W - LOOP_LANE - badge_w, badge_y, badge_w, BADGE_H)
        for n, text in enumerate(me.signs):
            w = m.width(text, SIGN_SIZE, True) if rtl else 0
            card.signs.append(Line(text, x + CARD_W - LOOP_LANE - w if rtl else x, sign_top + SIGN_SIZE + 2 + n * SIGN_LH, SIGN_SIZE, True, kind=LineKind.WHEN))
        cards.append(card)
        if me.note_lines:
            ny = y + me.h + NOTE_GAP
            lines = [Line(s, x + NOTE_PAD, ny + NOTE_PAD + NOTE_SIZE - 2 + n * SMALL_LH, NOTE_SIZE, kind=LineKind.NOTE) for n, s in enumerate(me.note_lines)]
            notes.append(Note(step.id, x, ny, NOTE_W, me.note_h, lines, (x + 30, y + me.h)))
    return cards, notes


def _role_row_h(lines: int) -> float:
    """The height of one role's row in a card: its mark, or its name's lines and a gap below them."""
    return max(lines * SMALL_LH + ROLE_GAP, ROLE_ROW)


def _card_lines(path: ServicePath, m: Measurer, card: Card, me: _Measured, loop_at_head: bool = False) -> None:
    x, y = card.x, card.y
    ty = y + PAD
    tx = x + PAD + 2 * STATION_R + 8
    for kind, text, size, bold in me.lines:
        if kind == LineKind.TITLE:
            card.lines.append(Line(text, tx, ty + size, size, bold, kind=LineKind.TITLE))
            ty += TITLE_LH
    ty = max(ty, y + PAD + 2 * STATION_R) + 6

    def small(kind: LineKind, text: str, size: float, bold: bool, ty: float) -> float:
        """A line of the card's small text at ty; where the next one goes."""
        indent = DURATION_INDENT if kind == LineKind.DURATION else 0
        card.lines.append(Line(text, x + PAD + indent, ty + size, size, bold, italic=kind in (LineKind.OPTIONAL, LineKind.RETURN), kind=kind))
        return ty + SMALL_LH

    first = (LineKind.RETURN,) if loop_at_head else ()
    for kind, text, size, bold in me.lines:
        if kind in first:
            ty = small(kind, text, size, bold, ty)
    for rid, name_lines in me.roles:
        card.marks.append(RoleMark(rid, x + PAD, ty, ROLE_MARK, mark_of(path, rid)))
        row_top = ty
        for name in name_lines:
            card.lines.append(Line(name, x + PAD + ROLE_INDENT, ty + SMALL_SIZE + 2, SMALL_SIZE, kind=LineKind.ROLE))
            ty += SMALL_LH
        ty = row_top + _role_row_h(len(name_lines))
    for kind, text, size, bold in me.lines:
        if kind == LineKind.TITLE or kind in first:
            continue
        if kind == LineKind.GOAL:
            w = m.width(text, size, True) + 2 * BADGE_PAD + 18
            card.goal = Box(x + PAD, ty + 4, w, GOAL_H)
            card.lines.append(Line(text, x + PAD + BADGE_PAD + 18, ty + 4 + GOAL_H / 2 + 5, size, True, kind=LineKind.GOAL))
            ty += GOAL_H + 4
            continue
        ty = small(kind, text, size, bold, ty)
