"""Malformed input never crashes: check and build report diagnostics or succeed."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polku.errors import ContentError
from polku.load import load_site
from polku.site import render_site

from .conftest import PATHS, TEMPLATES

SOURCE = (PATHS / "suvi.yaml").read_text(encoding="utf-8")
NASTY = ["\t", ":", "- ", "'", '"', "[", "]", "{", "}", "&a ", "*a", "!!str ", "---\n", "\n  ", "#", "|", ">", "%",
         "@", "`", "\x00", "\ufeff", "ŋ", "🙂", "\\", "?", " ", "\r\n", "no", "~", "0x", "12:30", "2024-02-30",
         "next: [x]\n", "roles: []\n", "pilot:\n", "optional: maybe\n", "id: ä\n"]


@st.composite
def mutated(draw) -> str:
    text = SOURCE
    for _ in range(draw(st.integers(1, 6))):
        pos = draw(st.integers(0, len(text)))
        if draw(st.booleans()):
            text = text[:pos] + draw(st.sampled_from(NASTY)) + text[pos:]
        else:
            text = text[:pos] + text[pos + draw(st.integers(1, 40)):]
    return text


def _check(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "suvi.yaml").write_bytes(data)
        try:
            site, _ = load_site(folder)
        except ContentError as error:
            assert error.diagnostics
            assert all(d.line >= 1 and d.col >= 1 and d.message for d in error.diagnostics)
            return
        render_site(site, TEMPLATES)


@settings(max_examples=int(__import__('os').environ.get('POLKU_FUZZ', 300)), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_paths_never_crash(text):
    _check(text.encode("utf-8", "surrogatepass"))


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300).map(lambda s: s.encode("utf-8", "surrogatepass")))
def test_arbitrary_bytes_never_crash(data):
    _check(data)


@settings(max_examples=int(__import__('os').environ.get('POLKU_FUZZ', 300)), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_libyaml_fast_path_reads_exactly_what_the_python_parser_reads(text: str) -> None:
    """Clean files are read from libyaml's events for speed; whatever that
    reader accepts must give the same values and positions as the Python
    parser, and the Python parser must find nothing wrong in it."""
    from polku import yamlread

    keys = frozenset({"optional"})
    fast = yamlread._fast_read(text, keys)
    if fast is None:
        return  # the Python parser reads it anyway
    loader = yamlread._Loader(text)
    try:
        node = loader.get_single_node()
    except Exception as error:  # noqa: BLE001
        raise AssertionError(f"libyaml accepted what the Python parser refuses: {error}") from error
    slow, problems = yamlread._document(node, "f.yaml", keys)
    assert problems == []
    assert fast.data == slow.data
    assert fast.where == slow.where
    assert fast.key_where == slow.key_where


@settings(max_examples=int(__import__('os').environ.get('POLKU_FUZZ', 300)), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_fast_schema_check_accepts_only_what_jsonschema_accepts(text: str) -> None:
    """fastjsonschema's yes lets a file skip jsonschema's walk: it must never
    say yes where jsonschema finds a problem."""
    from polku import load, schema_check, yamlread

    doc, problems = yamlread.read(text, "f.yaml", load.boolean_keys())
    if doc is None or problems:
        return
    try:
        schema_check._accepts(None)(doc.data)
    except Exception:  # noqa: BLE001
        return  # refused: jsonschema gives the messages
    assert list(schema_check._validator(None).iter_errors(doc.data)) == []
