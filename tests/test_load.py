"""Reading and checking: values mean what editors typed; every problem is found in one run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from polku.errors import ContentError
from polku.load import check_site, load_site

from .conftest import EXAMPLES, PATHS, write_paths


def test_bundled_paths_are_valid():
    site, warnings = load_site(PATHS)
    assert {p.id for p in site.paths} == {"suvi", "valtteri"}
    assert warnings == []


def test_yaml_11_surprises_mean_what_was_typed(tmp_path: Path):
    shutil.copy(EXAMPLES / "valid" / "tricky.yaml", tmp_path / "tricky.yaml")
    site, _ = load_site(tmp_path)
    path = site.paths[0]
    assert path.title == "no"
    assert path.subtitle == "1.10"
    assert path.contact == "0401234567"
    assert path.updated == "2024-02-29"
    assert path.roles["ohjaaja"].name == "yes"
    first, second, third = path.steps
    assert first.title == "on" and first.duration == "12:30"
    assert first.optional is True and second.optional is True and third.optional is False
    assert second.title == "0x1F" and third.title == "~/kansio"
    assert third.note == "Muista: ota mukaan henkilökortti"
    assert first.next == ("3",) and second.next == ("3",) and third.next == ("1",)
    assert path.is_loop(third, "1")


def test_bom_and_windows_line_endings_just_work(tmp_path: Path):
    (tmp_path / "polku.yaml").write_bytes("\ufefftitle: Äiti\r\nsteps:\r\n  - title: Yksi\r\n  - title: Kaksi\r\n".encode())
    site, _ = load_site(tmp_path)
    assert site.paths[0].title == "Äiti"
    assert [s.title for s in site.paths[0].steps] == ["Yksi", "Kaksi"]


def test_not_utf8_gets_a_hint(tmp_path: Path):
    (tmp_path / "polku.yaml").write_bytes("title: P\xe4iv\xe4\nsteps:\n  - title: x\n".encode("latin-1"))
    [diagnostic] = check_site(tmp_path)
    assert (diagnostic.line, diagnostic.col) == (1, 9)
    assert "save it again choosing the UTF-8 encoding" in diagnostic.message


def test_all_problems_in_all_files_in_one_run_sorted(tmp_path: Path):
    write_paths(tmp_path, {
        "b.yaml": "title: B\nsteps:\n  - title: x\n    roles: [nobody]\n    tittle: y\n",
        "a.yaml": "steps:\n  - title: x\n    next: [nowhere]\n",
        "Bad Name.yaml": "title: x\nsteps: [{title: y}]\n",
        "_extra.yaml": "x: 1\n",
        "orphan.sv.yaml": "title: x\nsteps: [{title: y}]\n",
    })
    with pytest.raises(ContentError) as raised:
        load_site(tmp_path)
    found = raised.value.diagnostics
    assert found == sorted(found)
    text = "\n".join(map(str, found))
    for expected in ["'title' is missing", "there is no step 'nowhere'", "unknown role 'nobody'", "unknown key 'tittle'",
                     "not a valid path id", "reserved", "translation of 'orphan'"]:
        assert expected in text, text


def test_role_defined_twice_is_an_error(tmp_path: Path):
    write_paths(tmp_path, {
        "_roles.yaml": "ohjaaja: {name: Ohjaaja}\n",
        "p.yaml": "title: P\nroles:\n  ohjaaja: {name: Toinen}\nsteps:\n  - title: x\n    roles: [ohjaaja]\n",
    })
    [diagnostic] = [d for d in check_site(tmp_path) if not d.warning]
    assert (diagnostic.line, diagnostic.col) == (3, 3)
    assert "already defined in _roles.yaml" in diagnostic.message


def test_translation_is_read_with_its_shared_roles_and_drift_warnings(tmp_path: Path):
    write_paths(tmp_path, {
        "_roles.yaml": "ohjaaja: {name: Ohjaaja}\nvalmentaja: {name: Valmentaja}\n",
        "_roles.sv.yaml": "ohjaaja: {name: Handledare}\n",
        "p.yaml": "title: P\nsteps:\n  - {id: a, title: A, roles: [ohjaaja, valmentaja]}\n  - {id: b, title: B}\n",
        "p.sv.yaml": "title: P sv\nsteps:\n  - {id: a, title: A sv, roles: [ohjaaja, valmentaja]}\n  - {id: c, title: C}\n",
    })
    site, warnings = load_site(tmp_path)
    translation = next(p for p in site.paths if p.is_translation)
    assert translation.language == "sv" and translation.original == "p"
    assert translation.roles["ohjaaja"].name == "Handledare"
    assert translation.roles["valmentaja"].name == "Valmentaja"  # falls back to the original wording
    text = "\n".join(map(str, warnings))
    assert "'valmentaja' has no wording in _roles.sv.yaml" in text
    assert "step 'c' is not in" in text and "step 'b' of" in text
    assert all(w.warning for w in warnings)


def test_unreachable_step_is_a_warning(tmp_path: Path):
    write_paths(tmp_path, {"p.yaml": "title: P\nsteps:\n  - {title: A, next: []}\n  - {title: B}\n"})
    _, warnings = load_site(tmp_path)
    assert [w.line for w in warnings] == [4] and "no step leads to '2'" in warnings[0].message


def test_absurd_nesting_is_refused_not_crashed(tmp_path: Path):
    write_paths(tmp_path, {"p.yaml": "title: " + "[" * 5000 + "]" * 5000 + "\nsteps: [{title: x}]\n"})
    [diagnostic] = check_site(tmp_path)
    assert "nested more than" in diagnostic.message


def test_fast_schema_check_leaves_the_schema_alone_and_slow_messages_still_come(tmp_path):
    """fastjsonschema once rewrote the shared schema's $refs in place, so that a
    later _site.yaml problem crashed jsonschema instead of being reported."""
    import json

    from polku import load, schema_check

    before = json.dumps(load.schema(), sort_keys=True)
    for definition in (None, "site", "roles"):
        schema_check._accepts(definition)
    assert json.dumps(load.schema(), sort_keys=True) == before
    folder = write_paths(tmp_path / "paths", {
        "a.yaml": "title: A\nsteps:\n  - title: x\n",
        "_site.yaml": "title: Sivusto\nlanguag: fi\n",
        "_roles.yaml": "r: {name: R, txt: x}\n",
    })
    with pytest.raises(ContentError) as raised:
        load_site(folder)
    messages = [str(d) for d in raised.value.diagnostics]
    assert any("_site.yaml:2:1: unknown key 'languag' (did you mean 'language'?)" in m for m in messages), messages
    assert any("_roles.yaml:1:" in m and "'txt'" in m for m in messages), messages


def test_problems_are_the_same_whether_files_are_read_here_or_on_every_core(tmp_path, monkeypatch):
    from polku import workers

    files = {f"p{i:02d}.yaml": f"title: P{i}\nsteps:\n  - {{title: x, roles: [r{i}]}}\n" for i in range(30)}
    files["p07.yaml"] = "title: [broken\n"
    files["p19.yaml"] = "titel: P19\nsteps: []\n"
    folder = write_paths(tmp_path / "paths", files)
    with pytest.raises(ContentError) as serial:
        load_site(folder, workers=1)
    monkeypatch.setattr(workers, "MIN_PARALLEL", 0)
    with pytest.raises(ContentError) as parallel:
        load_site(folder, workers=2)
    assert [str(d) for d in serial.value.diagnostics] == [str(d) for d in parallel.value.diagnostics]
    assert len(serial.value.diagnostics) > 30  # every file's problems, not the first only


@pytest.mark.parametrize("value", ["2024-02-29", "2023-02-29", "2024-2-01", "２０２４-01-01", "2024-01-01 ", "20240101", "2024-13-01", "0000-01-01", "2026-11-31", ""])
def test_the_fast_date_check_agrees_with_jsonschema(value):
    import jsonschema

    from polku.schema_check import _is_date

    assert _is_date(value) == jsonschema.Draft202012Validator.FORMAT_CHECKER.conforms(value, "date")


def test_successors_carry_their_when_and_loop():
    from polku.model import Successor

    from .conftest import EXAMPLES

    site, _ = load_site(EXAMPLES / "feature-site")
    path = next(p for p in site.originals() if p.id == "haara")
    assert path.successors["a"] == (Successor("b", "Jos haluat ensin harjoitella", False), Successor("c", "", False))
    assert path.successors["d"] == (Successor("e", "", False), Successor("a", "Jos suunnitelma ei toimi", True))
    assert {(sid, x.step): x.when for sid, ways in path.successors.items() for x in ways if x.when} == {("a", "b"): "Jos haluat ensin harjoitella", ("d", "a"): "Jos suunnitelma ei toimi"}
    assert path.step("a").next == ("b", "c"), "next keeps the plain ids"
