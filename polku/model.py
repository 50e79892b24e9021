"""The content model: what the YAML says, checked and resolved. No I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

LANGUAGES = ("fi", "sv", "en")

# The folders the site writes beside the path folders (site.py: render_common),
# and the translations' folders: a path id may be none of them, or its pages
# would overwrite the site's. tests/test_load.py checks this against a build.
SITE_FOLDERS = ("roles", "pilots", "accessibility", "assets")
RESERVED_IDS = frozenset(SITE_FOLDERS + LANGUAGES)


@dataclass(frozen=True)
class Mark:
    """A role's face on the whole site (marks.py): a symbol, a colour, a pictogram."""

    symbol: str  # one of marks.SYMBOLS
    colour: str  # #rrggbb
    icon: str = ""  # a bundled pictogram's name, or none


@dataclass(frozen=True)
class Role:
    id: str
    name: str
    text: str = ""
    shared: bool = False  # from _roles.yaml rather than the path itself
    # What the editor asked for ("" = choose one), and the mark given out (marks.py).
    symbol: str = ""
    colour: str = ""
    icon: str = ""
    mark: Mark | None = None


@dataclass(frozen=True)
class Pilot:
    text: str
    status: str = "ongoing"  # ongoing | ended | idea


@dataclass(frozen=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True)
class Phase:
    id: str
    title: str


@dataclass(frozen=True)
class Step:
    id: str
    number: int  # 1-based position in the file
    title: str
    phase: str | None = None
    roles: tuple[str, ...] = ()
    duration: str = ""
    note: str = ""
    text: str = ""
    professional: str = ""
    pilot: Pilot | None = None
    optional: bool = False
    next: tuple[str, ...] = ()  # resolved: the default successor is filled in
    when: tuple[str, ...] = ()  # beside next, item by item: when the client goes that way ("" if not said)
    links: tuple[Link, ...] = ()
    continues: str | None = None


@dataclass(frozen=True)
class Successor:
    """Where a step leads: the step, when the client goes there, and whether
    it is a return loop (back to the same or an earlier step)."""

    step: str
    when: str = ""
    loop: bool = False


@dataclass(frozen=True)
class ServicePath:
    id: str
    language: str
    title: str
    steps: tuple[Step, ...]
    source: str  # the file it came from, for messages
    original: str | None = None  # for a translation: the original's id
    subtitle: str = ""
    summary: str = ""
    persona_name: str = ""
    persona_text: str = ""
    organisation: str = ""
    contact: str = ""
    updated: str = ""
    roles: dict[str, Role] = field(default_factory=dict)  # every role the path can use
    phases: tuple[Phase, ...] = ()

    @property
    def is_translation(self) -> bool:
        return self.original is not None

    # Derived lookups, computed once: the layout asks them thousands of times per diagram.
    @cached_property
    def _positions(self) -> dict[str, int]:
        return {s.id: i for i, s in enumerate(self.steps)}

    @cached_property
    def _roles_used(self) -> tuple[Role, ...]:
        seen: dict[str, Role] = {}
        for step in self.steps:
            for role_id in step.roles:
                seen.setdefault(role_id, self.roles[role_id])
        return tuple(seen.values())

    @cached_property
    def role_order(self) -> dict[str, int]:
        """Each acting role's position in order of first appearance."""
        return {r.id: i for i, r in enumerate(self._roles_used)}

    @cached_property
    def successors(self) -> dict[str, tuple[Successor, ...]]:
        """Step id -> where it leads, in the file's order, each with its 'when'."""
        out = {}
        for s in self.steps:
            whens = s.when or ("",) * len(s.next)
            out[s.id] = tuple(Successor(n, w, self.is_loop(s, n)) for n, w in zip(s.next, whens))
        return out

    @cached_property
    def loops(self) -> dict[str, tuple[str, ...]]:
        """Step id -> the return loops leaving it (back to it or an earlier step)."""
        return {sid: tuple(x.step for x in ways) for sid, ways in self.back.items()}

    @cached_property
    def forward(self) -> dict[str, tuple[str, ...]]:
        """Step id -> the steps it leads on to, return loops left out."""
        return {sid: tuple(x.step for x in ways) for sid, ways in self.ahead.items()}

    @cached_property
    def ahead(self) -> dict[str, tuple[Successor, ...]]:
        """Step id -> its ways forward (return loops left out), each with its 'when'."""
        return {sid: tuple(x for x in ways if not x.loop) for sid, ways in self.successors.items()}

    @cached_property
    def back(self) -> dict[str, tuple[Successor, ...]]:
        """Step id -> the return loops leaving it, each with its 'when'."""
        return {sid: tuple(x for x in ways if x.loop) for sid, ways in self.successors.items()}

    @cached_property
    def forks(self) -> frozenset[str]:
        """The steps with more than one way forward: the client goes one of them."""
        return frozenset(sid for sid, ways in self.ahead.items() if len(ways) > 1)

    @cached_property
    def incoming(self) -> dict[str, tuple[tuple[str, Successor], ...]]:
        """Step id -> the ways forward that lead into it, as (the step they
        leave, the way), in the file's order; return loops left out."""
        out: dict[str, list[tuple[str, Successor]]] = {s.id: [] for s in self.steps}
        for sid, ways in self.ahead.items():
            for way in ways:
                out[way.step].append((sid, way))
        return {sid: tuple(ways) for sid, ways in out.items()}

    @cached_property
    def joins(self) -> frozenset[str]:
        """The steps more than one step leads on to (return loops left out)."""
        return frozenset(sid for sid, ways in self.incoming.items() if len(ways) > 1)

    @cached_property
    def ends(self) -> frozenset[str]:
        """The steps that lead nowhere on this path: it ends there, or goes on
        in another path (Step.continues, see continuing)."""
        return frozenset(s.id for s in self.steps if not s.next)

    @cached_property
    def continuing(self) -> dict[str, str]:
        """Step id -> the path the client goes on to from it (Step.continues)."""
        return {s.id: s.continues for s in self.steps if s.continues}

    def step(self, step_id: str) -> Step:
        return self.steps[self._positions[step_id]]

    def index_of(self, step_id: str) -> int:
        return self._positions[step_id]

    def is_loop(self, source: Step, target_id: str) -> bool:
        """A connection back to the same or an earlier step: a return loop."""
        return self.index_of(target_id) <= self.index_of(source.id)

    def roles_used(self) -> list[Role]:
        """The roles acting on this path, in order of first appearance."""
        return list(self._roles_used)

    def phase_title(self, phase_id: str | None) -> str:
        return next((p.title for p in self.phases if p.id == phase_id), "")


@dataclass(frozen=True)
class Accessibility:
    """The accessibility statement's facts, from _site.yaml."""

    maintainer: str = ""
    feedback: str = ""  # Markdown
    status: str = "partial"  # full | partial | none
    issues: str = ""  # Markdown
    reviewed: str = ""
    enforcement: str = ""  # Markdown; empty: the default authority


@dataclass(frozen=True)
class Site:
    title: str
    organisation: str
    language: str
    base_url: str
    paths: tuple[ServicePath, ...]  # originals first, sorted by id; then translations
    shared_roles: dict[str, dict[str, Role]]  # language -> role id -> role
    accessibility: Accessibility = field(default_factory=Accessibility)
    paper: str = "a4"  # the handout's picture pages: a4 or a3 (polku/paper.py)

    def originals(self) -> list[ServicePath]:
        return [p for p in self.paths if not p.is_translation]
