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


EXPORT_FORMATS = ["csv", "jsonl", "brat", "conll", "spacy", "labelstudio", "doccano"]
EXPORT_TABLES = ["spans", "commitments", "sentences", "entities"]


class _ProgressBar:
    """A progress bar on stderr, shown only on a terminal and when not ``--quiet``."""

    def __init__(self, label: str, *, quiet: bool) -> None:
        self.label = label
        self.enabled = not quiet and sys.stderr.isatty()
        self.bar: Any = None

    def __call__(self, done: int, total: int, name: str) -> None:
        if not self.enabled or total <= 0:
            return
        if self.bar is None:
            self.bar = click.progressbar(
                length=total,
                label=self.label,
                file=sys.stderr,
                show_pos=True,
                item_show_func=lambda item: Path(item).name[:40] if item else "",
            )
            self.bar.__enter__()
        self.bar.update(max(0, done - self.bar.pos), current_item=name)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@cli.command("import")
@db_option
@click.option("--quiet", "-q", is_flag=True, help="Print only errors, warnings and the summary.")
@click.option(
    "--text-field",
    metavar="NAME",
    help="The text column of CSV/TSV corpora (default: text), the text key of JSONL "
    "corpora and of Label Studio tasks.",
)
@click.option(
    "--max-size",
    type=click.FloatRange(min=0, min_open=True),
    default=200,
    show_default=True,
    metavar="MB",
    help="Refuse files larger than this.",
)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def import_(
    db_path: Path | None,
    quiet: bool,
    text_field: str | None,
    max_size: float,
    paths: tuple[Path, ...],
) -> None:
    """Import documents, corpora, annotated files, or folders of them.

    Text (.txt, .md), web pages (.html), Word (.docx), PDF (.pdf), corpora (.csv, .tsv,
    .jsonl with --text-field), and annotations: annotator or doccano JSONL (.jsonl),
    Label Studio JSON (.json), brat standoff (.ann beside its .txt).
    """
    from annotator.services.importing import ImportLimits, import_paths

    bar = _ProgressBar("Importing", quiet=quiet)
    with user_errors():
        store = _open(db_path)
        try:
            limits = ImportLimits(max_file_bytes=int(max_size * 1024 * 1024))
            report = import_paths(store, paths, progress=bar, text_field=text_field, limits=limits)
        finally:
            bar.close()
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
    for _name, warning in getattr(report, "warnings", []):
        click.echo(f"warning: {warning}", err=True)
    for _name, reason in report.failed:
        click.echo(f"error: {reason}", err=True)
    click.echo(report.summary(), err=True)


@cli.command()
@db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    default="csv",
    show_default=True,
    help="Output format (see README: Export).",
)
@click.option(
    "--table",
    type=click.Choice(EXPORT_TABLES),
    default="spans",
    show_default=True,
    help="Which table to export (CSV only).",
)
@click.option(
    "--out",
    "-o",
    type=click.Path(path_type=Path),
    help="Write to this file, or folder for brat (default: standard output).",
)
@click.option("--bom", is_flag=True, help="Start the CSV file with a UTF-8 BOM (for Excel).")
@click.option(
    "--no-neutralise",
    is_flag=True,
    help="Do not prefix CSV cells starting with = + - @ tab CR ' with an apostrophe.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def export(
    db_path: Path | None,
    fmt: str,
    table: str,
    out: Path | None,
    bom: bool,
    no_neutralise: bool,
    quiet: bool,
) -> None:
    """Export the project as CSV tables or in an annotation format.

    Offsets are code points, half-open, in every format that has them.
    """
    from annotator.services.exporting import export as run_export

    if fmt == "brat" and out is None:
        raise click.ClickException("brat writes a folder of files: give it with --out DIR")
    options = {"table": table, "bom": bom, "neutralise": not no_neutralise}
    bar = _ProgressBar("Exporting", quiet=quiet)
    with user_errors():
        store = _open(db_path)
        try:
            if out is None:
                # Written to a temporary file first, so a damaged span stops the export
                # before a byte reaches standard output; then copied as bytes.
                with tempfile.TemporaryDirectory() as folder:
                    target = Path(folder) / f"export.{fmt}"
                    report = run_export(store, target, fmt, progress=bar, **options)
                    bar.close()
                    sys.stdout.flush()
                    with target.open("rb") as handle:
                        shutil.copyfileobj(handle, sys.stdout.buffer)
                    sys.stdout.buffer.flush()
            else:
                report = run_export(store, out, fmt, progress=bar, **options)
        finally:
            bar.close()
            store.close()
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if out is not None:
        for extra in report.extra_files:
            click.echo(f"also wrote {extra}", err=True)
        click.echo(report.summary(), err=True)


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
