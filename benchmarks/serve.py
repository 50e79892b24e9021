"""From save to the open page showing the change in `serve`, on sites of N generated paths.

    python benchmarks/serve.py [--paths 6 200] [--runs 7]

Starts `build.py serve` on the generated paths (benchmarks/build.py makes
them) and opens one path page in headless Chromium, scrolled down with a
walk in progress (three steps in). Then it saves an edit to that path's file
and measures the time until the open page shows it. Two kinds of edit: a
step's text (only that path's pages change) and the path's title (the
index, role and pilot pages change too). Each edit is measured two ways in
the same run, one page open at a time, in turns:

- in place: what serve does now, the page fetched again and morphed;
- reload: the page reloaded whole (what serve did before; live.js does it
  when window.polkuLiveReload is set).

Prints the median and the slowest of `runs` edits of each kind and way, the
ratio in place / reload, and whether the page kept its scroll position and
walk. The first edit after opening a page is timed apart: the browser has
not yet compiled the update's code then, as it has for every later save of
an editing session. The aim (issue 19): at most 100 ms in place. The file watcher's own
wait for a quiet moment (15 ms) is included, as an editor would feel it.
"""

from __future__ import annotations

import argparse
import queue
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from build import write_polku  # noqa: E402

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
STATE = """() => ({ y: Math.round(scrollY), hash: location.hash,
    current: [...document.querySelectorAll('[aria-current=step]')].map(e => e.dataset.step).join(' ') })"""


def bench(browser, count: int, runs: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="polku-serve-"))
    server = None
    try:
        write_polku(work / "paths", count)
        server = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--paths", "paths", "--templates", str(ROOT / "templates"),
                                   "--out", "site", "--port", "0"], cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        url = None
        for line in server.stdout:
            found = re.search(r"http://127\.0\.0\.1:\d+/", line)
            if found:
                url = found.group(0)
                break
        lines: queue.Queue = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line) for line in server.stdout], daemon=True).start()
        target = work / "paths" / f"polku-{max(1, count // 2):05d}.yaml"
        ways = {"in place": browser.new_context(viewport={"width": 1366, "height": 768}),
                "reload": browser.new_context(viewport={"width": 1366, "height": 768})}
        ways["reload"].add_init_script("window.polkuLiveReload = true")
        results = {(kind, way): [] for kind in ("step text", "title") for way in ways}
        kept = {way: 0 for way in ways}
        edits = 0
        for run in range(runs):
            for way in (list(ways) if run % 2 == 0 else list(ways)[::-1]):
                page = ways[way].new_page()
                page.goto(f"{url}{target.stem}/index.html")
                page.click(".walk-start")
                page.click(".walk-next")
                page.click(".walk-next")
                page.evaluate("window.scrollTo(0, 700)")
                before = page.evaluate(STATE)
                for kind in ("first", "step text", "title"):
                    text = target.read_text(encoding="utf-8")
                    marker = f"{'Otsikko' if kind == 'title' else 'muokkaus'}{run}{way[0]}{kind[0]}"
                    if kind == "title":
                        text = re.sub(r"^title: .*$", f"title: {marker}", text, count=1, flags=re.MULTILINE)
                        check = f"() => document.querySelector('h1') && document.querySelector('h1').textContent.includes('{marker}')"
                    else:
                        text = re.sub(r"Tapaat (muokkaus\w+ )?", f"Tapaat {marker} ", text, count=1)
                        check = f"() => document.body.textContent.includes('{marker}')"
                    while not lines.empty():
                        lines.get_nowait()
                    start = time.perf_counter()
                    target.write_text(text, encoding="utf-8")
                    page.wait_for_function(check, timeout=20000, polling="raf")
                    results.setdefault((kind, way), []).append((time.perf_counter() - start) * 1000)
                    page.wait_for_load_state("load")
                    if kind == "first":  # not counted below: the page's first update after opening
                        _quiet(lines, title=False)
                        continue
                    edits += way == "in place"
                    kept[way] += page.evaluate(STATE) == before
                    _quiet(lines, title=kind == "title")
                page.close()
        for context in ways.values():
            context.close()
        for kind in ("step text", "title"):
            place, whole = results[(kind, "in place")], results[(kind, "reload")]
            print(f"{count} paths, edit of the {kind}: in place median {statistics.median(place):.0f} ms (slowest {max(place):.0f}), "
                  f"reload median {statistics.median(whole):.0f} ms (slowest {max(whole):.0f}); "
                  f"in place / reload {statistics.median(place) / statistics.median(whole):.2f} ({len(place)} edits each)")
        place, whole = results[("first", "in place")], results[("first", "reload")]
        print(f"{count} paths, first edit after opening the page (a step's text; not in the figures above): "
              f"in place median {statistics.median(place):.0f} ms, reload median {statistics.median(whole):.0f} ms")
        print(f"{count} paths: scroll position and walk kept after {kept['in place']}/{edits} updates in place, {kept['reload']}/{edits} reloads")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


def _quiet(lines: queue.Queue, title: bool) -> None:
    """Until serve has written the edit's path pages (and, for a title edit, the
    site pages), then 0.2 s more, as between an editor's saves. A step text is in
    the search index too: its site pages start 0.25 s after the path's, so the
    next save comes while they wait or render, and they give way to it
    (polku/preview.py), as they would to an editor saving again soon."""
    deadline = time.monotonic() + 20
    wanted = "Rebuilt the site pages" if title else "Rebuilt "
    while time.monotonic() < deadline:
        try:
            if wanted in lines.get(timeout=max(0.05, deadline - time.monotonic())):
                break
        except queue.Empty:
            break
    time.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--paths", type=int, nargs="+", default=[6, 200])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for count in args.paths:
            bench(browser, count, args.runs)
        browser.close()


if __name__ == "__main__":
    main()
