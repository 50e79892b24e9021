"""Read a paths/ folder into a checked Site, or report every problem in it.

Order of work: name the files, read each as YAML (yamlread), check each
against the one JSON Schema (schema.json), then check what the schema
cannot see (ids, references between steps, roles, phases, paths and
translations). Nothing stops at the first problem: every file is read and
every check runs, and all diagnostics are raised together at the end.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from dataclasses import dataclass, replace
from pathlib import Path

from . import marks, schema_check, yamlread
from .errors import ContentError, Diagnostic, did_you_mean
from .load_path import _dict, _look_problems, _mark_roles, _roles_from, _text, build_path
from .model import Accessibility, LANGUAGES, RESERVED_IDS, ServicePath, Role, Site
from .schema_check import ID_RE, boolean_keys, schema, suggest_id
from .workers import run as workers_run

__all__ = ["load_site", "check_site", "read_source", "schema", "boolean_keys", "ID_RE", "MAX_FILE_BYTES"]

DEFAULT_SITE = {"title": "Palvelupolut", "organisation": "", "language": "fi", "base_url": "", "paper": "a4"}


# ---------------------------------------------------------------- files


@dataclass
class _File:
    path: Path
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


def _classify(folder: Path, shown_folder: str, problems: list[Diagnostic]) -> list[_File]:
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
                Diagnostic(shown, 1, 1, f"the file name '{name}' is not a valid path id: use only lowercase letters a-z, digits and '-' (e.g. '{suggest_id(base)}.yaml')")
            )
            continue
        if base in RESERVED_IDS:
            problems.append(
                Diagnostic(shown, 1, 1, f"'{base}' cannot be a path id: the site has its own '{base}/' folder; rename the file (e.g. '{base}-polku{name[len(base):]}')")
            )
            continue
        files.append(_File(entry, shown, "path", id=base, language=lang or None))
    return files


MAX_FILE_BYTES = 256 * 1024  # 35 times the longest path file there is; read and built in well under a second


def read_source(path: Path) -> bytes:
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


# ---------------------------------------------------------------- the whole folder


def load_site(folder: Path | str, shown: str | None = None, workers: int | None = None, cache: dict | None = None) -> tuple[Site, list[Diagnostic]]:
    """Read and check a paths folder. Returns the site and the warnings;
    raises ContentError with every problem (and warning) if there are errors.
    Path files are read on every core (workers.py) when there are many.

    With a cache (a dict kept between calls, as `serve` does), a path file
    whose bytes, site settings and shared roles are unchanged is not read
    again, and gives the very same ServicePath object as before."""
    folder = Path(folder)
    shown_folder = shown if shown is not None else str(folder).rstrip("/")
    problems: list[Diagnostic] = []
    if not folder.is_dir():
        raise ContentError([Diagnostic(shown_folder, 1, 1, "no such folder: give the folder that holds the path files")])

    files = _classify(folder, shown_folder, problems)
    for file in files:
        if file.kind != "path":
            _read(file, problems)
            if file.doc is not None:
                problems.extend(schema_check.problems(file.doc, file.shown, file.kind))
    site_file = next((f for f in files if f.kind == "site" and f.doc), None)
    settings = _settings(site_file)
    shared_files = {f.language or settings["language"]: f for f in files if f.kind == "roles" and f.doc}
    shared = _shared_roles(shared_files, settings["language"], shown_folder, problems)

    all_path_files = [f for f in files if f.kind == "path"]
    originals = {f.id for f in all_path_files if f.language is None}
    loaded = _load_path_files(_with_original(all_path_files, originals, shown_folder, problems), settings, shared, workers, cache)
    paths: list[ServicePath] = []
    for file, path, found in loaded:
        problems.extend(found)
        if path is not None:
            _check_continues(file, path, originals, problems)
            paths.append(path)
    paths = _translations_checked(paths, {file.shown: file for file, _, _ in loaded}, shared_files, settings["language"], problems)

    accessibility = _accessibility(site_file, settings, problems)
    if any(not d.warning for d in problems):
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
        paper=settings["paper"],
    )
    return site, sorted(problems)


def _settings(site_file: _File | None) -> dict[str, str]:
    """_site.yaml's settings over the defaults; an unknown language is Finnish."""
    settings = {**DEFAULT_SITE, **{k: v for k, v in _dict(site_file.doc.data if site_file else {}).items() if isinstance(v, str)}}
    if settings["language"] not in LANGUAGES:
        settings["language"] = "fi"
    if settings.get("paper") not in ("a4", "a3"):
        settings["paper"] = "a4"  # the schema has said why
    return settings


def _shared_roles(shared_files: dict[str, _File], site_language: str, shown_folder: str, problems: list[Diagnostic]) -> dict[str, dict[str, Role]]:
    """Language -> the shared roles (_roles.yaml, _roles.<lang>.yaml), every
    language with every role of _roles.yaml: in its own words where there are some."""
    base_roles = _roles_from(shared_files[site_language].doc.data, shared=True) if site_language in shared_files else {}
    base_roles = _mark_roles(base_roles, marks.shared_marks(list(base_roles.values())))
    shared: dict[str, dict[str, Role]] = {}
    for lang in LANGUAGES:
        roles_file = shared_files.get(lang)
        own = _roles_from(roles_file.doc.data, shared=True) if roles_file else {}
        if roles_file:
            base_name = f"{shown_folder}/_roles.yaml" if lang != site_language else ""
            _look_problems(roles_file.doc.data, (), _at_in(roles_file, problems), base_name)
        # A translated role keeps the original's mark: the look is set in _roles.yaml only.
        own = {rid: replace(role, symbol=base_roles[rid].symbol, colour=base_roles[rid].colour, icon=base_roles[rid].icon, mark=base_roles[rid].mark)
               for rid, role in own.items() if rid in base_roles} | {rid: role for rid, role in own.items() if rid not in base_roles}
        if roles_file and lang != site_language:
            for rid in own:
                if rid not in base_roles:
                    line, col = roles_file.locate((rid,), key=True)
                    problems.append(Diagnostic(roles_file.shown, line, col, f"role '{rid}' is not in _roles.yaml, so there is nothing to translate{did_you_mean(rid, base_roles)}"))
        shared[lang] = {rid: own.get(rid, role) for rid, role in base_roles.items()}
    return shared


def _with_original(files: list[_File], originals: set[str], shown_folder: str, problems: list[Diagnostic]) -> list[_File]:
    """The path files to read: a translation without its original is a problem, and is not read."""
    out = []
    for file in files:
        if file.language and file.id not in originals:
            problems.append(Diagnostic(file.shown, 1, 1, f"this is a translation of '{file.id}', but there is no {shown_folder}/{file.id}.yaml; add the original or rename this file"))
        else:
            out.append(file)
    return out


def _check_continues(file: _File, path: ServicePath, all_ids: set[str], problems: list[Diagnostic]) -> None:
    """A step's 'continues:' names another path of the folder."""
    for i, step in enumerate(path.steps):
        if step.continues and step.continues not in all_ids:
            line, col = file.locate(("steps", i, "continues"))
            problems.append(Diagnostic(file.shown, line, col, f"steps[{i + 1}].continues: there is no path '{step.continues}'{did_you_mean(step.continues, all_ids)}"))
        elif step.continues == file.id:
            line, col = file.locate(("steps", i, "continues"))
            problems.append(Diagnostic(file.shown, line, col, f"steps[{i + 1}].continues: a path cannot continue in itself"))


def _translations_checked(paths: list[ServicePath], files_by_name: dict[str, _File], shared_files: dict[str, _File], site_language: str,
                          problems: list[Diagnostic]) -> list[ServicePath]:
    """Warn where a translation has drifted from its original; each shows its original's marks."""
    by_key = {(p.id, p.original is not None): p for p in paths}
    for path in paths:
        if path.original is not None and (path.id, False) in by_key:
            _check_translation(by_key[(path.id, False)], path, files_by_name[path.source], problems)
    paths = [_marks_of_original(p, by_key.get((p.id, False))) if p.original is not None else p for p in paths]
    _warn_untranslated_roles(paths, shared_files, site_language, files_by_name, problems)
    return paths


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


def _bytes_or_nothing(path: Path) -> bytes:
    try:
        return read_source(path)
    except OSError:
        return b""  # _read says why


def _load_path_file(job: tuple[_File, dict, dict[str, dict[str, Role]]]) -> tuple[_File, ServicePath | None, list[Diagnostic]]:
    """Read, check and build one path file: independent of every other path,
    so a build runs it on every core. Returns the file (with its positions)."""
    file, settings, shared = job
    problems: list[Diagnostic] = []
    _read(file, problems)
    if file.doc is None:
        return file, None, problems
    problems.extend(schema_check.problems(file.doc, file.shown))
    path = build_path(file.doc, file.shown, file.id, file.language, settings["language"], settings["organisation"],
                      shared[file.language or _path_language(file, settings)], problems)
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


def _marks_of_original(translation: ServicePath, original: ServicePath | None) -> ServicePath:
    """A translation shows its original's marks. The same ServicePath object when they
    already agree (the usual case), so that `serve` sees an unchanged path."""
    if original is None:
        return translation
    differ = {rid: replace(role, mark=original.roles[rid].mark) for rid, role in translation.roles.items()
              if rid in original.roles and role.mark != original.roles[rid].mark}
    return replace(translation, roles={**translation.roles, **differ}) if differ else translation


def _check_translation(original: ServicePath, translation: ServicePath, file: _File, problems: list[Diagnostic]) -> None:
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


def _warn_untranslated_roles(paths: list[ServicePath], shared_files: dict, site_language: str, files_by_name: dict[str, _File], problems: list[Diagnostic]) -> None:
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


def check_site(folder: Path | str) -> list[Diagnostic]:
    """All diagnostics of a folder, errors and warnings, without raising."""
    try:
        return load_site(folder)[1]
    except ContentError as error:
        return error.diagnostics
