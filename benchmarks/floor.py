"""What the build of N generated paths costs with less and less of it, against MkDocs and Hugo.

    python benchmarks/floor.py [--paths 1000] [--runs 3]

Issue 19 asked for 1,000 paths in at most 0.25x MkDocs' time and at most
3x Hugo's (benchmarks/build.py measures the build as it is). This script
shows how much of that time is the pictures, by building the same paths
(benchmarks/build.py's) in one run, each a fresh process, median of `runs`:

- polku build: as an editor runs it;
- polku build, no picture: the same pages, with every picture (the layout
  for the screen and for paper, and the SVG) left out, an empty one in its
  place: what the model, the templates and writing the files cost alone;
- polku check: reading and checking the files, nothing written;
- MkDocs and Hugo on the same words, as in benchmarks/build.py.

If the build with no picture at all is already over an aim, no speed-up of
the pictures can reach it.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build import ROOT, _beside_python, timed, write_hugo, write_mkdocs, write_polku  # noqa: E402

# The build, with the four picture stages of polku/site.py's render_path made empty.
NO_PICTURE = """
import sys
sys.path.insert(0, sys.argv.pop(1))
import polku.site as site
site.prepare = lambda path, t, titles: None
site.screen = lambda prepared: None
site.render_pair = lambda diagram, id_prefix, asset_prefix: ("<svg/>", "<svg/>")
site.paper_parts = lambda prepared, paper, id_prefix, placed: []
from polku.cli import run
sys.argv[0] = "polku"
run()
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paths", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="polku-floor-"))
    try:
        write_polku(work / "paths", args.paths)
        write_mkdocs(work / "mk", args.paths)
        write_hugo(work / "hugo", work / "mk")
        build = ["build", "--paths", "paths", "--templates", str(ROOT / "templates"), "--out", "site"]
        commands = {
            "polku build": ([sys.executable, str(ROOT / "build.py"), *build], work),
            "polku build, no picture": ([sys.executable, "-c", NO_PICTURE, str(ROOT), *build], work),
            "polku check": ([sys.executable, str(ROOT / "build.py"), "check", "--paths", "paths"], work),
            "MkDocs": ([shutil.which("mkdocs") or _beside_python("mkdocs") or "mkdocs", "build", "--quiet", "--site-dir", "site"], work / "mk"),
            "Hugo": (["hugo", "--quiet", "--destination", "public"], work / "hugo"),
        }
        if shutil.which("hugo") is None:
            del commands["Hugo"]
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):  # in turns, so that a busy moment falls on each alike
            for name, (command, cwd) in commands.items():
                times[name].append(timed(command, cwd)[0])
        medians = {name: statistics.median(values) for name, values in times.items()}
        print(f"{args.paths} paths, median of {args.runs} run(s), each a fresh process; ratios from this run:")
        for name, seconds in medians.items():
            ratios = "".join(f"  {seconds / medians[peer]:5.2f}x {peer}" for peer in ("MkDocs", "Hugo") if peer in medians and peer != name)
            print(f"  {name:<24} {seconds:6.2f} s{ratios}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
