"""The editor's loop: `new`, `schema` and `serve` (a real server, a real Chromium)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest

from polku import yamlread
from polku.load import boolean_keys, load_site

from .conftest import PATHS, ROOT, TEMPLATES

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd, capture_output=True, text=True, timeout=120)


# ---------------------------------------------------------------- new


def test_new_writes_a_commented_template_that_passes_check(tmp_path: Path):
    done = _cli("new", "tyopaja-polku", "--paths", "paths", "--title", "Työpajan polku: alku", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "paths" / "tyopaja-polku.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=polku.schema.json\n")
    assert "Rivit, jotka alkavat #-merkillä" in text  # explained in Finnish
    for field in ("title", "summary", "roles", "steps", "pilot", "next", "professional", "optional", "continues"):
        assert re.search(rf"^#?\s*{field}\b", text, re.MULTILINE), f"the template does not explain '{field}'"
    checked = _cli("check", "--paths", "paths", cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert checked.stderr == ""  # not even a warning
    site, _ = load_site(tmp_path / "paths")
    assert site.paths[0].title == "Työpajan polku: alku"
    assert any(step.pilot for step in site.paths[0].steps)
    # The schema the editor is pointed at is the one check uses.
    assert json.loads((tmp_path / "paths" / "polku.schema.json").read_text(encoding="utf-8")) == json.loads(_cli("schema").stdout)


def test_new_refuses_a_bad_id_and_an_existing_file(tmp_path: Path):
    bad = _cli("new", "Väärä Nimi", "--paths", str(tmp_path))
    assert bad.returncode == 2 and "'vaara-nimi'" in bad.stderr and "Traceback" not in bad.stderr
    assert _cli("new", "polku", "--paths", str(tmp_path)).returncode == 0
    again = _cli("new", "polku", "--paths", str(tmp_path))
    assert again.returncode == 2 and "already exists" in again.stderr


# ---------------------------------------------------------------- schema


def _data(path: Path):
    doc, problems = yamlread.read(path.read_text(encoding="utf-8"), path.name, boolean_keys())
    assert not problems
    return doc.data


def test_schema_accepts_the_bundled_paths_and_rejects_a_misspelt_key():
    schema = json.loads(_cli("schema").stdout)
    validator = jsonschema.Draft202012Validator(schema)
    for file in sorted(PATHS.glob("[!_]*.yaml")):
        assert list(validator.iter_errors(_data(file))) == [], file.name
    data = _data(PATHS / "suvi.yaml")
    data["steps"][0]["titel"] = data["steps"][0].pop("title")
    messages = [e.message for e in validator.iter_errors(data)]
    assert any("titel" in m for m in messages) and any("title" in m for m in messages)


# ---------------------------------------------------------------- serve


def _no_wcag_violations(browser, url: str) -> None:
    from .test_quality import AXE, _axe, _need

    _need(AXE, "axe-core")
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(url)
    assert _axe(page) == []
    context.close()


class Serve:
    """python build.py serve on a free port; a thread collects what it prints."""

    def __init__(self, paths: Path, out: Path):
        import queue
        import threading

        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "build.py"), "serve", "--paths", str(paths), "--templates", str(TEMPLATES), "--out", str(out), "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
        )
        self.lines: list[str] = []
        self._queue: queue.Queue = queue.Queue()
        threading.Thread(target=lambda: [self._queue.put(line) for line in self.process.stdout], daemon=True).start()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", self.read_until(r"http://127\.0\.0\.1:\d+/", timeout=60))
        self.url = found.group(0)

    def read_until(self, pattern: str, timeout: float = 20) -> str:
        import queue

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=0.2)
            except queue.Empty:
                continue
            self.lines.append(line)
            if re.search(pattern, line):
                return line
        raise AssertionError(f"no line matching {pattern!r} in: {''.join(self.lines)}")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.mark.browser
def test_serve_reloads_the_open_page_on_save_and_survives_a_broken_file(browser, tmp_path: Path):
    paths = tmp_path / "paths"
    shutil.copytree(PATHS, paths)
    server = Serve(paths, tmp_path / "site")
    try:
        page = browser.new_page()
        page.goto(server.url + "suvi/index.html#step-paatos")
        assert page.locator("h1").inner_text() == "Suvin polku"
        page.evaluate("window.__notReloaded = true")  # gone if the page reloads by itself

        source = paths / "suvi.yaml"
        original = source.read_text(encoding="utf-8")
        time.sleep(0.3)  # the watcher is up
        source.write_text(original.replace("title: Suvin polku", "title: Suvin polku tänään", 1), encoding="utf-8")
        page.wait_for_selector("h1:text-is('Suvin polku tänään')", timeout=15000)
        assert page.evaluate("window.__notReloaded") is None  # it was the reload, not a manual one
        assert page.evaluate("location.hash") == "#step-paatos"  # the step the client was looking at

        # A broken save: the errors in the browser and the terminal, and the server lives on.
        source.write_text(original.replace("title: Suvin polku", "title: [Suvin polku", 1), encoding="utf-8")
        page.wait_for_selector("text=suvi.yaml:", timeout=15000)
        shown = page.locator("main").inner_text()
        assert re.search(r"suvi\.yaml:\d+:\d+: ", shown)
        assert "Traceback" not in shown
        server.read_until(r"suvi\.yaml:\d+:\d+:")
        assert server.process.poll() is None
        _no_wcag_violations(browser, server.url + "suvi/index.html")  # editors read this page too

        # Fixing the file brings the page back, by itself.
        source.write_text(original, encoding="utf-8")
        page.wait_for_selector("h1:text-is('Suvin polku')", timeout=15000)
        assert page.locator(".step").count() > 5
        # What serve wrote is what build writes: no reload script in the files.
        assert "live.js" not in (tmp_path / "site" / "suvi" / "index.html").read_text(encoding="utf-8")
        page.close()
    finally:
        server.stop()


def test_preview_rebuilds_only_what_changed_and_keeps_the_site_what_build_writes(tmp_path: Path):
    """Adding, changing, breaking and removing files in a running preview; at the
    end out/ holds exactly what a fresh build writes."""
    from polku.serve import Preview
    from polku.site import build

    paths = tmp_path / "paths"
    shutil.copytree(PATHS, paths)
    reported: list = []
    preview = Preview(paths, TEMPLATES, tmp_path / "site", "paths", reported.extend)
    preview.first_build()
    suvi_svg = tmp_path / "site" / "suvi" / "suvi.svg"
    before = suvi_svg.stat().st_mtime_ns

    (paths / "uusi.yaml").write_text("title: Uusi\nsteps:\n  - {id: a, title: Alku}\n", encoding="utf-8")
    (paths / "uusi.en.yaml").write_text("title: New\nlanguage: en\nsteps:\n  - {id: a, title: Start}\n", encoding="utf-8")
    preview.rebuild()
    assert (tmp_path / "site" / "en" / "uusi" / "index.html").is_file()
    assert suvi_svg.stat().st_mtime_ns == before  # an unrelated path is not written again

    (paths / "valtteri.yaml").write_text("title: [rikki\n", encoding="utf-8")
    preview.rebuild()
    assert preview.problems and preview.problems[0].file.endswith("valtteri.yaml")
    assert (tmp_path / "site" / "valtteri" / "index.html").is_file()  # the last good pages stay

    shutil.copy(PATHS / "valtteri.yaml", paths / "valtteri.yaml")
    (paths / "uusi.en.yaml").unlink()
    preview.rebuild()
    assert not preview.problems
    assert not (tmp_path / "site" / "en").exists()  # the English pages went with the last English path

    build(paths, TEMPLATES, tmp_path / "fresh")
    built = {p.relative_to(tmp_path / "fresh").as_posix(): p.read_bytes() for p in (tmp_path / "fresh").rglob("*") if p.is_file()}
    served = {p.relative_to(tmp_path / "site").as_posix(): p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()}
    assert served.keys() == built.keys()
    assert [name for name in built if built[name] != served[name]] == []


def test_a_rebuild_between_serving_a_page_and_its_reload_channel_is_not_missed(tmp_path: Path):
    """The page names the build it came from; a rebuild that happens before its
    EventSource connects still reloads it (this once made the browser test flaky)."""
    import http.server
    import threading
    import urllib.request
    from functools import partial

    from polku.serve import Preview, _Handler

    paths = tmp_path / "paths"
    shutil.copytree(PATHS, paths)
    preview = Preview(paths, TEMPLATES, tmp_path / "site", "paths", lambda found: None)
    preview.first_build()
    handler = type("Handler", (_Handler,), {"preview": preview})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(tmp_path / "site")))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        page = urllib.request.urlopen(base + "suvi/index.html", timeout=10).read().decode("utf-8")
        build = re.search(r'data-build="(\d+)"', page).group(1)
        (paths / "suvi.yaml").write_text((PATHS / "suvi.yaml").read_text(encoding="utf-8").replace("title: Suvin polku", "title: Uusi", 1), encoding="utf-8")
        preview.rebuild()  # before the page's reload channel connects
        events = urllib.request.urlopen(f"{base}_polku/events?page=/suvi/index.html&since={build}", timeout=10)
        lines = [events.readline().decode() for _ in range(3)]
        assert "data: reload\n" in lines
        # A page of another path was not changed, so it is not told to reload.
        other = urllib.request.urlopen(f"{base}_polku/events?page=/valtteri/professional.html&since={preview.version}", timeout=10)
        assert other.readline().decode().startswith(": connected")
    finally:
        server.shutdown()
        server.server_close()


def test_a_broken_template_is_shown_like_a_content_problem_and_the_preview_goes_on(tmp_path: Path):
    from polku.serve import Preview

    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    preview = Preview(PATHS, templates, tmp_path / "site", "paths", lambda found: None)
    preview.safe_rebuild()
    assert not preview.problems and (tmp_path / "site" / "suvi" / "index.html").is_file()
    good = (templates / "pilots.html").read_text(encoding="utf-8")
    (templates / "pilots.html").write_text(good.replace("{% endblock %}", "{% endblok %}", 1), encoding="utf-8")
    preview.safe_rebuild(templates_changed=True)
    assert preview.problems and preview.problems[0].file.endswith("pilots.html")
    assert "template" in preview.problems[0].message
    (templates / "pilots.html").write_text(good.replace("<h1>", "<h1 class=\"changed\">", 1), encoding="utf-8")
    preview.safe_rebuild(templates_changed=True)
    assert not preview.problems
    assert 'class="changed"' in (tmp_path / "site" / "pilots" / "index.html").read_text(encoding="utf-8")
