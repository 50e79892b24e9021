"""The command line through click's runner: exit codes, messages, an untouched site."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema

from polku.cli import main

from .conftest import PATHS, ROOT, TEMPLATES, write_paths


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_check_bundled_paths(runner):
    result = runner.invoke(main, ["check", "--paths", str(PATHS)])
    assert result.exit_code == 0, result.output
    assert "2 path(s) checked: no errors." in result.output


def test_check_reports_errors_with_exit_1(runner, tmp_path):
    write_paths(tmp_path, {"p.yaml": "title: P\nsteps:\n  - title: A\n    roles: [ohjaja]\n"})
    result = runner.invoke(main, ["check", "--paths", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{tmp_path}/p.yaml:4:13: steps[1].roles: unknown role 'ohjaja'" in result.output
    assert "Traceback" not in result.output


def test_wrong_usage_is_exit_2(runner):
    assert runner.invoke(main, ["nonsense"]).exit_code == 2
    assert runner.invoke(main, ["build", "--no-such-option"]).exit_code == 2


def test_build_writes_the_site(runner, tmp_path):
    out = tmp_path / "site"
    result = runner.invoke(main, ["build", "--paths", str(PATHS), "--templates", str(TEMPLATES), "--out", str(out)])
    assert result.exit_code == 0, result.output
    for name in ["index.html", "suvi/index.html", "suvi/suvi.svg", "valtteri/index.html", "valtteri/valtteri.svg",
                 "roles/index.html", "pilots/index.html", "assets/style.css"]:
        assert (out / name).is_file(), name
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site-")], "staging folders left behind"


def test_failed_build_leaves_previous_site_byte_for_byte(runner, tmp_path):
    out = tmp_path / "site"
    paths = write_paths(tmp_path / "paths", {"p.yaml": "title: P\nsteps:\n  - title: A\n"})
    args = ["build", "--paths", str(paths), "--templates", str(TEMPLATES), "--out", str(out)]
    assert runner.invoke(main, args).exit_code == 0
    (out / "extra.txt").write_text("the editor's own file")
    before = _snapshot(out)
    (paths / "p.yaml").write_text("title: P\nsteps:\n  - title: A\n    tittle: B\n")
    (paths / "q.yaml").write_text("title: Q\nsteps: []\n")
    result = runner.invoke(main, args)
    assert result.exit_code == 1
    assert "2 error(s)" in result.output and "nothing was written" in result.output
    assert _snapshot(out) == before


def test_failing_template_leaves_previous_site(runner, tmp_path):
    out = tmp_path / "site"
    args = ["build", "--paths", str(PATHS), "--templates", str(TEMPLATES), "--out", str(out)]
    assert runner.invoke(main, args).exit_code == 0
    before = _snapshot(out)
    broken = tmp_path / "templates"
    import shutil

    shutil.copytree(TEMPLATES, broken)
    (broken / "pilots.html").write_text("{{ no_such_variable }}")
    result = runner.invoke(main, ["build", "--paths", str(PATHS), "--templates", str(broken), "--out", str(out)])
    assert result.exit_code != 0
    assert _snapshot(out) == before


def test_schema_accepts_every_bundled_path_and_names_a_misspelt_key(runner):
    from polku import yamlread
    from polku.load import boolean_keys

    def data(path: Path):
        doc, problems = yamlread.read(path.read_text(encoding="utf-8"), path.name, boolean_keys())
        assert not problems
        return doc.data

    result = runner.invoke(main, ["schema"])
    assert result.exit_code == 0
    validator = jsonschema.Draft202012Validator(json.loads(result.output))
    files = sorted(PATHS.glob("[!_]*.yaml"))
    assert len(files) >= 2
    for file in files:
        assert list(validator.iter_errors(data(file))) == [], file.name
    suvi = data(PATHS / "suvi.yaml")
    suvi["steps"][0]["titel"] = suvi["steps"][0].pop("title")
    messages = [e.message for e in validator.iter_errors(suvi)]
    assert any("titel" in m for m in messages) and any("title" in m for m in messages)


def test_build_py_runs_from_a_checkout_without_traceback(tmp_path):
    paths = write_paths(tmp_path / "paths", {"p.yaml": "title: [\n"})
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "check", "--paths", str(paths)], capture_output=True, text=True)
    assert result.returncode == 1
    assert "p.yaml:" in result.stderr and "Traceback" not in result.stderr + result.stdout


def test_every_command_has_help(runner):
    for command in main.commands:
        result = runner.invoke(main, [command, "--help"])
        assert result.exit_code == 0 and len(result.output) > 40


def test_a_content_repository_with_only_paths_builds_with_polkus_own_templates(runner, tmp_path, monkeypatch):
    # The guide's CI recipe: `pip install polku`, then `polku build` in a repository that has paths/ and no templates/.
    write_paths(tmp_path / "paths", {"p.yaml": "title: P\nsteps:\n  - title: A\n"})
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["build", "--out", "public"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "public" / "p" / "index.html").is_file()
    assert (tmp_path / "public" / "assets" / "polku.js").read_bytes() == (TEMPLATES / "assets" / "polku.js").read_bytes()
    # A folder given by name is never swapped for another.
    result = runner.invoke(main, ["build", "--templates", "omat", "--out", "public"])
    assert result.exit_code == 2 and "no templates folder 'omat'" in result.output


def test_the_wheel_holds_every_module_and_the_default_templates(tmp_path):
    # `pip install polku` installs a wheel, not the checkout: a package left out of pyproject.toml
    # (polku.layout was) imports in an editable install and fails in every real one.
    import zipfile

    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
                           capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    names = set(zipfile.ZipFile(next(tmp_path.glob("polku-*.whl"))).namelist())
    tracked = subprocess.run(["git", "-C", str(ROOT), "ls-files", "polku", "templates"], capture_output=True, text=True, check=True).stdout.split()
    wanted = {name.replace("templates/", "polku/templates/", 1) if name.startswith("templates/") else name for name in tracked}
    assert sorted(wanted - names) == []
