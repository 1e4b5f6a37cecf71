"""The Span panel: the chosen tag's label, text, attributes, note and links.

A view over values the window hands it (:meth:`SpanPanel.show_span`); every edit leaves
as an intent signal. Each field is saved when it is committed: a choice when it is
chosen, a text field on Enter or when it loses the focus, a yes/no on toggle, the note
on Ctrl+Enter or when it loses the focus.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.model import Attribute, Label, Span
from annotator.ui.label_bar import set_quiet, swatch_icon
from annotator.ui.note_edit import NoteEdit
from annotator.ui.steady_box import SteadyBox

__all__ = ["LinkRow", "SpanPanel"]

LINK_TEXT = {"said_by": "said by", "binds": "binds", "is": "is"}
PICK_KEYS = {"said_by": "P", "binds": "B", "is": "I"}
PICK_TEXT = {"said_by": "Speaker…", "binds": "Binds…", "is": "Is…"}
TEXT_LIMIT = 280
_KEEP_KEYS = {Qt.Key.Key_Delete, Qt.Key.Key_Backspace}


@dataclass(frozen=True)
class LinkRow:
    """One link of the shown span, seen from it."""

    link_id: int
    type: str
    outgoing: bool
    other_id: int
    other_label: str
    other_text: str
    other_entity: str = ""
    other_color: str = "#888888"

    def caption(self) -> str:
        name = self.other_entity or _one_line(self.other_text, 60)
        if self.outgoing:
            return f"{LINK_TEXT.get(self.type, self.type)} → {name}"
        return f"← {LINK_TEXT.get(self.type, self.type)}: “{_one_line(self.other_text, 40)}”"


class _LinkList(QListWidget):
    """Enter follows a link, Delete removes it (keys the window would otherwise take)."""

    followed = Signal(int)
    removed = Signal(int)

    def sizeHint(self) -> QSize:  # noqa: N802
        # a few rows: the panel lays out by preferred heights (its text wraps), and the
        # list takes whatever room is left
        row = max(self.sizeHintForRow(0), self.fontMetrics().height() + 4)
        return QSize(240, row * 4 + 2 * self.frameWidth() + 4)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride:
            assert isinstance(event, QKeyEvent)
            if event.key() in (*_KEEP_KEYS, Qt.Key.Key_Return, Qt.Key.Key_Enter):
                event.accept()
                return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        item = self.currentItem()
        if item is not None and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.followed.emit(int(item.data(Qt.ItemDataRole.UserRole)[1]))
            return
        if item is not None and event.key() in _KEEP_KEYS:
            self.removed.emit(int(item.data(Qt.ItemDataRole.UserRole)[0]))
            return
        super().keyPressEvent(event)


class SpanPanel(QWidget):
    """Shows one span; emits what the user changed."""

    attributesEdited = Signal(int, object)  # span id, the new attributes dict
    noteEdited = Signal(int, str)
    linkFollowed = Signal(int)  # the other span's id
    linkRemoved = Signal(int)  # link id
    proposalAccepted = Signal()
    pickRequested = Signal(str)  # link type
    attachRequested = Signal()
    escaped = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("spanPanel")
        self._span: Span | None = None
        self._label: Label | None = None
        self._extras: list[tuple[str, str]] = []  # shown attributes the tag set lacks
        self._editors: dict[str, QWidget] = {}
        self._swatch_color = ""

        self.swatch = QLabel(self)
        self.title = QLabel(self)
        self.title.setObjectName("spanPanelTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        # The offsets, the quote and the entity change with every tag: each sits in a
        # SteadyBox, so that a change re-lays out the box, not the whole panel.
        self.offsets = QLabel(self)
        self.offsets.setObjectName("spanPanelOffsets")
        self.offsets.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        set_quiet(self.offsets)
        title_row = QHBoxLayout()
        title_row.setContentsMargins(0, 0, 0, 0)
        title_row.addWidget(self.swatch)
        title_row.addWidget(self.title)
        title_row.addWidget(SteadyBox(self.offsets, self))
        self.text = QLabel(self)
        self.text.setObjectName("spanPanelText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text_box = SteadyBox(self.text, self)

        self.proposal = QFrame(self)
        self.proposal.setObjectName("spanPanelProposal")
        self.proposal.setFrameShape(QFrame.Shape.StyledPanel)
        self.proposal_label = QLabel(self.proposal)
        self.proposal_label.setWordWrap(True)
        self.accept_button = QPushButton("Accept", self.proposal)
        self.accept_button.setObjectName("spanPanelAccept")
        self.accept_button.clicked.connect(self.proposalAccepted)
        row = QHBoxLayout(self.proposal)
        row.setContentsMargins(6, 4, 6, 4)
        row.addWidget(self.proposal_label, 1)
        row.addWidget(self.accept_button)

        self.entity = QLabel(self)
        self.entity.setObjectName("spanPanelEntity")
        self.entity_box = SteadyBox(self.entity, self)
        self.attach_button = QPushButton("Attach to entity…", self)
        self.attach_button.setObjectName("spanPanelAttach")
        self.attach_button.setToolTip("Attach this mention to an entity of the registry (A)")
        self.attach_button.clicked.connect(self.attachRequested)
        entity_row = QHBoxLayout()
        entity_row.setContentsMargins(0, 0, 0, 0)
        entity_row.addWidget(self.entity_box, 1)
        entity_row.addWidget(self.attach_button)

        self.form_host = QWidget(self)
        self.form_host.setObjectName("spanPanelAttributes")
        self.form = QFormLayout(self.form_host)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        self.note = NoteEdit(self, placeholder="Note on this tag (Ctrl+Enter saves)")
        self.note.setObjectName("spanPanelNote")
        self.note.committed.connect(self._note_committed)

        self.note_title = QLabel("Note", self)
        set_quiet(self.note_title)
        self.links_title = QLabel("Links", self)
        set_quiet(self.links_title)
        self.links = _LinkList(self)
        self.links.setObjectName("spanPanelLinks")
        self.links.setToolTip("Enter: go to the linked tag · Delete: remove the link")
        self.links.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.links.followed.connect(self.linkFollowed)
        self.links.removed.connect(self.linkRemoved)
        self.links.itemDoubleClicked.connect(
            lambda item: self.linkFollowed.emit(int(item.data(Qt.ItemDataRole.UserRole)[1]))
        )
        self.go_button = QPushButton("Go to", self)
        self.go_button.clicked.connect(self._follow_current)
        self.remove_button = QPushButton("Remove", self)
        self.remove_button.setObjectName("spanPanelRemoveLink")
        self.remove_button.clicked.connect(self._remove_current)
        self.pick_buttons: dict[str, QPushButton] = {}
        link_row = QHBoxLayout()
        link_row.setContentsMargins(0, 0, 0, 0)
        link_row.addWidget(self.go_button)
        link_row.addWidget(self.remove_button)
        link_row.addStretch(1)
        for link_type, text in PICK_TEXT.items():
            button = QPushButton(text, self)
            button.setToolTip(f"Link {LINK_TEXT[link_type]}… ({PICK_KEYS[link_type]})")
            button.clicked.connect(lambda _c=False, t=link_type: self.pickRequested.emit(t))
            self.pick_buttons[link_type] = button
            link_row.addWidget(button)

        self.empty = QLabel(
            "No tag chosen.\nClick a tag in the text or the table, or press J / K.", self
        )
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        set_quiet(self.empty)

        self.body = QWidget(self)
        body = QVBoxLayout(self.body)
        body.setContentsMargins(8, 6, 8, 6)
        body.addLayout(title_row)
        body.addWidget(self.text_box)
        body.addWidget(self.proposal)
        body.addLayout(entity_row)
        body.addWidget(self.form_host)
        body.addWidget(self.note_title)
        body.addWidget(self.note)
        body.addWidget(self.links_title)
        body.addWidget(self.links, 1)
        body.addLayout(link_row)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty)
        layout.addWidget(scroll)
        self._scroll = scroll
        for widget in (self.note, self.accept_button, self.attach_button, self.go_button):
            widget.installEventFilter(self)
        self.show_span(None)

    # -- our API ---------------------------------------------------------------------

    def span_id(self) -> int | None:
        return self._span.id if self._span is not None else None

    def show_span(
        self,
        span: Span | None,
        label: Label | None = None,
        *,
        color: str = "#888888",
        entity: str = "",
        links: list[LinkRow] | None = None,
        proposal: str = "",
    ) -> None:
        """Show ``span`` (``None``: nothing chosen). Editors the user is in keep their text."""
        previous = self._span
        if previous is not None and (span is None or span.id != previous.id):
            self.note.commit()  # a note typed for the previous span goes to that span
        self._span = span
        self.empty.setVisible(span is None)
        self._scroll.setVisible(span is not None)
        if span is None:
            self._label = None
            return
        schema = label.attributes if label is not None else ()
        declared = {a.name for a in schema}
        extras = sorted((n, str(v)) for n, v in span.attributes.items() if n not in declared)
        # The same rows as shown (the usual case from one tag to the next): keep the
        # editors and fill in the values; building widgets costs a layout and a repaint.
        if self._label is None or self._label.attributes != schema or extras != self._extras:
            self._build_form(schema, span.attributes)
            self._extras = extras
        self._label = label
        self._fill_form(span.attributes, typing=previous is not None and previous.id == span.id)
        if color != self._swatch_color:  # a new pixmap re-lays out the title row
            self._swatch_color = color
            self.swatch.setPixmap(swatch_icon(color, 14).pixmap(14, 14))
        self.title.setText(span.label)
        self.offsets.setText(f"chars {span.start}–{span.end} · tag {span.id}")
        shown = span.text if len(span.text) <= TEXT_LIMIT else span.text[: TEXT_LIMIT - 1] + "…"
        self.text.setText(f"“{shown}”")
        registry = label is not None and label.registry
        self.entity_box.setVisible(registry)
        self.attach_button.setVisible(registry)
        self.entity.setText(f"Entity: {entity}" if entity else "Entity: — (not attached)")
        self.entity.setToolTip(entity)  # a long name is cut at the panel's edge
        self.note.set_note(span.note)
        self.set_links(links or [], label)
        self.set_proposal(proposal)

    def set_links(self, links: list[LinkRow], label: Label | None = None) -> None:
        label = label or self._label
        if links or self.links.count():  # none before, none now: nothing to redo
            self._fill_links(links)
        self.links_title.setText("Links" if links else "Links: none yet")
        allowed = set(label.links) if label is not None else set()
        for link_type, button in self.pick_buttons.items():
            button.setVisible(link_type in allowed)
        has = bool(links)
        self.go_button.setEnabled(has)
        self.remove_button.setEnabled(has)

    def _fill_links(self, links: list[LinkRow]) -> None:
        current = self.links.currentItem()
        keep = current.data(Qt.ItemDataRole.UserRole)[0] if current is not None else None
        self.links.clear()
        for row in links:
            item = QListWidgetItem(swatch_icon(row.other_color, 12), row.caption())
            item.setData(Qt.ItemDataRole.UserRole, (row.link_id, row.other_id))
            item.setToolTip(f"{row.other_label}: {row.other_text}")
            self.links.addItem(item)
            if row.link_id == keep:
                self.links.setCurrentItem(item)
        if self.links.currentItem() is None and self.links.count():
            self.links.setCurrentRow(0)

    def set_proposal(self, text: str) -> None:
        self.proposal.setVisible(bool(text))
        self.proposal_label.setText(text)

    def editors(self) -> dict[str, QWidget]:
        """The attribute editors by attribute name (for the window and tests)."""
        return dict(self._editors)

    def focus_first_field(self) -> None:
        """Put the keyboard in the first attribute (else the note)."""
        if self._span is None:
            return
        first = next(iter(self._editors.values()), None)
        (first or self.note).setFocus(Qt.FocusReason.ShortcutFocusReason)

    # -- Qt overrides ----------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.ShortcutOverride:
            assert isinstance(event, QKeyEvent)
            # Delete in a field of this panel must never delete the tag itself.
            if event.key() in _KEEP_KEYS:
                event.accept()
                return True
        if event.type() == QEvent.Type.KeyPress and watched is not self.note:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Escape:
                self.escaped.emit()
                return True
        return super().eventFilter(watched, event)

    # -- the form --------------------------------------------------------------------

    def _build_form(self, schema: tuple[Attribute, ...], values: dict[str, Any]) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self._editors = {}
        for attr in schema:
            editor = self._make_editor(attr, values.get(attr.name))
            editor.setObjectName(f"attr.{attr.name}")
            editor.installEventFilter(self)
            self._editors[attr.name] = editor
            self.form.addRow(attr.name, editor)
            if self.form_host.isVisible():
                editor.show()  # now, not at the next event loop turn: E focuses it at once
        declared = {a.name for a in schema}
        for name, value in sorted(values.items()):
            if name not in declared:  # kept, shown, not edited (not in the tag set)
                extra = QLabel(str(value), self.form_host)
                set_quiet(extra)
                self.form.addRow(name, extra)
        chain = [*self._editors.values(), self.note, self.links]
        for a, b in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(a, b)

    def _make_editor(self, attr: Attribute, value: Any) -> QWidget:
        name = attr.name
        if attr.kind == "bool":
            box = QCheckBox(self.form_host)
            box.clicked.connect(lambda checked, n=name: self._commit(n, bool(checked)))
            return box
        if attr.kind == "text":
            line = QLineEdit(self.form_host)
            line.editingFinished.connect(lambda n=name, e=line: self._text_committed(n, e))
            return line
        combo = QComboBox(self.form_host)
        combo.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        combo.activated.connect(lambda _i, n=name, c=combo: self._commit(n, c.currentData()))
        return combo

    def _fill_form(self, values: dict[str, Any], *, typing: bool = False) -> None:
        """Show ``values``; with ``typing`` (the same tag), a field being edited keeps its text."""
        label = self._label
        schema = {a.name: a for a in label.attributes} if label is not None else {}
        for name, editor in self._editors.items():
            value = values.get(name)
            editor.blockSignals(True)
            try:
                if isinstance(editor, QCheckBox):
                    editor.setChecked(bool(value))
                elif isinstance(editor, QLineEdit):
                    if not (typing and editor.hasFocus() and editor.isModified()):
                        editor.setText("" if value is None else str(value))
                        editor.setModified(False)
                elif isinstance(editor, QComboBox):
                    choices = list(schema[name].values) if name in schema else []
                    if value is not None and str(value) not in choices:
                        choices.append(str(value))  # a value the tag set no longer offers
                    if [editor.itemData(i) for i in range(1, editor.count())] != choices:
                        editor.clear()
                        editor.addItem("—", None)
                        for choice in choices:
                            editor.addItem(choice, choice)
                    editor.setCurrentIndex(max(editor.findData(value), 0) if value else 0)
            finally:
                editor.blockSignals(False)

    def _commit(self, name: str, value: Any) -> None:
        span = self._span
        if span is None:
            return
        new = dict(span.attributes)
        if value is None or value == "":
            new.pop(name, None)
        else:
            new[name] = value
        if new != span.attributes:
            assert span.id is not None
            self.attributesEdited.emit(span.id, new)

    def _text_committed(self, name: str, editor: QLineEdit) -> None:
        editor.setModified(False)  # what it shows is now what is saved
        self._commit(name, editor.text().strip())

    def _note_committed(self, text: str) -> None:
        span = self._span
        if span is not None and span.id is not None and text != span.note:
            self.noteEdited.emit(span.id, text)

    def _follow_current(self) -> None:
        item = self.links.currentItem()
        if item is not None:
            self.linkFollowed.emit(int(item.data(Qt.ItemDataRole.UserRole)[1]))

    def _remove_current(self) -> None:
        item = self.links.currentItem()
        if item is not None:
            self.linkRemoved.emit(int(item.data(Qt.ItemDataRole.UserRole)[0]))


def _one_line(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
