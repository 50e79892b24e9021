"""Layout plus drawing time of one path diagram, against Graphviz in the same run.

    python benchmarks/diagram.py [--steps 12] [--runs 200]

Prints the median time for polku (layout.py + svg.py, in process) and for
Graphviz `dot -Tsvg` on the same graph (a process per run, as a build that
shells out to it would pay), and their ratio. Graphviz is the peer because it
is what one would otherwise use to draw such a graph; install it with
`apt-get install graphviz`. Without it only polku is timed.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from polku.i18n import translator  # noqa: E402
from polku.layout import layout  # noqa: E402
from polku.model import Path as PolkuPath, Pilot, Role, Step  # noqa: E402
from polku.svg import render  # noqa: E402

TITLES = ["Yhteydenotto sosiaalipalveluihin", "Palvelutarpeen arviointi", "Asiakassuunnitelma", "Päätös",
          "Työhönvalmennuksen aloitus", "Ammatillinen profiili", "Työnhaku", "Työkokeilu", "Palkkatuettu työ",
          "Tuki työssä", "Väliarvio", "Jälkikontaktointi"]


def make_path(n: int) -> PolkuPath:
    roles = {f"r{i}": Role(f"r{i}", name) for i, name in enumerate(["Omatyöntekijä", "Työhönvalmentaja", "Sosiaalityöntekijä", "Omavalmentaja"])}
    steps = []
    for i in range(n):
        nxt: tuple[str, ...] = (str(i + 2),) if i + 1 < n else ()
        if i == n // 2 and n > 3:
            nxt = (str(i + 2), str(i + 3))  # one fork
        steps.append(Step(id=str(i + 1), number=i + 1, title=f"{TITLES[i % len(TITLES)]} {i + 1}",
                          roles=(f"r{i % 4}", f"r{(i + 1) % 4}"), duration="1–2 viikkoa" if i % 2 else "",
                          pilot=Pilot("Kokeilu") if i in (3, 9) else None, next=nxt))
    return PolkuPath(id="bench", language="fi", title="Benchmark", steps=tuple(steps), source="bench.yaml", roles=roles)


def dot_source(path: PolkuPath) -> str:
    lines = ["digraph p { rankdir=LR; node [shape=box, style=rounded];"]
    for s in path.steps:
        label = s.title + "\\n" + "\\n".join(path.roles[r].name for r in s.roles)
        lines.append(f'  "{s.id}" [label="{label}"];')
        lines.extend(f'  "{s.id}" -> "{n}";' for n in s.next)
    return "\n".join(lines + ["}"])


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    path = make_path(args.steps)
    t = translator("fi")
    layout(path, t)  # warm the font metrics and caches
    ours = median_ms(lambda: render(layout(path, t), "d"), args.runs)
    layout_only = median_ms(lambda: layout(path, t), args.runs)
    print(f"polku layout+draw, {args.steps} steps: median {ours:.2f} ms (layout alone {layout_only:.2f} ms), {args.runs} runs")
    dot = shutil.which("dot")
    if dot:
        source = dot_source(path).encode()
        peer = median_ms(lambda: subprocess.run([dot, "-Tsvg"], input=source, capture_output=True, check=True), max(20, args.runs // 10))
        print(f"graphviz dot -Tsvg, same graph:  median {peer:.2f} ms")
        print(f"ratio polku/graphviz: {ours / peer:.2f}")
    else:
        print("graphviz not installed: no peer measured (apt-get install graphviz)")


if __name__ == "__main__":
    main()
