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


def test_the_id_pattern_is_written_once_in_the_schema():
    """schema.json's $defs.id is the one id pattern: the loader and `polku new`
    use ID_RE made from it, and the pages' script takes only the ids the page has."""
    from pathlib import Path

    from polku.schema_check import ID_RE, schema

    assert ID_RE.pattern.startswith(schema()["$defs"]["id"]["pattern"][:-1])
    assert ID_RE.fullmatch("tyo-2") and not ID_RE.fullmatch("tyo\n") and not ID_RE.fullmatch("-tyo")
    root = Path(__file__).resolve().parent.parent
    for source in [*root.joinpath("polku").glob("*.py"), *root.joinpath("templates", "assets").glob("*.js")]:
        assert "[a-z0-9][a-z0-9-]*" not in source.read_text(encoding="utf-8"), source
        assert "#step-([a-z0-9" not in source.read_text(encoding="utf-8"), source
