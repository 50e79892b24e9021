"""One path file's content as a model ServicePath: the checks the schema cannot see.

load.py reads and schema-checks the files; build_path here turns one checked
file into a ServicePath in named parts (language, roles, phases, step ids, and each
step's roles, next, pilot and links), telling every problem where it stands.
Shared by every file of a folder: nothing here reads a file or knows other paths.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from sys import intern  # ids: one string per id in a path however often steps name it, and so one in the pickle that carries the path between processes
from typing import Any
from urllib.parse import unquote

from . import marks, yamlread
from .errors import Diagnostic, did_you_mean
from .model import Link, Mark, ServicePath, Phase, Pilot, Role, Step

SAFE_SCHEMES = ("http", "https", "mailto", "tel")
_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\xa0\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _roles_from(data: Any, shared: bool) -> dict[str, Role]:
    return {
        intern(rid): Role(intern(rid), _text(r.get("name")), _text(r.get("text")), shared, _text(r.get("symbol")), _text(r.get("colour")), _text(r.get("icon")))
        for rid, r in _dict(data).items()
        if isinstance(rid, str) and isinstance(r, dict)
    }


LOOK_KEYS = ("symbol", "colour", "icon")


def _look_problems(data: Any, prefix: tuple, at, translation_of: str = "") -> None:
    """An unusable symbol, colour or icon in a roles mapping; in a translation, any of them:
    a translation shows its original's marks, so the look is set in one place."""
    for rid, definition in _dict(data).items():
        definition = _dict(definition)
        where = ".".join(map(str, prefix + (rid,)))
        if translation_of:
            for key in LOOK_KEYS:
                if key in definition:
                    at(prefix + (rid, key), f"{where}.{key}: a translation shows the marks of {translation_of}; set '{key}:' there and delete it here", True)
            continue
        for key, message in marks.look_problems(definition):
            at(prefix + (rid, key), f"{where}.{key}: {message}", False)


def _mark_roles(roles: dict[str, Role], given: dict[str, Mark]) -> dict[str, Role]:
    return {rid: replace(role, mark=given[rid]) if rid in given else role for rid, role in roles.items()}


def url_is_safe(url: str) -> bool:
    """Only http, https, mailto, tel and relative addresses may be linked."""
    # Judge the address as a browser would read it: entities and %-escapes decoded.
    cleaned = _INVISIBLE.sub("", html.unescape(unquote(url)))
    match = _SCHEME_RE.match(cleaned)
    return match is None or match.group(1).lower() in SAFE_SCHEMES




class _Here:
    """One path file's problems, each told where it stands."""

    def __init__(self, doc: yamlread.Document, shown: str, problems: list[Diagnostic]):
        self.doc, self.shown, self.problems = doc, shown, problems

    def __call__(self, pointer: tuple, message: str, key: bool = False, warning: bool = False) -> None:
        line, col = self.doc.locate(pointer, key=key)
        self.problems.append(Diagnostic(self.shown, line, col, message, warning))


def build_path(doc: yamlread.Document, shown: str, path_id: str, file_language: str | None, site_language: str,
               site_organisation: str, shared: dict[str, Role], problems: list[Diagnostic]) -> ServicePath:
    """The ServicePath a schema-checked file describes, with the problems the schema
    cannot see (ids, references between steps, roles, phases) added to problems.
    file_language: the language its name gives (<id>.<lang>.yaml), for a translation."""
    data = _dict(doc.data)
    at = _Here(doc, shown, problems)
    language = _language(data, file_language, site_language, at)
    local, roles = _roles(data, shared, f"{path_id}.yaml" if file_language else "", at)
    phases = _phases(data, at)
    phase_ids = {phase.id for phase in phases}
    raw_steps = [_dict(s) for s in _list(data.get("steps"))]
    ids = _step_ids(raw_steps, at)
    steps = [_step(i, raw, ids, roles, phase_ids, at) for i, raw in enumerate(raw_steps)]
    _warn_unreachable(steps, lambda i, msg: at(("steps", i), msg, warning=True))
    roles = _give_local_marks(roles, local, steps, shared, lambda i, j, msg: at(("steps", i, "roles", j), msg))
    persona = _dict(data.get("persona"))
    return ServicePath(
        id=path_id,
        language=language,
        title=_text(data.get("title")),
        steps=tuple(steps),
        source=shown,
        original=path_id if file_language else None,
        subtitle=_text(data.get("subtitle")),
        summary=_text(data.get("summary")),
        persona_name=_text(persona.get("name")),
        persona_text=_text(persona.get("text")),
        organisation=_text(data.get("organisation")) or site_organisation,
        contact=_text(data.get("contact")),
        updated=_text(data.get("updated")),
        roles=roles,
        phases=tuple(phases),
    )


def _language(data: dict, file_language: str | None, site_language: str, at: _Here) -> str:
    """The file's 'language:', else its name's, else the site's; the name wins a disagreement."""
    language = _text(data.get("language")) or file_language or site_language
    if file_language and data.get("language") not in (None, file_language):
        at(("language",), f"language: the file name says '{file_language}' but the file says '{data.get('language')}'; make them the same")
        language = file_language
    return language


def _roles(data: dict, shared: dict[str, Role], translation_of: str, at: _Here) -> tuple[dict[str, Role], dict[str, Role]]:
    """The path's own roles, and every role it may use (shared ones too)."""
    local = _roles_from(data.get("roles"), shared=False)
    for rid in local:
        if rid in shared:
            at(("roles", rid), f"roles.{rid}: role '{rid}' is already defined in _roles.yaml; remove it here, or give it another id", key=True)
    _look_problems(data.get("roles"), ("roles",), lambda pointer, message, key: at(pointer, message, key=key), translation_of)
    return local, {**shared, **local}


def _phases(data: dict, at: _Here) -> list[Phase]:
    phases = []
    phase_ids: set[str] = set()
    for i, raw in enumerate(_list(data.get("phases"))):
        raw = _dict(raw)
        pid = intern(_text(raw.get("id")))
        if pid in phase_ids:
            at(("phases", i, "id"), f"phases[{i + 1}].id: the phase id '{pid}' is used twice; give each phase its own id")
        phase_ids.add(pid)
        phases.append(Phase(pid, _text(raw.get("title"))))
    return phases


def _step_ids(raw_steps: list[dict], at: _Here) -> list[str]:
    """Each step's id: its 'id:', else its position; each must be its own."""
    ids = [intern(_text(s.get("id")) or str(i + 1)) for i, s in enumerate(raw_steps)]
    first_at: dict[str, int] = {}
    for i, sid in enumerate(ids):
        if sid in first_at:
            pointer = ("steps", i, "id") if "id" in raw_steps[i] else ("steps", i)
            at(pointer, f"steps[{i + 1}]: the step id '{sid}' is already used by step {first_at[sid] + 1}; give each step its own id")
        else:
            first_at[sid] = i
    return ids


def _step(i: int, raw: dict, ids: list[str], roles: dict[str, Role], phase_ids: set[str], at: _Here) -> Step:
    phase = raw.get("phase")
    if isinstance(phase, str) and phase not in phase_ids:
        if phase_ids:
            at(("steps", i, "phase"), f"steps[{i + 1}].phase: unknown phase '{phase}'{did_you_mean(phase, phase_ids)}")
        else:
            at(("steps", i, "phase"), f"steps[{i + 1}].phase: the path defines no phases; add 'phases:' at the top level or delete this line")
    step_roles = _step_roles(i, raw, roles, at)
    nxt, whens = _next(i, raw, ids, at)
    return Step(
        id=ids[i],
        number=i + 1,
        title=_text(raw.get("title")),
        phase=intern(phase) if isinstance(phase, str) and phase in phase_ids else None,
        roles=step_roles,
        duration=_text(raw.get("duration")),
        note=_text(raw.get("note")),
        text=_text(raw.get("text")),
        professional=_text(raw.get("professional")),
        pilot=_pilot(raw.get("pilot")),
        optional=raw.get("optional") is True,
        next=tuple(nxt),
        when=tuple(whens) if any(whens) else (),
        links=_links(i, raw, at),
        continues=intern(_text(raw.get("continues"))) or None,
    )


def _step_roles(i: int, raw: dict, roles: dict[str, Role], at: _Here) -> tuple[str, ...]:
    """The step's known roles, each once; unknown and repeated ones are problems."""
    listed = _list(raw.get("roles"))
    for j, rid in enumerate(listed):
        if isinstance(rid, str) and rid not in roles:
            at(("steps", i, "roles", j), f"steps[{i + 1}].roles: unknown role '{rid}'{did_you_mean(rid, roles)}")
    for j, rid in enumerate(listed):
        if rid in listed[:j]:
            at(("steps", i, "roles", j), f"steps[{i + 1}].roles: role '{rid}' is listed twice")
    return tuple(intern(r) for r in dict.fromkeys(r for r in listed if isinstance(r, str)) if r in roles)


def _next(i: int, raw: dict, ids: list[str], at: _Here) -> tuple[list[str], list[str]]:
    """Where the step leads and, item by item, when ("" if not said). Without
    'next:' a step leads to the one below it (the last one nowhere)."""
    if "next" not in raw:
        return ([ids[i + 1]] if i + 1 < len(ids) else []), []
    here = f"steps[{i + 1}]"
    nxt: list[str] = []
    whens: list[str] = []
    known = set(ids)
    for j, item in enumerate(_list(raw.get("next"))):
        target, pointer = item, ("steps", i, "next", j)
        if isinstance(item, dict):
            target, pointer = item.get("step"), pointer + ("step",)
            when = item.get("when")
            if isinstance(when, str) and when and not when.strip():
                at(("steps", i, "next", j, "when"), f"{here}.next[{j + 1}].when: is empty; say in a few words when the client goes this way, or delete the line")
        if not isinstance(target, str):
            continue  # the schema has said what is wrong
        if target not in known:
            at(pointer, f"{here}.next: there is no step '{target}'{did_you_mean(target, ids)}")
        elif target in nxt:
            at(pointer, f"{here}.next: step '{target}' is listed twice")
        else:
            nxt.append(intern(target))
            whens.append(_text(item.get("when")).strip() if isinstance(item, dict) else "")
    return nxt, whens


def _pilot(raw: Any) -> Pilot | None:
    """'pilot: text', or 'text:' and 'status:' below it."""
    if isinstance(raw, str):
        return Pilot(raw)
    if isinstance(raw, dict):
        return Pilot(_text(raw.get("text")), _text(raw.get("status")) or "ongoing")
    return None


def _links(i: int, raw: dict, at: _Here) -> tuple[Link, ...]:
    """The step's links; an unsafe address is a problem and is left out."""
    links = []
    for j, link in enumerate(_list(raw.get("links"))):
        link = _dict(link)
        url = _text(link.get("url"))
        if url and not url_is_safe(url):
            at(("steps", i, "links", j, "url"), f"steps[{i + 1}].links[{j + 1}].url: only web (http, https), e-mail (mailto:) and phone (tel:) addresses can be linked, not '{url[:60]}'")
            continue
        links.append(Link(_text(link.get("title")), url))
    return tuple(links)


def _give_local_marks(roles: dict[str, Role], local: dict[str, Role], steps: list[Step], shared: dict[str, Role], problem) -> dict[str, Role]:
    """The path's own roles' marks (marks.py); two roles of the path that look alike are an error."""
    used = list(dict.fromkeys(rid for step in steps for rid in step.roles))
    shared_used = [shared[rid].mark for rid in used if rid in shared and shared[rid].mark]
    shared_all = [role.mark for role in shared.values() if role.mark]
    roles = _mark_roles(roles, marks.local_marks([r for r in local.values() if r.id not in shared], shared_used, shared_all))
    for first, second in marks.look_alike([roles[rid] for rid in used]):
        i, j = next((i, step.roles.index(second.id)) for i, step in enumerate(steps) if second.id in step.roles)
        problem(i, j, f"steps[{i + 1}].roles: '{second.id}' would look just like '{first.id}' on this path "
                      f"(both {marks.describe(second.mark)}); give one of them another 'symbol:' or 'colour:'")
    return roles


def _warn_unreachable(steps: list[Step], warn) -> None:
    if not steps:
        return
    seen = {steps[0].id}
    todo = [steps[0]]
    by_id = {s.id: s for s in steps}
    while todo:
        for target in todo.pop().next:
            if target not in seen and target in by_id:
                seen.add(target)
                todo.append(by_id[target])
    for i, step in enumerate(steps):
        if step.id not in seen:
            warn(i, f"steps[{i + 1}]: no step leads to '{step.id}', so the diagram shows it apart; check the 'next:' lines above it")

