"""The one JSON Schema of a path file (schema.json), and what it says about a file.

A fast yes/no check first (fastjsonschema); only for a file it refuses does
jsonschema walk the file again, and each of its errors becomes one line an
editor can act on. The id pattern is the schema's: the loader and `polku new`
use ID_RE, made from it here, and the pages' script trusts only the ids the
build wrote (tests/test_ids.py checks that they agree).
"""

from __future__ import annotations

import copy
import json
import re
from datetime import date
from functools import cache
from importlib import resources
from typing import Any, Iterable

from . import yamlread
from .errors import Diagnostic, cut, did_you_mean, one_line, quote


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


def _id_pattern() -> str:
    return schema()["$defs"]["id"]["pattern"]


# Used with fullmatch; the schema's '$' is the end of the text (see _python_pattern).
ID_RE = re.compile(_python_pattern(_id_pattern()))


def suggest_id(text: str) -> str:
    table = str.maketrans({"ä": "a", "ö": "o", "å": "a", "Ä": "a", "Ö": "o", "Å": "a", " ": "-", "_": "-"})
    cleaned = re.sub(r"[^a-z0-9-]", "", text.translate(table).lower()).strip("-")
    return re.sub(r"-+", "-", cleaned) or "polku"


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


def problems(doc: yamlread.Document, shown: str, definition: str | None = None) -> list[Diagnostic]:
    """What the schema refuses in a read file (shown: its name in messages);
    definition names the part of the schema it must be (site, roles), or None: a path."""
    try:
        _accepts(definition)(doc.data)
        return []
    except Exception:  # noqa: BLE001 - JsonSchemaValueException, or anything odd: ask jsonschema
        pass
    found = []
    for error in _validator(definition).iter_errors(doc.data):
        found.extend(_describe(error, doc, shown))
    return found


def _describe(error: "jsonschema.ValidationError", doc: yamlread.Document, shown: str) -> list[Diagnostic]:
    pointer = tuple(error.absolute_path)
    where = _show(pointer)
    prefix = f"{where}: " if where else ""
    value = error.instance
    kind = error.validator

    def at(message: str, ptr: tuple = pointer, key: bool = False) -> Diagnostic:
        line, col = doc.locate(ptr, key=key)
        return Diagnostic(shown, line, col, message)

    if kind == "additionalProperties" and isinstance(value, dict):
        allowed = set(error.schema.get("properties", {}))
        out = []
        for name in sorted(set(value) - allowed):
            out.append(at(f"{prefix}unknown key {quote(name)}{did_you_mean(name, allowed)}", pointer + (name,), key=True))
        return out
    if kind == "propertyNames":
        return [at(f"{prefix}{quote(value)} is not a valid id: use only lowercase letters a-z, digits and '-' (e.g. {quote(suggest_id(str(value)))})", pointer + (value,), key=True)]
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
            return [d for e in sub for d in _describe(e, doc, shown)]
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
    if pattern in (_id_pattern(), _python_pattern(_id_pattern())):
        return f"{quote(value)} is not a valid id: use only lowercase letters a-z, digits and '-' (e.g. {quote(suggest_id(value))})"
    if "\\n" in pattern:
        return "must fit on one line; use a text field such as 'text:' for longer text"
    if pattern.startswith("^https?"):
        return f"{quote(value)} should be a web address starting with http:// or https:// and ending with '/'"
    return f"{quote(value)} cannot contain spaces"
