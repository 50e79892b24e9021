"""Hostile or careless input (issue 17): nothing leaks through a message, every
problem is one line, and odd characters never break check, build or the markup."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polku.cli import main
from polku.errors import MAX_MESSAGE, ContentError, Diagnostic, quote
from polku.load import check_site, load_site

from .conftest import write_paths

ONE_PROBLEM = re.compile(r"^[^\n]*:\d+:\d+: [^\n]+$")
SECRET = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----\n"


def _problem_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if not line.startswith(("Built ", "polku: ")) and "error(s)" not in line and "checked: no errors" not in line]


# ---------------------------------------------------------------- item 3: leaks


def test_a_path_file_that_links_outside_is_refused_without_showing_its_target(runner, tmp_path: Path):
    secret = tmp_path / "id_ed25519"
    secret.write_text(SECRET, encoding="utf-8")
    paths = write_paths(tmp_path / "paths", {"p.yaml": "title: P\nsteps:\n  - title: A\n"})
    (paths / "k.yaml").symlink_to(secret)
    result = runner.invoke(main, ["check", "--paths", str(paths)])
    assert result.exit_code == 1
    assert f"{paths}/k.yaml:1:1: the file is a symbolic link" in result.output
    assert "OPENSSH" not in result.output and "b3Blbn" not in result.output
    assert "id_ed25519" not in result.output  # not even where it points


def test_any_symbolic_link_is_refused_even_one_inside_the_folder(tmp_path: Path):
    """Decision: a link inside paths/ is refused too: one rule, nothing to resolve."""
    paths = write_paths(tmp_path / "paths", {"p.yaml": "title: P\nsteps:\n  - title: A\n"})
    (paths / "q.yaml").symlink_to(paths / "p.yaml")
    (paths / "r.yml").symlink_to(tmp_path / "nowhere.yaml")  # dangling, and .yml
    problems = check_site(paths)
    assert [(Path(d.file).name, d.line, d.col) for d in problems if not d.warning] == [("q.yaml", 1, 1), ("r.yml", 1, 1)]


def test_a_link_put_in_place_after_listing_is_not_followed(tmp_path: Path):
    from polku import load

    secret = tmp_path / "secret.yaml"
    secret.write_text("title: SECRET\nsteps:\n  - title: A\n", encoding="utf-8")
    (tmp_path / "k.yaml").symlink_to(secret)
    with pytest.raises(OSError):
        load.read_source(tmp_path / "k.yaml")
    fifo = tmp_path / "f.yaml"
    os.mkfifo(fifo)
    with pytest.raises(OSError):  # and never hangs on a pipe
        load.read_source(fifo)


def test_a_file_over_1_mb_is_refused_at_its_first_line(tmp_path: Path):
    write_paths(tmp_path, {"p.yaml": "title: P\nsteps:\n  - title: A\n" + "# x\n" * 300_000})
    problems = check_site(tmp_path)
    assert [(d.line, d.col) for d in problems] == [(1, 1)]
    assert "1 MB" in problems[0].message


def test_a_key_with_a_line_break_is_one_escaped_line(runner, tmp_path: Path):
    write_paths(tmp_path, {"p.yaml": 'title: P\n"a\\nb": x\nsteps:\n  - title: A\n'})
    result = runner.invoke(main, ["check", "--paths", str(tmp_path)])
    assert result.exit_code == 1
    lines = _problem_lines(result.output)
    assert lines == [f"{tmp_path}/p.yaml:2:1: unknown key 'a\\nb'"], result.output


def test_a_block_value_where_a_group_belongs_is_one_line_and_cut(runner, tmp_path: Path):
    text = "title: P\npersona: |\n" + "".join(f"  line {i} of a long private text that goes on and on\n" for i in range(30)) + "steps:\n  - title: A\n"
    write_paths(tmp_path, {"p.yaml": text})
    result = runner.invoke(main, ["check", "--paths", str(tmp_path)])
    lines = _problem_lines(result.output)
    assert len(lines) == 1 and ONE_PROBLEM.match(lines[0]), result.output
    assert lines[0].startswith(f"{tmp_path}/p.yaml:2:10: persona: should be a group")
    assert "line 0 of a long" in lines[0] and "line 1 of" not in lines[0]
    assert "\\n" in lines[0]


def test_quote_cuts_and_escapes():
    assert quote("a\nb\x1b[31m\u202e") == "'a\\nb\\x1b[31m\\u202e'"
    long = quote("x" * 500)
    assert len(long) <= 62 and long.endswith("…'")


@settings(max_examples=300, deadline=None)
@given(st.text(), st.text(), st.integers(1, 10**6), st.integers(1, 10**6))
def test_every_diagnostic_is_exactly_one_line(file: str, message: str, line: int, col: int):
    shown = str(Diagnostic(file, line, col, message))
    assert shown.splitlines() == [shown] or shown == ""
    assert "\n" not in shown and "\r" not in shown
    shown.encode("utf-8")  # no lone surrogates left: a terminal can always print it
    assert len(Diagnostic(file, line, col, message).message) <= MAX_MESSAGE


KEYS = ["title", "steps", "roles", "text", "persona", "- title", "id", "next", "a\nb", "\u2028", "\x85"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(KEYS) | st.text(min_size=1, max_size=30), min_size=1, max_size=8).map(lambda parts: ": ".join(parts)))
def test_check_prints_one_line_per_problem_whatever_the_file(text: str):
    from click.testing import CliRunner

    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "p.yaml").write_bytes(text.encode("utf-8", "surrogatepass"))
        result = CliRunner().invoke(main, ["check", "--paths", folder])
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    for shown in _problem_lines(result.output):
        assert ONE_PROBLEM.match(shown), shown
