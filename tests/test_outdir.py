"""Which folders polku may replace with a site (issue 17, item 1): never the
editor's work, always one line and exit status 2 when it refuses."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from polku.cli import main
from polku.outdir import MARKER, OutputFolderError, check_output_dir
from polku.site import build

from .conftest import PATHS, TEMPLATES


def _tree(folder: Path) -> dict[str, bytes | None]:
    """Every file and folder under folder (symbolic links not followed), with the files' bytes."""
    out: dict[str, bytes | None] = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs:
            out[os.path.relpath(os.path.join(root, name), folder)] = None
        for name in files:
            full = os.path.join(root, name)
            out[os.path.relpath(full, folder)] = b"link:" + os.readlink(full).encode() if os.path.islink(full) else Path(full).read_bytes()
    return out


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A content repository as an editor has it, as the working folder."""
    work = tmp_path / "work"
    work.mkdir()
    shutil.copytree(PATHS, work / "paths")
    shutil.copytree(TEMPLATES, work / "templates")
    (work / ".git").mkdir()
    (work / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (work / "docs").mkdir()
    (work / "docs" / "notes.md").write_text("the editor's own notes\n")
    (work / "README.md").write_text("readme\n")
    monkeypatch.chdir(work)
    return work


@pytest.mark.parametrize("out", [".", "", "./", "..", "paths", "paths/", "./paths", "paths/site", "templates", "templates/x", "docs", "README.md", "/"])
@pytest.mark.parametrize("command", ["build", "serve"])
def test_refuses_to_replace_the_editors_work(runner, project, out, command):
    before = _tree(project.parent)
    result = runner.invoke(main, [command, "--out", out, "--port", "0"] if command == "serve" else [command, "--out", out])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and ("output folder" in lines[0] or "is a file" in lines[0]), result.output
    assert "Traceback" not in result.output
    assert _tree(project.parent) == before, "something was touched"


def test_refuses_an_absolute_or_symbolic_way_to_the_same_folders(runner, project):
    (project / "link").symlink_to(project / "docs")
    before = _tree(project.parent)
    for out in [str(project), str(project / "paths"), str(project.parent), "link", "link/../paths"]:
        result = runner.invoke(main, ["build", "--out", out])
        assert result.exit_code == 2, (out, result.output)
    result = runner.invoke(main, ["build", "--out", "elsewhere", "--paths", "."])  # the output would lie inside the paths
    assert result.exit_code == 2 and "overlaps" in result.output
    assert _tree(project.parent) == before


def test_writes_a_new_or_empty_folder_and_replaces_its_own_site(runner, project):
    assert runner.invoke(main, ["build"]).exit_code == 0
    assert (project / "site" / MARKER).is_file()
    (project / "site" / "stale.html").write_text("from an older build")
    assert runner.invoke(main, ["build"]).exit_code == 0
    assert not (project / "site" / "stale.html").exists()
    (project / "empty").mkdir()
    assert runner.invoke(main, ["build", "--out", "empty"]).exit_code == 0
    assert (project / "empty" / "index.html").is_file()
    assert runner.invoke(main, ["build", "--out", "new/deeper"]).exit_code == 0
    assert (project / "new" / "deeper" / MARKER).read_bytes() == (project / "site" / MARKER).read_bytes()
    assert (project / "docs" / "notes.md").read_text() == "the editor's own notes\n"


def test_a_site_built_before_the_marker_is_still_replaced(runner, project):
    assert runner.invoke(main, ["build"]).exit_code == 0
    (project / "site" / MARKER).unlink()  # as an older polku left it
    assert runner.invoke(main, ["build"]).exit_code == 0
    assert (project / "site" / MARKER).is_file()
    # Without the marker, an index.html alone is not enough.
    (project / "other").mkdir()
    (project / "other" / "index.html").write_text("<p>a hand-made page</p>")
    result = runner.invoke(main, ["build", "--out", "other"])
    assert result.exit_code == 2 and "did not write" in result.output
    assert (project / "other" / "index.html").read_text() == "<p>a hand-made page</p>"


def test_the_library_and_other_commands_share_the_same_rules(project):
    with pytest.raises(OutputFolderError) as refused:
        build(Path("paths"), Path("templates"), Path("."))
    assert refused.value.exit_code == 2
    with pytest.raises(OutputFolderError):
        check_output_dir("docs", ["paths"])
    with pytest.raises(OutputFolderError):
        check_output_dir("", [])
    check_output_dir("review", ["paths", "templates"])  # new: fine
    assert not (project / "review").exists()
