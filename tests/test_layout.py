"""The geometry, without any SVG: nothing overlaps, no text leaves its card, it fits a screen."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polku.colour import CARD, INK, LINE, STATION, contrast
from polku.marks import PALETTE, shared_marks
from polku.i18n import translator
from polku.layout import TITLE_SIZE, apart, layout, prepare
from polku.layout.grid import _narrow_turns
from polku.load import load_site
from polku.measure import bundled, syllable_breaks, wrap
from polku.model import ServicePath, Pilot, Role, Step

from .conftest import PATHS

t = translator("fi")
WORDS = ["työ", "kuntouttava", "työtoiminnan", "palvelutarpeenarviointi", "ammatillinen", "Päijät-Häme", "ŋŧʒ",
         "jälkikontaktointi", "sosiaalihuoltolaki", "arbetsverksamhet", "i", "rehabiliteringssyfte", "🙂",
         "työllistymissuunnitelmaneuvottelukokouskäytäntö"]


def make_path(titles, nexts, roles_per_step, notes, pilots) -> ServicePath:
    roles = {f"r{i}": Role(f"r{i}", f"Rooli {i} " + WORDS[i % len(WORDS)]) for i in range(10)}
    # The marks load_site would give: without them marks.of gives them out again for every card
    # of every column count tried, which took two thirds of this module's time.
    given = shared_marks(list(roles.values()))
    roles = {rid: replace(role, mark=given[rid]) for rid, role in roles.items()}
    steps = []
    n = len(titles)
    for i, title in enumerate(titles):
        nxt = nexts[i] if nexts[i] is not None else ([str(i + 2)] if i + 1 < n else [])
        steps.append(Step(id=str(i + 1), number=i + 1, title=title, roles=tuple(f"r{r}" for r in roles_per_step[i]),
                          note=notes[i], pilot=Pilot("x") if pilots[i] else None, next=tuple(dict.fromkeys(nxt)),
                          duration="1–2 viikkoa" if i % 3 == 0 else "", optional=i % 4 == 1))
    return ServicePath(id="p", language="fi", title=" ".join(titles[:3]), steps=tuple(steps), source="p.yaml", roles=roles)


@st.composite
def paths(draw):
    n = draw(st.integers(1, 24))
    titles = [" ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=6))) for _ in range(n)]
    nexts = []
    for i in range(n):
        if draw(st.booleans()):
            nexts.append(None)
        else:
            nexts.append([str(draw(st.integers(1, n))) for _ in range(draw(st.integers(0, 3)))])
    roles = [draw(st.lists(st.integers(0, 9), max_size=4, unique=True)) for _ in range(n)]
    notes = [draw(st.sampled_from(["", "Ota läheinen mukaan.", "Muista kysyä kulukorvauksesta Kelalta ajoissa."])) for _ in range(n)]
    pilots = [draw(st.booleans()) for _ in range(n)]
    return make_path(titles, nexts, roles, notes, pilots)


def rect_overlap(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def segment_hits_rect(p, q, r, inset=1.0) -> bool:
    """Axis-parallel segment p-q passes through the inside of rectangle r (shrunk by inset)."""
    x0, y0, x1, y1 = r[0] + inset, r[1] + inset, r[0] + r[2] - inset, r[1] + r[3] - inset
    if abs(p[1] - q[1]) < 1e-9:  # horizontal
        lo, hi = sorted((p[0], q[0]))
        return y0 < p[1] < y1 and lo < x1 and hi > x0
    lo, hi = sorted((p[1], q[1]))
    return x0 < p[0] < x1 and lo < y1 and hi > y0


def check_geometry(path: ServicePath):
    d = layout(path, t)
    m = bundled()
    boxes = [(c.x, c.y, c.w, c.h) for c in d.cards] + [(n.x, n.y, n.w, n.h) for n in d.notes]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not rect_overlap(a, b), (a, b)
    for card in d.cards:
        for line in card.lines:
            width = m.width(line.text, line.size, line.bold)
            assert card.x <= line.x and line.x + width <= card.x + card.w + 0.01, (line.text, card.step_id)
            assert card.y < line.y - line.size * 0.8 and line.y <= card.y + card.h, (line.text, card.step_id)
    for line in d.header + d.legend:
        assert 0 <= line.x and line.x + m.width(line.text, line.size, line.bold) <= d.width, line.text
    for note in d.notes:
        for line in note.lines:
            assert line.x + m.width(line.text, line.size) <= note.x + note.w
    for edge in d.edges:
        for p, q in zip(edge.points, edge.points[1:]):
            assert abs(p[0] - q[0]) < 1e-9 or abs(p[1] - q[1]) < 1e-9, "connectors run straight or turn at right angles"
            for box in boxes:
                assert not segment_hits_rect(p, q, box), (edge.source, edge.target, p, q, box)
    start_box = (d.start.x, d.start.y, d.start.w, d.start.h)
    for edge in d.edges:
        for p, q in zip(edge.points, edge.points[1:]):
            assert not segment_hits_rect(p, q, start_box, inset=-2), ("connector crosses the start marker", edge.source, edge.target)
    segments = {("<start>", "<start>"): [d.start_edge]}  # shares no card with any connector
    for edge in d.edges:
        for p, q in zip(edge.points, edge.points[1:]):
            segments.setdefault((edge.source, edge.target), []).append((p, q))
    _assert_no_hidden_connectors(segments)
    assert {(e.source, e.target) for e in d.edges} == {(s.id, n) for s in path.steps for n in s.next}
    return d


def _assert_no_hidden_connectors(segments):
    """Two connectors may cross or share a trunk at a common card, but never run on top of each other elsewhere."""
    items = [(key, p, q) for key, segs in segments.items() for p, q in segs]
    for i, (k1, p1, q1) in enumerate(items):
        for k2, p2, q2 in items[i + 1:]:
            if k1 == k2 or k1[0] == k2[0] or k1[1] == k2[1]:
                continue  # same connector, or a fork trunk / join at one card
            if abs(p1[1] - q1[1]) < 1e-9 and abs(p2[1] - q2[1]) < 1e-9 and abs(p1[1] - p2[1]) < 1e-9:
                a, b = sorted((p1[0], q1[0])), sorted((p2[0], q2[0]))
                assert min(a[1], b[1]) - max(a[0], b[0]) <= 1e-6, (k1, k2, p1, q1, p2, q2)
            if abs(p1[0] - q1[0]) < 1e-9 and abs(p2[0] - q2[0]) < 1e-9 and abs(p1[0] - p2[0]) < 1e-9:
                a, b = sorted((p1[1], q1[1])), sorted((p2[1], q2[1]))
                assert min(a[1], b[1]) - max(a[0], b[0]) <= 1e-6, (k1, k2, p1, q1, p2, q2)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(paths())
def test_random_paths_lay_out_cleanly(path):
    check_geometry(path)


@given(paths())
@settings(max_examples=60, deadline=None)
def test_pruned_column_search_picks_what_trying_every_count_would(path):
    def scale(d):
        return min(1280 / d.width, 720 / d.height)

    # The ranks prepare chose (a short branch in its room's middle or beside its fork), measured once
    # for every column count as layout(path, t, columns=k) would measure them again for each.
    prepared = prepare(path, t)

    def best_of(counts):  # fewest steps apart from their next ones, then the largest picture, then fewest columns
        placed = [prepared.place(k) for k in counts]
        least = min(apart(d) for d in placed)
        fewest = [d for d in placed if apart(d) == least]
        top = max(scale(d) for d in fewest)
        return least, min(d.columns for d in fewest if abs(scale(d) - top) <= 1e-9), top

    # The counts whose rows turn where the road is at most two lanes wide, if any:
    # the camera then sees a row's last steps with the next row's first (test_present.py);
    # the others, and then more than ten columns, only while a step stays apart from its next one.
    order = prepared.order
    layers = len(order)
    every = list(range(1, min(layers, 10) + 1))
    narrow = [k for k in every if _narrow_turns(order, k)]
    best = best_of(narrow or every)
    if best[0] and narrow and len(narrow) < len(every):
        best = min(best, best_of([k for k in every if k not in narrow]), key=lambda b: (b[0], -b[2], b[1]))
    if best[0] and layers > 10:
        best = min(best, best_of(range(11, layers + 1)), key=lambda b: (b[0], -b[2], b[1]))
    chosen = layout(path, t)
    assert (apart(chosen), chosen.columns) == best[:2]
    assert abs(scale(chosen) - best[2]) <= 1e-9


def test_bundled_paths_lay_out_cleanly_and_fit_a_screen():
    site, _ = load_site(PATHS)
    for path in site.paths:
        d = check_geometry(path)
        scale = min(1280 / d.width, 720 / d.height)
        minimum = 12 if len(path.steps) <= 12 else 8
        assert TITLE_SIZE * scale >= minimum, (path.id, scale)
        assert d.columns >= 2, "a one-column list is not a path picture"


def test_text_size_at_1280x720_for_3_12_and_30_steps():
    for n, minimum in ((3, 12), (12, 12), (30, 8)):
        path = make_path([f"Vaihe {WORDS[i % len(WORDS)]}" for i in range(n)], [None] * n, [[i % 4, (i + 1) % 4] for i in range(n)], [""] * n, [i % 5 == 0 for i in range(n)])
        d = check_geometry(path)
        assert TITLE_SIZE * min(1280 / d.width, 720 / d.height) >= minimum, n


def test_long_finnish_compound_is_hyphenated_at_syllables():
    lines = wrap("työllistymissuunnitelmaneuvottelukokouskäytäntö", 120, 17, bundled(), True)
    assert len(lines) > 1 and all(line.endswith("-") for line in lines[:-1])
    assert "".join(line[:-1] for line in lines[:-1]) + lines[-1] == "työllistymissuunnitelmaneuvottelukokouskäytäntö"
    assert syllable_breaks("kuntouttava") == [3, 7, 9]  # kun-tout-ta-va


def test_missing_glyphs_are_measured_conservatively():
    m = bundled()
    assert m.width("ŋ", 10) == 13 and m.width("🙂", 20) == 26
    assert m.width("a", 10) < 10


def test_colours_meet_wcag_contrast():
    assert contrast(INK, CARD) >= 4.5
    assert contrast("#ffffff", STATION) >= 4.5  # station numbers
    assert contrast(LINE, CARD) >= 3
    for colour in PALETTE.values():
        assert contrast(colour, CARD) >= 3, colour


def test_a_branch_condition_stands_nearer_its_own_card_than_the_card_above():
    """A lane's `when` labels the card below it: its words are closer to that
    card's top than to the foot of any card above it (a long condition once
    stood above the badge's slot, nearer the lane above)."""
    site, _ = load_site(PATHS)
    checked = 0
    for path in site.paths:
        d = layout(path, translator(path.language))
        for card in d.cards:
            if not card.signs:
                continue
            top = min(line.y - line.size for line in card.signs)
            bottom = max(line.y for line in card.signs)
            above = [c.y + c.h for c in d.cards if c is not card and c.y + c.h <= top and c.x < card.x + card.w and card.x < c.x + c.w]
            if above:
                assert card.y - bottom < top - max(above), (path.id, card.step_id, card.y - bottom, top - max(above))
                checked += 1
    assert checked >= 4
