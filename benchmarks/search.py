"""The index page's search on a large site, in Chromium from file://.

    python benchmarks/search.py [--paths 1000] [--runs 5] [--peer ../main]

Generates N paths whose steps, roles, pilots and notes are sentences drawn
(seeded, so every run is the same) from the bundled paths' own Finnish text,
builds the site, and measures in Debian's Chromium:

- the size of search-index.js, as written and gzipped (what a web server sends);
- the index page: DOMContentLoaded, first contentful paint and the load event,
  and the bytes it reads before the search box is used, against a peer measured
  in the same run: the same paths built by another checkout (--peer, e.g. main's),
  or else the 2-path bundled site;
- the first search: from focusing the box and typing a word to the hits shown,
  which includes loading the stemmers and the search data;
- a later search: typing another word once everything is loaded, as the
  test driver sees it and as the page spends it (stemming, ranking, drawing).

The goal (issue 18): the index page usable in under a second with 1,000 paths.
Medians of `runs` fresh pages; the machine's load is printed with them.
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu"]


def sentences() -> list[str]:
    from polku.load import load_site

    site, _ = load_site(ROOT / "paths")
    text = []
    for path in site.paths:
        for step in path.steps:
            text += [step.text, step.note, step.professional, step.pilot.text if step.pilot else ""]
        text += [role.text for role in path.roles.values()] + [path.summary, path.persona_text]
    out = []
    for chunk in text:
        out += [s.strip() for s in re.split(r"(?<=[.!?])\s+", chunk.replace("\n", " ")) if len(s.strip()) > 20]
    return sorted(set(out))


def write_paths(folder: Path, count: int) -> None:
    import yaml

    pool = sentences()
    titles = sorted({w.strip(".,:;()").capitalize() for s in pool for w in s.split() if len(w) > 9})
    rng = random.Random(18)
    folder.mkdir(parents=True)
    (folder / "_site.yaml").write_text("title: Palvelupolut\norganisation: Hyvinvointialue\nlanguage: fi\n", encoding="utf-8")
    for n in range(1, count + 1):
        roles = {f"r{i}": {"name": f"{rng.choice(titles)} {n}-{i}", "text": " ".join(rng.sample(pool, 2))} for i in range(4)}
        steps = []
        for i in range(12):
            step = {"id": f"v{i + 1}", "title": f"{rng.choice(titles)} {rng.choice(titles).lower()}",
                    "roles": [f"r{i % 4}", f"r{(i + 1) % 4}"], "text": " ".join(rng.sample(pool, 4))}
            if i % 4 == 2:
                step["note"] = rng.choice(pool)
            if i in (3, 9):
                step["pilot"] = rng.choice(pool)
            steps.append(step)
        content = {"title": f"{rng.choice(titles)}polku {n}", "subtitle": rng.choice(titles), "summary": " ".join(rng.sample(pool, 2)),
                   "roles": roles, "steps": steps}
        (folder / f"polku-{n:05d}.yaml").write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8")


def _file_bytes(urls: list[str]) -> int:
    from urllib.parse import unquote, urlparse

    return sum(Path(unquote(urlparse(u).path)).stat().st_size for u in set(urls) if u.startswith("file:"))


def measure(browser, index: Path, words: list[str], runs: int) -> dict[str, float]:
    """Medians over `runs` fresh pages: the page's own timings (DOMContentLoaded,
    first contentful paint, load), the bytes it read before the box was used, and
    typing to hits (the first search loads the stemmer and the search data)."""
    rows: dict[str, list[float]] = {key: [] for key in ("dcl", "fcp", "load", "bytes", "first", "later", "inpage", "data")}
    for run in range(runs):
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        urls: list[str] = []
        page.on("request", lambda request: urls.append(request.url))
        page.goto(index.as_uri())
        dcl, fcp, load = page.evaluate("""() => { const n = performance.getEntriesByType('navigation')[0];
            const paint = performance.getEntriesByName('first-contentful-paint')[0];
            return [n.domContentLoadedEventEnd, paint ? paint.startTime : NaN, n.loadEventEnd]; }""")
        rows["dcl"].append(dcl)
        rows["fcp"].append(fcp)
        rows["load"].append(load)
        rows["bytes"].append(_file_bytes(urls) / 1024)
        before = len(urls)
        started = time.perf_counter()
        page.focus("#search")
        page.fill("#search", words[run % len(words)])
        page.wait_for_function("(w) => document.querySelector('#search-results').dataset.query === w", arg=words[run % len(words)])
        rows["first"].append((time.perf_counter() - started) * 1000)
        rows["data"].append(_file_bytes(urls[before:]) / 1024)
        started = time.perf_counter()
        page.fill("#search", words[(run + 1) % len(words)])
        page.wait_for_function("(w) => document.querySelector('#search-results').dataset.query === w", arg=words[(run + 1) % len(words)])
        rows["later"].append((time.perf_counter() - started) * 1000)
        rows["inpage"].append(page.evaluate("""(w) => {
            const input = document.querySelector('#search'), started = performance.now();
            input.value = w;
            input.dispatchEvent(new Event('input'));
            return performance.now() - started;
        }""", words[(run + 2) % len(words)]))
        page.close()
    return {key: statistics.median(values) for key, values in rows.items()}


def build_with(checkout: Path, paths: Path, out: Path) -> None:
    """Build with another checkout's polku and templates (the peer), in its own process."""
    import subprocess

    code = "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); from polku.site import build; " \
           "build(Path(sys.argv[2]), Path(sys.argv[1]) / 'templates', Path(sys.argv[3]))"
    subprocess.run([sys.executable, "-c", code, str(checkout), str(paths), str(out)], check=True, cwd=checkout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--paths", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--peer", type=Path, help="another checkout of polku (e.g. main's) to build the same paths with, "
                        "measured in the same run; without it the peer is the bundled 2-path site")
    options = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from polku.site import build

    with tempfile.TemporaryDirectory(prefix="polku-search-bench-") as tmp:
        tmp = Path(tmp)
        write_paths(tmp / "paths", options.paths)
        started = time.perf_counter()
        build(tmp / "paths", ROOT / "templates", tmp / "site")
        built = time.perf_counter() - started
        if options.peer:
            build_with(options.peer.resolve(), tmp / "paths", tmp / "peer")
            peer_name = f"peer {options.peer.name}"
        else:
            build(ROOT / "paths", ROOT / "templates", tmp / "peer")
            peer_name = "bundled (2 paths)"
        for name in ("site", "peer"):
            data = (tmp / name / "search-index.js").read_bytes()
            print(f"{name}: search-index.js {len(data) / 1024:.0f} KiB, {len(gzip.compress(data, 6)) / 1024:.0f} KiB gzipped; "
                  f"index.html {(tmp / name / 'index.html').stat().st_size / 1024:.0f} KiB")
        print(f"{options.paths} paths built in {built:.1f} s")
        words = ["tulohaastattelussa", "työkokeiluun", "sosiaalityöntekijän", "kuntoutukseen", "palkkatuella"]
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            results = {"peer": [], "site": []}
            for _ in range(2):  # interleaved, so that a change in the machine's load hits both
                results["peer"].append(measure(browser, tmp / "peer" / "index.html", words, options.runs))
                results["site"].append(measure(browser, tmp / "site" / "index.html", words, options.runs))
            browser.close()
        peer = {key: statistics.median(r[key] for r in results["peer"]) for key in results["peer"][0]}
        big = {key: statistics.median(r[key] for r in results["site"]) for key in results["site"][0]}
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; medians of 2 x {options.runs} fresh pages, in ms")
        print(f"{'':34}{peer_name:>20}{'this checkout':>15}{'ratio':>8}")
        for key, label in (("dcl", "DOMContentLoaded"), ("fcp", "first contentful paint"), ("load", "index page loaded"),
                           ("bytes", "KiB read before typing"), ("first", "first search (loads data)"), ("data", "  KiB it loads"),
                           ("later", "next search"), ("inpage", "  of which in the page")):
            print(f"{label:34}{peer[key]:20.0f}{big[key]:15.0f}{big[key] / max(peer[key], 0.1):8.2f}")


if __name__ == "__main__":
    main()
