"""The step graph's facts, computed once in the model and used by the
layout, the templates and polku.js (issue 20)."""

from __future__ import annotations

from polku.load import load_site
from polku.model import Successor

from .conftest import FEATURE_SITE, write_paths


def test_forks_joins_ends_loops_and_continues_of_a_path():
    site, _ = load_site(FEATURE_SITE)
    haara = next(p for p in site.originals() if p.id == "haara")
    # a -> b (when) | c;  b -> d;  c -> d, continues in pitka;  d -> e | back to a (when);  e: next: []
    assert haara.forks == {"a"}  # d: one way forward and a loop back
    assert haara.joins == {"d"}
    assert haara.ends == {"e"}
    assert haara.continuing == {"c": "pitka"}
    assert haara.ahead["a"] == (Successor("b", "Jos haluat ensin harjoitella"), Successor("c"))
    assert haara.back["d"] == (Successor("a", "Jos suunnitelma ei toimi", loop=True),)
    assert haara.forward["d"] == ("e",) and haara.loops["d"] == ("a",)


def test_a_step_leading_to_itself_is_a_loop_and_not_a_join(tmp_path):
    site, _ = load_site(write_paths(tmp_path, {"p.yaml": "title: P\nsteps:\n  - {id: a, title: A, next: [a, b]}\n  - {id: b, title: B}\n"}))
    path = site.paths[0]
    assert path.back["a"] == (Successor("a", loop=True),) and path.forward["a"] == ("b",)
    assert path.forks == frozenset() and path.joins == frozenset() and path.ends == {"b"}
