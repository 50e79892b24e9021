"""The pictures of the meeting guide (docs/opas.md, README), made from the bundled paths.

    python tools/screenshots.py [--out docs/img]

Builds paths/ into a temporary site and photographs it in Debian's Chromium
(/usr/bin/chromium, through Playwright) as a professional uses it with a
client: the search, the path and its picture (the overview), the walk-through,
the presentation view, "my path", and the personal handout. Re-run it whenever
the pages change: it rewrites every picture, so the guide shows the pages as
they are. Each shot presses the same buttons and keys a person would; if a
button it needs is gone, it stops and says which, so the guide gets updated too.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
VIEWPORT = {"width": 1280, "height": 720}


def _need(page, selector: str, shot: str) -> None:
    if page.locator(selector).count() == 0:
        sys.exit(f"screenshots: {shot}: the page has no {selector!r} any more; update tools/screenshots.py and docs/opas.md")


def shots(site: Path, out: Path) -> list[str]:
    from playwright.sync_api import sync_playwright

    made: list[str] = []
    suvi = (site / "suvi" / "index.html").as_uri()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1, reduced_motion="reduce")
        page = context.new_page()

        def save(name: str, **options) -> None:
            page.evaluate("document.fonts.ready")
            page.screenshot(path=str(out / name), **options)
            made.append(name)

        # 1. The index page: search for a step in any form.
        page.goto((site / "index.html").as_uri())
        _need(page, "#search", "haku.png")
        page.fill("#search", "työkokeilussa")
        page.wait_for_selector(".search-hit")
        save("haku.png")

        # 2. The path page: the picture of the whole path (the overview) and the buttons.
        page.goto(suvi)
        _need(page, ".walk-start", "polku.png")
        save("polku.png")

        # 3. The walk-through, started with the button, two steps on with the arrow key.
        page.click(".walk-start")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(300)
        save("lapikaynti.png")

        # 4. The presentation view: large, for a screen shared with the client.
        _need(page, ".walk-present", "esitys.png")
        page.click(".walk-present")
        page.wait_for_timeout(300)
        save("esitys.png")
        page.keyboard.press("Escape")
        page.keyboard.press("Escape")

        # 5. "My path": the form, filled in together with the client.
        page.goto(suvi)
        _need(page, ".mypath-toggle", "oma-polku.png")
        page.click(".mypath-toggle")
        page.select_option("#mypath-at", index=5)
        forks = page.locator(".mypath-fork")
        if forks.count():
            forks.first.locator("input[type=radio]").nth(1).check()
        page.locator("#mypath").scroll_into_view_if_needed()
        save("oma-polku.png", clip=_box(page, "#mypath"))

        # 6. The path with only the client's steps, and where they are now.
        page.click("#mypath button[type=submit]")
        page.wait_for_timeout(300)
        save("oma-polku-valittu.png")

        # 7. The handout of that path, as it prints (A4).
        _need(page, ".mypath-print", "moniste.png")
        handout = page.get_attribute(".mypath-print", "href")
        page.goto(suvi.rsplit("/", 1)[0] + "/" + handout)
        page.emulate_media(media="print")
        page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
        save("moniste.png")
        browser.close()
    return made


def _box(page, selector: str) -> dict:
    box = page.locator(selector).bounding_box()
    top = max(0, box["y"] - 16)
    return {"x": 0, "y": top, "width": VIEWPORT["width"], "height": min(VIEWPORT["height"], box["height"] + 32)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "img"))
    options = parser.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"screenshots: no Chromium at {CHROMIUM} (apt-get install chromium)")
    from polku.site import build

    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="polku-shots-") as tmp:
        site = Path(tmp) / "site"
        build(ROOT / "paths", ROOT / "templates", site)
        for name in shots(site, out):
            print(f"wrote {out / name}")


if __name__ == "__main__":
    main()
