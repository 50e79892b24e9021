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


def test_a_file_over_256_kb_is_refused_at_its_first_line(tmp_path: Path):
    write_paths(tmp_path, {"p.yaml": "title: P\nsteps:\n  - title: A\n" + "# x\n" * 300_000})
    problems = check_site(tmp_path)
    assert [(d.line, d.col) for d in problems] == [(1, 1)]
    assert "256 kB" in problems[0].message


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


# ---------------------------------------------------------------- item 6: characters


ODD = ["\\ud83d", "\\udc00", "\\UFFFFFFFF", "\\U00110000", "\\uFFFF", "\\uFFFE", "\\uFDD0", "\\U0001FFFF", "\\x01", "\\x85", "\\u2028",
       "\\u202e", "\\ufeff", "\\u00ad", "\\U0001F642", "\\ud83d\\ude42", "\\0", "\\e", "\\t", "&", "<", "]]>", "--", "a", "ä", " "]


def _odd_path(piece: str) -> str:
    return (
        f'title: "P{piece}"\nsubtitle: "{piece}x"\nroles:\n  r:\n    name: "R{piece}"\n'
        f'steps:\n  - title: "A{piece}"\n    roles: [r]\n    text: "t{piece}"\n  - title: B\n    pilot: "p{piece}"\n'
    )


def _well_formed(files: dict[str, bytes]) -> None:
    import xml.etree.ElementTree as ET

    from polku.yamlread import _CONTROL, _UNWRITABLE

    for name, data in files.items():
        if name.endswith(".svg"):
            ET.fromstring(data)  # raises on anything ill-formed
        if name.endswith((".html", ".svg")):
            text = data.decode("utf-8")  # strict: a lone surrogate cannot even be encoded
            assert not _UNWRITABLE.search(text) and not _CONTROL.search(text.replace("\t", "")), name
            for svg in re.findall(r"<svg\b.*?</svg>", text, re.S):
                ET.fromstring(svg)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(ODD), min_size=1, max_size=3).map("".join))
def test_check_and_build_agree_on_odd_characters_and_the_output_is_well_formed(piece: str):
    """check either refuses a value with file:line:col, or the build writes
    it into pages and pictures that parse as XML: never 'no errors' and then
    an internal error (a lone surrogate, '\\UFFFFFFFF'), never an SVG that
    does not parse ('\\uFFFF')."""
    from polku.site import render_site

    from .conftest import TEMPLATES

    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "p.yaml").write_text(_odd_path(piece), encoding="utf-8")
        try:
            site, _ = load_site(folder)
        except ContentError as error:
            assert all(d.line >= 1 and d.col >= 1 and Path(d.file).name == "p.yaml" for d in error.diagnostics)
            return
        _well_formed(render_site(site, TEMPLATES))


@pytest.mark.parametrize("piece,line", [("\\ud83d", 1), ("\\UFFFFFFFF", 1), ("\\uFFFF", 1), ("\\uFDD0", 1), ("\\U0010FFFF", 1)])
def test_characters_no_page_can_hold_are_refused_where_they_stand(runner, tmp_path: Path, piece: str, line: int):
    from .conftest import TEMPLATES

    paths = write_paths(tmp_path / "paths", {"p.yaml": f'title: "P{piece}"\nsteps:\n  - title: A\n'})
    checked = runner.invoke(main, ["check", "--paths", str(paths)])
    assert checked.exit_code == 1 and f"p.yaml:{line}:" in checked.output, checked.output
    built = runner.invoke(main, ["build", "--paths", str(paths), "--templates", str(TEMPLATES), "--out", str(tmp_path / "site")])
    assert built.exit_code == 1 and "internal error" not in built.output
    assert _problem_lines(built.output) == _problem_lines(checked.output)


# ---------------------------------------------------------------- item 5: linear time


def _hostile_files() -> dict[str, str]:
    """Files just under the size limit, each shaped to hit one slow spot."""
    from polku.load import MAX_FILE_BYTES

    size = MAX_FILE_BYTES - 4096
    step = "  - title: s{i}\n    next: [a{i}]\n"
    body = "[](x)[[]" * 2400
    return {
        "many steps": "title: a\nsteps:\n" + "".join(step.format(i=i) for i in range(size // 30)),
        "long list": "title: a\nsteps:\n  - title: a\n    next: [" + ", ".join("b" for _ in range(size // 3)) + "]\n",
        "hostile markdown": "title: a\nsteps:\n" + "".join(f'  - title: s{i}\n    text: "{body}"\n' for i in range(size // len(body))),
        "deep flow": "title: " + "[" * size + "\n",
        "deep blocks": "title:\n" + "- " * (size // 2) + "\n",
        "deep braces": "title: " + "{a: " * (size // 4) + "\n",
        "long lines": "title: a\nsteps:\n  - title: b\n    text: |\n" + ("      " + "sana " * 2000 + "\n") * (size // 10000),
        "brackets on one line": "title: a\nsteps:\n  - title: b\n    text: [" + "[a], " * (size // 5) + "]\n",
    }


@pytest.mark.parametrize("name", list(_hostile_files()))
def test_a_hostile_file_at_the_size_limit_is_checked_and_built_in_linear_time(name: str, tmp_path: Path):
    """Each took from a minute to hours before (a 1 MB file of steps never
    finished). Compared with the bundled paths checked and built in the same
    run, on a shared machine: a file at the size limit may take at most as
    long as 40 bundled sites, and never more than 5 seconds."""
    import time

    from polku.site import build

    from .conftest import PATHS, TEMPLATES

    began = time.perf_counter()
    build(PATHS, TEMPLATES, tmp_path / "bundled")
    baseline = time.perf_counter() - began
    paths = write_paths(tmp_path / "paths", {"p.yaml": _hostile_files()[name]})
    began = time.perf_counter()
    try:
        build(paths, TEMPLATES, tmp_path / "site")
    except ContentError as error:
        assert all(ONE_PROBLEM.match(str(d)) for d in error.diagnostics)
    took = time.perf_counter() - began
    assert took < max(40 * baseline, 5.0), f"{name}: {took:.1f}s; the bundled site: {baseline:.1f}s"
