"""The command line: build, check, serve, new, diff, schema. No logic lives here."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import load
from .errors import ContentError, Diagnostic
from .outdir import check_output_dir

PATHS = click.option("--paths", "paths", default="paths", show_default=True, type=click.Path(file_okay=False, path_type=str), help="Folder of path files.")
OUT = click.option("--out", "out", default="site", show_default=True, type=click.Path(path_type=str), help="Output folder: polku replaces it whole, so only a new or empty folder or one polku wrote.")
TEMPLATES = click.option("--templates", "templates", default="templates", show_default=True, type=click.Path(file_okay=False, path_type=str),
                         help="Folder of page templates. Without the option and without a templates/ folder here, polku's own.")


def templates_folder(templates: str) -> Path:
    """The page templates to build with. An explicit --templates must exist;
    the default 'templates' falls back to polku's own templates, so that a
    content repository with only paths/ builds after a plain `pip install polku`:
    the installed package's polku/templates, or templates/ beside the polku
    folder in a checkout installed with `pip install -e`."""
    given = Path(templates)
    if given.is_dir():
        return given
    if templates == "templates":
        package = Path(__file__).resolve().parent
        for own in (package / "templates", package.parent / "templates"):
            if (own / "path.html").is_file():
                return own
    raise click.UsageError(f"no templates folder '{templates}'")


def _report(diagnostics: list[Diagnostic], then: str = "run again") -> None:
    for diagnostic in diagnostics:
        click.echo(str(diagnostic), err=True)
    errors = sum(not d.warning for d in diagnostics)
    warnings = len(diagnostics) - errors
    if errors:
        click.echo(f"{errors} error(s), {warnings} warning(s): nothing was written; fix the lines above and {then}.", err=True)


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="polku")
@click.pass_context
def main(ctx: click.Context) -> None:
    """polku: service-path descriptions from YAML files to a static site.

    Without a command, builds paths/ into site/.
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(build)


@main.command()
@PATHS
@TEMPLATES
@OUT
@click.option("--pdf", is_flag=True, help="Also write each handout as site/<id>/<id>.pdf (needs WeasyPrint).")
@click.option("--paper", type=click.Choice(["a4", "a3"]), default=None,
              help="Paper for the handouts' picture pages (default: _site.yaml's paper, else a4); a3 for wall charts.")
def build(paths: str = "paths", templates: str = "templates", out: str = "site", pdf: bool = False, paper: str | None = None) -> None:
    """Check every path file, then write the site. A failed build leaves the previous site untouched."""
    from .site import build as build_site

    if pdf:
        from .pdf import available

        if (missing := available()) is not None:
            raise click.UsageError(missing)
    folder = templates_folder(templates)
    check_output_dir(out, (paths, str(folder)))
    try:
        site, warnings, files = build_site(Path(paths), folder, Path(out), shown=paths.rstrip("/"), pdf=pdf, paper=paper)
    except ContentError as error:
        _report(error.diagnostics)
        sys.exit(1)
    except OSError as error:
        click.echo(f"polku: could not write the site: {error.strerror or error} ({error.filename}); the previous site was left as it was", err=True)
        sys.exit(1)
    _report(warnings)
    pages = sum(name.endswith(".html") for name in files)
    pdfs = f", {len(site.paths)} PDF(s)" if pdf else ""
    click.echo(f"Built {len(site.paths)} path(s), {pages} page(s){pdfs} into {out}/")


@main.command()
@PATHS
def check(paths: str = "paths") -> None:
    """Check the path files without writing anything (for CI and pre-commit)."""
    try:
        site, warnings = load.load_site(Path(paths), shown=paths.rstrip("/"))
    except ContentError as error:
        _report(error.diagnostics)
        sys.exit(1)
    _report(warnings)
    click.echo(f"{len(site.paths)} path(s) checked: no errors.")


@main.command()
@PATHS
@TEMPLATES
@OUT
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port on this computer (0: any free one).")
def serve(paths: str = "paths", templates: str = "templates", out: str = "site", port: int = 8000) -> None:
    """Preview the site while you edit: each save rebuilds what changed and updates the open page."""
    from .serve import serve as run_preview

    if not Path(paths).is_dir():
        raise click.UsageError(f"no folder '{paths}': give the folder that holds the path files with --paths")
    folder = templates_folder(templates)
    check_output_dir(out, (paths, str(folder)))
    try:
        run_preview(Path(paths), folder, Path(out), port, paths.rstrip("/"), lambda found: _report(found, "save again"))
    except OSError as error:
        raise click.UsageError(f"cannot serve on port {port}: {error.strerror or error}; try another with --port") from error


@main.command()
@click.argument("path_id", metavar="ID")
@PATHS
@click.option("--title", default="", help="The path's title (default: from the id).")
def new(path_id: str, paths: str = "paths", title: str = "") -> None:
    """Start paths/ID.yaml from a commented template that explains every field."""
    from .new import new_path

    try:
        written = new_path(Path(paths), path_id, title, shown=paths.rstrip("/"))
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    program = click.get_current_context().find_root().info_name or "polku"
    command = "python build.py" if program.endswith(".py") else program
    click.echo(f"Wrote {written}. Edit it, and see it while you edit with: {command} serve --paths {paths}")


@main.command()
@click.argument("revision", default="HEAD", metavar="[REV]")
@PATHS
@click.option("--out", "out", default="review", show_default=True, type=click.Path(path_type=str), help="Folder for the review site.")
def diff(revision: str = "HEAD", paths: str = "paths", out: str = "review") -> None:
    """Compare the path files with those at git revision REV (default HEAD): one line
    per change, and a review site whose pictures mark every changed step."""
    from .review import check_out, review, write
    from .revision import RevisionError

    if not Path(paths).is_dir():
        raise click.UsageError(f"no folder '{paths}': give the folder that holds the path files with --paths")
    check_out(out, (paths,))
    try:
        result = review(Path(paths), revision, shown=paths.rstrip("/"))
    except RevisionError as error:
        raise click.UsageError(str(error)) from error
    except ContentError as error:
        _report(error.diagnostics)
        sys.exit(1)
    _report(result.warnings)
    for note in result.notes:
        click.echo(f"polku: {note}", err=True)
    for change in result.diff.changes():
        click.echo(str(change))
    try:
        write(result, out, (paths,))
    except OSError as error:
        click.echo(f"polku: could not write the review: {error.strerror or error} ({error.filename})", err=True)
        sys.exit(1)
    changed = len(result.diff.paths)
    click.echo(f"{changed} path(s) changed since {revision}; review them in {out}/index.html", err=True)


@main.command()
def schema() -> None:
    """Print the JSON Schema of a path file, for editors that check YAML while typing."""
    click.echo(json.dumps(load.schema(), ensure_ascii=False, indent=2))


def run() -> None:
    """Entry point: never show an editor a traceback; Ctrl+C ends any command with
    status 130 (click's own handling would say "Aborted!" and exit 1)."""
    try:
        code = main(standalone_mode=False)
    except SystemExit:
        raise
    except (KeyboardInterrupt, click.exceptions.Abort):
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except Exception as error:  # noqa: BLE001 - the last line of defence for editors
        click.echo(f"polku: internal error ({type(error).__name__}: {error}). The previous site was left as it was. Please report this with the file that caused it.", err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
