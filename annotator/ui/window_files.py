"""The window's File menu at work: other projects, import, export, and the file dialogs.

A mixin of :class:`annotator.ui.main_window.MainWindow` (it uses the window's store,
settings, lists and status bar). The dialogs are methods so that tests can replace them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFileDialog

from annotator.domain.errors import AnnotatorError
from annotator.services.commands import Change
from annotator.services.project import open_project
from annotator.ui import messages
from annotator.ui.import_export import export_csv_file, import_filter, import_message
from annotator.ui.transfer import ExportDialog, export_in_background, import_in_background

if TYPE_CHECKING:  # imported when File ▸ Import is used: see ui.import_export
    from annotator.services.exporting import ExportReport
    from annotator.services.importing import ImportReport

PROJECT_FILTER = "Annotator projects (*.db *.sqlite *.sqlite3);;All files (*)"


class FileMenu:
    """Switching projects, importing and exporting, for the main window."""

    # -- projects --------------------------------------------------------------------

    def switch_project(self, path: Path) -> bool:
        """Open the project at ``path`` in this window; on failure keep the current one."""
        try:
            store = open_project(path)
        except AnnotatorError as exc:
            self.settings.forget_project(path)
            self.report_error("The project cannot be opened", exc)
            return False
        self.save_state()
        self.undo_stack.clear()
        self.store.close()
        self.store = store
        self.load_project()
        self.open_last_document()
        return True

    def new_project(self) -> None:
        path = self.ask_save_path("New project", "project.db", PROJECT_FILTER)
        if path is None:
            return
        if path.exists():
            self.statusBar().showMessage(f"{path.name} already exists: opened it", 5000)
        self.switch_project(path)

    def choose_project(self) -> None:
        path = self.ask_open_path("Open project", PROJECT_FILTER)
        if path is not None:
            self.switch_project(path)

    def fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = [p for p in self.settings.recent_projects() if p != self.project_path.resolve()]
        for path in recent:
            action = self.recent_menu.addAction(f"{path.name}  —  {path.parent}")
            action.setEnabled(path.exists())
            action.triggered.connect(lambda _c=False, p=path: self.switch_project(p))
        if not recent:
            self.recent_menu.addAction("No other projects yet").setEnabled(False)

    # -- dialogs (tests replace these) ---------------------------------------------

    def ask_save_path(self, caption: str, name: str, filters: str) -> Path | None:
        start = str(self.project_path.parent / name)
        path, _ = QFileDialog.getSaveFileName(self, caption, start, filters)
        return Path(path) if path else None

    def ask_open_path(self, caption: str, filters: str) -> Path | None:
        path, _ = QFileDialog.getOpenFileName(self, caption, str(self.project_path.parent), filters)
        return Path(path) if path else None

    def ask_open_paths(self, caption: str, filters: str) -> list[Path]:
        paths, _ = QFileDialog.getOpenFileNames(self, caption, str(Path.home()), filters)
        return [Path(p) for p in paths]

    def ask_folder(self, caption: str) -> Path | None:
        path = QFileDialog.getExistingDirectory(self, caption, str(Path.home()))
        return Path(path) if path else None

    def report_error(self, title: str, error: Exception) -> None:
        """Show a failed action's message; the action changed nothing."""
        message = str(error) if isinstance(error, AnnotatorError) else repr(error)
        self.statusBar().showMessage(f"{title}: {message}", 8000)
        messages.show_message(self, title, message)

    # -- import and export -----------------------------------------------------------

    def import_documents(self) -> None:
        paths = self.ask_open_paths("Import documents", import_filter())
        if paths:
            self.import_from(paths)

    def import_folder(self) -> None:
        folder = self.ask_folder("Import every document in a folder")
        if folder is not None:
            self.import_from([folder])

    def import_from(self, paths: list[Path]) -> ImportReport:
        """Import files or folders, refresh the list and show what happened."""
        try:
            report = import_in_background(self, self.project_path, paths)
        except (AnnotatorError, OSError) as exc:
            from annotator.services.importing import ImportReport

            self.report_error("The import failed", exc)
            return ImportReport(failed=[(str(p), str(exc)) for p in paths])
        # The import ran on its own connection: labels it added are new to this one.
        self.store.reload_label_cache()
        self.after_change(Change(labels=True))
        self.document_list.set_documents(self.store.list_documents())
        if self.document is None and report.imported:
            self.open_document(report.imported[0][1])
        text, details, icon = import_message(report)
        messages.show_message(self, "Import", text, icon=icon, details=details)
        self.statusBar().showMessage(f"Import: {report.summary()}", 8000)
        return report

    def export_csv(self, table: str = "spans") -> None:
        path = self.ask_save_path(f"Export {table} as CSV", f"{table}.csv", "CSV (*.csv)")
        if path is not None:
            self.export_to(path, table)

    def export_to(self, path: Path, table: str = "spans") -> int | None:
        """Write a table (spans, commitments, sentences, entities) as CSV to ``path``;
        None (and a message) if it failed."""
        try:
            count = export_csv_file(self.store, path, table)
        except (AnnotatorError, OSError) as exc:
            self.report_error("The export failed", exc)
            return None
        self.statusBar().showMessage(f"{count} rows of {table} written to {path}", 8000)
        return count

    def export_as(self) -> None:
        """File > Export in a format…: choose the format, then where; run in the background."""
        dialog = ExportDialog(self)
        if dialog.exec() != ExportDialog.DialogCode.Accepted:
            return
        from annotator.services.exporting import FOLDER_FORMATS, FORMATS

        fmt = dialog.fmt()
        if fmt in FOLDER_FORMATS:
            target = self.ask_folder(f"Export as {fmt}: choose an empty folder")
        else:
            name = f"{self.project_path.stem}{FORMATS[fmt]}"
            target = self.ask_save_path("Export", name, f"{fmt} (*{FORMATS[fmt]})")
        if target is not None:
            self.export_in(
                target,
                fmt,
                table=dialog.table(),
                bom=dialog.bom_box.isChecked(),
                neutralise=dialog.neutralise_box.isChecked(),
            )

    def export_in(self, target: Path, fmt: str, **options: Any) -> ExportReport | None:
        """Export the project to ``target`` in ``fmt``; None (and a message) if it failed."""
        try:
            report = export_in_background(self, self.project_path, target, fmt, **options)
        except (AnnotatorError, OSError) as exc:
            self.report_error("The export failed", exc)
            return None
        if report.cancelled:
            self.statusBar().showMessage("Export cancelled; nothing was written", 8000)
            return report
        text = f"{report.spans} spans of {report.documents} documents written to {target}"
        if report.warnings:
            messages.show_message(self, "Export", text, details="\n".join(report.warnings))
        self.statusBar().showMessage(text, 8000)
        return report
