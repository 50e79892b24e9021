"""Paths made up for browser tests of the picture in use: many lengths, forks of
2 to 4 ways, joins, return loops and long Finnish compounds in titles and text.

Each generator is deterministic: the same name gives the same file."""

from __future__ import annotations

from pathlib import Path

LONG_WORDS = [
    "Asiakassuunnitelmaneuvottelu", "Työllistymissuunnitelmaneuvottelukokous", "Kuntoutusmahdollisuusselvitys",
    "Palvelutarpeenarviointikäynti", "Toimeentulotukihakemuskäsittely", "Ammatinvalintapsykologikonsultaatio",
]
SHORT = ["Alkukartoitus", "Tapaaminen", "Työkokeilu", "Arvio", "Päätös", "Jakso alkaa", "Väliarvio", "Opiskelu",
         "Palkkatuettu työ", "Loppuarvio", "Seuranta", "Jälkikontakti"]


def _title(i: int) -> str:
    if i % 3 == 1:
        return LONG_WORDS[(i // 3) % len(LONG_WORDS)]
    return f"{SHORT[i % len(SHORT)]} {i + 1}"


def _text(i: int) -> str:
    words = ("Tässä vaiheessa asiakas ja ammattilainen käyvät yhdessä läpi, mitä on tapahtunut ja mitä seuraavaksi "
             f"tehdään. {LONG_WORDS[i % len(LONG_WORDS)]} kirjataan asiakastietojärjestelmään. ")
    return words * (1 + i % 3)


def make(n: int, forks: dict[int, int] | None = None, loops: dict[int, int] | None = None) -> str:
    """A path of n steps. forks: step index -> ways (the branches run side by side
    and join at the step after them); loops: step index -> earlier step index."""
    forks = forks or {}
    loops = loops or {}
    nexts: dict[int, list[int]] = {i: [i + 1] if i + 1 < n else [] for i in range(n)}
    i = 0
    while i < n:
        ways = forks.get(i, 0)
        if ways and i + ways + 1 < n:
            branches = list(range(i + 1, i + 1 + ways))
            join = i + ways + 1
            nexts[i] = branches
            for b in branches:
                nexts[b] = [join]
            i = join
            continue
        i += 1
    for src, dst in loops.items():
        nexts[src] = nexts[src] + [dst]
    roles = "roles:\n  ohjaaja: {name: Omaohjaaja}\n  sossu: {name: Sosiaalityöntekijä}\n  kela: {name: Kelan asiantuntija}\n"
    lines = [f"title: Testipolku {n}", "summary: Polku testejä varten.", roles,
             "phases:\n  - {id: alku, title: Palveluun hakeutuminen}\n  - {id: loppu, title: Jatkosuunnitelmaneuvottelu}",
             "steps:"]
    for i in range(n):
        nxt = ", ".join(f"s{t}" for t in nexts[i])
        role = ["ohjaaja", "sossu", "kela"][i % 3]
        phase = "alku" if i < n // 2 else "loppu"
        lines.append(f"  - id: s{i}\n    title: {_title(i)}\n    phase: {phase}\n    roles: [{role}]\n"
                     f"    text: {_text(i)}\n    next: [{nxt}]")
    return "\n".join(lines) + "\n"


SHAPES = {
    "p3": dict(n=3),
    "p12": dict(n=12, forks={2: 2}, loops={9: 3}),
    "p24": dict(n=24, forks={2: 3, 12: 2}, loops={10: 4, 20: 13}),
    "p30": dict(n=30, forks={3: 4, 15: 3, 22: 2}, loops={12: 1, 27: 17}),
    "fork4": dict(n=8, forks={1: 4}, loops={7: 0}),
}


# Random paths (tools of this session, seeds 300-330) that once failed a browser
# check: a fork of uneven lanes ending where a row turned, an 8-step road drawn
# in one wide row, a fork of four lanes and a return loop. Kept as they were found.
FOUND = Path(__file__).resolve().parent / "examples" / "found"


def write(folder: Path, names=None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, shape in SHAPES.items():
        if names is None or name in names:
            (folder / f"{name}.yaml").write_text(make(**shape), encoding="utf-8")
    for found in sorted(FOUND.glob("*.yaml")):
        if names is None or found.stem in names:
            (folder / found.name).write_bytes(found.read_bytes())
    return folder


def names() -> list[str]:
    """Every generated path and every path found, by id."""
    return list(SHAPES) + sorted(found.stem for found in FOUND.glob("*.yaml"))
