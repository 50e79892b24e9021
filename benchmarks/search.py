"""The index page's search on a large site, in Chromium from file://.

    python benchmarks/search.py [--paths 1000] [--runs 5]

Generates N paths whose steps, roles, pilots and notes are sentences drawn
(seeded, so every run is the same) from the bundled paths' own Finnish text,
builds the site, and measures in Debian's Chromium:

- the size of search-index.js, as written and gzipped (what a web server sends);
- the index page: from navigation to the load event, against the 2-path bundled
  site's index page measured in the same run (the peer);
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


def measure(browser, index: Path, words: list[str], runs: int) -> dict[str, float]:
    loads, firsts, laters, inpage = [], [], [], []
    for run in range(runs):
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.goto(index.as_uri())
        loads.append(page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd"))
        started = time.perf_counter()
        page.focus("#search")
        page.fill("#search", words[run % len(words)])
        page.wait_for_function("(w) => document.querySelector('#search-results').dataset.query === w", arg=words[run % len(words)])
        firsts.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        page.fill("#search", words[(run + 1) % len(words)])
        page.wait_for_function("(w) => document.querySelector('#search-results').dataset.query === w", arg=words[(run + 1) % len(words)])
        laters.append((time.perf_counter() - started) * 1000)
        inpage.append(page.evaluate("""(w) => {
            const input = document.querySelector('#search'), started = performance.now();
            input.value = w;
            input.dispatchEvent(new Event('input'));
            return performance.now() - started;
        }""", words[(run + 2) % len(words)]))
        page.close()
    return {"load": statistics.median(loads), "first": statistics.median(firsts), "later": statistics.median(laters),
            "inpage": statistics.median(inpage)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--paths", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from polku.site import build

    with tempfile.TemporaryDirectory(prefix="polku-search-bench-") as tmp:
        tmp = Path(tmp)
        write_paths(tmp / "paths", options.paths)
        started = time.perf_counter()
        build(tmp / "paths", ROOT / "templates", tmp / "site")
        built = time.perf_counter() - started
        build(ROOT / "paths", ROOT / "templates", tmp / "peer")
        data = (tmp / "site" / "search-index.js").read_bytes()
        print(f"{options.paths} paths built in {built:.1f} s; search-index.js {len(data) / 1024:.0f} KiB, "
              f"{len(gzip.compress(data, 6)) / 1024:.0f} KiB gzipped; index.html {(tmp / 'site' / 'index.html').stat().st_size / 1024:.0f} KiB")
        words = ["tulohaastattelussa", "työkokeiluun", "sosiaalityöntekijän", "kuntoutukseen", "palkkatuella"]
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            peer = measure(browser, tmp / "peer" / "index.html", words, options.runs)
            big = measure(browser, tmp / "site" / "index.html", words, options.runs)
            browser.close()
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; medians of {options.runs} fresh pages, in ms")
        print(f"{'':28}{'bundled (2 paths)':>20}{f'{options.paths} paths':>14}{'ratio':>8}")
        for key, label in (("load", "index page loaded"), ("first", "first search (loads data)"), ("later", "next search"),
                           ("inpage", "  of which in the page")):
            print(f"{label:28}{peer[key]:20.0f}{big[key]:14.0f}{big[key] / max(peer[key], 0.1):8.1f}")


if __name__ == "__main__":
    main()
