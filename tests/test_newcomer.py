"""Small things a newcomer notices: the version, what to install for PDFs,
and what a test skip asks them to install."""

from __future__ import annotations

import shutil
import subprocess
import sys
from importlib.metadata import version

import pytest

from .conftest import PATHS, ROOT, js_tools


def _polku(*args: str, block: str = "", cwd=ROOT) -> subprocess.CompletedProcess:
    """polku's entry point in a new Python, with the module `block` made unimportable."""
    code = (f"import sys; sys.modules[{block!r}] = None\n" if block else "") + "from polku.cli import run; sys.argv[0] = 'polku'; run()"
    return subprocess.run([sys.executable, "-c", "import sys\n" + code, *args], cwd=cwd, capture_output=True, text=True)


def test_version():
    run = _polku("--version")
    assert run.returncode == 0
    assert run.stdout.strip() == f"polku, version {version('polku')}"


def test_pdf_without_weasyprint_says_the_install_command(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    (out / "keep.txt").write_text("previous site")
    run = _polku("build", "--paths", str(PATHS), "--templates", str(ROOT / "templates"), "--out", str(out), "--pdf", block="weasyprint")
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr
    assert f"{sys.executable} -m pip install 'weasyprint>=62'" in run.stderr
    assert ".venv/bin/pip install -e '.[pdf]'" in run.stderr
    assert [p.name for p in out.iterdir()] == ["keep.txt"], "nothing was built"


def test_the_checkers_in_tests_js_are_set_up_by_the_test_run():
    problem = js_tools()
    if problem is not None and shutil.which("npm") is None:
        pytest.skip(problem)
    assert problem is None
    assert (ROOT / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js").exists()


def test_without_npm_the_skip_names_the_package(tmp_path, monkeypatch):
    shutil.copy(ROOT / "tests" / "js" / "package-lock.json", tmp_path / "package-lock.json")
    monkeypatch.setenv("PATH", str(tmp_path))  # no npm anywhere
    assert js_tools(tmp_path) == "no npm to install axe-core and the Nu Html Checker into tests/js (apt-get install npm)"


def test_counts_take_the_plural_form_babel_gives_the_language():
    from polku.i18n import translator

    assert translator("fi")("diagram_desc", title="P", count=1).startswith("P: 1 vaihe. Vaihe on")
    assert translator("fi")("diagram_desc", title="P", count=2).startswith("P: 2 vaihetta. Vaiheet on")
    assert translator("en")("diagram_desc", title="P", count=1).startswith("P: 1 step. The step is")
    assert translator("en")("diagram_desc", title="P", count=21).startswith("P: 21 steps.")
    assert translator("sv")("diagram_desc", title="P", count=1).startswith("P: 1 steg. Steget")
    assert translator("sv")("diagram_desc", title="P", count=2).startswith("P: 2 steg. Stegen")


def test_every_plural_string_has_exactly_the_forms_of_the_languages_rule():
    from babel import Locale

    from polku.i18n import catalogue

    for language in ("fi", "sv", "en"):
        forms: dict[str, set[str]] = {}
        for key in catalogue(language):
            if "." in key:
                name, category = key.split(".", 1)
                forms.setdefault(name, set()).add(category)
        assert forms, "the catalogues have plural strings"
        rule = Locale.parse(language).plural_form
        for name, categories in forms.items():
            assert categories == set(rule.tags) | {"other"}, (language, name)


def test_a_one_step_path_says_1_step_in_its_picture(tmp_path):
    from polku.site import build

    from .conftest import write_paths

    paths = write_paths(tmp_path / "paths", {"p.yaml": "title: Yksi\nsteps:\n  - title: Ainoa\n", "q.yaml": "title: Kaksi\nsteps:\n  - title: A\n  - title: B\n"})
    build(paths, ROOT / "templates", tmp_path / "site")
    assert "Yksi: 1 vaihe. Vaihe on kuvattu" in (tmp_path / "site" / "p" / "p.svg").read_text(encoding="utf-8")
    assert "Kaksi: 2 vaihetta. Vaiheet on kuvattu" in (tmp_path / "site" / "q" / "q.svg").read_text(encoding="utf-8")
