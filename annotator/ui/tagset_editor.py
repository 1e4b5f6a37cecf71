"""Labels ▸ Edit tag set… / Import tag set… / Export tag set…, run as undoable commands.

Deleting a label that has tags asks first, naming how many; undo brings label, tags
and their links back. A label's key may not be one the window already uses.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction

from annotator.domain.errors import AnnotatorError
from annotator.services.tagset_commands import (
    AddLabel,
    DeleteLabel,
    ImportTagset,
    UpdateLabel,
    export_tagset,
    new_label,
)
from annotator.ui import messages
from annotator.ui.import_export import write_text_file
from annotator.ui.tagset_dialog import TagsetDialog

if TYPE_CHECKING:
    from annotator.ui.attribution_controller import AttributionController

__all__ = ["TAGSET_FILTER", "TagsetEditor"]

TAGSET_FILTER = "Tag sets (*.toml);;All files (*)"


class TagsetEditor:
    """The tag set actions of the Labels menu and the dialog behind the first one."""

    def __init__(self, controller: AttributionController) -> None:
        self.ctl = controller
        a = controller.action
        self.edit_action = a("labels.editTagset", "&Edit tag set…", self.open_dialog)
        self.import_action = a("labels.importTagset", "&Import tag set…", self.import_tagset)
        self.export_action = a("labels.exportTagset", "E&xport tag set…", self.export_tagset)
        self.dialog: TagsetDialog | None = None

    def actions(self) -> list[QAction]:
        return [self.edit_action, self.import_action, self.export_action]

    def open_dialog(self) -> TagsetDialog:
        w = self.ctl.window
        if self.dialog is None:
            dialog = TagsetDialog(w)
            dialog.labelAdded.connect(self._add)
            dialog.labelChanged.connect(self._change)
            dialog.labelDeleted.connect(self._delete)
            dialog.importRequested.connect(self.import_tagset)
            dialog.exportRequested.connect(self.export_tagset)
            dialog.undoRequested.connect(w.undo_stack.undo)
            dialog.redoRequested.connect(w.undo_stack.redo)
            self.dialog = dialog
        self.dialog.set_tagset(w.store.tagset())
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        return self.dialog

    def refresh(self) -> None:
        if self.dialog is not None:
            self.dialog.set_tagset(self.ctl.window.store.tagset())

    # -- edits -----------------------------------------------------------------------

    def _add(self, name: str) -> None:
        w = self.ctl.window
        if not w.run(AddLabel(new_label(w.store, name))):
            self.refresh()

    def _change(self, name: str, changes: dict[str, Any]) -> None:
        w = self.ctl.window
        key = changes.get("shortcut")
        if key and key in self.reserved_keys():
            w.report_error(
                "The key cannot be used",
                AnnotatorError(f"{key} is already a key of the window; choose another"),
            )
            self.refresh()
            return
        if not w.run(UpdateLabel(name, dict(changes))):
            self.refresh()

    def _delete(self, name: str) -> None:
        w = self.ctl.window
        spans = w.store.spans_of_label(name)
        if spans:
            documents = len({s.document_id for s in spans})
            n = len(spans)
            text = (
                f"The label “{name}” has {n} tag{'s' if n != 1 else ''} in {documents} "
                f"document{'s' if documents != 1 else ''}. Delete the label and all of them?"
                "\n\nUndo (Ctrl+Z) brings them back."
            )
            parent = self.dialog if self.dialog is not None and self.dialog.isVisible() else w
            if not messages.confirm(parent, "Delete label", text, ok_text="Delete label and tags"):
                return
        w.run(DeleteLabel(name))

    def reserved_keys(self) -> set[str]:
        """Keys of the window's actions other than the labels'."""
        return {
            seq.toString()
            for act in self.ctl.window.findChildren(QAction)
            if not act.objectName().startswith("label.")
            for seq in act.shortcuts()
        }

    # -- files -----------------------------------------------------------------------

    def import_tagset(self) -> None:
        w = self.ctl.window
        path = w.ask_open_path("Import tag set", TAGSET_FILTER)
        if path is None:
            return
        try:
            source = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            w.report_error("The tag set cannot be read", exc)
            return
        command = ImportTagset(source, name=path.name)
        if w.run(command):
            added = ", ".join(command.added) if command.added else "none (all known already)"
            self.ctl.message(f"Tag set {path.name}: labels added: {added}", 8000)
            reserved = self.reserved_keys()
            clashes = [
                f"{label.name} ({label.shortcut})"
                for label in w.tagset.labels
                if label.name in command.added and label.shortcut in reserved
            ]
            if clashes:
                messages.show_message(
                    w,
                    "Tag set imported",
                    "These labels have keys the window already uses, so the keys do "
                    f"nothing: {', '.join(clashes)}. Give them others in Labels ▸ Edit "
                    "tag set….",
                )

    def export_tagset(self) -> Path | None:
        w = self.ctl.window
        path = w.ask_save_path("Export tag set", "tagset.toml", TAGSET_FILTER)
        if path is None:
            return None
        try:
            write_text_file(path, export_tagset(w.store))
        except OSError as exc:
            w.report_error("The tag set cannot be written", exc)
            return None
        self.ctl.message(f"Tag set written to {path}", 8000)
        return path
