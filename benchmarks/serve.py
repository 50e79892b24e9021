"""From save to reloaded page in `serve`, on a site of N generated paths.

    python benchmarks/serve.py [--paths 200] [--runs 7]

Starts `build.py serve` on the generated paths (benchmarks/build.py makes
them), opens one path page in headless Chromium, then saves an edit to that
path's file and measures the time until the open page shows it, reloaded
by itself. Two kinds of edit: a step's text (only that path's pages change)
and the path's title (the index, role and pilot pages change too). Prints
the median and the slowest of `runs` edits of each kind. The goal (issue 8):
under 300 ms on a 200-path site. The file watcher's own wait for a quiet
moment (30 ms) is included, as an editor would feel it.
"""

from __future__ import annotations

import argparse
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--paths", type=int, default=200)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="polku-serve-"))
    try:
        write_polku(work / "paths", args.paths)
        server = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--paths", "paths", "--templates", str(ROOT / "templates"),
                                   "--out", "site", "--port", "0"], cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        url = None
        for line in server.stdout:
            found = re.search(r"http://127\.0\.0\.1:\d+/", line)
            if found:
                url = found.group(0)
                break
        threading.Thread(target=lambda: [None for _ in server.stdout], daemon=True).start()
        target = work / "paths" / f"polku-{args.paths // 2:05d}.yaml"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page()
            page.goto(f"{url}{target.stem}/index.html")
            time.sleep(1)
            results: dict[str, list[float]] = {"step text": [], "title": []}
            for run in range(args.runs):
                for kind in results:
                    text = target.read_text(encoding="utf-8")
                    if kind == "title":
                        marker = f"Otsikko {run}"
                        text = re.sub(r"^title: .*$", f"title: {marker}", text, count=1, flags=re.MULTILINE)
                        selector = f"h1:text-is('{marker}')"
                    else:
                        marker = f"muokkaus{run}"
                        text = re.sub(r"Tapaat (muokkaus\d+ )?", f"Tapaat {marker} ", text, count=1)
                        selector = f"text={marker}"
                    start = time.perf_counter()
                    target.write_text(text, encoding="utf-8")
                    page.wait_for_selector(selector, timeout=20000)
                    results[kind].append((time.perf_counter() - start) * 1000)
                    time.sleep(0.3)
            browser.close()
        server.terminate()
        for kind, times in results.items():
            print(f"{args.paths} paths, edit of the {kind}: median {statistics.median(times):.0f} ms, slowest {max(times):.0f} ms ({len(times)} edits)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
