"""polku diff: every kind of change, in words and as marked pictures, on a real
temporary git repository; exit statuses; the review site's safety and quality."""

from __future__ import annotations

import base64
import os
import re
import subprocess
from pathlib import Path

import pytest

from polku.cli import main
from polku.diff import Change

BASE = {
    "_site.yaml": "title: Palvelupolut\norganisation: Testin hyvinvointialue\naccessibility: {feedback: palaute@example.org}\n",
    "_roles.yaml": "ohjaaja: {name: Ohjaaja, text: Ohjaa.}\nvalmentaja: {name: Työhönvalmentaja, text: Valmentaa.}\n",
    "_roles.sv.yaml": "ohjaaja: {name: Handledare, text: Handleder.}\n",
    "polku.yaml": """title: Testipolku
subtitle: Alaotsikko
summary: Mitä polku on.
roles:
  oma: {name: Omatyöntekijä, text: Kulkee rinnalla.}
phases:
  - {id: alku, title: Alkuvaihe}
  - {id: loppu, title: Loppuvaihe}
steps:
  - id: tulo
    title: Tulohaastattelu
    phase: alku
    roles: [ohjaaja, oma]
    duration: 1 viikko
    note: Ota läheinen mukaan.
    text: Tavataan ensimmäisen kerran.
    professional: Kirjaa asiakastietojärjestelmään.
    links: [{title: Kela, url: "https://www.kela.fi/"}]
  - id: suunnitelma
    title: Suunnitelma
    phase: alku
    roles: [oma]
    pilot: {text: Yhteinen suunnitelma, status: ongoing}
    next: [kokeilu, opiskelu]
  - id: kokeilu
    title: Työkokeilu
    phase: loppu
    roles: [valmentaja]
    next: [loppu]
  - id: opiskelu
    title: Opiskelu
    phase: loppu
    optional: true
    next: [loppu, suunnitelma]
  - id: loppu
    title: Päättyy
    phase: loppu
    continues: toinen
    next: []
""",
    "polku.sv.yaml": """title: Teststig
steps:
  - {id: tulo, title: Inledande intervju}
  - {id: suunnitelma, title: Plan, next: [kokeilu, opiskelu]}
  - {id: kokeilu, title: Arbetsprövning, next: [loppu]}
  - {id: opiskelu, title: Studier, next: [loppu, suunnitelma]}
  - {id: loppu, title: Slut, next: []}
""",
    "toinen.yaml": "title: Toinen polku\nsteps:\n  - title: Ensimmäinen\n  - title: Toinen\n  - title: Kolmas\n",
}


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True,
                          env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                               "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}).stdout


@pytest.fixture
def repo(tmp_path: Path, monkeypatch) -> Path:
    """A content repository with BASE committed, as the working folder."""
    root = tmp_path / "sisalto"
    (root / "paths").mkdir(parents=True)
    for name, text in BASE.items():
        (root / "paths" / name).write_text(text, encoding="utf-8")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "base")
    monkeypatch.chdir(root)
    return root


def edit(repo: Path, name: str, old: str, new: str) -> None:
    file = repo / "paths" / name
    text = file.read_text(encoding="utf-8")
    assert old in text, (name, old)
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def diff(runner, *args: str):
    return runner.invoke(main, ["diff", *args])


def marks(html: str) -> dict[str, str]:
    """data-step -> data-change of every step group on a review page."""
    found = {}
    for tag in re.findall(r'<g class="step"[^>]*>', html):
        step = re.search(r'data-step="([^"]*)"', tag).group(1)
        change = re.search(r'data-change="([^"]*)"', tag)
        found[step] = change.group(1) if change else None
    return found


# ------------------------------------------------------------------ every kind of change, one at a time

CHANGES = [
    ("title", ("polku.yaml", "title: Tulohaastattelu", "title: Ensitapaaminen ja tulohaastattelu"),
     ["polku: step 'tulo': title 'Tulohaastattelu' → 'Ensitapaaminen ja tulohaastattelu'"], {"tulo": "changed"}),
    ("text", ("polku.yaml", "text: Tavataan ensimmäisen kerran.", "text: Tavataan ensimmäistä kertaa."),
     ["polku: step 'tulo': text 'Tavataan ensimmäisen kerran.' → 'Tavataan ensimmäistä kertaa.'"], {"tulo": "changed"}),
    ("professional", ("polku.yaml", "professional: Kirjaa", "professional: Muista kirjata"),
     ["polku: step 'tulo': professional 'Kirjaa asiakastietojärjestelmään.' → 'Muista kirjata asiakastietojärjestelmään.'"], {"tulo": "changed"}),
    ("a role leaves", ("polku.yaml", "roles: [ohjaaja, oma]", "roles: [ohjaaja]"),
     ["polku: step 'tulo': roles 'ohjaaja, oma' → 'ohjaaja'"], {"tulo": "changed"}),
    ("duration", ("polku.yaml", "duration: 1 viikko", "duration: 2 viikkoa"),
     ["polku: step 'tulo': duration '1 viikko' → '2 viikkoa'"], {"tulo": "changed"}),
    ("note", ("polku.yaml", "note: Ota läheinen mukaan.", "note: Ota läheinen tai tukihenkilö mukaan."),
     ["polku: step 'tulo': note 'Ota läheinen mukaan.' → 'Ota läheinen tai tukihenkilö mukaan.'"], {"tulo": "changed"}),
    ("a pilot loses its lamp", ("polku.yaml", "    pilot: {text: Yhteinen suunnitelma, status: ongoing}\n", ""),
     ["polku: step 'suunnitelma': pilot 'Yhteinen suunnitelma' → none"], {"suunnitelma": "changed"}),
    ("a pilot's status", ("polku.yaml", "status: ongoing", "status: ended"),
     ["polku: step 'suunnitelma': pilot.status 'ongoing' → 'ended'"], {"suunnitelma": "changed"}),
    ("a lamp is lit", ("polku.yaml", "title: Opiskelu\n", "title: Opiskelu\n    pilot: Opintovalmennus\n"),
     ["polku: step 'opiskelu': pilot none → 'Opintovalmennus'"], {"opiskelu": "changed"}),
    ("optional", ("polku.yaml", "    optional: true\n", ""),
     ["polku: step 'opiskelu': optional 'yes' → 'no'"], {"opiskelu": "changed"}),
    ("a fork", ("polku.yaml", "next: [kokeilu, opiskelu]", "next: [kokeilu]"),
     ["polku: step 'suunnitelma': next 'kokeilu, opiskelu' → 'kokeilu'"], {"suunnitelma": "changed"}),
    ("a return loop", ("polku.yaml", "next: [loppu, suunnitelma]", "next: [loppu, tulo]"),
     ["polku: step 'opiskelu': next 'loppu, suunnitelma' → 'loppu, tulo'"], {"opiskelu": "changed"}),
    ("a step's phase", ("polku.yaml", "title: Työkokeilu\n    phase: loppu", "title: Työkokeilu\n    phase: alku"),
     ["polku: step 'kokeilu': phase 'loppu' → 'alku'"], {"kokeilu": "changed"}),
    ("a phase's title", ("polku.yaml", "title: Alkuvaihe}", "title: Aloitus}"),
     ["polku: phase 'alku': title 'Alkuvaihe' → 'Aloitus'"], {}),
    ("links", ("polku.yaml", "url: \"https://www.kela.fi/\"", "url: \"https://www.kela.fi/tyokokeilu\""),
     ["polku: step 'tulo': links 'Kela <https://www.kela.fi/>' → 'Kela <https://www.kela.fi/tyokokeilu>'"], {"tulo": "changed"}),
    ("continues", ("polku.yaml", "    continues: toinen\n", ""),
     ["polku: step 'loppu': continues 'toinen' → none"], {"loppu": "changed"}),
    ("the path's title", ("polku.yaml", "title: Testipolku", "title: Testipolku uudistettuna"),
     ["polku: title 'Testipolku' → 'Testipolku uudistettuna'"], {}),
    ("summary", ("polku.yaml", "summary: Mitä polku on.", "summary: Mitä polku on ja kenelle."),
     ["polku: summary 'Mitä polku on.' → 'Mitä polku on ja kenelle.'"], {}),
    ("a path's own role", ("polku.yaml", "name: Omatyöntekijä,", "name: Oma työntekijä,"),
     ["polku: role 'oma': name 'Omatyöntekijä' → 'Oma työntekijä'"], {}),
    ("a shared role", ("_roles.yaml", "name: Ohjaaja,", "name: Työtoiminnan ohjaaja,"),
     ["_roles: role 'ohjaaja': name 'Ohjaaja' → 'Työtoiminnan ohjaaja'"], None),
    ("a shared role's translation", ("_roles.sv.yaml", "name: Handledare,", "name: Arbetshandledare,"),
     ["_roles.sv: role 'ohjaaja': name 'Handledare' → 'Arbetshandledare'"], None),
    ("site settings", ("_site.yaml", "title: Palvelupolut", "title: Polut"),
     ["_site: title 'Palvelupolut' → 'Polut'"], None),
    ("a translation", ("polku.sv.yaml", "title: Plan,", "title: Planering,"),
     ["polku.sv: step 'suunnitelma': title 'Plan' → 'Planering'"], None),
]


@pytest.mark.parametrize("what, change, expected, marked", CHANGES, ids=[c[0] for c in CHANGES])
def test_each_kind_of_change_is_one_line_naming_the_path_and_step(runner, repo, what, change, expected, marked):
    edit(repo, *change)
    result = diff(runner)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == expected
    if marked is not None:
        page = (repo / "review" / "polku" / "index.html").read_text(encoding="utf-8")
        assert {s: c for s, c in marks(page).items() if c} == marked


def test_steps_added_removed_and_moved(runner, repo):
    text = (repo / "paths" / "polku.yaml").read_text(encoding="utf-8")
    kokeilu = text[text.index("  - id: kokeilu"): text.index("  - id: opiskelu")]
    text = text.replace(kokeilu, "")  # removed
    text = text.replace("next: [kokeilu, opiskelu]", "next: [opiskelu]")
    text = text.replace("  - id: loppu\n", "  - id: palaute\n    title: Palaute\n    phase: loppu\n  - id: loppu\n")  # added
    tulo = text[text.index("  - id: tulo"): text.index("  - id: suunnitelma")]
    text = text.replace(tulo, "")
    text = text.replace("  - id: opiskelu", tulo + "  - id: opiskelu")  # moved below suunnitelma
    (repo / "paths" / "polku.yaml").write_text(text, encoding="utf-8")
    edit(repo, "polku.sv.yaml", "  - {id: kokeilu, title: Arbetsprövning, next: [loppu]}\n", "")
    edit(repo, "polku.sv.yaml", "next: [kokeilu, opiskelu]", "next: [opiskelu]")
    result = diff(runner)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    # tulo and suunnitelma changed places: one of them moved, and the summary names one.
    moves = [line for line in lines if ": moved from" in line]
    assert moves in (["polku: step 'tulo': moved from place 1 to place 2"], ["polku: step 'suunnitelma': moved from place 2 to place 1"])
    assert "polku: step 'suunnitelma': next 'kokeilu, opiskelu' → 'opiskelu'" in lines
    assert "polku: step 'palaute' added: 'Palaute'" in lines
    assert "polku: step 'kokeilu' removed: 'Työkokeilu'" in lines
    assert "polku.sv: step 'kokeilu' removed: 'Arbetsprövning'" in lines
    page = (repo / "review" / "polku" / "index.html").read_text(encoding="utf-8")
    new, old = page.split('id="picture-old"')
    moved = re.search(r"step '(\w+)': moved", moves[0]).group(1)
    assert {s: c for s, c in marks(new).items() if c} == {moved: "changed", "suunnitelma": "changed", "palaute": "added"}
    assert {s: c for s, c in marks(old).items() if c} == {"kokeilu": "removed"}
    assert "kokeilu" not in marks(new), "the removed step is drawn only in the old picture"
    index = (repo / "review" / "index.html").read_text(encoding="utf-8")
    assert 'href="polku/index.html"' in index and 'href="polku.sv/index.html"' in index
    assert 'href="toinen/index.html"' not in index, "unchanged paths are not listed"


def test_paths_added_and_removed_whole(runner, repo):
    (repo / "paths" / "uusi.yaml").write_text("title: Uusi polku\nsteps:\n  - {id: a, title: Alku}\n", encoding="utf-8")
    (repo / "paths" / "toinen.yaml").unlink()
    edit(repo, "polku.yaml", "    continues: toinen\n", "")
    result = diff(runner)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "polku: step 'loppu': continues 'toinen' → none",
        "toinen: path removed: 'Toinen polku'",
        "uusi: path added: 'Uusi polku'",
    ]
    assert marks((repo / "review" / "uusi" / "index.html").read_text(encoding="utf-8")) == {"a": "added"}
    assert set(marks((repo / "review" / "toinen" / "index.html").read_text(encoding="utf-8")).values()) == {"removed"}


def test_unchanged_paths_print_nothing_and_numbered_steps_are_matched_by_title(runner, repo):
    result = diff(runner)
    assert (result.exit_code, result.stdout) == (0, "")
    assert "0 path(s) changed" in result.stderr
    # A step inserted at the top of a path without ids renumbers the others: only the new one is new.
    edit(repo, "toinen.yaml", "steps:\n", "steps:\n  - title: Nollas\n")
    result = diff(runner)
    assert result.stdout.splitlines() == ["toinen: step '1' added: 'Nollas'"]
    page = (repo / "review" / "toinen" / "index.html").read_text(encoding="utf-8")
    assert {s: c for s, c in marks(page).items() if c} == {"1": "added"}


def test_compared_with_another_revision(runner, repo):
    edit(repo, "polku.yaml", "title: Suunnitelma", "title: Yhteinen suunnitelma")
    _git(repo, "commit", "-qam", "second")
    assert diff(runner).stdout == ""
    result = diff(runner, "HEAD~1", "--out", "tarkastelu")
    assert result.stdout.splitlines() == ["polku: step 'suunnitelma': title 'Suunnitelma' → 'Yhteinen suunnitelma'"]
    assert (repo / "tarkastelu" / "polku" / "index.html").is_file()


def test_long_texts_are_cut_around_the_difference_and_kept_on_one_line():
    old = "Alku " * 30 + "vanha sana\nja rivi" + " loppu" * 30
    new = "Alku " * 30 + "uusi sana\nja rivi" + " loppu" * 30
    line = str(Change("p", ("step", "s"), "text", "changed", old, new))
    assert "\n" not in line and len(line) < 200
    assert "vanha sana\\nja rivi" in line and "uusi sana\\nja rivi" in line


def test_when_of_a_branch(runner, repo):
    edit(repo, "polku.yaml", "next: [kokeilu, opiskelu]", "next: [{step: kokeilu, when: Jos haluat kokeilla työtä}, opiskelu]")
    _git(repo, "commit", "-qam", "when")
    edit(repo, "polku.yaml", "when: Jos haluat kokeilla työtä}", "when: Jos työ kiinnostaa}")
    edit(repo, "polku.sv.yaml", "next: [kokeilu, opiskelu]", "next: [{step: kokeilu, when: Om du vill}, opiskelu]")
    result = diff(runner)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "polku: step 'suunnitelma': when (next 'kokeilu') 'Jos haluat kokeilla työtä' → 'Jos työ kiinnostaa'",
        "polku.sv: step 'suunnitelma': when (next 'kokeilu') none → 'Om du vill'",
    ]
    page = (repo / "review" / "polku" / "index.html").read_text(encoding="utf-8")
    assert {s: c for s, c in marks(page).items() if c} == {"suunnitelma": "changed"}
    assert "Milloin vaiheeseen kokeilu" in page


def write_site(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


# ------------------------------------------------------------------ exit statuses and safety


def test_errors_in_the_new_version_exit_1_with_file_line_col_and_write_nothing(runner, repo):
    edit(repo, "polku.yaml", "roles: [oma]", "roles: [omaa]")
    result = diff(runner)
    assert result.exit_code == 1
    assert "paths/polku.yaml:22:13: steps[2].roles: unknown role 'omaa' (did you mean 'oma'?)" in result.stderr
    assert result.stdout == ""
    assert not (repo / "review").exists()


def test_outside_a_git_repository_exit_2(runner, tmp_path, monkeypatch):
    write_site(tmp_path / "paths", {"a.yaml": "title: A\nsteps:\n  - title: B\n"})
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    result = diff(runner)
    assert result.exit_code == 2
    assert "is not inside a git repository" in result.stderr
    assert not (tmp_path / "review").exists()


@pytest.mark.parametrize("rev", ["ei-ole", "--output=x", "HEAD~5"])
def test_an_unknown_revision_exit_2(runner, repo, rev):
    result = diff(runner, "--", rev) if rev.startswith("-") else diff(runner, rev)
    assert result.exit_code == 2
    assert "unknown revision" in result.stderr or "is not a git revision" in result.stderr
    assert not (repo / "review").exists() and not (repo / "x").exists()


def test_a_version_with_problems_at_the_revision_is_compared_as_new(runner, repo):
    (repo / "paths" / "kolmas.yaml").write_text("titel: Kolmas\nsteps:\n  - title: A\n", encoding="utf-8")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "broken")
    edit(repo, "kolmas.yaml", "titel: Kolmas", "title: Kolmas")
    result = diff(runner)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["kolmas: path added: 'Kolmas'"]
    assert "HEAD:paths/kolmas.yaml had problems at that revision" in result.stderr


def test_never_touches_site_and_is_deterministic(runner, repo):
    site = repo / "site"
    site.mkdir()
    (site / "index.html").write_text("oma", encoding="utf-8")
    edit(repo, "polku.yaml", "title: Tulohaastattelu", "title: Ensitapaaminen")
    assert diff(runner).exit_code == 0
    first = {p.relative_to(repo / "review").as_posix(): p.read_bytes() for p in sorted((repo / "review").rglob("*")) if p.is_file()}
    assert diff(runner).exit_code == 0
    second = {p.relative_to(repo / "review").as_posix(): p.read_bytes() for p in sorted((repo / "review").rglob("*")) if p.is_file()}
    assert first == second
    assert [p.name for p in site.iterdir()] == ["index.html"] and (site / "index.html").read_text(encoding="utf-8") == "oma"
    assert not any(name.endswith((".svg", ".js")) and name.startswith("http") for name in first)
    for name, data in first.items():
        if name.endswith((".html", ".css")):
            assert not re.search(rb"(src|href)=\"(https?:)?//", data), f"{name} loads from another host"


def test_the_output_folder_follows_the_rules_of_build(runner, repo):
    edit(repo, "polku.yaml", "title: Tulohaastattelu", "title: Ensitapaaminen")
    (repo / "muistiinpanot").mkdir()
    (repo / "muistiinpanot" / "tarkea.txt").write_text("älä hävitä", encoding="utf-8")
    for out in (".", "", "paths", "muistiinpanot"):
        result = diff(runner, "--out", out)
        assert result.exit_code == 2, (out, result.output)
        assert result.stdout == "" and result.stderr.count("\n") == 1, "one line, before anything else is done"
    assert (repo / "muistiinpanot" / "tarkea.txt").read_text(encoding="utf-8") == "älä hävitä"
    assert len(list((repo / "paths").iterdir())) == len(BASE)


def test_a_built_site_is_never_the_review_folder(runner, repo):
    from polku.site import build

    build(repo / "paths", Path(__file__).resolve().parent.parent / "templates", repo / "site")
    before = sorted(p.relative_to(repo / "site").as_posix() for p in (repo / "site").rglob("*"))
    edit(repo, "polku.yaml", "title: Tulohaastattelu", "title: Ensitapaaminen")
    result = diff(runner, "--out", "site")
    assert result.exit_code == 2
    assert "built site" in result.stderr
    assert sorted(p.relative_to(repo / "site").as_posix() for p in (repo / "site").rglob("*")) == before


# ------------------------------------------------------------------ the review site in Chromium and the Nu Html Checker


@pytest.fixture(scope="module")
def review_site(tmp_path_factory) -> Path:
    """A review with every mark: steps added, changed, moved and removed, a path
    added and removed, a translation, shared roles and settings."""
    from polku.review import review, write

    root = tmp_path_factory.mktemp("review") / "sisalto"
    write_site(root / "paths", BASE)
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "base")
    paths = root / "paths"
    text = (paths / "polku.yaml").read_text(encoding="utf-8")
    text = text.replace("title: Tulohaastattelu", "title: Ensitapaaminen ja tulohaastattelu")
    text = text.replace("    pilot: {text: Yhteinen suunnitelma, status: ongoing}\n", "")
    text = text.replace("  - id: loppu\n", "  - id: palaute\n    title: Palaute <b>ja</b> & arvio\n    phase: loppu\n  - id: loppu\n")
    kokeilu = text[text.index("  - id: kokeilu"): text.index("  - id: opiskelu")]
    text = text.replace(kokeilu, "").replace("next: [kokeilu, opiskelu]", "next: [opiskelu]")
    (paths / "polku.yaml").write_text(text, encoding="utf-8")
    (paths / "polku.sv.yaml").write_text(BASE["polku.sv.yaml"].replace("title: Plan,", "title: Planering,"), encoding="utf-8")
    (paths / "_roles.yaml").write_text(BASE["_roles.yaml"].replace("name: Ohjaaja,", "name: Työtoiminnan ohjaaja,"), encoding="utf-8")
    (paths / "uusi.yaml").write_text("title: Uusi polku\nsteps:\n  - {id: a, title: Alku}\n", encoding="utf-8")
    out = root / "review"
    write(review(paths, "HEAD", "paths"), str(out), (str(paths),))
    return out


def test_review_pages_pass_axe(browser, review_site):
    from .test_quality import AXE, _axe, _need

    _need(AXE, "axe-core")
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    found = {}
    pages = sorted(review_site.rglob("*.html"))
    assert len(pages) == 4  # the index, polku, polku.sv and uusi
    for html in pages:
        page.goto(html.as_uri())
        page.evaluate("document.fonts.ready")
        if violations := _axe(page):
            found[html.relative_to(review_site).as_posix()] = violations
    context.close()
    assert found == {}


def test_review_pages_pass_the_nu_html_checker(review_site):
    import shutil

    from .test_quality import VNU, _need, nu_check

    _need(VNU, "vnu-jar")
    java = shutil.which("java")
    if not java:
        pytest.skip("no Java to run the Nu Html Checker (apt-get install default-jre-headless)")
    messages = nu_check(java, [str(p) for p in sorted(review_site.rglob("*.html"))])
    assert messages == []


def test_marks_carry_a_word_and_a_pattern_not_colour_alone(browser, review_site):
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto((review_site / "polku" / "index.html").as_uri())
    page.evaluate("document.fonts.ready")
    seen = page.evaluate("""(() => [...document.querySelectorAll('g.step[data-change]')].map(g => {
        const svg = g.ownerSVGElement;
        const word = svg.querySelector(`.change-mark[data-step="${CSS.escape(g.dataset.step)}"] text`);
        const fill = getComputedStyle(g.querySelector('.box')).fill;
        return {step: g.dataset.step, change: g.dataset.change, word: word && word.textContent, fill};
    }))()""")
    assert {(s["step"], s["change"]) for s in seen} == {("tulo", "changed"), ("suunnitelma", "changed"), ("palaute", "added"), ("kokeilu", "removed")}
    words = {"added": "+ Uusi", "changed": "± Muuttunut", "removed": "− Poistettu"}
    for s in seen:
        assert s["word"] == words[s["change"]], s
        assert s["fill"] == f'url("#pattern-{s["change"]}")', s
    # The pattern is really drawn: the card's pixels are not one flat colour.
    card = page.locator('g.step[data-change="added"] .box')
    card.scroll_into_view_if_needed()
    box = card.bounding_box()
    shot = page.screenshot(clip={"x": box["x"] + box["width"] - 40, "y": box["y"] + 4, "width": 30, "height": 12})
    colours = page.evaluate("""async (url) => {
        const img = new Image(); img.src = url; await img.decode();
        const canvas = document.createElement('canvas'); canvas.width = img.width; canvas.height = img.height;
        const ctx = canvas.getContext('2d'); ctx.drawImage(img, 0, 0);
        const data = ctx.getImageData(0, 0, img.width, img.height).data; const seen = new Set();
        for (let i = 0; i < data.length; i += 4) seen.add(data[i] + ',' + data[i + 1] + ',' + data[i + 2]);
        return seen.size;
    }""", "data:image/png;base64," + base64.b64encode(shot).decode("ascii"))
    assert colours > 2, "stripes on the added card"
    page.close()


def test_hostile_text_is_escaped_in_the_review(review_site):
    page = (review_site / "polku" / "index.html").read_text(encoding="utf-8")
    assert "<b>ja</b>" not in page and "Palaute &lt;b&gt;ja&lt;/b&gt; &amp; arvio" in page


def test_paths_in_a_subfolder_of_the_repository(runner, repo, monkeypatch):
    (repo / "sivusto").mkdir()
    _git(repo, "mv", "paths", "sivusto/polut")
    _git(repo, "commit", "-qm", "move")
    monkeypatch.chdir(repo / "sivusto")
    file = repo / "sivusto" / "polut" / "toinen.yaml"
    file.write_text(file.read_text(encoding="utf-8").replace("title: Kolmas", "title: Kolmas vaihe"), encoding="utf-8")
    result = diff(runner, "--paths", "polut")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["toinen: step '3': title 'Kolmas' → 'Kolmas vaihe'"]
    assert (repo / "sivusto" / "review" / "toinen" / "index.html").is_file()
    assert diff(runner, "--paths", "ei-ole").exit_code == 2
