"""PDF time per path: WeasyPrint (what `build --pdf` uses) against Chromium's print to PDF.

    python benchmarks/pdf.py [--runs 5]

Builds the bundled paths once, then renders each path's print.html to PDF
runs times with WeasyPrint in this process (one path at a time, as one
worker of the build does), and with headless Chromium (page.pdf) as the
peer in the same run. Prints the median seconds per path and the ratio.
The goal (issue 7): under 1.5 s per path.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from polku.pdf import _one  # noqa: E402
from polku.site import build  # noqa: E402

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    out = Path(tempfile.mkdtemp()) / "site"
    site, _, _ = build(ROOT / "paths", ROOT / "templates", out)
    ids = [p.id for p in site.originals()]
    scratch = tempfile.mkdtemp()  # WeasyPrint's unpacked fonts, as write_pdfs gives them
    _one((str(out), f"{ids[0]}/print.html", "warm.pdf", scratch))  # fonts and imports, once per worker
    ours: list[float] = []
    for _ in range(args.runs):
        for path_id in ids:
            start = time.perf_counter()
            _one((str(out), f"{path_id}/print.html", f"{path_id}/{path_id}.pdf", scratch))
            ours.append(time.perf_counter() - start)
    print(f"WeasyPrint: median {statistics.median(ours):.2f} s per path ({len(ours)} renders of {', '.join(ids)})")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("playwright not installed: no peer measured")
        return
    peer: list[float] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page()
        for _ in range(args.runs):
            for path_id in ids:
                start = time.perf_counter()
                page.goto((out / path_id / "print.html").as_uri())
                page.pdf(format="A4", prefer_css_page_size=True)
                peer.append(time.perf_counter() - start)
        browser.close()
    print(f"Chromium page.pdf: median {statistics.median(peer):.2f} s per path")
    print(f"ratio WeasyPrint/Chromium: {statistics.median(ours) / statistics.median(peer):.2f}")


if __name__ == "__main__":
    main()
