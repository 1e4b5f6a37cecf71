"""File ▸ Import and File ▸ Export, with a progress dialog and a report for the user."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from annotator.services.exporting import export_spans_csv
from annotator.services.importing import SUPPORTED, ImportReport, import_paths
from annotator.storage import Store

IMPORT_FILTER = f"Documents ({' '.join('*' + s for s in SUPPORTED)});;All files (*)"
SHOWN_FAILURES = 8


def import_with_progress(parent: QWidget, store: Store, paths: list[Path]) -> ImportReport:
    """Import files and folders; a progress dialog appears if it takes a while."""
    progress = QProgressDialog("Importing…", "", 0, 0, parent)
    progress.setCancelButton(None)
    progress.setMinimumDuration(800)
    progress.setWindowModality(Qt.WindowModality.WindowModal)

    def step(done: int, total: int, name: str) -> None:
        progress.setMaximum(total)
        progress.setValue(done)
        progress.setLabelText(f"Importing {Path(name).name}…" if name else "")

    try:
        return import_paths(store, paths, progress=step)
    finally:
        progress.close()
        progress.deleteLater()


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


def export_csv_file(store: Store, path: Path) -> int:
    """Write every span as CSV to ``path`` through a temporary file; return the count.

    Raises the export's :class:`~annotator.domain.errors.AnnotatorError` or the
    file system's ``OSError``; ``path`` is then left as it was.
    """
    tmp = path.with_name(path.name + ".part")
    try:
        with tmp.open("w", encoding="utf-8", newline="") as handle:
            count = export_spans_csv(store, handle)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return count
