"""Full-build time for N generated paths, against MkDocs 1.6 and Hugo on the same text.

    python benchmarks/build.py [--paths 1000] [--runs 3] [--no-mkdocs] [--no-hugo]

Generates N paths (12 steps, 4 roles, 2 pilots, one fork each, a summary,
a persona and a paragraph of client text and of professional notes per
step) and writes the same words as N Markdown pages for MkDocs (default
`mkdocs` theme, default plugins, i.e. with its search index). Both are
built in this run, each as a fresh process, as an editor or CI would run
them, and the median wall time of `runs` builds is printed with the
ratio, the peak memory (max RSS of the build and its workers) and the time
per path.

Hugo (Debian's `hugo` package) builds the same Markdown pages text only:
a minimal theme of two layouts (a page, a list) and no taxonomies, RSS or
sitemap, so it shows what a compiled generator needs for the words alone.

Only the ratios mean anything on a shared, loaded machine: each line
measures polku and its peers in the same run, one after the other.

The goal (issue 19): 1,000 paths in at most 0.25x MkDocs' time and at most
3x Hugo's, 10,000 paths under 300 MB, cost growing linearly to 10,000 paths.
`--paths 200,1000,5000` runs several sizes to show the growth.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TITLES = ["Yhteydenotto sosiaalipalveluihin", "Palvelutarpeen arviointi", "Asiakassuunnitelma", "Päätös palvelusta",
          "Työhönvalmennuksen aloitus", "Ammatillinen profiili", "Työnhaku", "Työkokeilu", "Palkkatuettu työ",
          "Tuki työssä", "Väliarvio", "Jälkikontaktointi"]
ROLES = [("omatyontekija", "Omatyöntekijä"), ("valmentaja", "Työhönvalmentaja"),
         ("sosiaalityontekija", "Sosiaalityöntekijä"), ("omavalmentaja", "Omavalmentaja")]
TEXT = ("Tapaat {role} ja kerrot, mikä arjessa sujuu ja missä tarvitset tukea. "
        "Yhdessä sovitte, mitä seuraavaksi tehdään ja kuka tekee mitä. "
        "Voit ottaa mukaan läheisen tai tukihenkilön.")
PRO = ("Kirjaa asiakkaan tavoitteet asiakassuunnitelmaan ja sovi vastuuhenkilö. "
       "Tarkista palvelutarpeen arvio ja ohjaa tarvittaessa monialaiseen arvioon.")


def path_content(n: int) -> dict:
    """One path as data: the same words go to polku (YAML) and MkDocs (Markdown)."""
    steps = []
    for i in range(12):
        role_a, role_b = ROLES[i % 4], ROLES[(i + 1) % 4]
        step = {
            "id": f"v{i + 1}",
            "title": f"{TITLES[i]} {n}",
            "roles": [role_a[0], role_b[0]],
            "text": TEXT.format(role=role_a[1].lower()),
            "professional": PRO,
        }
        if i % 3 == 1:
            step["duration"] = "1–2 viikkoa"
        if i in (3, 9):
            step["pilot"] = "Kokeilu, jonka jatko ei ole vielä varma."
        if i == 5:
            step["next"] = ["v7", "v9"]  # one fork: straight to a job search, or a work trial first
        if i == 7:
            step["next"] = ["v10"]
        steps.append(step)
    return {
        "title": f"Polku {n}",
        "subtitle": "Työhönvalmennus",
        "summary": f"Polku {n} kertoo, mitä työhönvalmennuksessa tapahtuu ja keitä ammattilaisia tapaat.",
        "persona": {"name": "Valtteri", "text": "Valtteri on 19-vuotias ja haluaa töihin."},
        "updated": "2026-11-20",
        "roles": {rid: {"name": name, "text": f"{name} tukee sinua polun aikana."} for rid, name in ROLES},
        "steps": steps,
    }


def write_polku(folder: Path, count: int) -> None:
    import yaml

    folder.mkdir(parents=True)
    (folder / "_site.yaml").write_text("title: Palvelupolut\norganisation: Hyvinvointialue\nlanguage: fi\n", encoding="utf-8")
    for n in range(1, count + 1):
        text = yaml.safe_dump(path_content(n), allow_unicode=True, sort_keys=False, width=100)
        (folder / f"polku-{n:05d}.yaml").write_text(text.replace("updated: '2026-11-20'", 'updated: "2026-11-20"'), encoding="utf-8")


def write_mkdocs(folder: Path, count: int) -> None:
    docs = folder / "docs"
    docs.mkdir(parents=True)
    (folder / "mkdocs.yml").write_text("site_name: Palvelupolut\ntheme:\n  name: mkdocs\n", encoding="utf-8")
    (docs / "index.md").write_text("# Palvelupolut\n", encoding="utf-8")
    for n in range(1, count + 1):
        data = path_content(n)
        lines = [f"# {data['title']}", "", f"*{data['subtitle']}*", "", data["summary"], "",
                 f"## {data['persona']['name']}", "", data["persona"]["text"], "", "## Keitä tapaat", ""]
        lines += [f"- **{role['name']}**: {role['text']}" for role in data["roles"].values()]
        for step in data["steps"]:
            lines += ["", f"## {step['title']}", "", ", ".join(data["roles"][r]["name"] for r in step["roles"]), ""]
            if "duration" in step:
                lines += [f"Kesto: {step['duration']}", ""]
            if "pilot" in step:
                lines += [f"> Kokeilu: {step['pilot']}", ""]
            lines += [step["text"], "", "### Ammattilaisille", "", step["professional"]]
        (docs / f"polku-{n:05d}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_hugo(folder: Path, markdown: Path) -> None:
    """A text-only Hugo site of the MkDocs pages: two minimal layouts, no theme."""
    (folder / "content").mkdir(parents=True)
    (folder / "hugo.toml").write_text(
        'baseURL = "http://localhost/"\ntitle = "Palvelupolut"\nlanguageCode = "fi"\n'
        'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]\n', encoding="utf-8")
    layouts = folder / "layouts" / "_default"
    layouts.mkdir(parents=True)
    page = ('<!doctype html><html lang="fi"><head><meta charset="utf-8"><title>{{ .Title }} – {{ site.Title }}</title></head>'
            '<body><main>{{ .Content }}</main></body></html>\n')
    (layouts / "single.html").write_text(page, encoding="utf-8")
    (layouts / "list.html").write_text(page.replace("{{ .Content }}", "{{ .Content }}<ul>{{ range .Pages }}"
                                                    '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>'), encoding="utf-8")
    for source in sorted((markdown / "docs").glob("polku-*.md")):
        text = source.read_text(encoding="utf-8")
        title, body = text.split("\n", 1)
        (folder / "content" / source.name).write_text(f'---\ntitle: "{title[2:]}"\n---\n{body}', encoding="utf-8")


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and peak memory (MB, the largest process of the command) of one run."""
    wrapper = [sys.executable, "-c", _MEASURE, *command]
    start = time.perf_counter()
    done = subprocess.run(wrapper, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    return seconds, float(done.stdout.strip().splitlines()[-1])


# Runs the command as a child and prints the largest peak RSS of it and its
# workers (ru_maxrss of RUSAGE_CHILDREN is the largest single descendant).
_MEASURE = """
import resource, subprocess, sys
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
sys.exit(code)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--paths", default="1000", help="number of paths, or several: 200,1000,5000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-mkdocs", action="store_true", help="leave MkDocs out")
    parser.add_argument("--no-hugo", action="store_true", help="leave Hugo out")
    args = parser.parse_args()
    mkdocs = None if args.no_mkdocs else shutil.which("mkdocs") or _beside_python("mkdocs")
    if not args.no_mkdocs and mkdocs is None:
        print("MkDocs is not installed (pip install mkdocs==1.6.1): leaving it out", file=sys.stderr)
    hugo = None if args.no_hugo else shutil.which("hugo")
    if not args.no_hugo and hugo is None:
        print("Hugo is not installed (apt-get install hugo): leaving it out", file=sys.stderr)
    print("The machine may be shared: compare the ratios, measured in this run, rather than the seconds.")
    print(f"{os.cpu_count()} core(s); median of {args.runs} run(s); each build a fresh process")
    for count in (int(n) for n in args.paths.split(",")):
        work = Path(tempfile.mkdtemp(prefix="polku-bench-"))
        try:
            write_polku(work / "paths", count)
            polku = [timed([sys.executable, str(ROOT / "build.py"), "build", "--paths", "paths", "--templates",
                            str(ROOT / "templates"), "--out", "site"], work) for _ in range(args.runs)]
            seconds = statistics.median(t for t, _ in polku)
            memory = max(m for _, m in polku)
            line = f"{count:>6} paths  polku {seconds:6.2f} s ({seconds / count * 1000:5.2f} ms/path, peak {memory:4.0f} MB)"
            if mkdocs or hugo:
                write_mkdocs(work / "mk", count)
            if mkdocs:
                theirs = [timed([mkdocs, "build", "--quiet", "--site-dir", "site"], work / "mk") for _ in range(args.runs)]
                their_seconds = statistics.median(t for t, _ in theirs)
                line += f"  MkDocs {their_seconds:6.2f} s (peak {max(m for _, m in theirs):4.0f} MB, polku/MkDocs {seconds / their_seconds:.2f})"
            if hugo:
                write_hugo(work / "hugo", work / "mk")
                theirs = [timed([hugo, "--quiet", "--destination", "public"], work / "hugo") for _ in range(args.runs)]
                their_seconds = statistics.median(t for t, _ in theirs)
                line += f"  Hugo {their_seconds:6.2f} s (peak {max(m for _, m in theirs):4.0f} MB, polku/Hugo {seconds / their_seconds:.2f})"
            print(line, flush=True)
        finally:
            shutil.rmtree(work, ignore_errors=True)


def _beside_python(name: str) -> str | None:
    """A tool installed into this Python's environment (a venv not on PATH)."""
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.is_file() else None


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    main()
