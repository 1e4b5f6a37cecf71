"""A small chooser with type-ahead: type a few letters, move with the arrows, Enter picks.

Used to pick a speaker for a commitment, the entities it binds, the entity a speaker
is, or the registry entry a mention stands for. The caller passes plain
:class:`Choice` values and gets the chosen one back through :attr:`PickerDialog.picked`;
the dialog never touches the project.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QPainter, QPalette, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.attribution import normalise_name
from annotator.ui.label_bar import set_quiet, swatch_icon

__all__ = ["Choice", "PickerDialog"]

CHOICE_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2
DETAIL_ROLE = Qt.ItemDataRole.UserRole + 3
NEW_ROLE = Qt.ItemDataRole.UserRole + 4
_MOVE_KEYS = {
    Qt.Key.Key_Up,
    Qt.Key.Key_Down,
    Qt.Key.Key_PageUp,
    Qt.Key.Key_PageDown,
}

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Choice:
    """One row of a picker: a span, a registry entity, or a new name (``kind == "new"``)."""

    kind: str
    id: int | None
    text: str
    detail: str = ""
    search: str = ""  # more words the type-ahead matches (aliases, the canonical name)
    color: str = ""


class _Filter(QSortFilterProxyModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.words: list[str] = []
        self.show_new = False

    def set_query(self, query: str, *, show_new: bool) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.10+
            self.beginFilterChange()
            self.words, self.show_new = normalise_name(query).split(), show_new
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.words, self.show_new = normalise_name(query).split(), show_new
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        index = self.sourceModel().index(source_row, 0, source_parent)
        if index.data(NEW_ROLE):
            return self.show_new
        haystack = str(index.data(SEARCH_ROLE))
        return all(word in haystack for word in self.words)


class _Delegate(QStyledItemDelegate):
    """The choice's text, then its detail in the quiet colour, right-aligned."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        detail = str(index.data(DETAIL_ROLE) or "")
        super().paint(painter, option, index)
        if not detail:
            return
        painter.save()
        selected = option.state & QStyle.StateFlag.State_Selected
        role = (
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        )
        painter.setPen(option.palette.color(role))
        rect: QRect = option.rect.adjusted(0, 0, -8, 0)
        painter.drawText(rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, detail)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:  # noqa: N802
        size = super().sizeHint(option, index)
        return QSize(size.width(), size.height() + 6)


class PickerDialog(QDialog):
    """Pick one :class:`Choice`; with ``new_text`` set, typed text no row matches can be
    chosen as a new name (``Choice(kind="new", text=typed)``)."""

    picked = Signal(object)

    def __init__(
        self,
        title: str,
        prompt: str,
        choices: list[Choice],
        *,
        parent: QWidget | None = None,
        new_text: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("pickerDialog")
        self.setWindowTitle(title)
        self._new_text = new_text
        self.model = QStandardItemModel(self)
        for choice in choices:
            item = QStandardItem(choice.text)
            if choice.color:
                item.setIcon(swatch_icon(choice.color, 12))
            item.setData(choice, CHOICE_ROLE)
            item.setData(
                normalise_name(f"{choice.text} {choice.search} {choice.detail}"), SEARCH_ROLE
            )
            item.setData(choice.detail, DETAIL_ROLE)
            item.setToolTip(f"{choice.text}\n{choice.detail}".strip())
            item.setEditable(False)
            self.model.appendRow(item)
        self._new_item: QStandardItem | None = None
        if new_text is not None:
            self._new_item = QStandardItem("")
            self._new_item.setData(True, NEW_ROLE)
            self._new_item.setEditable(False)
            self.model.appendRow(self._new_item)
        self.proxy = _Filter(self)
        self.proxy.setSourceModel(self.model)

        self.prompt = QLabel(prompt, self)
        self.prompt.setWordWrap(True)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("pickerFilter")
        self.filter_edit.setPlaceholderText("Type to filter…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._filter_changed)
        self.filter_edit.installEventFilter(self)
        self.list = QListView(self)
        self.list.setObjectName("pickerList")
        self.list.setModel(self.proxy)
        self.list.setItemDelegate(_Delegate(self.list))
        self.list.setUniformItemSizes(True)
        self.list.activated.connect(lambda _index: self.accept())
        self.list.doubleClicked.connect(lambda _index: self.accept())
        self.hint = QLabel("↑/↓ choose · Enter picks · Esc cancels", self)
        set_quiet(self.hint)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.prompt)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.hint)
        layout.addWidget(buttons)
        self.resize(460, 420)
        self._filter_changed("")
        self.filter_edit.setFocus()

    # -- our API ---------------------------------------------------------------------

    def current_choice(self) -> Choice | None:
        index = self.list.currentIndex()
        if not index.isValid():
            return None
        if index.data(NEW_ROLE):
            return Choice("new", None, self.filter_edit.text().strip())
        choice = index.data(CHOICE_ROLE)
        return choice if isinstance(choice, Choice) else None

    def visible_texts(self) -> list[str]:
        return [str(self.proxy.index(r, 0).data()) for r in range(self.proxy.rowCount())]

    def accept(self) -> None:
        choice = self.current_choice()
        if choice is None or (choice.kind == "new" and not choice.text):
            return
        super().accept()
        self.picked.emit(choice)

    # -- internals -------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.filter_edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in _MOVE_KEYS:
                self.list.setFocus()
                self.list.event(event)  # move the current row, keep typing in the box
                self.filter_edit.setFocus()
                return True
        return super().eventFilter(watched, event)

    def _filter_changed(self, text: str) -> None:
        show_new = False
        if self._new_item is not None and self._new_text is not None:
            typed = text.strip()
            key = normalise_name(typed)
            exact = any(
                normalise_name(self.model.item(r).text()) == key
                for r in range(self.model.rowCount() - 1)
            )
            show_new = bool(typed) and not exact
            self._new_item.setText(f"{self._new_text} “{typed}”")
        self.proxy.set_query(text, show_new=show_new)
        if self.proxy.rowCount():
            self.list.setCurrentIndex(self.proxy.index(0, 0))
