"""The code stays small enough to read: no function in polku/ longer than
MAX_FUNCTION lines, no module longer than MAX_MODULE (issue 20). Counted from
the source with ast, decorators and docstrings included."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "polku"
MAX_FUNCTION = 80
MAX_MODULE = 600


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _functions(module: Path):
    tree = ast.parse(module.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            yield node.name, node.end_lineno - first + 1


def test_the_count_sees_every_module_and_a_long_function(tmp_path):
    assert len(_modules()) > 20 and PACKAGE / "load.py" in _modules()
    sample = tmp_path / "sample.py"
    sample.write_text("@cache\ndef long():\n" + "    x = 1\n" * 90 + "\ndef short():\n    pass\n")
    assert dict(_functions(sample)) == {"long": 92, "short": 2}


def test_no_function_is_longer_than_80_lines():
    too_long = {f"{m.relative_to(PACKAGE).as_posix()}:{name}": n for m in _modules() for name, n in _functions(m) if n > MAX_FUNCTION}
    assert too_long == {}


def test_no_module_is_longer_than_600_lines():
    sizes = {m.relative_to(PACKAGE).as_posix(): len(m.read_text(encoding="utf-8").splitlines()) for m in _modules()}
    assert {name: n for name, n in sizes.items() if n > MAX_MODULE} == {}
