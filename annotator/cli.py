"""The command line: each command is a thin adapter over the services."""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from annotator.domain.errors import AnnotatorError

DB_HELP = "Project file (default: $ANNOTATOR_DB, else the default project in your data folder)."


class DefaultToGui(click.Group):
    """``annotator`` alone, or ``annotator FILE...``, means ``annotator gui ...``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or args[0] not in (*self.commands, "--help", "-h", "--version"):
            args = ["gui", *args]
        return super().parse_args(ctx, args)


def db_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        envvar="ANNOTATOR_DB",
        help=DB_HELP,
    )(func)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the core's errors into one clear line on stderr and a non-zero exit."""
    try:
        yield
    except AnnotatorError as exc:
        raise click.ClickException(str(exc)) from exc
    except OSError as exc:
        name = f"{exc.filename}: " if exc.filename else ""
        raise click.ClickException(f"{name}{exc.strerror or exc}") from exc


def _open(db_path: Path | None) -> Any:
    from annotator.services.project import default_project_path, open_project

    path = db_path or default_project_path()
    return open_project(path, with_samples=db_path is None)


@click.group(cls=DefaultToGui, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="annotator")
def cli() -> None:
    """Tag speakers, commitments and entities in documents; export exact offsets.

    Run without a command to open the window on the default project.
    """


@cli.command()
@db_option
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
def gui(db_path: Path | None, files: tuple[Path, ...]) -> None:
    """Open the annotation window (importing FILES first, if given)."""
    with user_errors():
        store = _open(db_path)
        if files:
            from annotator.services.importing import import_paths

            report = import_paths(store, files)
            _print_report(report, quiet=True)
        path = store.path
        store.close()
    try:
        from annotator.ui import run_app
    except ImportError as exc:  # the window is not available in this build
        raise click.ClickException(f"the window cannot start ({exc})") from exc
    sys.exit(run_app(path))


@cli.command("import")
@db_option
@click.option("--quiet", "-q", is_flag=True, help="Print only errors and the summary.")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def import_(db_path: Path | None, quiet: bool, paths: tuple[Path, ...]) -> None:
    """Import text files (.txt, .md), doccano JSONL, or folders of them."""
    from annotator.services.importing import import_paths

    with user_errors():
        store = _open(db_path)
        try:
            report = import_paths(store, paths)
        finally:
            store.close()
    _print_report(report, quiet=quiet)
    if not report.ok:
        sys.exit(1)


def _print_report(report: Any, *, quiet: bool) -> None:
    if not quiet:
        for name, doc_id, detail in report.imported:
            click.echo(f"imported  {name} (document {doc_id}; {detail})")
        for name, reason in report.skipped:
            click.echo(f"skipped   {name}: {reason}")
    for _name, reason in report.failed:
        click.echo(f"error: {reason}", err=True)
    click.echo(report.summary(), err=True)


@cli.command()
@db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv"]),
    default="csv",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--table",
    type=click.Choice(["spans"]),
    default="spans",
    show_default=True,
    help="Which table to export.",
)
@click.option(
    "--out",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (default: standard output).",
)
@click.option("--bom", is_flag=True, help="Start the file with a UTF-8 BOM (for Excel).")
@click.option(
    "--no-neutralise",
    is_flag=True,
    help="Do not prefix cells starting with = + - @ tab CR ' with an apostrophe.",
)
def export(
    db_path: Path | None, fmt: str, table: str, out: Path | None, bom: bool, no_neutralise: bool
) -> None:
    """Export a table of the project as CSV (offsets are code points, half-open)."""
    from annotator.services.exporting import export_csv

    with user_errors():
        store = _open(db_path)
        try:
            if out is None:
                # Written to a temporary file first, so a damaged span stops the export
                # before a byte reaches standard output; then copied as UTF-8 bytes, the
                # same as --out whatever the terminal's encoding.
                with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as spool:
                    export_csv(store, spool, table=table, bom=bom, neutralise=not no_neutralise)
                    spool.flush()
                    spool.seek(0)
                    sys.stdout.flush()
                    shutil.copyfileobj(spool.buffer, sys.stdout.buffer)
            else:
                tmp = out.with_name(out.name + ".part")
                try:
                    with tmp.open("w", encoding="utf-8", newline="") as handle:
                        count = export_csv(
                            store, handle, table=table, bom=bom, neutralise=not no_neutralise
                        )
                    tmp.replace(out)
                finally:
                    tmp.unlink(missing_ok=True)
                click.echo(f"{count} rows written to {out}", err=True)
        finally:
            store.close()


@cli.command()
@db_option
def documents(db_path: Path | None) -> None:
    """List the project's documents with their status and span counts."""
    with user_errors():
        store = _open(db_path)
        try:
            rows = store.list_documents()
        finally:
            store.close()
    click.echo(f"{'id':>5}  {'status':<11}  {'spans':>6}  title")
    for d in rows:
        click.echo(f"{d.id:>5}  {d.status:<11}  {d.span_count:>6}  {d.title}")


@cli.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def stats(db_path: Path | None, as_json: bool) -> None:
    """Count spans per label and per document, and documents per status."""
    from annotator.services.exporting import dumps, stats_report

    with user_errors():
        store = _open(db_path)
        try:
            report = stats_report(store)
        finally:
            store.close()
    if as_json:
        click.echo(dumps(report))
        return
    click.echo(f"{report['documents']} documents, {report['spans']} spans")
    click.echo("per label:")
    for name, n in report["per_label"].items():
        click.echo(f"  {name:<20} {n:>7}")
    click.echo("per status:")
    for name, n in sorted(report["per_status"].items()):
        click.echo(f"  {name:<20} {n:>7}")
    click.echo("per document:")
    for d in report["per_document"]:
        click.echo(f"  {d['id']:>5} {d['spans']:>7}  {d['title']}")


def main() -> None:
    """Entry point of the ``annotator`` script and of ``main.py``."""
    cli(prog_name="annotator")
