"""Read a paths/ folder into a checked Site, or report every problem in it.

Order of work: name the files, read each as YAML (yamlread), check each
against the one JSON Schema (schema.json), then check what the schema
cannot see (ids, references between steps, roles, phases, paths and
translations). Nothing stops at the first problem: every file is read and
every check runs, and all diagnostics are raised together at the end.
"""

from __future__ import annotations

import copy
import errno
import hashlib
import html
import json
import os
import re
import stat
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path as FsPath
from typing import Any, Iterable
from urllib.parse import unquote


from . import marks, yamlread
from .errors import ContentError, Diagnostic, cut, did_you_mean, one_line, quote
from .workers import run as workers_run
from .model import Accessibility, LANGUAGES, RESERVED_IDS, Link, Mark, Path, Phase, Pilot, Role, Site, Step

# Used with fullmatch: '$' would also match before a final newline ("one\n").
ID_RE = re.compile(r"[a-z0-9][a-z0-9-]*")
SAFE_SCHEMES = ("http", "https", "mailto", "tel")
_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\xa0\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")

DEFAULT_SITE = {"title": "Palvelupolut", "organisation": "", "language": "fi", "base_url": ""}


@cache
def schema() -> dict:
    """The JSON Schema of a path file: the one description of the format."""
    return json.loads(resources.files("polku").joinpath("schema.json").read_text(encoding="utf-8"))


@cache
def _validator(definition: str | None) -> "jsonschema.Draft202012Validator":
    """jsonschema's validator, for the messages: imported only when a file has a
    problem (it takes a tenth of a second to import)."""
    import jsonschema

    target = _schema_of(_python_schema(), definition)
    return jsonschema.Draft202012Validator(target, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def _python_pattern(pattern: str) -> str:
    """A schema pattern as JSON Schema means it (ECMA-262, where '$' is the end
    of the text) in Python's re, where '$' also matches before a final newline:
    "one\n" is not an id. (fastjsonschema does the same to its copy.)"""
    return pattern[:-1] + r"\Z" if pattern.endswith("$") and not pattern.endswith("\\$") else pattern


@cache
def _python_schema() -> dict:
    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: _python_pattern(v) if k == "pattern" and isinstance(v, str) else walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(schema())


def _schema_of(full: dict, definition: str | None) -> dict:
    """The whole schema (a path file), or one of its definitions (site, roles)."""
    return full if definition is None else {"$defs": full["$defs"], "$ref": f"#/$defs/{definition}"}


@cache
def boolean_keys() -> frozenset[str]:
    """Keys the schema types as boolean: the only ones where yes/no mean true/false."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for name, sub in node.get("properties", {}).items():
                if isinstance(sub, dict) and sub.get("type") == "boolean":
                    found.add(name)
            for sub in node.values():
                walk(sub)
        elif isinstance(node, list):
            for sub in node:
                walk(sub)

    walk(schema())
    return frozenset(found)


# ---------------------------------------------------------------- files


@dataclass
class _File:
    path: FsPath
    shown: str  # the name used in messages, e.g. paths/suvi.yaml
    kind: str  # "path", "site", "roles"
    id: str = ""
    language: str | None = None  # from the file name: <id>.<lang>.yaml
    doc: yamlread.Document | None = None

    def locate(self, pointer: tuple, key: bool = False) -> tuple[int, int]:
        """Where a part of the file stands. A file read in a worker comes back
        without its positions (they are large); they are read again only when
        a problem needs them, which is rare."""
        if self.doc is None:
            try:
                self.doc, _ = yamlread.read(read_source(self.path).decode("utf-8-sig"), self.shown, boolean_keys())
            except (OSError, UnicodeDecodeError):  # changed since it was read
                return (1, 1)
        return self.doc.locate(pointer, key=key) if self.doc is not None else (1, 1)


def _classify(folder: FsPath, shown_folder: str, problems: list[Diagnostic]) -> list[_File]:
    files: list[_File] = []
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        name = entry.name
        shown = f"{shown_folder}/{name}"
        if name.startswith("."):
            continue
        if entry.is_symlink():
            # Never follow a link out of the folder, nor print what it points at
            # (a key or a password file would end up in a CI log).
            if name.endswith((".yaml", ".yml")):
                problems.append(Diagnostic(shown, 1, 1, "the file is a symbolic link; polku reads only ordinary files in this folder: copy the file here instead of linking to it"))
            continue
        if not entry.is_file():
            continue
        if name.endswith(".yml"):
            problems.append(Diagnostic(shown, 1, 1, f"rename the file to end in .yaml ('{name[:-4]}.yaml'), not .yml"))
            continue
        if not name.endswith(".yaml"):
            continue  # notes, images and the like may live beside the paths
        stem = name[: -len(".yaml")]
        base, _, lang = stem.partition(".")
        if lang and (lang not in LANGUAGES or "." in lang):
            problems.append(
                Diagnostic(shown, 1, 1, f"'{lang}' in the file name is not a language polku knows; use fi, sv or en (e.g. '{base}.sv.yaml')")
            )
            continue
        if base.startswith("_"):
            if base == "_site" and not lang:
                files.append(_File(entry, shown, "site"))
            elif base == "_roles":
                files.append(_File(entry, shown, "roles", language=lang or None))
            else:
                problems.append(
                    Diagnostic(shown, 1, 1, "files starting with '_' are reserved: only _site.yaml and _roles.yaml (and _roles.<lang>.yaml) are read; rename or remove this file")
                )
            continue
        if not ID_RE.fullmatch(base):
            problems.append(
                Diagnostic(shown, 1, 1, f"the file name '{name}' is not a valid path id: use only lowercase letters a-z, digits and '-' (e.g. '{_suggest_id(base)}.yaml')")
            )
            continue
        if base in RESERVED_IDS:
            problems.append(
                Diagnostic(shown, 1, 1, f"'{base}' cannot be a path id: the site has its own '{base}/' folder; rename the file (e.g. '{base}-polku{name[len(base):]}')")
            )
            continue
        files.append(_File(entry, shown, "path", id=base, language=lang or None))
    return files


def _suggest_id(text: str) -> str:
    table = str.maketrans({"ä": "a", "ö": "o", "å": "a", "Ä": "a", "Ö": "o", "Å": "a", " ": "-", "_": "-"})
    cleaned = re.sub(r"[^a-z0-9-]", "", text.translate(table).lower()).strip("-")
    return re.sub(r"-+", "-", cleaned) or "polku"


MAX_FILE_BYTES = 256 * 1024  # 35 times the longest path file there is; read and built in well under a second


def read_source(path: FsPath) -> bytes:
    """A path file's bytes: never through a symbolic link (even one put in its
    place after the folder was listed), only from an ordinary file, and
    never more than MAX_FILE_BYTES (+1, to tell that there was more)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as stream:
        if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
            raise OSError(errno.EINVAL, "not an ordinary file", str(path))
        return stream.read(MAX_FILE_BYTES + 1)


def _read(file: _File, problems: list[Diagnostic]) -> None:
    try:
        raw = read_source(file.path)
    except OSError as error:
        link = error.errno == errno.ELOOP or file.path.is_symlink()
        problems.append(Diagnostic(file.shown, 1, 1, "the file is a symbolic link; polku reads only ordinary files in this folder: copy the file here instead of linking to it" if link else f"the file cannot be read ({error.strerror or 'not an ordinary file'}); check that it exists and that you may read it"))
        return
    if len(raw) > MAX_FILE_BYTES:
        problems.append(Diagnostic(file.shown, 1, 1, "the file is larger than 256 kB, more than any path needs; split it into several paths"))
        return
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        problems.append(
            Diagnostic(file.shown, line, col, f"the file is not saved as UTF-8 (byte 0x{raw[error.start]:02x}); save it again choosing the UTF-8 encoding in your editor")
        )
        return
    doc, found = yamlread.read(text, file.shown, boolean_keys())
    problems.extend(found)
    if doc is None:
        return
    if doc.data is None:
        problems.append(Diagnostic(file.shown, 1, 1, "the file is empty" + ("; a path needs at least 'title:' and 'steps:'" if file.kind == "path" else "")))
        return
    file.doc = doc


# ---------------------------------------------------------------- schema errors


def _show(pointer: Iterable[Any]) -> str:
    """('steps', 2, 'roles') -> 'steps[3].roles': positions counted from 1, as editors count."""
    out = ""
    for part in pointer:
        part = part if isinstance(part, int) else cut(one_line(str(part)))
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


@cache
def _accepts(definition: str | None):
    """A fast yes/no check of the same schema (fastjsonschema compiles it to
    Python, 25 times faster than jsonschema's walk). Most files are fine; only
    those it refuses are walked by jsonschema for the messages editors read."""
    import fastjsonschema

    # A deep copy: fastjsonschema rewrites the $refs it resolves in place.
    target = _schema_of({**copy.deepcopy(schema()), "$schema": "http://json-schema.org/draft-07/schema#"}, definition)  # every keyword used is draft-07
    return fastjsonschema.compile(target, formats={"date": _is_date})


_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def _is_date(value: str) -> bool:
    """The JSON Schema "date" format as jsonschema checks it: YYYY-MM-DD, a real day."""
    try:
        return bool(_DATE_RE.fullmatch(value)) and bool(date.fromisoformat(value))
    except ValueError:
        return False


def _schema_problems(file: _File, definition: str | None) -> list[Diagnostic]:
    assert file.doc is not None
    try:
        _accepts(definition)(file.doc.data)
        return []
    except Exception:  # noqa: BLE001 - JsonSchemaValueException, or anything odd: ask jsonschema
        pass
    problems = []
    for error in _validator(definition).iter_errors(file.doc.data):
        problems.extend(_describe(error, file))
    return problems


def _describe(error: "jsonschema.ValidationError", file: _File) -> list[Diagnostic]:
    doc = file.doc
    assert doc is not None
    pointer = tuple(error.absolute_path)
    where = _show(pointer)
    prefix = f"{where}: " if where else ""
    value = error.instance
    kind = error.validator

    def at(message: str, ptr: tuple = pointer, key: bool = False) -> Diagnostic:
        line, col = doc.locate(ptr, key=key)
        return Diagnostic(file.shown, line, col, message)

    if kind == "additionalProperties" and isinstance(value, dict):
        allowed = set(error.schema.get("properties", {}))
        out = []
        for name in sorted(set(value) - allowed):
            out.append(at(f"{prefix}unknown key {quote(name)}{did_you_mean(name, allowed)}", pointer + (name,), key=True))
        return out
    if kind == "propertyNames":
        return [at(f"{prefix}{quote(value)} is not a valid id: use only lowercase letters a-z, digits and '-' (e.g. {quote(_suggest_id(str(value)))})", pointer + (value,), key=True)]
    if kind == "required":
        missing = re.findall(r"'([^']*)' is a required property", error.message)
        name = missing[0] if missing else "a value"
        if not pointer:
            return [at(f"'{name}' is missing; every path needs '{name}:'")]
        return [at(f"{prefix}'{name}' is missing")]
    if kind == "oneOf":
        branch = 1 if isinstance(value, dict) else 0 if isinstance(value, str) else None
        sub = [e for e in error.context or [] if branch is not None and e.relative_schema_path and e.relative_schema_path[0] == branch]
        if sub:
            return [d for e in sub for d in _describe(e, file)]
        return [at(f"{prefix}write a short text, or 'text:' and 'status:' on their own lines below it")]
    if kind == "type":
        return [at(prefix + _type_message(error.validator_value, value))]
    if kind == "minItems":
        return [at(f"{prefix}needs at least one step" if pointer == ("steps",) else f"{prefix}needs at least one item")]
    if kind == "minLength":
        return [at(f"{prefix}is empty; write a value or delete the line")]
    if kind == "maxLength":
        return [at(f"{prefix}is too long ({len(value)} characters; at most {error.validator_value})")]
    if kind == "pattern":
        return [at(prefix + _pattern_message(error.validator_value, value))]
    if kind == "enum":
        choices = ", ".join(map(str, error.validator_value))
        if value is None:
            return [at(f"{prefix}is empty; write one of {choices}")]
        return [at(f"{prefix}{quote(value)} is not one of the allowed values: {choices}{did_you_mean(str(value), map(str, error.validator_value))}")]
    if kind == "format" and error.validator_value == "date":
        return [at(f"{prefix}{quote(value)} is not a real date; write it as YYYY-MM-DD, e.g. 2024-02-29")]
    return [at(f"{prefix}{error.message}")]  # a schema rule with no plain-words version yet


def _type_message(expected: str, value: Any) -> str:
    if value is None:
        return {
            "boolean": "is empty; write true or false",
            "array": "is empty; write a list, e.g. [a, b], or delete the line",
            "object": "is empty; write its keys on the lines below it, indented, or delete the line",
        }.get(expected, "is empty; write a value or delete the line")
    got = "a list" if isinstance(value, list) else "a group of 'key: value' lines" if isinstance(value, dict) else quote(value)
    if expected == "string":
        return f"should be text, not {got}; check the indentation, or put the text in quotes"
    if expected == "boolean":
        return f"should be true or false, not {got}"
    if expected == "array":
        if isinstance(value, str):
            return f"should be a list: write [{cut(one_line(value))}]"
        return f"should be a list ('- item' lines or [a, b]), not {got}"
    if expected == "object":
        return f"should be a group of 'key: value' lines, indented below it, not {got}"
    return f"should be {expected}, not {got}"


def _pattern_message(pattern: str, value: str) -> str:
    if pattern in (schema()["$defs"]["id"]["pattern"], _python_pattern(schema()["$defs"]["id"]["pattern"])):
        return f"{quote(value)} is not a valid id: use only lowercase letters a-z, digits and '-' (e.g. {quote(_suggest_id(value))})"
    if "\\n" in pattern:
        return "must fit on one line; use a text field such as 'text:' for longer text"
    if pattern.startswith("^https?"):
        return f"{quote(value)} should be a web address starting with http:// or https:// and ending with '/'"
    return f"{quote(value)} cannot contain spaces"


# ---------------------------------------------------------------- the model


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _roles_from(data: Any, shared: bool) -> dict[str, Role]:
    return {
        rid: Role(rid, _text(r.get("name")), _text(r.get("text")), shared, _text(r.get("symbol")), _text(r.get("colour")), _text(r.get("icon")))
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


def _build_path(file: _File, site_language: str, site_organisation: str, shared: dict[str, Role], problems: list[Diagnostic]) -> Path:
    doc = file.doc
    assert doc is not None
    data = _dict(doc.data)

    def at(pointer: tuple, message: str, key: bool = False, warning: bool = False) -> None:
        line, col = doc.locate(pointer, key=key)
        problems.append(Diagnostic(file.shown, line, col, message, warning))

    language = _text(data.get("language")) or file.language or site_language
    if file.language and data.get("language") not in (None, file.language):
        at(("language",), f"language: the file name says '{file.language}' but the file says '{data.get('language')}'; make them the same")
        language = file.language

    local = _roles_from(data.get("roles"), shared=False)
    for rid in local:
        if rid in shared:
            at(("roles", rid), f"roles.{rid}: role '{rid}' is already defined in _roles.yaml; remove it here, or give it another id", key=True)
    _look_problems(data.get("roles"), ("roles",), lambda pointer, message, key: at(pointer, message, key=key), f"{file.id}.yaml" if file.language else "")
    roles = {**shared, **local}

    phases = []
    phase_ids: set[str] = set()
    for i, raw in enumerate(_list(data.get("phases"))):
        raw = _dict(raw)
        pid = _text(raw.get("id"))
        if pid in phase_ids:
            at(("phases", i, "id"), f"phases[{i + 1}].id: the phase id '{pid}' is used twice; give each phase its own id")
        phase_ids.add(pid)
        phases.append(Phase(pid, _text(raw.get("title"))))

    raw_steps = [_dict(s) for s in _list(data.get("steps"))]
    ids = [_text(s.get("id")) or str(i + 1) for i, s in enumerate(raw_steps)]
    for i, sid in enumerate(ids):
        if sid in ids[:i]:
            first = ids.index(sid) + 1
            pointer = ("steps", i, "id") if "id" in raw_steps[i] else ("steps", i)
            at(pointer, f"steps[{i + 1}]: the step id '{sid}' is already used by step {first}; give each step its own id")

    steps = []
    for i, raw in enumerate(raw_steps):
        here = f"steps[{i + 1}]"
        phase = raw.get("phase")
        if isinstance(phase, str) and phase not in phase_ids:
            if phase_ids:
                at(("steps", i, "phase"), f"{here}.phase: unknown phase '{phase}'{did_you_mean(phase, phase_ids)}")
            else:
                at(("steps", i, "phase"), f"{here}.phase: the path defines no phases; add 'phases:' at the top level or delete this line")
        step_roles = [r for r in _list(raw.get("roles")) if isinstance(r, str)]
        for j, rid in enumerate(_list(raw.get("roles"))):
            if isinstance(rid, str) and rid not in roles:
                at(("steps", i, "roles", j), f"{here}.roles: unknown role '{rid}'{did_you_mean(rid, roles)}")
        for j, rid in enumerate(_list(raw.get("roles"))):
            if rid in _list(raw.get("roles"))[:j]:
                at(("steps", i, "roles", j), f"{here}.roles: role '{rid}' is listed twice")
        whens: list[str] = []
        if "next" in raw:
            nxt = []
            for j, item in enumerate(_list(raw.get("next"))):
                target, pointer = item, ("steps", i, "next", j)
                if isinstance(item, dict):
                    target, pointer = item.get("step"), pointer + ("step",)
                    when = item.get("when")
                    if isinstance(when, str) and when and not when.strip():
                        at(("steps", i, "next", j, "when"), f"{here}.next[{j + 1}].when: is empty; say in a few words when the client goes this way, or delete the line")
                if not isinstance(target, str):
                    continue  # the schema has said what is wrong
                if target not in ids:
                    at(pointer, f"{here}.next: there is no step '{target}'{did_you_mean(target, ids)}")
                elif target in nxt:
                    at(pointer, f"{here}.next: step '{target}' is listed twice")
                else:
                    nxt.append(target)
                    whens.append(_text(item.get("when")).strip() if isinstance(item, dict) else "")
        else:
            nxt = [ids[i + 1]] if i + 1 < len(ids) else []
        pilot_raw = raw.get("pilot")
        pilot = None
        if isinstance(pilot_raw, str):
            pilot = Pilot(pilot_raw)
        elif isinstance(pilot_raw, dict):
            pilot = Pilot(_text(pilot_raw.get("text")), _text(pilot_raw.get("status")) or "ongoing")
        links = []
        for j, link in enumerate(_list(raw.get("links"))):
            link = _dict(link)
            url = _text(link.get("url"))
            if url and not url_is_safe(url):
                at(("steps", i, "links", j, "url"), f"{here}.links[{j + 1}].url: only web (http, https), e-mail (mailto:) and phone (tel:) addresses can be linked, not '{url[:60]}'")
                continue
            links.append(Link(_text(link.get("title")), url))
        steps.append(
            Step(
                id=ids[i],
                number=i + 1,
                title=_text(raw.get("title")),
                phase=phase if isinstance(phase, str) and phase in phase_ids else None,
                roles=tuple(r for r in dict.fromkeys(step_roles) if r in roles),
                duration=_text(raw.get("duration")),
                note=_text(raw.get("note")),
                text=_text(raw.get("text")),
                professional=_text(raw.get("professional")),
                pilot=pilot,
                optional=raw.get("optional") is True,
                next=tuple(nxt),
                when=tuple(whens) if any(whens) else (),
                links=tuple(links),
                continues=_text(raw.get("continues")) or None,
            )
        )

    _warn_unreachable(steps, lambda i, msg: at(("steps", i), msg, warning=True))
    roles = _give_local_marks(roles, local, steps, shared, lambda i, j, msg: at(("steps", i, "roles", j), msg))
    persona = _dict(data.get("persona"))
    return Path(
        id=file.id,
        language=language,
        title=_text(data.get("title")),
        steps=tuple(steps),
        source=file.shown,
        original=file.id if file.language else None,
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


# ---------------------------------------------------------------- the whole folder


def load_site(folder: FsPath | str, shown: str | None = None, workers: int | None = None, cache: dict | None = None) -> tuple[Site, list[Diagnostic]]:
    """Read and check a paths folder. Returns the site and the warnings;
    raises ContentError with every problem (and warning) if there are errors.
    Path files are read on every core (workers.py) when there are many.

    With a cache (a dict kept between calls, as `serve` does), a path file
    whose bytes, site settings and shared roles are unchanged is not read
    again, and gives the very same Path object as before."""
    folder = FsPath(folder)
    shown_folder = shown if shown is not None else str(folder).rstrip("/")
    problems: list[Diagnostic] = []
    if not folder.is_dir():
        raise ContentError([Diagnostic(shown_folder, 1, 1, "no such folder: give the folder that holds the path files")])

    files = _classify(folder, shown_folder, problems)
    for file in files:
        if file.kind != "path":
            _read(file, problems)
            if file.doc is not None:
                problems.extend(_schema_problems(file, file.kind))

    site_file = next((f for f in files if f.kind == "site" and f.doc), None)
    settings = {**DEFAULT_SITE, **{k: v for k, v in _dict(site_file.doc.data if site_file else {}).items() if isinstance(v, str)}}
    if settings["language"] not in LANGUAGES:
        settings["language"] = "fi"

    shared_files = {f.language or settings["language"]: f for f in files if f.kind == "roles" and f.doc}
    base_roles = _roles_from(shared_files[settings["language"]].doc.data, shared=True) if settings["language"] in shared_files else {}
    base_roles = _mark_roles(base_roles, marks.shared_marks(list(base_roles.values())))
    shared: dict[str, dict[str, Role]] = {}
    for lang in LANGUAGES:
        roles_file = shared_files.get(lang)
        own = _roles_from(roles_file.doc.data, shared=True) if roles_file else {}
        if roles_file:
            base_name = f"{shown_folder}/_roles.yaml" if lang != settings["language"] else ""
            _look_problems(roles_file.doc.data, (), _at_in(roles_file, problems), base_name)
        # A translated role keeps the original's mark: the look is set in _roles.yaml only.
        own = {rid: replace(role, symbol=base_roles[rid].symbol, colour=base_roles[rid].colour, icon=base_roles[rid].icon, mark=base_roles[rid].mark)
               for rid, role in own.items() if rid in base_roles} | {rid: role for rid, role in own.items() if rid not in base_roles}
        if roles_file and lang != settings["language"]:
            for rid in own:
                if rid not in base_roles:
                    line, col = roles_file.locate((rid,), key=True)
                    problems.append(Diagnostic(roles_file.shown, line, col, f"role '{rid}' is not in _roles.yaml, so there is nothing to translate{did_you_mean(rid, base_roles)}"))
        shared[lang] = {rid: own.get(rid, role) for rid, role in base_roles.items()}

    all_path_files = [f for f in files if f.kind == "path"]
    originals = {f.id for f in all_path_files if f.language is None}
    path_files: list[_File] = []
    for file in all_path_files:
        if file.language and file.id not in originals:
            problems.append(Diagnostic(file.shown, 1, 1, f"this is a translation of '{file.id}', but there is no {shown_folder}/{file.id}.yaml; add the original or rename this file"))
        else:
            path_files.append(file)
    loaded = _load_path_files(path_files, settings, shared, workers, cache)
    path_files = [file for file, _, _ in loaded]
    all_ids = originals
    paths: list[Path] = []
    for file, path, found in loaded:
        problems.extend(found)
        if path is None:
            continue
        for i, step in enumerate(path.steps):
            if step.continues and step.continues not in all_ids:
                line, col = file.locate(("steps", i, "continues"))
                problems.append(Diagnostic(file.shown, line, col, f"steps[{i + 1}].continues: there is no path '{step.continues}'{did_you_mean(step.continues, all_ids)}"))
            elif step.continues == file.id:
                line, col = file.locate(("steps", i, "continues"))
                problems.append(Diagnostic(file.shown, line, col, f"steps[{i + 1}].continues: a path cannot continue in itself"))
        paths.append(path)

    by_key = {(p.id, p.original is not None): p for p in paths}
    files_by_name = {f.shown: f for f in path_files}
    for path in paths:
        if path.original is not None and (path.id, False) in by_key:
            _check_translation(by_key[(path.id, False)], path, files_by_name[path.source], problems)
    paths = [_marks_of_original(p, by_key.get((p.id, False))) if p.original is not None else p for p in paths]
    _warn_untranslated_roles(paths, shared_files, settings["language"], files_by_name, problems)

    accessibility = _accessibility(site_file, settings, problems)
    errors = [d for d in problems if not d.warning]
    if errors:
        raise ContentError(problems)
    paths.sort(key=lambda p: (p.original is not None, p.id, p.language))
    site = Site(
        title=settings["title"],
        organisation=settings["organisation"],
        language=settings["language"],
        base_url=settings["base_url"],
        paths=tuple(paths),
        shared_roles=shared,
        accessibility=accessibility,
    )
    return site, sorted(problems)


def _load_path_files(files: list[_File], settings: dict, shared: dict, workers: int | None, cache: dict | None) -> list:
    if cache is None:
        return workers_run(_load_path_file, [(file, settings, shared) for file in files], workers)
    context = repr((settings, shared))  # a change to either reads every file again
    keys = [(file.shown, hashlib.blake2b(_bytes_or_nothing(file.path), digest_size=16).digest(), context) for file in files]
    todo = [(file, settings, shared) for file, key in zip(files, keys) if key not in cache]
    for key, result in zip([k for k in keys if k not in cache], workers_run(_load_path_file, todo, workers)):
        cache[key] = result
    results = [cache[key] for key in keys]
    for stale in set(cache) - set(keys):
        del cache[stale]
    return results


def _bytes_or_nothing(path: FsPath) -> bytes:
    try:
        return read_source(path)
    except OSError:
        return b""  # _read says why


def _load_path_file(job: tuple[_File, dict, dict[str, dict[str, Role]]]) -> tuple[_File, Path | None, list[Diagnostic]]:
    """Read, check and build one path file: independent of every other path,
    so a build runs it on every core. Returns the file (with its positions)."""
    file, settings, shared = job
    problems: list[Diagnostic] = []
    _read(file, problems)
    if file.doc is None:
        return file, None, problems
    problems.extend(_schema_problems(file, None))
    path = _build_path(file, settings["language"], settings["organisation"], shared[file.language or _path_language(file, settings)], problems)
    file.doc = None  # see _File.locate
    return file, path, problems


def _accessibility(site_file, settings: dict, problems: list[Diagnostic]) -> Accessibility:
    """The statement's facts; the law asks for a feedback channel, so warn without one."""
    raw = _dict(_dict(site_file.doc.data).get("accessibility")) if site_file else {}
    statement = Accessibility(
        maintainer=_text(raw.get("maintainer")) or settings["organisation"],
        feedback=_text(raw.get("feedback")),
        status=raw.get("status") if raw.get("status") in ("full", "partial", "none") else "partial",
        issues=_text(raw.get("issues")),
        reviewed=_text(raw.get("reviewed")),
        enforcement=_text(raw.get("enforcement")),
    )
    if site_file and not statement.feedback:
        line, col = site_file.locate(("accessibility",), key=True) if raw else (1, 1)
        problems.append(Diagnostic(site_file.shown, line, col, "accessibility.feedback: the accessibility statement needs a feedback channel (an e-mail address or a form); public-sector sites must give one", warning=True))
    return statement


def _path_language(file: _File, settings: dict) -> str:
    lang = _dict(file.doc.data).get("language") if file.doc else None
    return lang if lang in LANGUAGES else settings["language"]


def _at_in(file: _File, problems: list[Diagnostic]):
    def at(pointer: tuple, message: str, key: bool) -> None:
        line, col = file.locate(pointer, key=key)
        problems.append(Diagnostic(file.shown, line, col, message))

    return at


def _marks_of_original(translation: Path, original: Path | None) -> Path:
    """A translation shows its original's marks. The same Path object when they
    already agree (the usual case), so that `serve` sees an unchanged path."""
    if original is None:
        return translation
    differ = {rid: replace(role, mark=original.roles[rid].mark) for rid, role in translation.roles.items()
              if rid in original.roles and role.mark != original.roles[rid].mark}
    return replace(translation, roles={**translation.roles, **differ}) if differ else translation


def _check_translation(original: Path, translation: Path, file: _File, problems: list[Diagnostic]) -> None:
    """Warn when a translation has drifted from its original."""
    if translation.language == original.language:
        problems.append(Diagnostic(file.shown, 1, 1, f"this translation is in the same language ('{original.language}') as {original.source}; use another language suffix"))
    theirs = [s.id for s in original.steps]
    ours = [s.id for s in translation.steps]
    for i, sid in enumerate(ours):
        if sid not in theirs:
            line, col = file.locate(("steps", i))
            problems.append(Diagnostic(file.shown, line, col, f"steps[{i + 1}]: step '{sid}' is not in {original.source}; translations keep the original's step ids{did_you_mean(sid, theirs)}", warning=True))
    for sid in theirs:
        if sid not in ours:
            problems.append(Diagnostic(file.shown, 1, 1, f"step '{sid}' of {original.source} is missing from this translation", warning=True))
    if [s for s in ours if s in theirs] != [s for s in theirs if s in ours]:
        problems.append(Diagnostic(file.shown, 1, 1, f"the steps are in a different order than in {original.source}", warning=True))


def _warn_untranslated_roles(paths: list[Path], shared_files: dict, site_language: str, files_by_name: dict[str, _File], problems: list[Diagnostic]) -> None:
    warned: set[tuple[str, str]] = set()
    for path in paths:
        if path.language == site_language:
            continue
        own = _roles_from(shared_files[path.language].doc.data, True) if path.language in shared_files else {}
        file = files_by_name[path.source]
        for i, step in enumerate(path.steps):
            for j, rid in enumerate(step.roles):
                role = path.roles[rid]
                if role.shared and rid not in own and (path.language, rid) not in warned:
                    warned.add((path.language, rid))
                    line, col = file.locate(("steps", i, "roles", j))
                    problems.append(
                        Diagnostic(file.shown, line, col, f"steps[{i + 1}].roles: the shared role '{rid}' has no wording in _roles.{path.language}.yaml; the original wording is used", warning=True)
                    )


def check_site(folder: FsPath | str) -> list[Diagnostic]:
    """All diagnostics of a folder, errors and warnings, without raising."""
    try:
        return load_site(folder)[1]
    except ContentError as error:
        return error.diagnostics
