"""Compare two checked Sites (a git revision and the working tree): what changed,
path by path and step by step, in words. No I/O: revision.py reads the old
files, review.py draws the result.

Steps are matched by id. A step without an id is numbered by its place, so
inserting one renumbers those below it: such steps are matched by title
first, then by place, so that the review names what the editor did.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import LANGUAGES, ServicePath, Role, Site, Step

# Cut quoted values in the terminal around the first difference, to about this many characters.
SHOWN = 60


@dataclass(frozen=True)
class Change:
    """One change, for one line of the summary and one row of the review page.

    subject is what changed: ("step", id), ("phase", id), ("role", id), or ()
    for the path (or the settings file) itself. field is the YAML key that
    changed, empty when the subject itself was added, removed or moved."""

    path: str  # "suvi", "suvi.sv" (a translation), "_site", "_roles", "_roles.sv"
    subject: tuple[str, ...]
    field: str
    kind: str  # added | removed | changed | moved
    old: str = ""
    new: str = ""
    detail: str = ""  # for field "when": the step the branch leads to

    def __str__(self) -> str:
        what = f"{self.subject[0]} '{self.subject[1]}'" if self.subject else ""
        head = f"{self.path}: {what}" if what else f"{self.path}:"
        if not self.field:
            noun = what or ("path" if not self.path.startswith("_") else "file")
            if self.kind == "moved":
                return f"{self.path}: {noun}: moved from place {self.old} to place {self.new}"
            return f"{self.path}: {noun} {self.kind}: {_quote(self.new or self.old)}"
        name = f"when (next '{self.detail}')" if self.field == "when" else self.field
        old, new = _excerpts(self.old, self.new)
        return f"{head}{':' if what else ''} {name} {old} → {new}"


@dataclass
class PathDiff:
    key: str
    old: ServicePath | None
    new: ServicePath | None
    changes: list[Change]

    @property
    def marks(self) -> dict[str, str]:
        """Step id -> 'added' or 'changed', for the new picture."""
        out: dict[str, str] = {}
        for change in self.changes:
            if change.subject[:1] == ("step",) and not (change.kind == "removed" and not change.field):
                step = change.subject[1]
                out[step] = "added" if change.kind == "added" and not change.field else out.get(step, "changed")
        if self.old is None and self.new is not None:
            out = {s.id: "added" for s in self.new.steps}
        return out if self.new is not None else {}

    @property
    def removed(self) -> dict[str, str]:
        """Old step id -> 'removed', for the old picture."""
        if self.new is None and self.old is not None:
            return {s.id: "removed" for s in self.old.steps}
        return {c.subject[1]: "removed" for c in self.changes if c.subject[:1] == ("step",) and c.kind == "removed" and not c.field}


@dataclass
class SiteDiff:
    shared: list[Change] = field(default_factory=list)  # _site.yaml and _roles*.yaml
    paths: list[PathDiff] = field(default_factory=list)  # only the changed ones

    def changes(self) -> list[Change]:
        return self.shared + [c for p in self.paths for c in p.changes]


def key_of(path: ServicePath) -> str:
    return f"{path.id}.{path.language}" if path.is_translation else path.id


def compare(old: Site | None, new: Site) -> SiteDiff:
    result = SiteDiff()
    result.shared = _compare_settings(old, new) + (_compare_shared_roles(old, new) if old else [])
    before = {key_of(p): p for p in old.paths} if old else {}
    after = {key_of(p): p for p in new.paths}
    for key in sorted(before.keys() | after.keys(), key=lambda k: (k.split(".")[0], "." in k, k)):
        changes = compare_paths(key, before.get(key), after.get(key))
        if changes:
            result.paths.append(PathDiff(key, before.get(key), after.get(key), changes))
    return result


# ---------------------------------------------------------------- words


def _show(value: str) -> str:
    """A value on one line: line breaks and other control characters written as escapes."""
    return "".join(c if c >= " " and c != "\x7f" else {"\n": "\\n", "\t": "\\t"}.get(c, f"\\x{ord(c):02x}") for c in value)


def _quote(value: str) -> str:
    shown = _show(value)
    return f"'{shown[:SHOWN - 1]}…'" if len(shown) > SHOWN else f"'{shown}'" if value else "none"


def _excerpts(old: str, new: str) -> tuple[str, str]:
    """Both values, cut alike around where they first differ."""
    a, b = _show(old), _show(new)
    if (len(a) <= SHOWN and len(b) <= SHOWN) or not a or not b:
        return _quote(old), _quote(new)
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    start = max(0, start - 15)
    space = a.rfind(" ", max(0, start - 10), start + 1)
    start = space + 1 if space >= 0 else start  # from the start of a word

    def cut(text: str) -> str:
        part = text[start: start + SHOWN]
        return "'" + ("…" if start else "") + part + ("…" if start + SHOWN < len(text) else "") + "'"

    return cut(a), cut(b)


def _yes(value: bool) -> str:
    return "yes" if value else "no"


# ---------------------------------------------------------------- site files


def _compare_settings(old: Site | None, new: Site) -> list[Change]:
    if old is None:
        return []
    fields = [("title", old.title, new.title), ("organisation", old.organisation, new.organisation),
              ("language", old.language, new.language), ("base_url", old.base_url, new.base_url)]
    for name in ("maintainer", "feedback", "status", "issues", "reviewed", "enforcement"):
        fields.append((f"accessibility.{name}", getattr(old.accessibility, name), getattr(new.accessibility, name)))
    return [Change("_site", (), name, "changed", a, b) for name, a, b in fields if a != b]


def _compare_shared_roles(old: Site | None, new: Site) -> list[Change]:
    """_roles.yaml in the site's language, then what a translation of it changed by itself."""
    out: list[Change] = []
    before = old.shared_roles if old else {}
    base_old = before.get(old.language if old else new.language, {})
    base_new = new.shared_roles.get(new.language, {})
    out += _compare_roles("_roles", base_old, base_new)
    for lang in LANGUAGES:
        if lang == new.language:
            continue
        theirs_old, theirs_new = before.get(lang, {}), new.shared_roles.get(lang, {})
        # A translation falls back to the original wording: report only what differs from it.
        own_old = {r: v for r, v in theirs_old.items() if v != base_old.get(r)}
        own_new = {r: v for r, v in theirs_new.items() if v != base_new.get(r)}
        changed = {r for r in own_old.keys() | own_new.keys() if theirs_old.get(r) != theirs_new.get(r)}
        out += [c for c in _compare_roles(f"_roles.{lang}", theirs_old, theirs_new) if c.subject[1] in changed and c.kind == "changed"]
    return out


def _compare_roles(key: str, old: dict[str, Role], new: dict[str, Role]) -> list[Change]:
    out = []
    for rid in sorted(old.keys() | new.keys()):
        a, b = old.get(rid), new.get(rid)
        if a is None:
            out.append(Change(key, ("role", rid), "", "added", "", b.name))
        elif b is None:
            out.append(Change(key, ("role", rid), "", "removed", a.name, ""))
        else:
            out += [Change(key, ("role", rid), name, "changed", x, y) for name, x, y in (("name", a.name, b.name), ("text", a.text, b.text)) if x != y]
    return out


# ---------------------------------------------------------------- paths


def compare_paths(key: str, old: ServicePath | None, new: ServicePath | None) -> list[Change]:
    if old is None and new is None:
        return []
    if old is None:
        return [Change(key, (), "", "added", "", new.title)]
    if new is None:
        return [Change(key, (), "", "removed", old.title, "")]
    out = [Change(key, (), name, "changed", a, b) for name, a, b in (
        ("title", old.title, new.title), ("subtitle", old.subtitle, new.subtitle), ("language", old.language, new.language),
        ("summary", old.summary, new.summary), ("persona.name", old.persona_name, new.persona_name),
        ("persona.text", old.persona_text, new.persona_text), ("organisation", old.organisation, new.organisation),
        ("contact", old.contact, new.contact), ("updated", old.updated, new.updated),
    ) if a != b]
    out += _compare_phases(key, old, new)
    local = lambda p: {rid: r for rid, r in p.roles.items() if not r.shared}  # noqa: E731 - shared roles are _roles.yaml's
    out += _compare_roles(key, local(old), local(new))
    out += _compare_steps(key, old, new)
    return out


def _compare_phases(key: str, old: ServicePath, new: ServicePath) -> list[Change]:
    a = {p.id: p.title for p in old.phases}
    b = {p.id: p.title for p in new.phases}
    out = []
    for pid in [p.id for p in new.phases] + [p.id for p in old.phases if p.id not in b]:
        if pid not in a:
            out.append(Change(key, ("phase", pid), "", "added", "", b[pid]))
        elif pid not in b:
            out.append(Change(key, ("phase", pid), "", "removed", a[pid], ""))
        elif a[pid] != b[pid]:
            out.append(Change(key, ("phase", pid), "title", "changed", a[pid], b[pid]))
    return out


def _auto(step: Step) -> bool:
    """A step without an id of its own: its id is its place."""
    return step.id == str(step.number)


def match_steps(old: ServicePath, new: ServicePath) -> dict[str, str]:
    """Old step id -> new step id, for the steps that are the same step."""
    pairs: dict[str, str] = {}
    taken: set[str] = set()
    new_ids = {s.id for s in new.steps}
    for step in old.steps:  # 1. the same id of its own
        if not _auto(step) and step.id in new_ids and not _auto(new.step(step.id)):
            pairs[step.id] = step.id
            taken.add(step.id)
    by_title: dict[str, list[str]] = {}
    for step in new.steps:
        if step.id not in taken:
            by_title.setdefault(step.title, []).append(step.id)
    for step in old.steps:  # 2. the same title (a numbered step that moved or got an id)
        if step.id not in pairs and by_title.get(step.title):
            target = by_title[step.title].pop(0)
            pairs[step.id] = target
            taken.add(target)
    for step in old.steps:  # 3. numbered steps at the same place (their title changed)
        if step.id not in pairs and _auto(step) and step.id in new_ids and step.id not in taken and _auto(new.step(step.id)):
            pairs[step.id] = step.id
            taken.add(step.id)
    return pairs


def _moved(old: ServicePath, new: ServicePath, pairs: dict[str, str]) -> set[str]:
    """New ids of the steps whose order among the others changed: those outside
    a longest run of matched steps in the same order (patience: n log n)."""
    order = sorted(pairs.items(), key=lambda p: new.index_of(p[1]))
    seq = [old.index_of(o) for o, _ in order]
    tails: list[int] = []  # tails[k]: index in seq of the smallest tail of a run of length k+1
    back = [-1] * len(seq)
    for i, value in enumerate(seq):
        k = _bisect(seq, tails, value)
        back[i] = tails[k - 1] if k else -1
        if k == len(tails):
            tails.append(i)
        else:
            tails[k] = i
    keep: set[int] = set()
    at = tails[-1] if tails else -1
    while at >= 0:
        keep.add(at)
        at = back[at]
    return {order[i][1] for i in range(len(order)) if i not in keep}


def _bisect(seq: list[int], tails: list[int], value: int) -> int:
    lo, hi = 0, len(tails)
    while lo < hi:
        mid = (lo + hi) // 2
        if seq[tails[mid]] < value:
            lo = mid + 1
        else:
            hi = mid
    return lo


def successors(step: Step) -> list[tuple[str, str]]:
    """(step id, when) for each item of next; when is "" where the file says nothing."""
    whens = tuple(step.when) + ("",) * (len(step.next) - len(step.when))
    return list(zip(step.next, whens))


def _following(path: ServicePath, step: Step) -> list[tuple[str, str]]:
    i = path.index_of(step.id)
    return [(path.steps[i + 1].id, "")] if i + 1 < len(path.steps) else []


def _pilot(step: Step) -> tuple[str, str]:
    return (step.pilot.text, step.pilot.status) if step.pilot else ("", "")


def _links(step: Step) -> str:
    return "\n".join(f"{link.title} <{link.url}>" for link in step.links)


def _compare_steps(key: str, old: ServicePath, new: ServicePath) -> list[Change]:
    pairs = match_steps(old, new)
    back = {n: o for o, n in pairs.items()}
    moved = _moved(old, new, pairs)
    out: list[Change] = []
    for step in new.steps:
        subject = ("step", step.id)
        if step.id not in back:
            out.append(Change(key, subject, "", "added", "", step.title))
            continue
        before = old.step(back[step.id])
        if step.id in moved:
            out.append(Change(key, subject, "", "moved", str(before.number), str(step.number)))
        fields = [
            ("title", before.title, step.title),
            ("phase", before.phase or "", step.phase or ""),
            ("roles", ", ".join(before.roles), ", ".join(step.roles)),
            ("duration", before.duration, step.duration),
            ("optional", _yes(before.optional), _yes(step.optional)),
            ("pilot", _pilot(before)[0], _pilot(step)[0]),
            ("pilot.status", _pilot(before)[1], _pilot(step)[1]),
            ("note", before.note, step.note),
            ("text", before.text, step.text),
            ("professional", before.professional, step.professional),
        ]
        if not (before.pilot and step.pilot):  # a lamp lit or put out: the text line says it
            fields = [f for f in fields if f[0] != "pilot.status"]
        out += [Change(key, subject, name, "changed", a, b) for name, a, b in fields if a != b]
        out += _compare_next(key, subject, old, new, before, step, pairs)
        out += [Change(key, subject, name, "changed", a, b) for name, a, b in (
            ("links", _links(before), _links(step)), ("continues", before.continues or "", step.continues or ""),
        ) if a != b]
    for step in old.steps:
        if step.id not in pairs:
            out.append(Change(key, ("step", step.id), "", "removed", step.title, ""))
    return out


def _compare_next(key: str, subject: tuple, old: ServicePath, new: ServicePath, before: Step, after: Step, pairs: dict[str, str]) -> list[Change]:
    """Where the step leads: which steps (named by their new ids), then each branch's `when`."""
    was = successors(before)
    now = successors(after)
    if was == _following(old, before) and now == _following(new, after):
        return []  # on to the step below, before and after: adding or removing that step says it all
    renamed = [(pairs.get(target, target), when) for target, when in was]
    out = []
    targets_was, targets_now = [t for t, _ in renamed], [t for t, _ in now]
    if targets_was != targets_now:
        out.append(Change(key, subject, "next", "changed", ", ".join(targets_was), ", ".join(targets_now)))
    whens_was = dict(renamed)
    for target, when in now:
        if target in whens_was and whens_was[target] != when:
            out.append(Change(key, subject, "when", "changed", whens_was[target], when, detail=target))
    return out
