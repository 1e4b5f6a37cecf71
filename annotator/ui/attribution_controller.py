"""Who said what, in the window: the Span panel, links, speaker proposals, the entity
registry and notes.

The controller belongs to the :class:`~annotator.ui.main_window.MainWindow`. It builds
the panels, turns their intents into service commands run through the window's undo
stack (``window.run``), and refreshes them from each command's ``Change``. Its helpers
each own a part: :mod:`~annotator.ui.link_picking` (proposals and the P/B/I pickers),
:mod:`~annotator.ui.entity_registry` (the Entities tab), :mod:`~annotator.ui.sentence_mode`
and :mod:`~annotator.ui.tagset_editor`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMenu, QMenuBar, QSplitter, QTabWidget, QWidget

from annotator.domain.errors import AnnotatorError
from annotator.domain.model import Label, Link, Span
from annotator.services.attribution import RemoveLink, SetDocumentNote
from annotator.services.change import Change
from annotator.services.commands import UpdateSpan
from annotator.ui.document_panel import DocumentPanel
from annotator.ui.entity_registry import EntityRegistry
from annotator.ui.keymap import window_action
from annotator.ui.link_picking import LinkPicking
from annotator.ui.pickers import Choice, PickerDialog
from annotator.ui.sentence_mode import SentenceMode
from annotator.ui.span_panel import LinkRow, SpanPanel
from annotator.ui.tagset_editor import TagsetEditor

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

__all__ = ["AttributionController"]


class AttributionController(QObject):
    """Panels and actions for attributes, links, entities, notes and sentence mode."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.span_panel = SpanPanel(window)
        self.document_panel = DocumentPanel(window)
        self.tabs = QTabWidget(window)
        self.tabs.setObjectName("rightTabs")
        self.tabs.setDocumentMode(True)
        self.picker: PickerDialog | None = None
        self._links: list[Link] = []
        self._links_of: dict[int, list[Link]] = {}
        self._entity_names: dict[int, str] = {}
        self._current: int | None = None
        self._previous: int | None = None
        self._proposal: tuple[int, int] | None = None  # (commitment, proposed speaker)
        self._proposal_text = ""
        self._refreshing = False
        self._held = False  # a change is being shown: refresh the Span panel once, after
        self._follow: tuple[int, int, int] | None = None  # L: origin, link index, landed on
        self._closed = False

        self.registry = EntityRegistry(self)
        self.entity_panel = self.registry.panel
        self.linking = LinkPicking(self)
        self.sentences = SentenceMode(self)
        self.tagsets = TagsetEditor(self)
        self._build_actions()
        self._connect()

    # -- building --------------------------------------------------------------------

    def panes(self, document_list: QWidget, view: QWidget, span_table: QWidget) -> list[QWidget]:
        """The three columns of the window: documents and their note; the text and the
        sentence list; the span table or the registry, over the Span panel."""
        left = _vsplit("leftSplitter", document_list, self.document_panel, stretch=(1, 0))
        left.setSizes([700, 110])
        center = _vsplit("centerSplitter", view, self.sentences.panel, stretch=(3, 2))
        center.setSizes([520, 300])
        self.tabs.addTab(span_table, "Spans")
        self.tabs.addTab(self.entity_panel, "Entities")
        self.tabs.currentChanged.connect(lambda _i: self.registry.refresh())
        right = _vsplit("rightSplitter", self.tabs, self.span_panel, stretch=(1, 1))
        right.setSizes([400, 420])
        return [left, center, right]

    def action(self, name: str, text: str, slot: Callable[[], object], *, tip: str = "") -> QAction:
        """A window action whose keys come from the keymap (as the window's own do)."""
        return window_action(self.window, name, text, slot, tip=tip)

    def _build_actions(self) -> None:
        a = self.action
        self.edit_span_action = a(
            "edit.span", "&Edit the chosen tag", self.edit_span, tip="Attributes and note"
        )
        self.document_note_action = a("edit.documentNote", "Document &note", self.edit_note)
        self.follow_action = a("links.follow", "&Go to the linked tag", self.follow_next_link)

    def add_menus(self, bar: QMenuBar, edit_menu: QMenu, view_menu: QMenu) -> None:
        """Add the Links menu (before Help) and this controller's Edit and View items."""
        edit_menu.addSeparator()
        edit_menu.addActions([self.edit_span_action, self.document_note_action])
        view_menu.addSeparator()
        view_menu.addActions([self.sentences.action, self.registry.show_action])
        links = QMenu("&Links", bar)
        links.setObjectName("linksMenu")
        links.addActions(self.linking.actions())
        links.addSeparator()
        links.addActions([self.follow_action, *self.registry.mention_actions()])
        bar.addMenu(links)

    def label_menu_actions(self) -> list[QAction]:
        return self.tagsets.actions()

    def _connect(self) -> None:
        w = self.window
        w.documentOpened.connect(self._document_opened)
        p = self.span_panel
        p.attributesEdited.connect(
            lambda span_id, attrs: self._run_span_edit(span_id, {"attributes": attrs})
        )
        p.noteEdited.connect(lambda span_id, note: self._run_span_edit(span_id, {"note": note}))
        p.linkFollowed.connect(self.go_to_span)
        p.linkRemoved.connect(lambda link_id: w.run(RemoveLink(link_id)))
        p.proposalAccepted.connect(self.linking.accept_proposal)
        p.pickRequested.connect(self.linking.pick)
        p.attachRequested.connect(self.registry.attach)
        p.escaped.connect(lambda: w.view.setFocus())
        self.span_panel.note.set_escape_target(w.view)
        self.document_panel.note.set_escape_target(w.view)
        self.document_panel.noteEdited.connect(
            lambda doc_id, note: w.run(SetDocumentNote(doc_id, note))
        )

    # -- hooks the window calls ------------------------------------------------------

    def reset(self) -> None:
        """A project was loaded: forget everything about the previous one."""
        self._links, self._links_of, self._entity_names = [], {}, {}
        self._current = None
        self._clear_proposal()
        self.registry.mark_dirty()
        self.document_panel.show_document(None, "")
        self.span_panel.show_span(None)
        self.sentences.document_opened()
        self.tagsets.refresh()
        self._update_enabled()

    def current_span_changed(self, span_id: int | None) -> None:
        """The chosen tag changed (a click, J/K, the table, a new tag)."""
        if span_id == self._current:
            return
        self._previous, self._current = self._current, span_id
        if self._proposal is not None and self._proposal[0] != span_id:
            self._clear_proposal()
        if not self._held:
            self._refresh_span()

    @contextlib.contextmanager
    def holding(self) -> Iterator[None]:
        """While the window shows a change, the chosen tag may move; :meth:`after_change`
        then refreshes the Span panel once, rather than once per step."""
        self._held = True
        try:
            yield
        finally:
            self._held = False

    def after_change(self, change: Change) -> None:
        """Refresh the panels from what a command (or its undo) changed."""
        w = self.window
        doc = w.document.id if w.document is not None else None
        if change.labels:
            self.tagsets.refresh()
        if change.entities:
            self._entity_names.clear()
        if change.entities or change.added or change.removed or change.labels:
            self.registry.mark_dirty(soon=True)
        if doc is None or change.document_id not in (doc, None):
            self._refresh_span()  # the chosen tag may have moved while the window held
            return
        if change.links or change.removed or change.labels:
            self._load_links(doc)
        if change.documents and change.document_id == doc:
            note = w.store.get_document(doc).note
            self.document_panel.show_document(doc, note)
        if len(change.added) == 1 and not change.links:
            self.linking.propose_for(change.added[0])
        self._refresh_span()
        self.sentences.refresh()

    def commit_pending(self) -> None:
        """Save notes still being typed; the window is closing, the store goes next."""
        self.span_panel.note.commit()
        self.document_panel.note.commit()
        self._closed = True

    # -- queries the helpers share ---------------------------------------------------

    def span(self, span_id: int | None) -> Span | None:
        """A span of the open document (``None`` if it is not in it)."""
        return self.window.view.spans().get(span_id) if span_id is not None else None

    def current_span(self) -> Span | None:
        return self.span(self._current)

    def label_of(self, span: Span) -> Label | None:
        return self.window.tagset.by_name().get(span.label)

    def links_of(self, span_id: int) -> list[Link]:
        return self._links_of.get(span_id, [])

    def links(self) -> list[Link]:
        return self._links

    def entity_name(self, entity_id: int | None) -> str:
        if entity_id is None:
            return ""
        name = self._entity_names.get(entity_id)
        if name is None:
            try:
                name = self.window.store.get_entity(entity_id).name
            except AnnotatorError:
                name = ""
            self._entity_names[entity_id] = name
        return name

    def display_name(self, span: Span) -> str:
        """The canonical name a mention stands for (its entity, or via ``is``), else its text."""
        name = self.entity_name(span.entity_id)
        if name:
            return name
        for link in self.links_of(span.id or -1):
            if link.source_id == span.id and link.type == "is":
                target = self.span(link.target_id)
                if target is not None and target.entity_id is not None:
                    return self.entity_name(target.entity_id) or target.text
        return " ".join(span.text.split())

    def set_proposal(self, commitment_id: int, speaker: Span) -> None:
        assert speaker.id is not None
        self._proposal = (commitment_id, speaker.id)
        self._proposal_text = f"Speaker: {self.display_name(speaker)} — Enter to accept, P to pick"
        self.window.statusBar().showMessage(self._proposal_text)
        self.linking.accept_action.setEnabled(True)
        self.span_panel.set_proposal(self._proposal_text)
        self._outline_links(self.current_span())

    def proposal(self) -> tuple[int, int] | None:
        return self._proposal

    def _clear_proposal(self) -> None:
        if self._proposal is not None:
            bar = self.window.statusBar()
            if bar.currentMessage() == self._proposal_text:
                bar.clearMessage()
        self._proposal = None
        self._proposal_text = ""
        self.linking.accept_action.setEnabled(False)
        self.span_panel.set_proposal("")

    def clear_proposal(self) -> None:
        self._clear_proposal()

    def closed(self) -> bool:
        return self._closed

    def message(self, text: str, ms: int = 5000) -> None:
        self.window.statusBar().showMessage(text, ms)

    # -- the Span panel --------------------------------------------------------------

    def _refresh_span(self) -> None:
        span = self.current_span()
        self._refreshing = True
        try:
            if span is None:
                self.span_panel.show_span(None)
            else:
                self.span_panel.show_span(
                    span,
                    self.label_of(span),
                    color=self.window.colors.get(span.label, "#888888"),
                    entity=self.entity_name(span.entity_id),
                    links=self._link_rows(span),
                    proposal=self._proposal_text
                    if self._proposal and self._proposal[0] == span.id
                    else "",
                )
        finally:
            self._refreshing = False
        self._outline_links(span)

    def _link_rows(self, span: Span) -> list[LinkRow]:
        rows = []
        for link in self.links_of(span.id or -1):
            assert link.id is not None
            outgoing = link.source_id == span.id
            other_id = link.target_id if outgoing else link.source_id
            other = self.span(other_id)
            if other is None:
                try:
                    other = self.window.store.get_span(other_id)
                except AnnotatorError:
                    continue
            rows.append(
                LinkRow(
                    link_id=link.id,
                    type=link.type,
                    outgoing=outgoing,
                    other_id=other_id,
                    other_label=other.label,
                    other_text=other.text,
                    other_entity=self.display_name(other) if other.entity_id else "",
                    other_color=self.window.colors.get(other.label, "#888888"),
                )
            )
        return rows

    def _outline_links(self, span: Span | None) -> None:
        """Dashed outlines around the chosen tag's linked tags (and a proposed speaker)."""
        ids = []
        if span is not None and span.id is not None:
            for link in self.links_of(span.id):
                ids.append(link.target_id if link.source_id == span.id else link.source_id)
            if self._proposal is not None and self._proposal[0] == span.id:
                ids.append(self._proposal[1])
        self.window.view.set_linked_spans(ids)

    def _run_span_edit(self, span_id: int, changes: dict[str, object]) -> None:
        command = UpdateSpan(span_id, changes)
        if self._refreshing:
            # A note typed for the tag the user just left: save it once the panel has
            # moved on, so the window's choice of tag is not overturned midway.
            QTimer.singleShot(0, lambda: None if self._closed else self.window.run(command))
        else:
            self.window.run(command)

    def edit_span(self) -> None:
        if self.current_span() is None:
            self.message("Choose a tag first (click it, or J / K), then E edits it.")
            return
        self.span_panel.focus_first_field()

    def edit_note(self) -> None:
        if self.window.document is None:
            self.message("Open a document first.")
            return
        self.document_panel.note.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # -- documents and links ---------------------------------------------------------

    def _document_opened(self, doc_id: int) -> None:
        w = self.window
        again = doc_id == self.document_panel.document_id()
        # open_document has already cleared the chosen tag: the one before is wanted
        previous = self._current if self._current is not None else self._previous
        self._clear_proposal()
        self._load_links(doc_id)
        document = w.document
        self.document_panel.show_document(doc_id, document.note if document is not None else "")
        self._current = None
        self.sentences.document_opened()
        if again and previous is not None and self.span(previous) is not None:
            # Shown afresh after a tag set edit: the chosen tag stays chosen.
            w.show_span(previous)
        self.current_span_changed(w.view.current_span_id())
        self._refresh_span()
        self._update_enabled()

    def _load_links(self, doc_id: int) -> None:
        self._links = self.window.store.links_for_document(doc_id)
        by_span: dict[int, list[Link]] = {}
        for link in self._links:
            by_span.setdefault(link.source_id, []).append(link)
            if link.target_id != link.source_id:
                by_span.setdefault(link.target_id, []).append(link)
        self._links_of = by_span

    def go_to_span(self, span_id: int) -> None:
        """Show ``span_id`` as the chosen tag, opening its document when it is elsewhere."""
        w = self.window
        if self.span(span_id) is None:
            try:
                target = w.store.get_span(span_id)
            except AnnotatorError as exc:
                w.report_error("The tag cannot be shown", exc)
                return
            if not w.open_document(target.document_id):
                return
        w.show_span(span_id)

    def follow_next_link(self) -> None:
        """L: go to the chosen tag's first linked tag; L again goes on to the next link of
        the same tag, and after the last one back to the tag itself."""
        span = self.current_span()
        if span is None or span.id is None:
            self.message("Choose a tag first; L then walks through its links.")
            return
        origin, index = span.id, 0
        if self._follow is not None and self._follow[2] == span.id:
            origin, index = self._follow[0], self._follow[1] + 1
        links = self.links_of(origin)
        if not links:
            self.message("The chosen tag has no links (P, B or I make one).")
            return
        if index >= len(links):
            self._follow = None
            self.go_to_span(origin)
            self.message("Back to the tag the links start from.")
            return
        link = links[index]
        target = link.target_id if link.source_id == origin else link.source_id
        self.go_to_span(target)
        self._follow = (origin, index, target)
        self.message(f"Link {index + 1} of {len(links)}: {link.type.replace('_', ' ')}")

    # -- pickers ---------------------------------------------------------------------

    def open_picker(
        self,
        title: str,
        prompt: str,
        choices: list[Choice],
        on_pick: Callable[[Choice], None],
        *,
        new_text: str | None = None,
    ) -> PickerDialog:
        """Open a picker (window-modal, not blocking); ``on_pick(choice)`` runs on Enter."""
        if self.picker is not None:
            self.picker.reject()
        back_to = QApplication.focusWidget() or self.window.view
        dialog = PickerDialog(title, prompt, choices, parent=self.window, new_text=new_text)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.picked.connect(on_pick)
        dialog.finished.connect(lambda _result: self._picker_gone(dialog, back_to))
        self.picker = dialog
        dialog.open()
        dialog.activateWindow()
        dialog.filter_edit.setFocus(Qt.FocusReason.ActiveWindowFocusReason)
        return dialog

    def _picker_gone(self, dialog: PickerDialog, back_to: QWidget) -> None:
        if self.picker is dialog:
            self.picker = None
        # The keyboard goes back where it was (the text, the sentence list).
        self.window.activateWindow()
        back_to.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- enabling --------------------------------------------------------------------

    def _update_enabled(self) -> None:
        busy = self.window.document is not None
        for act in (
            self.edit_span_action,
            self.document_note_action,
            self.follow_action,
            *self.linking.actions()[1:],
            self.sentences.action,
        ):
            act.setEnabled(busy)


def _vsplit(name: str, top: QWidget, bottom: QWidget, *, stretch: tuple[int, int]) -> QSplitter:
    splitter = QSplitter(Qt.Orientation.Vertical)
    splitter.setObjectName(name)
    splitter.setChildrenCollapsible(False)
    splitter.addWidget(top)
    splitter.addWidget(bottom)
    splitter.setStretchFactor(0, stretch[0])
    splitter.setStretchFactor(1, stretch[1])
    return splitter
