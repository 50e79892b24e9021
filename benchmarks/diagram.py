"""Layout plus drawing time of one path diagram, and connector crossings, against Graphviz.

    python benchmarks/diagram.py [--steps 12] [--runs 200] [--crossings]

Prints the median time for polku (polku/layout/ + svg.py, in process) and for
Graphviz `dot -Tsvg` on the same graph (a process per run, as a build that
shells out to it would pay), and their ratio. Graphviz is the peer because it
is what one would otherwise use to draw such a graph; install it with
`apt-get install graphviz`. Without it only polku is timed.

--crossings also counts, for the bundled paths and generated ones (3, 12,
24 and 30 steps; 2-, 3- and 4-way forks with joins and loops; random roads),
the points where forward connectors cross and where return loops cross
another connector: polku's from its layout's numbers (polku/rules.py),
dot's from its splines (`dot -Tjson`, each Bézier sampled as a polyline).
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

import json  # noqa: E402
import random  # noqa: E402

from polku import rules  # noqa: E402
from polku.i18n import translator  # noqa: E402
from polku.layout import layout  # noqa: E402
from polku.load import load_site  # noqa: E402
from polku.model import ServicePath, Pilot, Role, Step  # noqa: E402
from polku.svg import render  # noqa: E402
from polku.marks import shared_marks  # noqa: E402
from dataclasses import replace  # noqa: E402


def with_marks(roles: dict) -> dict:
    """Roles carrying their marks, as load_site gives them (marks.of would give them out on every call)."""
    marks = shared_marks(list(roles.values()))
    return {rid: replace(role, mark=marks[rid]) for rid, role in roles.items()}

TITLES = ["Yhteydenotto sosiaalipalveluihin", "Palvelutarpeen arviointi", "Asiakassuunnitelma", "Päätös",
          "Työhönvalmennuksen aloitus", "Ammatillinen profiili", "Työnhaku", "Työkokeilu", "Palkkatuettu työ",
          "Tuki työssä", "Väliarvio", "Jälkikontaktointi"]


def make_path(n: int) -> ServicePath:
    roles = {f"r{i}": Role(f"r{i}", name) for i, name in enumerate(["Omatyöntekijä", "Työhönvalmentaja", "Sosiaalityöntekijä", "Omavalmentaja"])}
    steps = []
    for i in range(n):
        nxt: tuple[str, ...] = (str(i + 2),) if i + 1 < n else ()
        if i == n // 2 and n > 3:
            nxt = (str(i + 2), str(i + 3))  # one fork
        steps.append(Step(id=str(i + 1), number=i + 1, title=f"{TITLES[i % len(TITLES)]} {i + 1}",
                          roles=(f"r{i % 4}", f"r{(i + 1) % 4}"), duration="1–2 viikkoa" if i % 2 else "",
                          pilot=Pilot("Kokeilu") if i in (3, 9) else None, next=nxt))
    return ServicePath(id="bench", language="fi", title="Benchmark", steps=tuple(steps), source="bench.yaml", roles=with_marks(roles))


def dot_source(path: ServicePath) -> str:
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


# ------------------------------------------------------------- crossings


def graph(nexts: list[list[int]], name: str = "p") -> ServicePath:
    """A path from each step's successors (0-based); a successor at or before a step is a return loop."""
    roles = {"r": Role("r", "Omatyöntekijä")}
    steps = tuple(Step(id=str(i + 1), number=i + 1, title=f"{TITLES[i % len(TITLES)]}", roles=("r",), next=tuple(str(j + 1) for j in dict.fromkeys(nx)))
                  for i, nx in enumerate(nexts))
    return ServicePath(id=name, language="fi", title=name, steps=steps, source=name, roles=with_marks(roles))


def chain(n: int) -> list[list[int]]:
    return [[i + 1] if i + 1 < n else [] for i in range(n)]


def fork(ways: int) -> list[list[int]]:
    """A fork of `ways` branches of two steps that join again, then a return loop to the start."""
    nexts = [[1 + 2 * w for w in range(ways)]]
    for w in range(ways):
        nexts += [[2 + 2 * w], [1 + 2 * ways]]
    return nexts + [[0, 2 + 2 * ways], []]


def road(seed: int) -> list[list[int]]:
    """A random road: forks of 2-4 branches (1-3 steps each) that join or end, and return loops."""
    rnd = random.Random(seed)
    nexts: list[list[int]] = [[]]
    main, last = [0], 0
    for _ in range(rnd.randint(2, 7)):
        if rnd.random() < 0.5:
            ends = []
            for _ in range(rnd.randint(2, 4)):
                prev = last
                for _ in range(rnd.randint(1, 3)):
                    nexts.append([])
                    nexts[prev].append(len(nexts) - 1)
                    prev = len(nexts) - 1
                ends.append(prev)
            nexts.append([])
            for n, end in enumerate(ends):
                if n == 0 or rnd.random() < 0.7:
                    nexts[end].append(len(nexts) - 1)
            last = len(nexts) - 1
        else:
            nexts.append([])
            nexts[last].append(len(nexts) - 1)
            last = len(nexts) - 1
        main.append(last)
    for _ in range(rnd.randint(0, 2)):
        a, b = sorted(rnd.sample(main, 2)) if len(main) > 1 else (0, 0)
        nexts[b].append(a)
    return nexts


def wild(seed: int) -> list[list[int]]:
    """Any step may lead anywhere: graphs no service path looks like, where crossings may be unavoidable."""
    rnd = random.Random(seed)
    n = rnd.randint(6, 20)
    return [[i + 1] if i + 1 < n and rnd.random() < 0.5 else [rnd.randrange(n) for _ in range(rnd.randint(0, 3))] for i in range(n)]


def dot_crossings(path: ServicePath, dot: str) -> tuple[int, int]:
    """(forward crossing points, return-loop crossing points) of dot's drawing of the same graph."""
    out = subprocess.run([dot, "-Tjson"], input=dot_source(path).encode(), capture_output=True, check=True)
    data = json.loads(out.stdout)
    names = {o["_gvid"]: o["name"] for o in data.get("objects", [])}
    lines = []
    for e in data.get("edges", []):
        points = []
        for op in e.get("_draw_", []):
            if op["op"] == "b":
                p = op["points"]
                for i in range(0, len(p) - 3, 3):
                    for k in range(17):
                        t = k / 16
                        points.append(tuple(sum(c * q[d] for c, q in zip(((1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t ** 3), p[i:i + 4])) for d in (0, 1)))
        source, target = names[e["tail"]], names[e["head"]]
        loop = path.index_of(target) <= path.index_of(source)
        lines.append((source, target, loop, points))
    forward: set = set()
    loops: set = set()
    for i, (a1, b1, l1, p1) in enumerate(lines):
        for a2, b2, l2, p2 in lines[i + 1:]:
            shared = {a1, b1} & {a2, b2}
            for s in zip(p1, p1[1:]):
                for t in zip(p2, p2[1:]):
                    x = _intersect(s, t)
                    if x is None or (shared and min(abs(x[0] - q[0]) + abs(x[1] - q[1]) for q in (p1[0], p1[-1], p2[0], p2[-1])) < 30):
                        continue  # where two edges of one node meet at it
                    key = (round(x[0]), round(x[1]))
                    (loops if l1 or l2 else forward).add(key)
    return len(forward), len(loops)


def _intersect(s, t):
    (x1, y1), (x2, y2) = s
    (x3, y3), (x4, y4) = t
    den = (x1 - x2) * (y3 - y4) - (y1 - y2) * (x3 - x4)
    if abs(den) < 1e-12:
        return None
    u = ((x1 - x3) * (y3 - y4) - (y1 - y3) * (x3 - x4)) / den
    v = -((x1 - x2) * (y1 - y3) - (y1 - y2) * (x1 - x3)) / den
    if 0 < u <= 1 and 0 < v <= 1:  # a crossing at a sample point counts once
        return (x1 + u * (x2 - x1), y1 + u * (y2 - y1))
    return None


def crossing_table() -> None:
    dot = shutil.which("dot")
    cases: list[tuple[str, ServicePath]] = []
    site, _ = load_site(Path(__file__).resolve().parent.parent / "paths")
    cases += [(p.id, p) for p in site.originals()]
    cases += [(f"chain-{n}", graph(chain(n))) for n in (3, 12, 24, 30)]
    cases += [(f"fork-{w}", graph(fork(w))) for w in (2, 3, 4)]
    cases += [(f"road-{seed}", graph(road(seed))) for seed in range(20)]
    cases += [(f"wild-{seed}", graph(wild(seed))) for seed in range(10)]
    print(f"{'graph':<12} {'steps':>5} | polku forward, loops (max per loop) | dot forward, loops")
    totals = [0, 0, 0, 0]
    for name, path in cases:
        d = layout(path, translator(path.language))
        forward, per_loop = rules.crossings(d)
        ours = (forward, sum(per_loop.values()), max(per_loop.values(), default=0))
        theirs = dot_crossings(path, dot) if dot else (-1, -1)
        totals = [a + b for a, b in zip(totals, (ours[0], ours[1], *theirs))]
        print(f"{name:<12} {len(path.steps):>5} | {ours[0]:>13} {ours[1]:>6} ({ours[2]})          | {theirs[0]:>11} {theirs[1]:>6}")
    print(f"{'total':<12} {'':>5} | {totals[0]:>13} {totals[1]:>6}              | {totals[2]:>11} {totals[3]:>6}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--crossings", action="store_true", help="count connector crossings, polku against dot")
    args = parser.parse_args()
    if args.crossings:
        crossing_table()
        return
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
