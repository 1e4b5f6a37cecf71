"""File ▸ Import and File ▸ Export, with a progress dialog and a report for the user.

The import and export services load every format module (PDF, Word, web pages...):
a tenth of a second at start-up that the window does not need until File ▸ Import or
Export is used, so they are imported inside the functions here, not at the top.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from PySide6.QtWidgets import QMessageBox

from annotator.storage import Store

if TYPE_CHECKING:
    from annotator.services.importing import ImportReport

SHOWN_FAILURES = 8
#: File ▸ Export: the CSV tables offered, with their menu text.
EXPORT_TABLES = {
    "spans": "&Spans (CSV)…",
    "commitments": "&Commitments with speakers (CSV)…",
    "sentences": "S&entences with tags (CSV)…",
    "entities": "E&ntities (CSV)…",
}


def import_message(report: ImportReport) -> tuple[str, str, QMessageBox.Icon]:
    """(text, details, icon) telling the user what an import did."""
    text = report.summary()
    if report.failed:
        reasons = [reason for _name, reason in report.failed]
        text += "\n\n" + "\n".join(reasons[:SHOWN_FAILURES])
        if len(reasons) > SHOWN_FAILURES:
            text += f"\n… and {len(reasons) - SHOWN_FAILURES} more (see the details)"
    details = "\n".join(
        [f"imported  {name} ({detail})" for name, _id, detail in report.imported]
        + [f"skipped   {name}: {reason}" for name, reason in report.skipped]
        + [f"refused   {reason}" for _name, reason in report.failed]
    )
    icon = QMessageBox.Icon.Information if report.ok else QMessageBox.Icon.Warning
    return text, details, icon


def export_csv_file(store: Store, path: Path, table: str = "spans") -> int:
    """Write one table (:data:`EXPORT_TABLES`) as CSV to ``path``; return the row count.

    Raises the export's :class:`~annotator.domain.errors.AnnotatorError` or the
    file system's ``OSError``; ``path`` is then left as it was.
    """
    from annotator.services.exporting import export_csv

    return _write_atomically(path, lambda handle: export_csv(store, handle, table=table))


def write_text_file(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file."""
    _write_atomically(path, lambda handle: handle.write(text))


def _write_atomically(path: Path, write: Callable[[TextIO], int]) -> int:
    """Write through ``<path>.part``, renamed over ``path`` only when complete."""
    tmp = path.with_name(path.name + ".part")
    try:
        with tmp.open("w", encoding="utf-8", newline="") as handle:
            count = write(handle)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return count


def import_filter() -> str:
    """The file dialog filter for File ▸ Import: every supported extension."""
    from annotator.services.importing import SUPPORTED

    return f"Documents ({' '.join('*' + s for s in SUPPORTED)});;All files (*)"


def __getattr__(name: str) -> Any:
    # IMPORT_FILTER, as a constant, for code written before it became lazy.
    if name == "IMPORT_FILTER":
        return import_filter()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
