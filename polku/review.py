"""`polku diff`: read both versions, compare them (diff.py), and write the review
site: an index of the changed paths and, for each, its new picture with every
changed step marked, the old picture where steps were removed, and the changed
fields side by side in words.

The pages come from the package's own templates (polku/review_templates/), so
that a content repository without templates/ can review its changes in CI.
"""

from __future__ import annotations

import difflib
import re
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import jinja2

from . import revision as git
from .diff import Change, PathDiff, SiteDiff, compare
from .errors import ContentError, Diagnostic
from .i18n import strings, translator
from .layout import Diagram, layout
from .load import load_site
from .markup import Markup
from .model import Site
from .outdir import MARKER, MARKER_TEXT, OutputFolderError, check_output_dir
from .site import write_atomically, write_files
from .svg import El, num, render

KINDS = ("added", "changed", "removed")


@dataclass
class Review:
    diff: SiteDiff
    site: Site  # the working tree's
    old: Site | None
    revision: str
    commit: str
    warnings: list[Diagnostic]
    notes: list[str]  # what could not be read at the revision


def review(paths: Path, rev: str, shown: str) -> Review:
    """Both versions, compared. Raises RevisionError (wrong usage) or ContentError
    (the working tree has errors)."""
    top, folder = git.locate(paths)
    commit = git.resolve(top, rev)
    site, warnings = load_site(paths, shown=shown)
    old, notes = _load_old(git.files_at(top, commit, folder), f"{rev}:{folder}")
    return Review(compare(old, site), site, old, rev, commit, warnings, notes)


def _load_old(files: dict[str, bytes], shown: str) -> tuple[Site | None, list[str]]:
    """The old version, read by the same loader. Files that had problems at
    the revision are left out (their paths then count as new), and said so."""
    if not files:
        return None, []
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="polku-diff-") as tmp:
        folder = Path(tmp) / "paths"
        while True:
            git.write_folder(files, folder)
            try:
                return load_site(folder, shown=shown)[0], notes
            except ContentError as error:
                bad = sorted({d.file.rsplit("/", 1)[-1] for d in error.diagnostics if not d.warning} & files.keys())
                for name in bad:
                    notes.append(f"{shown}/{name} had problems at that revision, so it is compared as if it were new")
                    (folder / name).unlink(missing_ok=True)
                files = {n: d for n, d in files.items() if n not in bad}
                if not bad:
                    break
    notes.append(f"{shown} could not be read, so every path is compared as if it were new")
    return None, notes


# ---------------------------------------------------------------- the site


def check_out(out: str, sources: tuple[str, ...]) -> None:
    """The rules of `build --out` (outdir.py), and never a built site, which they allow."""
    check_output_dir(out, sources)
    if (Path(out) / "assets" / "polku.js").is_file():
        raise OutputFolderError(f"'{out}' holds a built site: polku diff never replaces it; write the review elsewhere, such as --out review")


def write(result: Review, out: str, sources: tuple[str, ...]) -> list[str]:
    """Check the output folder, then replace it with the review."""
    check_out(out, sources)
    files = render_review(result)
    files[MARKER] = MARKER_TEXT
    write_atomically(lambda staging: write_files(files, staging), Path(out))
    return sorted(files)


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    folder = resources.files("polku").joinpath("review_templates")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["words"] = word_diff
    return env


def render_review(result: Review) -> dict[str, bytes]:
    site = result.site
    lang = site.language
    T = strings(lang)
    env = _environment()
    common = dict(lang=lang, T=T, site=site, revision=result.revision, commit=result.commit[:12], notes=result.notes,
                  label=lambda change: field_label(change, T), subject=lambda change, path: subject_label(change, path, T))
    files: dict[str, bytes] = {}
    entries = []
    for item in result.diff.paths:
        counts = {kind: 0 for kind in KINDS}
        for mark in list(item.marks.values()) + list(item.removed.values()):
            counts[mark] += 1
        path = item.new or item.old
        entries.append({"key": item.key, "title": path.title, "language": path.language, "counts": counts,
                        "state": "added" if item.old is None else "removed" if item.new is None else "changed"})
        files[f"{item.key}/index.html"] = env.get_template("path.html").render(
            **common, up="../", item=item, path=path, groups=_groups(item.changes),
            new_svg=_picture(item, site, "new", T) if item.new else None,
            old_svg=_picture(item, result.old, "old", T) if item.old and item.removed else None,
        ).encode("utf-8")
    files["index.html"] = env.get_template("index.html").render(
        **common, up="", entries=entries, shared=_groups(result.diff.shared),
    ).encode("utf-8")
    folder = resources.files("polku")
    files["_assets/review.css"] = folder.joinpath("review_templates/review.css").read_bytes()
    for weight in (400, 700):
        name = f"atkinson-hyperlegible-next-{weight}.woff2"
        files[f"_assets/fonts/{name}"] = folder.joinpath(f"assets/fonts/{name}").read_bytes()
    return files


def _groups(changes: list[Change]) -> list[tuple[tuple[str, ...], list[Change]]]:
    """Changes by their subject, in the order they came (the summary's order)."""
    groups: dict[tuple, list[Change]] = {}
    for change in changes:
        groups.setdefault((change.path, *change.subject), []).append(change)
    return [(key, group) for key, group in groups.items()]


def field_label(change: Change, T) -> str:
    if not change.field:
        return getattr(T, f"review_{change.kind}")
    name = getattr(T, "review_field_" + change.field.replace(".", "_"), change.field)
    return name.format(step=change.detail) if change.field == "when" else name


def subject_label(change: Change, item: PathDiff | None, T) -> str:
    """'Vaihe tulo: Tulohaastattelu': what changed, named by id and, for a step, its title."""
    if not change.subject:
        return T.review_whole_file if change.path.startswith("_") else T.review_whole_path
    kind, sid = change.subject
    text = getattr(T, f"review_subject_{kind}").format(id=sid)
    versions = (item.new, item.old) if item is not None and kind == "step" else ()
    title = next((v.step(sid).title for v in versions if v is not None and sid in v.forward), "")
    return f"{text}: {title}" if title else text


def _picture(item: PathDiff, site: Site, version: str, T) -> Markup:
    """The path's picture with its changed steps marked: data-change on each
    step's group (the contract), and over it a patterned frame and a word."""
    path = item.new if version == "new" else item.old
    marks = item.marks if version == "new" else item.removed
    titles = {p.id: p.title for p in site.originals()}
    titles.update({p.id: p.title for p in site.paths if p.language == path.language})
    diagram = layout(path, translator(path.language), titles)
    prefix = f"r-{version}-{item.key.replace('.', '-')}"
    svg = render(diagram, prefix, standalone=False, step_attrs={sid: {"data-change": kind} for sid, kind in marks.items()})
    return Markup(svg[: svg.rindex("</svg>")] + _overlay(diagram, marks, T) + "</svg>")


def _overlay(diagram: Diagram, marks: dict[str, str], T) -> str:
    """A word on a tab at the foot of each marked card. The tab straddles the
    card's lower edge, inside its bottom padding and the gap below it."""
    group = El("g", {"class": "change-marks", "aria-hidden": "true"})
    for card in diagram.cards:
        kind = marks.get(card.step_id)
        if kind is None:
            continue
        word = getattr(T, f"review_mark_{kind}")
        width = 16 + 7.2 * len(word)
        x, y = card.x + card.w - width - 10, card.y + card.h - 8
        tab = group.add(El("g", {"class": f"change-mark change-{kind}", "data-change": kind, "data-step": card.step_id}))
        tab.add(El("rect", {"x": num(x), "y": num(y), "width": num(width), "height": "19", "rx": "4"}))
        tab.add(El("text", {"x": num(x + width / 2), "y": num(y + 14), "font-size": "12.5", "font-weight": "bold", "text-anchor": "middle"}, word))
    out: list[str] = []
    group.write(out)
    return "".join(out)


_WORDS = re.compile(r"\s+|[^\s]+")


def word_diff(pair: tuple[str, str], side: str) -> Markup:
    """One side of a change with the words that differ marked: <del> on the
    old side, <ins> on the new (struck through or underlined, not only coloured)."""
    old, new = pair
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    tag = "del" if side == "old" else "ins"
    mine = a if side == "old" else b
    if len(a) + len(b) > 4000:  # long texts: the whole text is the change
        return Markup(f"<{tag}>{{}}</{tag}>").format("".join(mine)) if mine else Markup("")
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        part = "".join(a[i1:i2] if side == "old" else b[j1:j2])
        if not part:
            continue
        out.append(Markup("{}").format(part) if op == "equal" else Markup(f"<{tag}>{{}}</{tag}>").format(part))
    return Markup("").join(out)
