"""The main window: documents on the left, the text in the middle, its spans on the right.

The window is the one place where intents from the widgets (a label key, a click on a
row) become service commands. Every command goes through the undo stack, which applies
it to the project file at once; the window then updates only what the command's
:class:`~annotator.services.commands.Change` names.

Who said what (the Span panel, links and speaker proposals, the entity registry, notes,
sentence mode and the tag set editor) lives in :class:`AttributionController`: the window
creates it, tells it what changed, and it runs its commands through :meth:`MainWindow.run`.

Undo across documents: the undo stack is the project's, not a document's. When an undo
or redo touches a document other than the open one, the window opens that document
first, then applies the step, so the user always sees what changed.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QUndoStack
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu, QMessageBox, QSplitter

from annotator import __version__
from annotator.domain.errors import AnnotatorError
from annotator.domain.model import Document, Span, TagSet
from annotator.services.commands import AddSpan, Change, Command, DeleteSpans, SetStatus, UpdateSpan
from annotator.services.project import current_annotator
from annotator.storage import Store
from annotator.ui import messages
from annotator.ui.attribution_controller import AttributionController
from annotator.ui.document_list import STATUS_TEXT, DocumentList
from annotator.ui.document_view import DocumentView
from annotator.ui.gc_pause import paused_gc
from annotator.ui.help_dialog import ShortcutsDialog
from annotator.ui.label_bar import LabelBar, steady_width
from annotator.ui.settings import Settings
from annotator.ui.span_table import SpanTable
from annotator.ui.transfer import DropImporter
from annotator.ui.undo import UndoableCommand
from annotator.ui.window_files import FileMenu
from annotator.ui.window_menus import build_actions, build_menus, build_status_bar

DEFAULT_SPLITTER = [300, 720, 400]
DEFAULT_SPLITTER_SHARES = (0.19, 0.5, 0.31)
EMPTY_PLACEHOLDER = (
    "No documents yet.\n\nFile ▸ Import documents… (Ctrl+I), or drop files or folders here: "
    "text, Markdown, web pages, Word, PDF, CSV/JSONL corpora, and doccano, brat or "
    "Label Studio annotations."
)


class MainWindow(FileMenu, QMainWindow):
    """One project's window. Build it with :func:`annotator.ui.create_main_window`."""

    documentOpened = Signal(int)

    # Made by window_menus.build_actions / build_menus / build_status_bar:
    new_action: QAction
    open_action: QAction
    import_action: QAction
    import_folder_action: QAction
    export_actions: dict[str, QAction]  # by table; export_action is the spans one
    export_action: QAction
    export_as_action: QAction
    quit_action: QAction
    undo_action: QAction
    redo_action: QAction
    delete_action: QAction
    sentence_action: QAction
    next_span_action: QAction
    previous_span_action: QAction
    next_document_action: QAction
    previous_document_action: QAction
    status_group: QActionGroup
    status_actions: dict[str, QAction]
    zoom_in_action: QAction
    zoom_out_action: QAction
    zoom_reset_action: QAction
    shortcuts_action: QAction
    about_action: QAction
    recent_menu: QMenu
    labels_menu: QMenu
    title_label: QLabel
    selection_label: QLabel
    span_count_label: QLabel
    saved_label: QLabel

    def __init__(self, store: Store, *, settings: Settings) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.store = store
        self.settings = settings
        self.document: Document | None = None
        self.tagset = TagSet(())
        self.colors: dict[str, str] = {}
        self._spans: dict[int, Span] = {}
        self._failed: str | None = None
        self._shortcuts_dialog: ShortcutsDialog | None = None
        self._selection: tuple[int, int] | None = None
        self._closed = False
        self._pushing = False

        self.undo_stack = QUndoStack(self)
        self.undo_stack.setObjectName("undoStack")

        self.document_list = DocumentList(self)
        self.view = DocumentView(self)
        self.view.setPlaceholderText(EMPTY_PLACEHOLDER)
        self.span_table = SpanTable(self)
        # Span panel, links, entity registry, notes, sentence mode and the tag set editor.
        self.attribution = AttributionController(self)
        panes = self.attribution.panes(self.document_list, self.view, self.span_table)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        for i, widget in enumerate(panes):
            self.splitter.addWidget(widget)
            self.splitter.setCollapsible(i, i != 1)
            self.splitter.setStretchFactor(i, 1 if i == 1 else 0)
        self.splitter.setSizes(DEFAULT_SPLITTER)
        self.setCentralWidget(self.splitter)
        self._default_zoom = self.view.zoom()

        self.label_bar = LabelBar(self)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.label_bar)
        build_actions(self)
        build_menus(self)
        build_status_bar(self)
        self._connect()
        self.load_project()

    # -- building --------------------------------------------------------------------

    def _connect(self) -> None:
        self.document_list.documentChosen.connect(self.open_document)
        self.document_list.readingRequested.connect(self.view.setFocus)
        self.label_bar.labelChosen.connect(self.tag)
        self.span_table.spanChosen.connect(self._span_chosen_in_table)
        self.view.spanActivated.connect(self._span_activated_in_view)
        self.view.selectionOffsetsChanged.connect(self._selection_changed)
        self.view.hoverLabels.connect(self._hover_labels)
        # Files and folders dropped anywhere on the window are imported.
        self.dropper = DropImporter(self.import_from, self)
        self.dropper.watch(self, self.view.viewport(), self.document_list)

    # -- project ---------------------------------------------------------------------

    @property
    def project_path(self) -> Path:
        assert self.store.path is not None
        return self.store.path

    def load_project(self) -> None:
        """Show the store's tag set and documents (no document open yet)."""
        self.undo_stack.clear()
        self._reload_tagset()
        self.document = None
        self._spans = {}
        self.document_list.set_documents(self.store.list_documents())
        self.view.set_document("", [], self.colors, [])
        self.span_table.set_spans([], [], self.colors)
        self.setWindowTitle(f"{self.project_path.name} — annotator")
        self.setWindowFilePath(str(self.project_path))
        self.settings.note_project_opened(self.project_path)
        self.attribution.reset()
        self._update_status()

    def _reload_tagset(self) -> None:
        self.tagset = self.store.tagset()
        self.colors = {label.name: label.color for label in self.tagset.labels}
        self.label_bar.set_tagset(self.tagset)
        self.labels_menu.clear()
        self.labels_menu.addActions(self.label_bar.label_actions())
        self.labels_menu.addSeparator()
        self.labels_menu.addActions(self.attribution.label_menu_actions())
        self.span_table.set_labels(self.tagset.names(), self.colors)
        self.view.set_colors(self.colors)
        longest = max(self.tagset.names(), key=len, default="")
        steady_width(self.selection_label, f"{longest} · chars 8888888–8888888")

    def restore_state(self) -> None:
        """Geometry, splitter, zoom and the project's last document, from the settings."""
        geometry = self.settings.geometry()
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1400, 860)
        state = self.settings.window_state()
        if state is not None:
            self.restoreState(state)
        sizes = self.settings.splitter_sizes()
        if len(sizes) == 3 and sizes[1] > 0:
            self.splitter.setSizes(sizes)
        else:
            width = max(self.width(), 900)
            self.splitter.setSizes([int(width * f) for f in DEFAULT_SPLITTER_SHARES])
        zoom = self.settings.zoom()
        if zoom is not None:
            self.view.set_zoom(zoom)
        self.open_last_document()
        self.view.setFocus()

    def open_last_document(self) -> None:
        ids = [d.id for d in self.document_list.model.documents()]
        last = self.settings.last_document(self.project_path)
        if last in ids:
            self.open_document(last)
        elif ids:
            self.open_document(ids[0])

    def save_state(self) -> None:
        self.settings.set_geometry(self.saveGeometry())
        self.settings.set_window_state(self.saveState())
        self.settings.set_splitter_sizes(self.splitter.sizes())
        self.settings.set_zoom(self.view.zoom())
        if self.document is not None and self.document.id is not None:
            self.settings.set_last_document(self.project_path, self.document.id)
        self.settings.sync()

    # -- documents -------------------------------------------------------------------

    def open_document(self, doc_id: int) -> bool:
        """Show document ``doc_id`` with its spans; return False if it cannot be read."""
        with paused_gc():  # tens of thousands of spans built at once: see gc_pause
            try:
                doc = self.store.get_document(doc_id)
                spans = self.store.spans_for_document(doc_id)
                sentences = self.store.sentences(doc_id)
            except AnnotatorError as exc:
                self.report_error("The document cannot be opened", exc)
                return False
            self.document = doc
            self._spans = {s.id: s for s in spans if s.id is not None}
            self.view.set_document(doc.text, spans, self.colors, sentences)
            self.span_table.set_spans(spans, sentences, self.colors)
        self.document_list.select_document(doc_id)
        self.settings.set_last_document(self.project_path, doc_id)
        self._update_status()
        self._selection_changed(-1, -1)
        self.documentOpened.emit(doc_id)
        return True

    def step_document(self, step: int) -> None:
        current = self.document.id if self.document is not None else None
        target = self.document_list.neighbour(current, step)
        if target is not None:
            self.open_document(target)

    def set_status(self, status: str) -> None:
        if self.document is None or self.document.id is None:
            return
        summary = self.document_list.model.summary(self.document.id)
        if summary is not None and summary.status == status:
            self._update_status()
            return
        self.run(SetStatus(self.document.id, status))

    # -- tagging ---------------------------------------------------------------------

    def run(self, command: Command) -> bool:
        """Apply ``command`` through the undo stack; False (and a message) if it failed."""
        self._failed = None
        self._pushing = True
        try:
            self.undo_stack.push(UndoableCommand(command, self.store, self))
        finally:
            self._pushing = False
        return self._failed is None

    def tag(self, label: str) -> None:
        """A label key or button: tag the selected words, or relabel the current span."""
        if self.document is None or self.document.id is None:
            self.statusBar().showMessage("Open a document first.", 4000)
            return
        if self.attribution.sentences.tag(label):  # sentence mode: the whole sentence
            return
        selected = self.view.selected_offsets()
        if selected is not None and selected[0] < selected[1]:
            start, end = selected
            command = AddSpan(
                self.document.id,
                label,
                start,
                end,
                text=self.document.text[start:end],
                annotator=current_annotator(),
            )
            if self.run(command):
                # The new tag is the current one: another label key relabels it,
                # Delete removes it. A lingering selection would be tagged again.
                self.view.clear_selection()
            return
        span_id = self.view.current_span_id()
        if span_id is not None and span_id in self._spans:
            if self._spans[span_id].label == label:
                self.statusBar().showMessage(f"That tag is already {label}.", 3000)
                return
            self.run(UpdateSpan(span_id, {"label": label}))
            return
        self.statusBar().showMessage(
            "Select some words first (or click a tag to relabel it).", 4000
        )

    def delete_current_span(self) -> None:
        span_id = self.view.current_span_id()
        if span_id is None or span_id not in self._spans:
            self.statusBar().showMessage("Click a tag first, then delete it.", 4000)
            return
        self.run(DeleteSpans((span_id,)))

    def select_sentence(self) -> None:
        if self.document is not None:
            self.view.select_sentence_at_cursor()

    def next_span(self) -> None:
        self.view.clear_selection()
        self.view.next_span()
        self._follow_view()

    def previous_span(self) -> None:
        self.view.clear_selection()
        self.view.previous_span()
        self._follow_view()

    def reset_zoom(self) -> None:
        self.view.set_zoom(self._default_zoom)

    # -- the undo host ---------------------------------------------------------------

    def before_change(self, document_id: int | None) -> None:
        current = self.document.id if self.document is not None else None
        if document_id is not None and document_id != current:
            self.open_document(document_id)

    def after_change(self, change: Change) -> None:
        with self.attribution.holding():  # the Span panel follows once, below
            current = self.document.id if self.document is not None else None
            if change.document_id is not None and change.document_id == current:
                for span_id in change.removed:
                    self._spans.pop(span_id, None)
                    self.view.remove_span(span_id)
                    self.span_table.remove_span(span_id)
                for span in change.added:
                    assert span.id is not None
                    self._spans[span.id] = span
                    self.view.add_span(span)
                    self.span_table.add_span(span)
                for span in change.updated:
                    assert span.id is not None
                    self._spans[span.id] = span
                    self.view.update_span(span)
                    self.span_table.update_span(span)
                shown = (change.added + change.updated)[-1:]
                if shown:
                    self.view.select_span(shown[0].id)
                    self._follow_view()
                elif change.removed:
                    self.view.select_span(None)
                    self.span_table.select_span(None)
            if change.document_id is not None:
                self.document_list.model.adjust_span_count(
                    change.document_id, len(change.added) - len(change.removed)
                )
            if change.labels:
                self._reload_tagset()
            if change.documents:
                self.document_list.set_documents(self.store.list_documents())
            # A change to the tag set can touch spans anywhere (a label renamed or
            # deleted): show the open document afresh rather than patch it.
            wide = change.labels or (change.documents and change.document_id is None)
            if wide and self.document is not None and self.document.id is not None:
                self.open_document(self.document.id)
        self.attribution.after_change(change)
        self._mark_saved()
        self._update_status()

    def change_failed(self, action: str, error: Exception) -> None:
        self._failed = str(error)
        if not self._pushing:
            # The file did not match what the step expected (changed by another
            # program?): show what the file holds now rather than what we believed.
            self.document_list.set_documents(self.store.list_documents())
            if self.document is not None and self.document.id is not None:
                self.open_document(self.document.id)
        self.report_error(f"{action} failed", error)

    # -- following the view and the table -------------------------------------------

    def _follow_view(self) -> None:
        self.span_table.select_span(self.view.current_span_id())
        self._update_selection_label()

    def show_span(self, span_id: int) -> None:
        """Make ``span_id`` (of the open document) the chosen tag, in the text and table."""
        self._span_chosen_in_table(span_id)
        self.span_table.select_span(span_id)

    def _span_chosen_in_table(self, span_id: int) -> None:
        # A chosen tag and a text selection would compete for the next label key.
        self.view.clear_selection()
        self.view.select_span(span_id)
        self._update_selection_label()

    def _span_activated_in_view(self, span_id: int) -> None:
        self.span_table.select_span(span_id if span_id >= 0 else None)
        self._update_selection_label()

    def _selection_changed(self, start: int, end: int) -> None:
        self._selection = (start, end) if start >= 0 and end > start else None
        self._update_selection_label()

    def _update_selection_label(self) -> None:
        selection = self._selection
        span_id = self.view.current_span_id()
        self.attribution.current_span_changed(span_id)
        if selection is not None:
            start, end = selection
            self.selection_label.setText(f"chars {start}–{end}")
        elif span_id is not None and span_id in self._spans:
            span = self._spans[span_id]
            self.selection_label.setText(f"{span.label} · chars {span.start}–{span.end}")
        else:
            self.selection_label.setText("")

    def _hover_labels(self, text: str) -> None:
        if text:
            self.statusBar().showMessage(text)
        else:
            self.statusBar().clearMessage()

    def _mark_saved(self) -> None:
        self.saved_label.setText(f"Saved {time.strftime('%H:%M:%S')}")

    def _update_status(self) -> None:
        doc = self.document
        busy = doc is not None
        for action in (
            self.delete_action,
            self.sentence_action,
            self.next_span_action,
            self.previous_span_action,
            *self.status_actions.values(),
            *self.label_bar.label_actions(),
        ):
            action.setEnabled(busy)
        if doc is None or doc.id is None:
            self.title_label.setText("No document open")
            self.span_count_label.setText("")
            return
        summary = self.document_list.model.summary(doc.id)
        status = summary.status if summary is not None else doc.status
        self.title_label.setText(f"{doc.title}  ·  {STATUS_TEXT.get(status, status)}")
        self.title_label.setToolTip(f"{doc.title}\n{doc.source}")
        n = len(self._spans)
        self.span_count_label.setText("1 span" if n == 1 else f"{n} spans")
        if status in self.status_actions:
            self.status_actions[status].setChecked(True)

    # -- help ------------------------------------------------------------------------

    def show_shortcuts(self) -> ShortcutsDialog:
        if self._shortcuts_dialog is not None:
            self._shortcuts_dialog.close()
            self._shortcuts_dialog.deleteLater()
        self._shortcuts_dialog = ShortcutsDialog(self.menuBar(), parent=self)
        self._shortcuts_dialog.show()
        return self._shortcuts_dialog

    def show_about(self) -> None:
        messages.show_message(
            self,
            "About annotator",
            f"annotator {__version__}\n\nTag speakers, commitments and entities in "
            "documents; export exact offsets.\n\nProject: "
            f"{self.project_path}\nEvery change is saved to this file as you make it.",
            icon=QMessageBox.Icon.Information,
        )

    # -- closing ---------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closed:
            self._closed = True
            self.attribution.commit_pending()
            self.save_state()
            self.undo_stack.clear()
            self.store.close()
        super().closeEvent(event)
