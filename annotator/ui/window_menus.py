"""The main window's actions, menus and status bar, built in one place.

Every action has an object name (``file.import``, ``edit.undo``…) by which the keymap
gives it its shortcuts and the tests find it; the window keeps each as an attribute.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QLabel

from annotator.domain.model import STATUSES
from annotator.ui.document_list import STATUS_TEXT
from annotator.ui.import_export import EXPORT_TABLES
from annotator.ui.keymap import sequences, window_action
from annotator.ui.label_bar import set_quiet, steady_width

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

__all__ = ["build_actions", "build_menus", "build_status_bar"]


def build_actions(w: MainWindow) -> None:
    """The window's actions, each kept as an attribute of the window."""

    def a(name: str, text: str, slot: Callable[[], object], *, tip: str = "") -> QAction:
        return window_action(w, name, text, slot, tip=tip)

    w.new_action = a("file.new", "&New project…", w.new_project)
    w.open_action = a("file.open", "&Open project…", w.choose_project)
    w.import_action = a("file.import", "&Import documents…", w.import_documents)
    w.import_folder_action = a("file.importFolder", "Import &folder…", w.import_folder)
    w.export_actions = {
        table: a(
            "file.export" if table == "spans" else f"file.export.{table}",
            text,
            lambda t=table: w.export_csv(t),
        )
        for table, text in EXPORT_TABLES.items()
    }
    w.export_action = w.export_actions["spans"]
    w.export_as_action = a("file.exportAs", "Export in a &format…", w.export_as)
    w.quit_action = a("file.quit", "&Quit", w.close)

    w.undo_action = w.undo_stack.createUndoAction(w, "&Undo")
    w.redo_action = w.undo_stack.createRedoAction(w, "&Redo")
    for action, name in ((w.undo_action, "edit.undo"), (w.redo_action, "edit.redo")):
        action.setObjectName(name)
        action.setProperty("helpText", "Undo" if name == "edit.undo" else "Redo")
        action.setShortcuts(sequences(name))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        w.addAction(action)
    w.delete_action = a(
        "edit.delete",
        "&Delete span",
        w.delete_current_span,
        tip="Delete the selected tag",
    )
    w.sentence_action = a(
        "edit.selectSentence",
        "Select &sentence",
        w.select_sentence,
        tip="Select the sentence around the cursor",
    )
    w.next_span_action = a("edit.nextSpan", "&Next span", w.next_span)
    w.previous_span_action = a("edit.previousSpan", "&Previous span", w.previous_span)
    w.next_document_action = a("edit.nextDocument", "Next &document", lambda: w.step_document(1))
    w.previous_document_action = a(
        "edit.previousDocument", "Previous d&ocument", lambda: w.step_document(-1)
    )
    w.status_group = QActionGroup(w)
    w.status_actions = {}
    for status in STATUSES:
        action = a(
            f"edit.status.{status}",
            STATUS_TEXT[status].capitalize(),
            lambda s=status: w.set_status(s),
        )
        action.setCheckable(True)
        w.status_group.addAction(action)
        w.status_actions[status] = action

    w.zoom_in_action = a("view.zoomIn", "Zoom &in", w.view.zoom_in)
    w.zoom_out_action = a("view.zoomOut", "Zoom &out", w.view.zoom_out)
    w.zoom_reset_action = a("view.zoomReset", "&Actual size", w.reset_zoom)
    w.shortcuts_action = a("help.shortcuts", "&Keyboard shortcuts", w.show_shortcuts)
    w.about_action = a("help.about", "&About annotator", w.show_about)


def build_menus(w: MainWindow) -> None:
    """The menu bar, from the window's actions (and the attribution controller's)."""
    bar = w.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.addActions([w.new_action, w.open_action])
    w.recent_menu = file_menu.addMenu("Open &recent")
    w.recent_menu.setObjectName("file.recent")
    w.recent_menu.aboutToShow.connect(w.fill_recent_menu)
    file_menu.addSeparator()
    file_menu.addActions([w.import_action, w.import_folder_action])
    export_menu = file_menu.addMenu("&Export")
    export_menu.setObjectName("file.exportMenu")
    export_menu.addActions(list(w.export_actions.values()))
    export_menu.addSeparator()
    export_menu.addAction(w.export_as_action)
    file_menu.addSeparator()
    file_menu.addAction(w.quit_action)

    edit_menu = bar.addMenu("&Edit")
    edit_menu.addActions([w.undo_action, w.redo_action])
    edit_menu.addSeparator()
    edit_menu.addAction(w.delete_action)
    edit_menu.addAction(w.sentence_action)
    edit_menu.addSeparator()
    edit_menu.addActions([w.next_span_action, w.previous_span_action])
    edit_menu.addActions([w.next_document_action, w.previous_document_action])
    edit_menu.addSeparator()
    status_menu = edit_menu.addMenu("&Mark document as")
    status_menu.addActions(list(w.status_actions.values()))

    w.labels_menu = bar.addMenu("&Labels")

    view_menu = bar.addMenu("&View")
    view_menu.addActions([w.zoom_in_action, w.zoom_out_action, w.zoom_reset_action])
    w.attribution.add_menus(bar, edit_menu, view_menu)

    help_menu = bar.addMenu("&Help")
    help_menu.addActions([w.shortcuts_action, w.about_action])


def build_status_bar(w: MainWindow) -> None:
    """The status bar's labels: document title, selection, span count, last save."""
    bar = w.statusBar()
    w.title_label = QLabel(w)
    w.title_label.setObjectName("statusTitle")
    w.span_count_label = QLabel(w)
    w.span_count_label.setObjectName("statusSpanCount")
    w.selection_label = QLabel(w)
    w.selection_label.setObjectName("statusSelection")
    w.saved_label = QLabel(w)
    w.saved_label.setObjectName("statusSaved")
    set_quiet(w.saved_label)
    w.saved_label.setToolTip("Every change is written to the project file at once.")
    bar.addWidget(w.title_label, 1)
    for label in (w.selection_label, w.span_count_label, w.saved_label):
        label.setContentsMargins(8, 0, 8, 0)
        bar.addPermanentWidget(label)
    steady_width(w.span_count_label, "8888888 spans")
    steady_width(w.saved_label, "Saved 88:88:88")
