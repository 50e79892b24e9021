"""Render a checked Site into pages and diagrams, and write it atomically.

build() reads and checks everything first; only then is anything written,
into a fresh folder beside the output, which replaces the output in one
atomic exchange when every page has been written (polku/swap.py). A failed build leaves the previous
site exactly as it was.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timezone
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterator
from xml.sax.saxutils import escape as xml_escape

import jinja2
from babel import dates as babel_dates

from . import markup, search
from .i18n import catalogue, strings, translator
from .layout import prepare, screen
from .measure import hyphenate
from .load import load_site
from .outdir import MARKER, MARKER_TEXT, check_output_dir
from .pages import AccessibilityPage, HandoutPage, IndexPage, Page, PathPage, PilotsPage, RolesPage, code_attributes, fields_read, template_attributes
from .paper import parts as paper_parts
from .swap import write_atomically
from .workers import run as workers_run
from .model import LANGUAGES, ServicePath, Site, Step
from . import marks as role_marks
from .model import Mark, Role
from .svg import render_pair


@dataclass(frozen=True)
class Edition:
    """The pages of one language: originals at the root, translations under <lang>/."""

    language: str
    prefix: str  # "" or "sv/"
    paths: tuple[ServicePath, ...]

    @property
    def root(self) -> str:
        """From this edition's index page up to the site root: "" or "../"."""
        return "../" * self.prefix.count("/")


def editions(site: Site) -> list[Edition]:
    out = [Edition(site.language, "", tuple(site.originals()))]
    for lang in sorted({p.language for p in site.paths if p.is_translation}):
        out.append(Edition(lang, f"{lang}/", tuple(p for p in site.paths if p.is_translation and p.language == lang)))
    return out


@lru_cache(maxsize=4)
def environment(templates: Path) -> jinja2.Environment:
    """The page templates (one per process and folder: templates compile once)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = markup.render
    env.filters["css_string"] = css_string
    env.filters["shy"] = shy
    env.globals["templates_folder"] = templates
    env.globals.update(language_names={lang: catalogue(lang)["language_name"] for lang in LANGUAGES}, role_anchor=role_anchor, link_html=_link_html, format_date=format_date, page_number_css=page_number_css)
    return env


# Soft hyphens: a long word (Finnish compounds run to 30 letters and more) may
# break at its syllables on a narrow screen, as it does in the picture. Only
# words of SHY_MIN letters or more get them; text inside tags, <code> and
# <pre> is left as it is.
SHY_MIN = 10
_LONG_WORD = re.compile(r"[^\W\d_]{%d,}" % SHY_MIN)
_TAG = re.compile(r"(<[^>]*>)")


@jinja2.pass_context
def shy(context, text) -> markup.Markup:
    """Jinja filter: text (escaped unless it is already Markup) with soft
    hyphens at the syllable breaks the picture uses for the page's language."""
    return soft_hyphens(text, context.get("lang", "fi"))


def soft_hyphens(text, language: str = "fi") -> markup.Markup:
    html = str(text) if isinstance(text, markup.Markup) else str(markup.escape(text))
    return _soft_hyphens(html, language)


@lru_cache(maxsize=4096)  # a path's three pages show the same texts
def _soft_hyphens(html: str, language: str) -> markup.Markup:
    if not _LONG_WORD.search(html):
        return markup.Markup(html)
    parts = _TAG.split(html)
    verbatim = 0  # depth inside <code> or <pre>
    for i, part in enumerate(parts):
        if i % 2:
            name = part[1:].split(None, 1)[0].rstrip(">/").lower() if len(part) > 2 else ""
            if name in ("code", "pre"):
                verbatim += 1
            elif name in ("/code", "/pre"):
                verbatim = max(0, verbatim - 1)
        elif not verbatim and part:
            parts[i] = _LONG_WORD.sub(lambda m: _hyphenate_word(m.group(0), language), part)
    return markup.Markup("".join(parts))


@lru_cache(maxsize=8192)
def _hyphenate_word(word: str, language: str) -> str:
    # Not two letters alone on a line: "jatkosuunnitel-ma" reads badly.
    breaks = [b for b in hyphenate(word, language) if 3 <= b <= len(word) - 3]
    if not breaks:
        return word
    pieces = [word[a:b] for a, b in zip([0, *breaks], [*breaks, len(word)])]
    return "\u00ad".join(pieces)


def css_string(text: str) -> markup.Markup:
    """A quoted CSS string that no text can break out of (nor out of <style>)."""
    escaped = "".join(c if c.isalnum() or c in " .,:;-–·/()" else f"\\{ord(c):x} " for c in str(text))
    return markup.Markup(f'"{escaped}"')


def page_number_css(language: str) -> markup.Markup:
    """'Sivu {page}/{pages}' as a CSS content value with page counters."""
    parts = re.split(r"(\{page\}|\{pages\})", catalogue(language)["print_page"])
    values = {"{page}": "counter(page)", "{pages}": "counter(pages)"}
    return markup.Markup(" ".join(values.get(p) or str(css_string(p)) for p in parts if p))


def mark_html(role_id: str, mark: Mark, size: int, language: str | None = None) -> markup.Markup:
    """A role's mark as a small inline SVG, drawn as in the diagrams. With a
    language it is an image whose text alternative says what the mark looks
    like ("purple diamond"); without, decoration beside the role's name."""
    return markup.Markup(role_marks.inline_svg(role_id, mark, size, mark_label(mark, language) if language else ""))


@lru_cache(maxsize=1024)
def mark_label(mark: Mark, language: str) -> str:
    t = translator(language)
    names = {code: name for name, code in role_marks.PALETTE.items()}
    colour = t(f"colour_{names[mark.colour]}") if mark.colour in names else t("colour_own")
    return t("mark_label", colour=colour, symbol=t(f"symbol_{mark.symbol}"))


def role_card(role: Role, card_id: str, size: int, language: str, href: str | None = None, owner: str = "",
              meets: list[dict] | None = None, paths: tuple[str, ...] = (), steps: tuple[tuple[str, int], ...] = ()) -> dict:
    """What templates/_role_card.html shows of one role. meets: groups of
    {"title": path title or "", "path": path id, "steps": [(label, href or None)]}.
    steps: (id, number) of the steps the role is in, for the handout's sheet,
    whose "my path" version leaves out the people the client does not meet."""
    mark = role.mark or role_marks.shared_marks([role])[role.id]
    return {"id": card_id, "role": role, "mark": mark_html(role.id, mark, size, language), "href": href, "owner": owner,
            "meets": meets or [], "paths": paths, "steps": steps}


def _link_html(link, external_label: str) -> markup.Markup:
    external = markup.is_external(link.url)
    if not external:
        return markup.Markup('<a href="{}">{}</a>').format(link.url, link.title)
    return markup.Markup('<a class="external" href="{}" rel="noopener noreferrer">{} <span class="visually-hidden">{}</span></a>').format(
        link.url, link.title, external_label
    )


# Each language as it is written in Finland (Babel's CLDR data): Finnish,
# Finland Swedish, and British English, which Finnish public services use.
LOCALES = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_GB"}


@lru_cache(maxsize=1024)
def format_date(iso: str, language: str) -> str:
    """A checked YYYY-MM-DD date in the language's own long form:
    20. marraskuuta 2026, 20 november 2026, 20 November 2026."""
    return babel_dates.format_date(date.fromisoformat(iso), format="long", locale=LOCALES[language])


@dataclass(frozen=True)
class PathJob:
    """Everything the pages of one path depend on, and nothing else.

    A path's pages are a pure function of its job: a build hands jobs to
    worker processes, and `serve` re-renders a path only when its job has
    changed (same_pages_as)."""

    path: ServicePath
    site: Site  # without its paths: the pages name the site, not its other paths
    edition: Edition  # likewise without its paths
    versions: tuple[tuple[str, str], ...]  # (language, folder of that version, relative to this one)
    continued: tuple[tuple[str, str, str], ...]  # (path id, title, href) of the paths this one continues in
    pdf: bool
    build_date: str

    @property
    def folder(self) -> str:
        """Where the path's files go in the site: "suvi" or "sv/suvi"."""
        return f"{self.edition.prefix}{self.path.id}"

    def same_pages_as(self, other: "PathJob") -> bool:
        """True when other gives the same pages: every field of the job is
        equal. load_site's cache gives an unchanged file the very same ServicePath
        object, so identity is enough for the path."""
        return all(getattr(self, f.name) is getattr(other, f.name) if f.name == "path" else getattr(self, f.name) == getattr(other, f.name)
                   for f in fields(self))


SITE_PAGES = (IndexPage, RolesPage, PilotsPage, AccessibilityPage)


def common_digest(site: Site, env: jinja2.Environment) -> tuple:
    """Everything the site pages (index, roles, pilots, accessibility) and the
    search data can show: when it is unchanged (an edit to a step's
    professional notes, say), `serve` does not render them again. Which fields
    of the paths and steps that is comes from what their templates and the
    code that prepares them read (_site_page_fields), not from a list."""
    path_fields, step_fields = _site_page_fields(env)
    return (replace(site, paths=()), tuple(
        (tuple(getattr(p, name) for name in path_fields), tuple(tuple(getattr(s, name) for name in step_fields) for s in p.steps))
        for p in site.paths
    ))


@lru_cache(maxsize=4)
def _site_page_fields(env: jinja2.Environment) -> tuple[tuple[str, ...], tuple[str, ...]]:
    names = set(code_attributes([render_common], [search]))
    for page in SITE_PAGES:
        names |= template_attributes(env, page.template)
    return tuple(f for f in fields_read(names, ServicePath) if f != "steps"), fields_read(names, Step)


def path_jobs(site: Site, pdf: bool = False) -> list[PathJob]:
    all_editions = editions(site)
    titles_by_lang = {e.language: {p.id: p.title for p in e.paths} for e in all_editions}
    ids_by_lang = {e.language: {p.id for p in e.paths} for e in all_editions}
    bare_site = replace(site, paths=())
    build_date = _source_date()
    jobs = []
    for edition in all_editions:
        bare_edition = replace(edition, paths=())
        up = edition.root + "../"
        for path in edition.paths:
            versions = tuple((e.language, f"{up}{e.prefix}{path.id}/") for e in all_editions if path.id in ids_by_lang[e.language])
            continued = []
            for other in sorted({s.continues for s in path.steps if s.continues}):
                here = other in ids_by_lang[edition.language]
                titles = titles_by_lang[edition.language] if here else titles_by_lang[site.language]
                prefix = edition.prefix if here else ""
                continued.append((other, titles.get(other, other), f"{up}{prefix}{other}/index.html"))
            jobs.append(PathJob(path, bare_site, bare_edition, versions, tuple(continued), pdf, build_date))
    return jobs


def render_path(job: PathJob, env: jinja2.Environment) -> dict[str, bytes]:
    """The pages and the diagram of one path, by their paths in the site."""
    path, edition, site = job.path, job.edition, job.site
    pt = translator(path.language)
    up = edition.root + "../"
    path_titles = {other: title for other, title, _ in job.continued}
    hrefs = {other: href for other, _, href in job.continued}
    prepared = prepare(path, pt, path_titles)
    diagram = screen(prepared)
    standalone, inline = render_pair(diagram, f"d-{path.id}", asset_prefix=f"{up}assets/")
    picture = paper_parts(prepared, job.site.paper, id_prefix=f"p-{path.id}-", placed=diagram)
    here = f"{job.folder}/"
    used = path.roles_used()
    acts = {role.id: [step for step in path.steps if role.id in step.roles] for role in used}

    def both(page: str, title: str) -> dict:
        """What the path page and the handout share, for one of the pages."""
        return dict(site=site, T=strings(path.language), edition=edition, lang=path.language, up=up,
                    versions=[(lang, f"{folder}{page}") for lang, folder in job.versions], page_title=f"{title} – {site.title}",
                    canonical=canonical(site, here + page), t=pt, path=path, path_titles=path_titles,
                    steps={step.id: step for step in path.steps},
                    marks={role.id: mark_html(role.id, role_marks.of(path, role.id), 24) for role in used})

    def path_page(page: str, title: str, audience: str) -> bytes:
        roles_page = f"{up}{edition.prefix}roles/index.html"
        who = [role_card(role, f"who-{role.id}", 28, path.language, href=f"{roles_page}#{role_anchor(path, role.id)}",
                         meets=[_group("", path.id, [(f"{step.number}. {step.title}", f"#step-{step.id}") for step in acts[role.id]])])
               for role in used]
        return _render(env, PathPage(**both(page, title), svg=markup.Markup(inline), audience=audience, anchors={rid: role_anchor(path, rid) for rid in path.roles},
                                     path_href=lambda other: hrefs.get(other, f"{up}{other}/index.html"), pdf=job.pdf, who=who))

    sheet = [role_card(role, f"sheet-{role.id}", 26, path.language, meets=[_group("", path.id, [(_step_numbers(pt, [s.number for s in acts[role.id]]), None)])],
                       steps=tuple((s.id, s.number) for s in acts[role.id]))
             for role in used]
    return {
        f"{here}{path.id}.svg": ('<?xml version="1.0" encoding="utf-8"?>\n' + standalone + "\n").encode("utf-8"),
        f"{here}index.html": path_page("index.html", path.title, "client"),
        f"{here}professional.html": path_page("professional.html", f"{path.title} ({pt('professional_version')})", "professional"),
        f"{here}print.html": _render(env, HandoutPage(**both("print.html", f"{path.title} ({pt('print')})"), build_date=job.build_date, sheet=sheet,
                                                          picture=[{**vars(part), "svg": markup.Markup(part.svg)} for part in picture], paper=job.site.paper)),
    }


def _render(env: jinja2.Environment, page: Page) -> bytes:
    return env.get_template(page.template).render(page.context()).encode("utf-8")


def _stream(env: jinja2.Environment, page: Page) -> Iterator[str]:
    """A page as its template's stream of text (common_files)."""
    return env.get_template(page.template).generate(page.context())


def canonical(site: Site, page: str) -> str:
    """A page's address under _site.yaml's base_url ("" without one); a
    folder's index.html is the folder's address."""
    if not site.base_url:
        return ""
    return site.base_url + (page[: -len("index.html")] if page == "index.html" or page.endswith("/index.html") else page)


def render_common(site: Site, env: jinja2.Environment) -> dict[str, bytes]:
    """The pages about the whole site, per language: index, roles, pilots and the
    accessibility statement; the search data; sitemap.xml with a base_url; and the assets."""
    return {name: data if isinstance(data, bytes) else "".join(data).encode("utf-8") for name, data in common_files(site, env)}


def common_files(site: Site, env: jinja2.Environment, keep_search_docs: bool = True) -> Iterator[tuple[str, "bytes | Iterator[str]"]]:
    """render_common one file at a time, a page as the template's stream of text,
    so that a build writes each as it comes and never holds them all: the roles
    page of 10,000 paths alone is tens of megabytes. keep_search_docs: remember
    each path's search terms for the next call (`serve`; a build calls once)."""
    all_editions = editions(site)
    for edition in all_editions:
        t = translator(edition.language)
        root = edition.root

        def page(name: str, title: str, up: str) -> dict:
            """What every site page has, for the page at name (e.g. roles/index.html) of this edition."""
            return dict(site=site, T=strings(edition.language), edition=edition, lang=edition.language, up=up,
                        versions=[(e.language, f"{up}{e.prefix}{name}") for e in all_editions], page_title=title,
                        canonical=canonical(site, edition.prefix + name))

        yield f"{edition.prefix}index.html", _stream(env, IndexPage(
            **page("index.html", site.title if not edition.prefix else f"{t('all_paths')} – {site.title}", root),
            search_algorithm=search.STEMMERS[edition.language]))
        yield f"{edition.prefix}search-index.js", search.search_script(site, edition.paths, edition.language, role_anchor, keep_search_docs)
        yield f"{edition.prefix}roles/index.html", _stream(env, RolesPage(
            **page("roles/index.html", f"{t('roles_title')} – {site.title}", root + "../"), t=t, roles=_role_directory(site, edition)))
        yield f"{edition.prefix}pilots/index.html", _stream(env, PilotsPage(
            **page("pilots/index.html", f"{t('pilots_title')} – {site.title}", root + "../"), t=t,
            pilots=[(p, s) for p in edition.paths for s in p.steps if s.pilot]))
        yield f"{edition.prefix}accessibility/index.html", _stream(env, AccessibilityPage(
            **page("accessibility/index.html", f"{t('a11y_title')} – {site.title}", root + "../"), t=t))
    if site.base_url:
        yield "sitemap.xml", sitemap(site)
    for name, data in _assets(env):
        yield f"assets/{name}", data
    yield MARKER, MARKER_TEXT  # what lets the next build replace this folder (polku/outdir.py)


def sitemap(site: Site) -> bytes:
    """sitemap.xml (sitemaps.org): the canonical address of every page, for search engines."""
    pages = []
    for edition in editions(site):
        pages += [f"{edition.prefix}{name}" for name in ("index.html", "roles/index.html", "pilots/index.html", "accessibility/index.html")]
        pages += [f"{edition.prefix}{p.id}/{name}" for p in edition.paths for name in ("index.html", "professional.html", "print.html")]
    urls = "".join(f"<url><loc>{xml_escape(canonical(site, page))}</loc></url>\n" for page in sorted(pages))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + urls + "</urlset>\n").encode("utf-8")


def render_site(site: Site, templates: Path, pdf: bool = False) -> dict[str, bytes]:
    """Every output file, by its path relative to the site root, in this process."""
    env = environment(templates)
    files = render_common(site, env)
    for job in path_jobs(site, pdf):
        files.update(render_path(job, env))
    return files


def _source_date() -> str:
    """The build's date for the PDF metadata, only when SOURCE_DATE_EPOCH asks for one
    (reproducible-builds.org): otherwise no build date is written anywhere."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch.isdigit():
        return ""
    return datetime.fromtimestamp(int(epoch), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def role_anchor(path: ServicePath, role_id: str) -> str:
    """Shared roles have one entry on the site; a path's own roles one per path."""
    return f"role-{role_id}" if path.roles[role_id].shared else f"role-{path.id}-{role_id}"


def _group(title: str, path_id: str, steps: list[tuple[str, str | None]]) -> dict:
    return {"title": title, "path": path_id, "steps": steps}


def _step_numbers(t, numbers: list[int]) -> str:
    if len(numbers) == 1:
        return t("role_meet_step", n=numbers[0])
    return t("role_meet_steps", numbers=", ".join(map(str, numbers)))


def _role_directory(site: Site, edition: Edition) -> Iterator[dict]:
    """Every role of the edition as a card, with the steps where it acts, shared
    roles first: one card at a time, as the page is written (a shared role's card
    on a site of 10,000 paths lists tens of thousands of steps)."""
    entries: dict[str, dict] = {}
    for role in site.shared_roles.get(edition.language, {}).values():
        entries[f"role-{role.id}"] = {"role": role, "anchor": f"role-{role.id}", "path": None, "steps": []}
    for path in edition.paths:
        for role in path.roles.values():
            anchor = role_anchor(path, role.id)
            entries.setdefault(anchor, {"role": role, "anchor": anchor, "path": None if role.shared else path, "steps": []})
        for step in path.steps:
            for rid in step.roles:
                entries[role_anchor(path, rid)]["steps"].append((path, step))
    up = edition.root + "../"
    for e in sorted(entries.values(), key=lambda e: (e["path"] is not None, e["role"].name.casefold(), e["anchor"])):
        by_path: dict[str, tuple[ServicePath, list]] = {}
        for path, step in e["steps"]:
            by_path.setdefault(path.id, (path, []))[1].append((f"{step.number}. {step.title}", f"{up}{edition.prefix}{path.id}/index.html#step-{step.id}"))
        meets = [_group(path.title, path.id, steps) for path, steps in by_path.values()]
        paths = tuple(by_path)
        yield role_card(e["role"], e["anchor"], 36, edition.language, owner=e["path"].title if e["path"] else "", meets=meets, paths=paths)


def _assets(env: jinja2.Environment) -> list[tuple[str, bytes]]:
    templates = env.globals["templates_folder"]
    out = []
    fonts = resources.files("polku").joinpath("assets/fonts")
    for item in sorted(fonts.iterdir(), key=lambda p: p.name):
        if item.name.endswith((".woff2", ".txt")):
            out.append((f"fonts/{item.name}", item.read_bytes()))
    own = templates / "assets"
    if own.is_dir():
        for file in sorted(own.rglob("*")):
            if file.is_file():
                out.append((file.relative_to(own).as_posix(), file.read_bytes()))
    return out


# ---------------------------------------------------------------- writing


def _safe_join(root: Path, relative: str) -> Path:
    """Refuse to write outside the output folder, whatever a name says. Names
    are judged as written (no '..', not absolute), and the staging folder is
    new and ours, so no link inside it can lead out."""
    parts = relative.split("/")
    if relative.startswith(("/", "\\")) or ":" in parts[0] or any(p in ("", ".", "..") or "\\" in p for p in parts):
        raise ValueError(f"refusing to write outside the site: {relative}")
    return root.joinpath(*parts)


def write_files(files: dict[str, bytes], root: Path) -> None:
    made: set[Path] = set()
    for relative in sorted(files):
        target = _safe_join(root, relative)
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_bytes(files[relative])


def _write_streamed(root: Path, relative: str, data: "bytes | Iterator[str]") -> None:
    """One file of common_files: bytes as they are, a page as its text comes."""
    target = _safe_join(root, relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        target.write_bytes(data)
        return
    with target.open("w", encoding="utf-8", newline="") as out:
        for chunk in data:
            out.write(chunk)


def _render_and_write(job: tuple[PathJob, Path, Path]) -> list[str]:
    """In a worker: one path's files, written straight into the staging folder
    (only their names travel back)."""
    path_job, templates, staging = job
    files = render_path(path_job, environment(templates))
    write_files(files, staging)
    return sorted(files)


def build(paths: Path, templates: Path, out: Path, shown: str | None = None, pdf: bool = False, workers: int | None = None,
          load_cache: dict | None = None, paper: str | None = None):
    """Check everything, render everything, then replace out.
    Returns the site, the warnings and the names of the files written.
    paper (a4, a3) overrides _site.yaml's paper for the handouts' pictures."""
    check_output_dir(out, (paths, templates))
    site, warnings = load_site(paths, shown, workers=workers, cache=load_cache)
    if paper:
        site = replace(site, paper=paper)
    names: list[str] = []

    def fill(staging: Path) -> None:
        def site_pages() -> None:  # here, while the workers render the paths, one file at a time
            for name, data in common_files(site, environment(templates), keep_search_docs=load_cache is not None):
                _write_streamed(staging, name, data)
                names.append(name)

        jobs = [(job, templates, staging) for job in path_jobs(site, pdf)]
        for written in workers_run(_render_and_write, jobs, workers, meanwhile=site_pages):
            names.extend(written)
        if pdf:
            from .pdf import write_pdfs

            prints = [(f"{e.prefix}{p.id}/print.html", f"{e.prefix}{p.id}/{p.id}.pdf") for e in editions(site) for p in e.paths]
            names.extend(write_pdfs(staging, prints))

    def waiting() -> None:
        print(f"polku: another build is writing {out}/; waiting for it to finish", file=sys.stderr, flush=True)

    write_atomically(fill, out, waiting)
    return site, warnings, sorted(names)
