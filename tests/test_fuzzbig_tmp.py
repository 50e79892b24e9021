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


@settings(max_examples=4000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_paths_never_crash(text):
    _check(text.encode("utf-8", "surrogatepass"))


@settings(max_examples=2000, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300).map(lambda s: s.encode("utf-8", "surrogatepass")))
def test_arbitrary_bytes_never_crash(data):
    _check(data)
