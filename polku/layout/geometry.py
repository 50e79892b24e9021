"""Sizes, each named once, and the shapes the stages hand on: a Diagram and its parts (what svg.py draws), and the grid's own small records."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from ..model import Mark

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
# What the presentation view shows of the picture on a 1280 x 720 screen with a title at 20 px
# (a picture of about 900 x 700 px at 20/TITLE_SIZE px a unit), less a little for its rounding.
PRESENT_VIEW = (760, 592)
TURN_LANES = 2  # the widest the road may be where it turns into the next row (wider, a turn's lanes lie far apart)
OVERLAP = 100  # connectors running on one line weigh this many crossings when tracks are ordered


class LineKind(StrEnum):
    """What a line of text in the picture is; svg.py gives it the class t-<kind>."""

    TEXT = "text"
    TITLE = "title"
    ROLE = "role"
    DURATION = "duration"
    OPTIONAL = "optional"
    CONTINUES = "continues"
    GOAL = "goal"
    FORK = "fork"
    RETURN = "return"
    WHEN = "when"
    NOTE = "note"
    PHASE = "phase"
    HEADER = "header"
    LEGEND = "legend"
    START = "start"


@dataclass(frozen=True)
class Line:
    text: str
    x: float
    y: float  # baseline
    size: float
    bold: bool = False
    italic: bool = False
    kind: LineKind = LineKind.TEXT


@dataclass(frozen=True)
class Box:
    """A rectangle: its left, top, width and height."""

    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class Station:
    """A card's numbered station: its centre and radius."""

    cx: float
    cy: float
    r: float


@dataclass(frozen=True)
class Lamp:
    """The idea lamp of a pilot step: its left, top and size."""

    x: float
    y: float
    size: float


@dataclass(frozen=True)
class LegendMark:
    """A symbol in the legend: a lamp, an optional step's dashed box or a return loop's line."""

    kind: str  # lamp | optional | loop
    x: float
    y: float
    w: float


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
    station: Station = Station(0, 0, 0)
    lamp: Lamp | None = None
    pilot_title: str = ""
    optional: bool = False
    row: int = 0
    lane: int = 0
    column: int = 0
    signs: list[Line] = field(default_factory=list)  # above the card: when the client comes this way
    badge: Box = Box(0, 0, 0, 0)  # kept free for the walk's badge
    goal: Box | None = None  # the goal marker inside the card


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
    start: Box  # the start marker
    start_label: Line
    legend: list[Line]
    legend_marks: list[LegendMark]
    legend_roles: list[RoleMark]
    title: str
    description: str
    language: str
    start_edge: tuple[tuple[float, float], tuple[float, float]] = ((0, 0), (0, 0))
    columns: int = 0
    rows: int = 0
    junctions: list[tuple[float, float]] = field(default_factory=list)  # where a road splits or merges


@dataclass
class _Measured:
    lines: list[tuple[LineKind, str, float, bool]]  # kind, text, size, bold
    roles: list[tuple[str, list[str]]]  # role id, wrapped name lines
    h: float
    note_lines: list[str]
    note_h: float
    phase_lines: list[str]
    signs: list[str]  # the wrapped conditions of the branches into it
    sign_h: float
    signs_wide: bool = False  # the conditions take the card's width: the badge's slot is above them

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
    foot: list[bool]  # per node: in a row's last column, which stands on the row's floor, beside the turn
    head: list[bool]  # per node: in a row's first column (after a turn), which stands at the row's top
    above: list[bool]
    road: list[int]  # per row: the slot the road runs along (a fork's lanes spread above and below it)


@dataclass
class _Track:
    """One vertical run in a gutter: a fork's or a join's spine, a single connector, or a return track."""

    stubs: list[tuple[float, int, int]]  # y, side (-1 left, +1 right), node
    edges: list[tuple[int, int]]  # layered edges it carries
    loop: tuple[int, int] | None = None
    x: float = 0.0
    dy: dict[int, float] = field(default_factory=dict)  # node -> how far below its lane this track meets it


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
