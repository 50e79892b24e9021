"""Render a checked Site into pages and diagrams, and write it atomically.

build() reads and checks everything first; only then is anything written,
into a fresh folder beside the output, which replaces the output in one
rename when every page has been written. A failed build leaves the previous
site exactly as it was.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path as FsPath

import jinja2

from . import markup
from .i18n import catalogue, translator
from .layout import layout
from .load import load_site
from .model import LANGUAGES, Path, Site
from .colour import role_style
from .layout import RoleMark
from .svg import render as render_svg, render_role_mark


@dataclass(frozen=True)
class Edition:
    """The pages of one language: originals at the root, translations under <lang>/."""

    language: str
    prefix: str  # "" or "sv/"
    paths: tuple[Path, ...]


def editions(site: Site) -> list[Edition]:
    out = [Edition(site.language, "", tuple(site.originals()))]
    for lang in sorted({p.language for p in site.paths if p.is_translation}):
        out.append(Edition(lang, f"{lang}/", tuple(p for p in site.paths if p.is_translation and p.language == lang)))
    return out


def _environment(templates: FsPath) -> jinja2.Environment:
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
    env.globals.update(language_names={lang: catalogue(lang)["language_name"] for lang in LANGUAGES}, role_anchor=role_anchor, loops=_loops, link_html=_link_html, format_date=format_date, page_number_css=page_number_css, role_mark=role_mark)
    return env


def css_string(text: str) -> markup.Markup:
    """A quoted CSS string that no text can break out of (nor out of <style>)."""
    escaped = "".join(c if c.isalnum() or c in " .,:;-–·/()" else f"\\{ord(c):x} " for c in str(text))
    return markup.Markup(f'"{escaped}"')


def page_number_css(language: str) -> markup.Markup:
    """'Sivu {page}/{pages}' as a CSS content value with page counters."""
    parts = re.split(r"(\{page\}|\{pages\})", catalogue(language)["print_page"])
    values = {"{page}": "counter(page)", "{pages}": "counter(pages)"}
    return markup.Markup(" ".join(values.get(p) or str(css_string(p)) for p in parts if p))


def role_mark(path: Path, role_id: str) -> markup.Markup:
    """The role's shape and colour as a small inline SVG, as in the diagram."""
    colour, shape = role_style(path, role_id)
    mark = render_role_mark(RoleMark(role_id, 1, 1, 12, colour, shape))
    return markup.Markup(f'<svg class="role-icon" viewBox="0 0 14 14" width="14" height="14" aria-hidden="true">{mark}</svg>')


def _loops(path: Path, step) -> list[str]:
    return [n for n in step.next if path.is_loop(step, n)]


def _link_html(link, external_label: str) -> markup.Markup:
    external = link.url.lower().startswith(("http:", "https:", "//"))
    if not external:
        return markup.Markup('<a href="{}">{}</a>').format(link.url, link.title)
    return markup.Markup('<a class="external" href="{}" rel="noopener noreferrer">{} <span class="visually-hidden">{}</span></a>').format(
        link.url, link.title, external_label
    )


MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")


def format_date(iso: str, language: str) -> str:
    """A checked YYYY-MM-DD date as each language writes it."""
    year, month, day = (int(part) for part in iso.split("-"))
    if language == "en":
        return f"{day} {MONTHS_EN[month - 1]} {year}"
    return f"{day}.{month}.{year}"


def render_site(site: Site, templates: FsPath, pdf: bool = False) -> dict[str, bytes]:
    """Every output file, by its path relative to the site root."""
    env = _environment(templates)
    env.globals["build_date"] = _source_date()
    files: dict[str, bytes] = {}
    all_editions = editions(site)
    titles_by_lang = {e.language: {p.id: p.title for p in e.paths} for e in all_editions}
    default_titles = titles_by_lang[site.language]

    def versions_of(path_id: str) -> list[tuple[str, str]]:
        """(language, site-relative folder) of every version of a path."""
        return [(e.language, f"{e.prefix}{path_id}/") for e in all_editions if any(p.id == path_id for p in e.paths)]

    for edition in all_editions:
        t = translator(edition.language)
        root = "../" * edition.prefix.count("/")
        common = {"site": site, "t": t, "edition": edition, "editions": all_editions}
        path_titles = {**default_titles, **titles_by_lang[edition.language]}
        for path in edition.paths:
            pt = translator(path.language)
            diagram = layout(path, pt, path_titles)
            up = root + "../"
            standalone = render_svg(diagram, f"d-{path.id}", asset_prefix=f"{up}assets/", standalone=True)
            inline = render_svg(diagram, f"d-{path.id}", asset_prefix=f"{up}assets/", standalone=False)
            here = f"{edition.prefix}{path.id}/"

            def path_href(other: str, up: str = up, edition: Edition = edition) -> str:
                """The other path in this language if it exists, else its original."""
                prefix = edition.prefix if any(p.id == other for p in edition.paths) else ""
                return f"{up}{prefix}{other}/index.html"

            files[f"{here}{path.id}.svg"] = ('<?xml version="1.0" encoding="utf-8"?>\n' + standalone + "\n").encode("utf-8")
            page_args = dict(
                **{**common, "t": pt},
                lang=path.language,
                path=path,
                svg=markup.Markup(inline),
                up=up,
                path_titles=path_titles,
                path_href=path_href,
                pdf=pdf,
            )
            versions = [(lang, up + folder) for lang, folder in versions_of(path.id)]  # folders; each page adds its file name
            files[f"{here}index.html"] = env.get_template("path.html").render(
                **page_args, audience="client", versions=[(lang, f"{href}index.html") for lang, href in versions], page_title=f"{path.title} – {site.title}",
            ).encode("utf-8")
            files[f"{here}professional.html"] = env.get_template("path.html").render(
                **page_args, audience="professional", versions=[(lang, f"{href}professional.html") for lang, href in versions],
                page_title=f"{path.title} ({pt('professional_version')}) – {site.title}",
            ).encode("utf-8")
            files[f"{here}print.html"] = env.get_template("print.html").render(
                **page_args, versions=[(lang, f"{href}print.html") for lang, href in versions],
                page_title=f"{path.title} ({pt('print')}) – {site.title}",
            ).encode("utf-8")
        index_versions = [(e.language, root + e.prefix + "index.html") for e in all_editions]
        files[f"{edition.prefix}index.html"] = env.get_template("index.html").render(
            **common, lang=edition.language, up=root, versions=index_versions,
            page_title=site.title if not edition.prefix else f"{t('all_paths')} – {site.title}",
        ).encode("utf-8")
        files[f"{edition.prefix}roles/index.html"] = env.get_template("roles.html").render(
            **common, lang=edition.language, up=root + "../", roles=_role_directory(site, edition),
            versions=[(lang, root + "../" + href + "roles/index.html") for lang, href in ((e.language, e.prefix) for e in all_editions)],
            page_title=f"{t('roles_title')} – {site.title}",
        ).encode("utf-8")
        files[f"{edition.prefix}pilots/index.html"] = env.get_template("pilots.html").render(
            **common, lang=edition.language, up=root + "../", pilots=[(p, s) for p in edition.paths for s in p.steps if s.pilot],
            versions=[(lang, root + "../" + href + "pilots/index.html") for lang, href in ((e.language, e.prefix) for e in all_editions)],
            page_title=f"{t('pilots_title')} – {site.title}",
        ).encode("utf-8")

        files[f"{edition.prefix}accessibility/index.html"] = env.get_template("accessibility.html").render(
            **common, lang=edition.language, up=root + "../",
            versions=[(lang, root + "../" + href + "accessibility/index.html") for lang, href in ((e.language, e.prefix) for e in all_editions)],
            page_title=f"{t('a11y_title')} – {site.title}",
        ).encode("utf-8")

    for name, data in _assets(templates):
        files[f"assets/{name}"] = data
    return files


def _source_date() -> str:
    """The build's date for the PDF metadata, only when SOURCE_DATE_EPOCH asks for one
    (reproducible-builds.org): otherwise no build date is written anywhere."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch.isdigit():
        return ""
    return datetime.fromtimestamp(int(epoch), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def role_anchor(path: Path, role_id: str) -> str:
    """Shared roles have one entry on the site; a path's own roles one per path."""
    return f"role-{role_id}" if path.roles[role_id].shared else f"role-{path.id}-{role_id}"


def _role_directory(site: Site, edition: Edition) -> list[dict]:
    """Every role of the edition with the steps where it acts, shared roles first."""
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
    return sorted(entries.values(), key=lambda e: (e["path"] is not None, e["role"].name.casefold(), e["anchor"]))


def _assets(templates: FsPath) -> list[tuple[str, bytes]]:
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


def _safe_join(root: FsPath, relative: str) -> FsPath:
    """Refuse to write outside the output folder, whatever a name says."""
    target = (root / relative).resolve()
    if not target.is_relative_to(root.resolve()):
        raise ValueError(f"refusing to write outside the site: {relative}")
    return target


def write_atomically(files: dict[str, bytes], out: FsPath, finish=None) -> None:
    """Write files into a staging folder, let finish(staging) add to it, then swap it in."""
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = FsPath(tempfile.mkdtemp(prefix=f".{out.name}-new-", dir=out.parent))
    try:
        for relative in sorted(files):
            target = _safe_join(staging, relative)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(files[relative])
        if finish is not None:
            finish(staging)
        os.chmod(staging, 0o755)
        if out.exists():
            old = FsPath(tempfile.mkdtemp(prefix=f".{out.name}-old-", dir=out.parent))
            os.rename(out, old / out.name)
            os.rename(staging, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def build(paths: FsPath, templates: FsPath, out: FsPath, shown: str | None = None, pdf: bool = False):
    """Check everything, render everything, then replace out. Returns the warnings."""
    site, warnings = load_site(paths, shown)
    files = render_site(site, templates, pdf=pdf)
    finish = None
    if pdf:
        from .pdf import write_pdfs

        jobs = [(f"{e.prefix}{p.id}/print.html", f"{e.prefix}{p.id}/{p.id}.pdf") for e in editions(site) for p in e.paths]
        finish = lambda staging: write_pdfs(staging, jobs)  # noqa: E731
    write_atomically(files, out, finish)
    return site, warnings, files
