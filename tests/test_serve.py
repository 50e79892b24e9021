"""The editor's loop: `new`, `schema` and `serve` (a real server, a real Chromium)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from polku.load import load_site

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


# The schema itself is tested in test_cli.py (test_schema_accepts_every_bundled_path_and_names_a_misspelt_key).


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
    """python build.py serve on a free port, in a session of its own (as a terminal
    would run it); a thread collects what it prints."""

    def __init__(self, paths: Path, out: Path, templates: Path = TEMPLATES):
        import queue
        import threading

        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "build.py"), "serve", "--paths", str(paths), "--templates", str(templates), "--out", str(out), "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1, start_new_session=True,
        )
        self.lines: list[str] = []
        self._queue: queue.Queue = queue.Queue()
        threading.Thread(target=lambda: [self._queue.put(line) for line in self.process.stdout], daemon=True).start()
        # Printed once the folders are watched: a save from now on is seen.
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", self.read_until(r"http://127\.0\.0\.1:\d+/", timeout=60))
        self.url = found.group(0)
        self.port = int(found.group(1))

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

    def output(self) -> str:
        """Everything printed so far."""
        import queue

        while True:
            try:
                self.lines.append(self._queue.get_nowait())
            except queue.Empty:
                return "".join(self.lines)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
        self.process.wait(timeout=10)


@pytest.mark.browser
def test_serve_updates_the_open_page_in_place_and_survives_a_broken_file(browser, tmp_path: Path):
    paths = tmp_path / "paths"
    shutil.copytree(PATHS, paths)
    server = Serve(paths, tmp_path / "site")
    try:
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(server.url + "suvi/index.html#step-paatos")
        assert page.locator("h1").inner_text() == "Suvin polku"
        page.evaluate("window.__notReloaded = true")  # gone if the page reloads

        source = paths / "suvi.yaml"
        original = source.read_text(encoding="utf-8")
        source.write_text(original.replace("title: Suvin polku", "title: Suvin polku tänään", 1), encoding="utf-8")
        page.wait_for_selector("h1:text-is('Suvin polku tänään')", timeout=15000)
        assert page.evaluate("window.__notReloaded") is True  # updated in place, not reloaded
        assert page.evaluate("location.hash") == "#step-paatos"  # the step the client was looking at
        assert page.title().startswith("Suvin polku tänään")

        # A broken save: the problems over the page and in the terminal, and the server lives on.
        source.write_text(original.replace("title: Suvin polku", "title: [Suvin polku", 1), encoding="utf-8")
        page.wait_for_selector("#polku-problems", timeout=15000)
        shown = page.locator("#polku-problems").inner_text()
        assert re.search(r"suvi\.yaml:\d+:\d+: ", shown)
        assert "Traceback" not in shown
        assert page.locator("h1").first.inner_text() == "Suvin polku tänään"  # the last good page stays beneath
        server.read_until(r"suvi\.yaml:\d+:\d+:")
        assert server.process.poll() is None
        _no_wcag_violations(browser, server.url + "suvi/index.html")  # editors read this page too

        # Fixing the file takes the problems away, in place.
        source.write_text(original, encoding="utf-8")
        page.wait_for_selector("#polku-problems", state="detached", timeout=15000)
        page.wait_for_selector("h1:text-is('Suvin polku')", timeout=15000)
        assert page.locator(".step").count() > 5
        assert page.evaluate("window.__notReloaded") is True
        assert page.evaluate("window.polkuLive.updates") >= 3
        assert errors == []
        # What serve wrote is what build writes: no live script in the files.
        assert "live.js" not in (tmp_path / "site" / "suvi" / "index.html").read_text(encoding="utf-8")
        page.close()
    finally:
        server.stop()


@pytest.mark.browser
def test_an_update_in_place_keeps_scroll_walk_presentation_and_focus_and_new_styles_reload(browser, tmp_path: Path):
    paths, templates = tmp_path / "paths", tmp_path / "templates"
    shutil.copytree(PATHS, paths)
    shutil.copytree(TEMPLATES, templates)
    server = Serve(paths, tmp_path / "site", templates)
    try:
        context = browser.new_context(viewport={"width": 1366, "height": 768})
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(server.url + "suvi/index.html")
        page.click(".walk-start")
        page.click(".walk-next")
        page.click(".walk-next")  # a walk in progress, focus on "next"
        page.click(".walk-present")
        page.focus(".walk-next")
        page.evaluate("window.scrollTo(0, 600); window.__notReloaded = true")
        before = page.evaluate("""() => ({
            y: scrollY, hash: location.hash, classes: document.body.className,
            current: [...document.querySelectorAll('[aria-current=step]')].map(e => e.tagName + ':' + e.dataset.step),
            behind: [...document.querySelectorAll('.polku-diagram g.step.behind')].map(e => e.dataset.step),
            focus: document.activeElement.className, status: document.querySelector('.walk-status').textContent })""")
        assert before["current"] and before["behind"] and "presenting" in before["classes"]

        source = paths / "suvi.yaml"
        text = source.read_text(encoding="utf-8")
        edited = text.replace("Työllisyyspalveluissa tai terveyskeskuksessa", "Muokattu kohta. Työllisyyspalveluissa tai terveyskeskuksessa", 1)
        assert edited != text
        source.write_text(edited, encoding="utf-8")
        page.wait_for_function("() => document.body.textContent.includes('Muokattu kohta.')", timeout=15000)
        after = page.evaluate("""() => ({
            y: scrollY, hash: location.hash, classes: document.body.className,
            current: [...document.querySelectorAll('[aria-current=step]')].map(e => e.tagName + ':' + e.dataset.step),
            behind: [...document.querySelectorAll('.polku-diagram g.step.behind')].map(e => e.dataset.step),
            focus: document.activeElement.className, status: document.querySelector('.walk-status').textContent })""")
        assert after == before
        assert page.evaluate("window.__notReloaded") is True
        # The walk goes on one step per key: after the update no listener is there twice.
        following = page.evaluate("document.querySelector('section[aria-current=step]').dataset.next.split(' ')[0]")
        page.keyboard.press("ArrowRight")
        assert page.evaluate("location.hash") == f"#step-{following}"
        page.go_back()
        assert page.evaluate("location.hash") == before["hash"]
        page.click(".walk-present")  # a listener there twice would toggle twice: nothing would change
        assert "presenting" not in page.evaluate("document.body.className")

        # New styles cannot be morphed in: the page reloads whole.
        style = templates / "assets" / "style.css"
        style.write_text(style.read_text(encoding="utf-8") + "\n.polku-test-marker { color: red; }\n", encoding="utf-8")
        page.wait_for_function("() => window.__notReloaded === undefined", timeout=15000)
        assert page.evaluate("location.hash") == before["hash"]
        assert errors == []
        context.close()
    finally:
        server.stop()


@pytest.mark.browser
def test_eight_open_tabs_all_load_and_all_follow_a_save(browser, tmp_path: Path):
    """Each tab once held one of the browser's six connections: the seventh hung."""
    paths = tmp_path / "paths"
    shutil.copytree(PATHS, paths)
    server = Serve(paths, tmp_path / "site")
    try:
        context = browser.new_context()  # one browser profile: one pool of connections
        pages = []
        for n in range(8):
            page = context.new_page()
            page.goto(server.url + ("suvi/index.html" if n % 2 else "index.html"), timeout=10000)
            page.wait_for_function("() => window.polkuLive !== undefined", timeout=10000)
            pages.append(page)
        # and a ninth page still loads, with all its styles and scripts
        extra = context.new_page()
        extra.goto(server.url + "valtteri/index.html", timeout=10000, wait_until="load")
        assert extra.evaluate("getComputedStyle(document.body).fontFamily") != ""
        source = paths / "suvi.yaml"
        source.write_text(source.read_text(encoding="utf-8").replace("title: Suvin polku", "title: Suvin uusi polku", 1), encoding="utf-8")
        for page in pages:
            page.wait_for_function("() => document.body.textContent.includes('Suvin uusi polku')", timeout=15000)
        context.close()
    finally:
        server.stop()


@pytest.mark.browser
def test_without_shared_workers_a_tab_keeps_a_stream_of_its_own(browser, tmp_path: Path):
    paths = tmp_path / "paths"
    shutil.copytree(PATHS, paths)
    server = Serve(paths, tmp_path / "site")
    try:
        context = browser.new_context()
        context.add_init_script("delete window.SharedWorker")  # as in browsers without them
        page = context.new_page()
        page.goto(server.url + "valtteri/index.html")
        page.wait_for_function("() => window.polkuLive !== undefined && typeof SharedWorker === 'undefined'")
        source = paths / "valtteri.yaml"
        source.write_text(re.sub(r"^title: (.*)$", r"title: \1 (muokattu)", source.read_text(encoding="utf-8"), count=1, flags=re.MULTILINE), encoding="utf-8")
        page.wait_for_function("() => document.querySelector('h1').textContent.includes('(muokattu)')", timeout=15000)
        assert page.evaluate("window.polkuLive.updates") == 1
        context.close()
    finally:
        server.stop()


def test_preview_rebuilds_only_what_changed_and_keeps_the_site_what_build_writes(tmp_path: Path):
    """Adding, changing, breaking and removing files in a running preview; at the
    end out/ holds exactly what a fresh build writes."""
    from polku.preview import Preview
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


def test_site_pages_give_way_to_the_next_save(tmp_path: Path, monkeypatch):
    """After a save the site pages are rendered in a thread of their own
    (rebuild later=True, as watch does); the next save stops them. Stopped, they
    write nothing, not even the pages already rendered, and the next save's
    site pages show its own content."""
    from polku import preview as preview_module
    from polku.preview import Preview

    paths = tmp_path / "paths"
    shutil.copytree(PATHS, paths)
    preview = Preview(paths, TEMPLATES, tmp_path / "site", "paths", lambda problems: None)
    preview.first_build()
    index = tmp_path / "site" / "index.html"
    source = paths / "valtteri.yaml"
    original = source.read_text(encoding="utf-8")

    def retitle(title: str) -> None:
        source.write_text(re.sub(r"^title: .*$", f"title: {title}", original, count=1, flags=re.MULTILINE), encoding="utf-8")

    # Stopped while it waits for the open path page to update: never started.
    retitle("Ensimmäinen muutos")
    preview.rebuild(later=True)
    assert preview._rendering is not None
    assert "Ensimmäinen muutos" in (tmp_path / "site" / "valtteri" / "index.html").read_text(encoding="utf-8")
    preview.stop_site_pages()
    assert "Ensimmäinen muutos" not in index.read_text(encoding="utf-8")

    # Stopped while rendering, after the index page is whole: nothing is written.
    rendered: list[str] = []
    common_files = preview_module.common_files

    def stop_after_the_index(site, env):
        for name, data in common_files(site, env):
            rendered.append(name)
            yield name, data
            if name == "index.html":
                preview._rendering[1].set()  # as the next save would

    monkeypatch.setattr(preview_module, "common_files", stop_after_the_index)
    retitle("Toinen muutos")
    preview.rebuild(later=True)
    preview._rendering[1].clear()  # no wait for the open page, here
    preview._rendering[0].join()
    assert rendered[0] == "index.html" and len(rendered) < 5
    assert "Toinen muutos" not in index.read_text(encoding="utf-8")

    # The next save renders them whole, with its own content.
    monkeypatch.setattr(preview_module, "common_files", common_files)
    retitle("Kolmas muutos")
    preview.rebuild(later=True)
    preview._rendering[0].join()
    assert "Kolmas muutos" in index.read_text(encoding="utf-8")
    assert "Kolmas muutos" in (tmp_path / "site" / "roles" / "index.html").read_text(encoding="utf-8")


def _in_process(tmp_path: Path):
    """A Preview served in this process on a free port: (preview, server, base url)."""
    import threading
    from functools import partial

    from polku.preview import Preview
    from polku.serve import _Handler, _Server

    paths = tmp_path / "paths"
    shutil.copytree(PATHS, paths)
    preview = Preview(paths, TEMPLATES, tmp_path / "site", "paths", lambda found: None)
    preview.first_build()
    handler = type("Handler", (_Handler,), {"preview": preview})
    server = _Server(("127.0.0.1", 0), partial(handler, directory=str(tmp_path / "site")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return preview, server, f"http://127.0.0.1:{server.server_address[1]}/"


def _raw(port: int, target: bytes, host: bytes | None = None) -> tuple[int, bytes]:
    """One GET sent byte for byte (no client library tidies the address): status and body."""
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        head = b"GET " + target + b" HTTP/1.1\r\n"
        if host is not None:
            head += b"Host: " + host + b"\r\n"
        connection.sendall(head + b"Connection: close\r\n\r\n")
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    status = int(answer.split(b" ", 2)[1])
    return status, answer.split(b"\r\n\r\n", 1)[-1]


def test_a_rebuild_between_serving_a_page_and_its_live_channel_is_not_missed(tmp_path: Path):
    """The page names the build it came from; a rebuild that happens before it
    hears of any is still found when it asks (this once made a browser test flaky)."""
    import urllib.request

    preview, server, base = _in_process(tmp_path)
    try:
        page = urllib.request.urlopen(base + "suvi/index.html", timeout=10).read().decode("utf-8")
        build = re.search(r'data-build="(\d+)"', page).group(1)
        assert re.search(rf'data-server="{re.escape(preview.server_id)}"', page)
        (tmp_path / "paths" / "suvi.yaml").write_text((PATHS / "suvi.yaml").read_text(encoding="utf-8").replace("title: Suvin polku", "title: Uusi", 1), encoding="utf-8")
        preview.rebuild()  # before the page's live channel connects
        events = urllib.request.urlopen(f"{base}_polku/events", timeout=10)
        assert events.readline().decode() == "retry: 500\n"
        news = json.loads(events.readline().decode().removeprefix("data: "))
        assert news["server"] == preview.server_id and news["build"] > int(build)

        def changed(page: str, since: str) -> dict:
            return json.loads(urllib.request.urlopen(f"{base}_polku/changed?page={page}&since={since}", timeout=10).read())

        assert changed("/suvi/index.html", build) == {"server": preview.server_id, "build": preview.version, "changed": True, "reload": False}
        # A page of another path was not changed, nor the styles: nothing to do.
        assert changed("/valtteri/professional.html", build)["changed"] is False
        assert changed("/suvi/index.html", str(preview.version))["changed"] is False
        # New styles cannot be morphed in: the page is told to reload.
        since = preview.version
        style_changed = preview.version
        preview._bump({"assets/style.css"})
        assert changed("/suvi/index.html", str(since))["reload"] is True
        assert changed("/suvi/index.html", str(style_changed + 1))["reload"] is False
        # Each later build is announced on the open stream (comment lines keep it alive),
        # with what it changed since the build announced before: an open page that
        # heard that one decides without asking.
        source = tmp_path / "paths" / "suvi.yaml"
        source.write_text(source.read_text(encoding="utf-8").replace("title: Uusi", "title: Uudempi", 1), encoding="utf-8")
        preview.rebuild()
        announced = [{"build": 0}]
        while announced[-1]["build"] < preview.version:
            line = events.readline().decode()
            if line.startswith("data: "):
                announced.append(json.loads(line.removeprefix("data: ")))
        assert [news["build"] for news in announced[1:]] in ([since + 1, since + 2, preview.version], [since + 1, preview.version])
        assert announced[1] == {"server": preview.server_id, "build": since + 1, "after": since, "pages": ["assets/style.css"], "reload": True}
        later = announced[2]
        assert "suvi/index.html" in later["pages"] and "valtteri/index.html" not in later["pages"] and later["reload"] is False
        assert later["after"] == since + 1
    finally:
        server.shutdown()
        server.server_close()


def test_serve_answers_only_the_names_of_this_machine(tmp_path: Path):
    """A page elsewhere that rebinds its name to 127.0.0.1 (DNS rebinding) is refused."""
    preview, server, base = _in_process(tmp_path)
    port = server.server_address[1]
    try:
        for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", f"LocalHost:{port}"):
            status, body = _raw(port, b"/suvi/index.html", host.encode())
            assert status == 200 and b"Suvin polku" in body, host
        for host in (f"evil.example:{port}", "evil.example", f"127.0.0.1:{port + 1}", f"localhost.evil.example:{port}", f"127.0.0.2:{port}", ""):
            for target in (b"/suvi/professional.html", b"/_polku/events", b"/_polku/changed?page=/&since=0", b"/assets/style.css"):
                status, body = _raw(port, target, host.encode())
                assert status == 421, (host, target)
                assert b"Suvin" not in body and b"polku-live" not in body
        assert _raw(port, b"/suvi/index.html", None)[0] == 421  # no name at all
    finally:
        server.shutdown()
        server.server_close()


def test_odd_addresses_get_400_or_404_and_never_a_traceback(tmp_path: Path):
    paths = tmp_path / "paths"
    shutil.copytree(PATHS, paths)
    server = Serve(paths, tmp_path / "site")
    host = f"127.0.0.1:{server.port}".encode()
    try:
        odd = [b"/a%00.css", b"/suvi/%00", b"/%zz", b"/%", b"/suvi/index.html%", b"/%ff%fe.html", b"/%C0%AF.html",
               b"/a%0a.css", b"/" + b"a" * 5000 + b".html", b"/_polku/changed?page=%00&since=1",
               b"/_polku/changed?page=/&since=%ff", b"/_polku/changed?page=/&since=99999999999999999999",
               b"/_polku/changed?page=/&since=-1", b"/_polku/changed", b"/_polku/nothing", b"/_polku/../suvi/",
               b"/?%", b"/suvi/?at=%zz", b"/index.html?x=%00", b"http://evil.example/", b"*", b"/..%2f..%2fetc/passwd",
               b"/../../etc/passwd"]
        for target in odd:
            status, _ = _raw(server.port, target, host)
            assert status in (400, 404), (target, status)
        # Queries a page does not read are no reason to refuse it.
        assert _raw(server.port, b"/suvi/index.html?at=constructor&choose=toString.valueOf", host)[0] == 200
        assert _raw(server.port, b"/suvi/?x=1&x=2&&=", host)[0] == 200
        assert server.process.poll() is None
        output = server.output()
        assert "Traceback" not in output and "Exception" not in output, output
    finally:
        server.stop()


def _interrupt(process: subprocess.Popen) -> tuple[int, str]:
    """Ctrl+C as a terminal sends it: to every process of the group."""
    import os
    import signal

    os.killpg(process.pid, signal.SIGINT)
    output, _ = process.communicate(timeout=60)
    return process.returncode, output


def test_ctrl_c_stops_serve_with_status_130_and_no_traceback(tmp_path: Path):
    import urllib.request

    paths = tmp_path / "paths"
    shutil.copytree(PATHS, paths)
    server = Serve(paths, tmp_path / "site")
    stream = urllib.request.urlopen(server.url + "_polku/events", timeout=10)  # an open page's live channel
    assert stream.readline() == b"retry: 500\n"
    status, rest = _interrupt(server.process)
    output = server.output() + rest
    assert status == 130, output
    assert "Traceback" not in output and "KeyboardInterrupt" not in output, output


def test_ctrl_c_during_the_first_build_stops_every_worker_quietly(tmp_path: Path):
    """A site big enough for the first build to use worker processes."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from build import write_polku

    write_polku(tmp_path / "paths", 120)
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "serve", "--paths", str(tmp_path / "paths"), "--templates", str(TEMPLATES),
         "--out", str(tmp_path / "site"), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None and not children.read_text().strip():
        time.sleep(0.01)  # until the first build has started its workers
    assert process.poll() is None
    status, output = _interrupt(process)
    assert status == 130, output
    assert "Traceback" not in output and "KeyboardInterrupt" not in output, output


def test_paths_deleted_and_restored_and_site_deleted_recover_on_the_next_save(tmp_path: Path):
    from polku.site import build

    paths, site = tmp_path / "paths", tmp_path / "site"
    shutil.copytree(PATHS, paths)
    server = Serve(paths, site)
    try:
        shutil.rmtree(paths)  # a checkout that removes and adds back
        server.read_until(r"no such folder")
        shutil.copytree(PATHS, paths)
        server.read_until(r"is back: watching it again")
        source = paths / "suvi.yaml"
        source.write_text(source.read_text(encoding="utf-8").replace("title: Suvin polku", "title: Suvin palannut polku", 1), encoding="utf-8")
        server.read_until(r"Rebuilt suvi")
        server.read_until(r"Rebuilt the site pages")
        assert "Suvin palannut polku" in (site / "suvi" / "index.html").read_text(encoding="utf-8")

        shutil.rmtree(site)  # someone cleans up while the preview runs
        source.write_text(source.read_text(encoding="utf-8").replace("Suvin palannut polku", "Suvin taas palannut polku", 1), encoding="utf-8")
        server.read_until(r"Built the whole site")
        build(paths, TEMPLATES, tmp_path / "fresh")
        built = {p.relative_to(tmp_path / "fresh").as_posix(): p.read_bytes() for p in (tmp_path / "fresh").rglob("*") if p.is_file()}
        served = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}
        assert served.keys() == built.keys()
        assert [name for name in built if built[name] != served[name]] == []

        (site / "valtteri" / "index.html").unlink()  # or only one page of it
        source.write_text(source.read_text(encoding="utf-8").replace("Suvin taas palannut polku", "Suvin polku", 1), encoding="utf-8")
        server.read_until(r"Rebuilt .*valtteri")
        assert (site / "valtteri" / "index.html").is_file()
        assert "Traceback" not in server.output()
    finally:
        server.stop()


def test_a_broken_template_is_shown_like_a_content_problem_and_the_preview_goes_on(tmp_path: Path):
    from polku.preview import Preview

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
