"""Path ids the site needs for itself (issue 17, item 4), ids with a newline
(item 8), and `python -m polku` (item 9)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polku.cli import main
from polku.errors import ContentError
from polku.load import load_site
from polku.new import new_path
from polku.model import LANGUAGES, RESERVED_IDS, SITE_FOLDERS

from .conftest import PATHS, ROOT, TEMPLATES, write_paths

GOOD = "title: P\nsteps:\n  - title: A\n"


def test_the_reserved_ids_are_what_the_site_writes(feature_site):
    """Every top-level folder of a built site is a path's or one of RESERVED_IDS:
    a new folder in the site without a new reserved id fails here."""
    paths = {p.name.split(".")[0] for p in (ROOT / "tests" / "examples" / "feature-site").glob("*.yaml") if not p.name.startswith("_")}
    folders = {p.name for p in feature_site.iterdir() if p.is_dir()}
    assert folders - paths <= RESERVED_IDS, f"the site writes folders a path id could take: {sorted(folders - paths - RESERVED_IDS)}"
    assert set(SITE_FOLDERS) <= folders
    assert set(LANGUAGES) <= RESERVED_IDS


@pytest.mark.parametrize("name", sorted(RESERVED_IDS))
def test_a_path_named_like_a_folder_of_the_site_is_refused(runner, tmp_path, name):
    paths = write_paths(tmp_path / "paths", {"p.yaml": GOOD, f"{name}.yaml": GOOD})
    out = tmp_path / "site"
    result = runner.invoke(main, ["build", "--paths", str(paths), "--templates", str(TEMPLATES), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert f"{paths}/{name}.yaml:1:1: '{name}' cannot be a path id" in result.output
    assert not out.exists()
    assert runner.invoke(main, ["check", "--paths", str(paths)]).exit_code == 1


def test_a_translation_named_like_a_folder_of_the_site_is_refused_too(runner, tmp_path):
    paths = write_paths(tmp_path / "paths", {"p.yaml": GOOD, "roles.yaml": GOOD, "roles.sv.yaml": GOOD.replace("title: P", "title: P\nlanguage: sv")})
    result = runner.invoke(main, ["check", "--paths", str(paths)])
    assert result.exit_code == 1
    assert f"{paths}/roles.sv.yaml:1:1: 'roles' cannot be a path id" in result.output


def test_new_refuses_a_reserved_id(runner, tmp_path):
    result = runner.invoke(main, ["new", "pilots", "--paths", str(tmp_path)])
    assert result.exit_code == 2 and "cannot be a path id" in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("field", ["id", "phase"])
def test_an_id_ending_in_a_newline_is_not_an_id(runner, tmp_path, field):
    text = 'title: P\nphases:\n  - id: a\n    title: A\nsteps:\n  - title: S\n    FIELD: "a\\n"\n'.replace("FIELD", field)
    paths = write_paths(tmp_path / "paths", {"p.yaml": text})
    result = runner.invoke(main, ["check", "--paths", str(paths)])
    assert result.exit_code == 1, result.output
    assert f"{paths}/p.yaml:7:" in result.output and "not a valid id" in result.output


def test_a_role_key_ending_in_a_newline_is_not_an_id(runner, tmp_path):
    text = 'title: P\nroles:\n  "ohjaaja\\n": {name: Ohjaaja}\nsteps:\n  - title: S\n'
    paths = write_paths(tmp_path / "paths", {"p.yaml": text})
    result = runner.invoke(main, ["check", "--paths", str(paths)])
    assert result.exit_code == 1, result.output
    assert "not a valid id" in result.output


def test_a_file_name_with_a_newline_is_not_a_path(runner, tmp_path):
    paths = write_paths(tmp_path / "paths", {"p.yaml": GOOD, "x\n.yaml": GOOD})
    result = runner.invoke(main, ["check", "--paths", str(paths)])
    assert result.exit_code == 1, result.output
    assert "is not a valid path id" in result.output


@pytest.mark.parametrize("bad", ["x\n", "x\n\n", "\nx", "X"])
def test_new_refuses_an_id_with_a_newline(runner, tmp_path, bad):
    result = runner.invoke(main, ["new", bad, "--paths", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert "not a valid path id" in result.output
    assert list(tmp_path.iterdir()) == []


def test_python_m_polku_works_like_polku(tmp_path):
    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, *args], cwd=tmp_path, capture_output=True, text=True, timeout=300)

    module = run("-m", "polku", "check", "--paths", str(PATHS))
    script = run(str(ROOT / "build.py"), "check", "--paths", str(PATHS))
    assert module.returncode == 0, module.stderr
    assert module.stdout == script.stdout and "2 path(s) checked: no errors." in module.stdout
    built = run("-m", "polku", "build", "--paths", str(PATHS), "--templates", str(TEMPLATES), "--out", "site")
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "site" / "suvi" / "index.html").is_file()
    refused = run("-m", "polku", "build", "--paths", str(PATHS), "--templates", str(TEMPLATES), "--out", ".")
    assert refused.returncode == 2 and "working folder" in refused.stderr
    assert "Traceback" not in refused.stderr


# ---------------------------------------------------------------- property tests (hypothesis)

_VALID = re.compile(r"[a-z0-9][a-z0-9-]*")
_ids = st.text(alphabet="ab9-\n\r \tZ\u2028", max_size=6) | st.sampled_from(sorted(RESERVED_IDS)).flatmap(
    lambda r: st.sampled_from([r, r + "\n", "\n" + r, r + "-x"]))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_ids)
def test_a_step_id_is_accepted_exactly_when_it_is_one(step_id):
    with tempfile.TemporaryDirectory() as folder:
        text = f"title: P\nsteps:\n  - title: S\n    id: {json.dumps(step_id)}\n"
        (Path(folder) / "p.yaml").write_text(text, encoding="utf-8")
        try:
            site, _ = load_site(Path(folder))
            accepted = site.paths[0].steps[0].id == step_id
        except ContentError:
            accepted = False
        assert accepted == bool(_VALID.fullmatch(step_id)), repr(step_id)


@settings(max_examples=200, deadline=None)
@given(_ids)
def test_new_writes_a_file_exactly_for_a_usable_path_id(path_id):
    with tempfile.TemporaryDirectory() as folder:
        try:
            new_path(Path(folder), path_id)
            written = True
        except ValueError:
            written = False
        assert written == bool(_VALID.fullmatch(path_id) and path_id not in RESERVED_IDS), repr(path_id)
        # polku.schema.json is written beside a new path unless the folder lies inside the polku checkout
        # that is running (see new.schema_reference): which one depends on where the checkout is.
        names = sorted(p.name for p in Path(folder).iterdir())
        assert [n for n in names if n != "polku.schema.json"] == ([f"{path_id}.yaml"] if written else []), names
        assert written or names == [], names
