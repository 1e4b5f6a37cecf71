"""Import and export from the window: off the UI thread, with progress, Cancel and drops.

Each run opens its own connection to the project, so the window's connection is never
used from two threads; the window reloads what changed when the run ends.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QWidget,
)

from annotator.ui.background import Progress, run_in_background

#: File > Export…: the formats offered, with their names in the chooser.
EXPORT_FORMATS = {
    "csv": "CSV table",
    "jsonl": "annotator JSONL (everything; imports back without loss)",
    "brat": "brat standoff (a folder of .txt/.ann)",
    "conll": "CoNLL-2003 BIO",
    "labelstudio": "Label Studio JSON",
    "doccano": "doccano JSONL",
    "spacy": "spaCy DocBin (needs the spacy extra)",
}
CSV_TABLES = {
    "spans": "spans",
    "commitments": "commitments with speakers",
    "sentences": "sentences with tags",
    "entities": "entities",
}


def import_in_background(
    parent: QWidget | None, db_path: Path, paths: list[Path], *, text_field: str | None = None
):  # type: ignore[no-untyped-def]
    """Import ``paths`` into the project at ``db_path``; return the ImportReport."""
    from annotator.services.importing import import_paths
    from annotator.storage import Store

    def work(progress: Progress, cancel: threading.Event):  # type: ignore[no-untyped-def]
        store = Store.open(db_path, create=False)
        try:
            return import_paths(
                store, paths, progress=progress, cancel=cancel, text_field=text_field
            )
        finally:
            store.close()

    return run_in_background(parent, "Importing", work)


def export_in_background(
    parent: QWidget | None,
    db_path: Path,
    out: Path,
    fmt: str,
    *,
    table: str = "spans",
    bom: bool = False,
    neutralise: bool = True,
):  # type: ignore[no-untyped-def]
    """Export the project at ``db_path`` to ``out``; return the ExportReport."""
    from annotator.services.exporting import export
    from annotator.storage import Store

    def work(progress: Progress, cancel: threading.Event):  # type: ignore[no-untyped-def]
        store = Store.open(db_path, create=False)
        try:
            return export(
                store,
                out,
                fmt,
                progress=progress,
                cancel=cancel,
                table=table,
                bom=bom,
                neutralise=neutralise,
            )
        finally:
            store.close()

    return run_in_background(parent, "Exporting", work)


class ExportDialog(QDialog):
    """Choose a format (and for CSV the table and options) before choosing where."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export")
        layout = QFormLayout(self)
        self.format_box = QComboBox(objectName="exportFormat")
        for key, text in EXPORT_FORMATS.items():
            self.format_box.addItem(text, key)
        self.table_box = QComboBox(objectName="exportTable")
        for key, text in CSV_TABLES.items():
            self.table_box.addItem(text, key)
        self.bom_box = QCheckBox("Start with a byte order mark (for Excel)")
        self.neutralise_box = QCheckBox("Neutralise cells that would run as formulas")
        self.neutralise_box.setChecked(True)
        layout.addRow("Format", self.format_box)
        layout.addRow("Table", self.table_box)
        layout.addRow("", self.bom_box)
        layout.addRow("", self.neutralise_box)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addRow(buttons)
        self.format_box.currentIndexChanged.connect(self._follow_format)
        self._follow_format()

    def _follow_format(self) -> None:
        is_csv = self.fmt() == "csv"
        for widget in (self.table_box, self.bom_box, self.neutralise_box):
            widget.setEnabled(is_csv)

    def fmt(self) -> str:
        return str(self.format_box.currentData())

    def table(self) -> str:
        return str(self.table_box.currentData())


class DropImporter(QObject):
    """Accept files and folders dropped on the watched widgets; hand their paths on."""

    def __init__(self, on_drop: Callable[[list[Path]], None], parent: QObject) -> None:
        super().__init__(parent)
        self._on_drop = on_drop

    def watch(self, *widgets: QWidget) -> None:
        for widget in widgets:
            widget.setAcceptDrops(True)
            widget.installEventFilter(self)

    @staticmethod
    def paths_of(event: QDropEvent) -> list[Path]:
        mime = event.mimeData()
        if not mime.hasUrls():
            return []
        return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            assert isinstance(event, QDropEvent)
            if self.paths_of(event):
                event.acceptProposedAction()
                return True
        elif kind == QEvent.Type.Drop:
            assert isinstance(event, QDropEvent)
            paths = self.paths_of(event)
            if paths:
                event.acceptProposedAction()
                self._on_drop(paths)
                return True
        return False
