"""`new <id>`: a path file from a commented Finnish template that passes `check` as it is."""

from __future__ import annotations

import os
from datetime import date
from importlib import resources
from pathlib import Path

from .schema_check import ID_RE, suggest_id
from .model import RESERVED_IDS

SCHEMA_FILE = "polku.schema.json"


def new_path(folder: Path, path_id: str, title: str = "", shown: str = "paths") -> str:
    """Write folder/<id>.yaml; returns the name it was written under."""
    if not ID_RE.fullmatch(path_id):
        raise ValueError(f"{path_id!r} is not a valid path id: use only lowercase letters a-z, digits and '-' (e.g. '{suggest_id(path_id)}')")
    if path_id in RESERVED_IDS:
        raise ValueError(f"'{path_id}' cannot be a path id: the site has its own '{path_id}/' folder; choose another (e.g. '{path_id}-polku')")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{path_id}.yaml"
    if target.exists():
        raise ValueError(f"{shown}/{path_id}.yaml already exists; choose another id or edit that file")
    text = resources.files("polku").joinpath("new_path.yaml").read_text(encoding="utf-8")
    today = os.environ.get("POLKU_TODAY") or date.today().isoformat()
    title = title or path_id.replace("-", " ").capitalize()
    text = text.replace("__SCHEMA__", schema_reference(folder)).replace("__TODAY__", today).replace("__TITLE__", _yaml_text(title))
    target.write_text(text, encoding="utf-8")
    return f"{shown}/{path_id}.yaml"


def schema_reference(folder: Path) -> str:
    """Where editors find the schema, relative to the path files.

    Inside a polku checkout that is the package's own schema.json; in a
    content repository (even with polku installed in a .venv inside it),
    polku.schema.json beside the paths, written (or
    refreshed) from the installed polku so that it matches what `check` uses."""
    packaged = Path(str(resources.files("polku").joinpath("schema.json"))).resolve()
    here = folder.resolve()
    installed = {"site-packages", "dist-packages"} & set(packaged.parts)  # e.g. a .venv inside the content repository
    if packaged.is_file() and here.parent in packaged.parents and not installed:
        return os.path.relpath(packaged, here).replace(os.sep, "/")
    local = folder / SCHEMA_FILE
    current = resources.files("polku").joinpath("schema.json").read_text(encoding="utf-8")
    if not local.is_file() or local.read_text(encoding="utf-8") != current:
        local.write_text(current, encoding="utf-8")
    return SCHEMA_FILE


def _yaml_text(text: str) -> str:
    """A title as a YAML scalar that reads back exactly as typed."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
