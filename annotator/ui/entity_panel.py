"""The entity registry: canonical entities with their mentions, a filter and actions.

Rename in place (F2 or double-click on the name), change the type (F2 on the type),
select two and Merge, attach the chosen tag to the selected entity, and step through
an entity's mentions (Enter, or the mention buttons). Every action leaves as a signal.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.attribution import normalise_name
from annotator.domain.model import Entity
from annotator.ui.label_bar import set_quiet

__all__ = ["ENTITY_TYPES", "EntityPanel", "EntityTableModel"]

ENTITY_TYPES = ("person", "country", "organisation", "group", "place", "other")
ID_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2
SORT_ROLE = Qt.ItemDataRole.UserRole + 3

_Index = QModelIndex | QPersistentModelIndex


class EntityTableModel(QAbstractTableModel):
    """Entities as rows; an edit of the name or the type becomes a request signal."""

    COLUMNS = ("Name", "Type", "Mentions", "Docs")
    renameRequested = Signal(int, str)
    typeRequested = Signal(int, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._entities: list[Entity] = []

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._entities)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._entities):
            return None
        entity = self._entities[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return (entity.name, entity.type, entity.mentions, entity.documents)[column]
        if role == SORT_ROLE:
            return (entity.name.casefold(), entity.type, entity.mentions, entity.documents)[column]
        if role == ID_ROLE:
            return entity.id
        if role == SEARCH_ROLE:
            return normalise_name(" ".join((entity.name, entity.type, *entity.aliases)))
        if role == Qt.ItemDataRole.ToolTipRole:
            aliases = ", ".join(entity.aliases) if entity.aliases else "none"
            return (
                f"{entity.name} ({entity.type})\nalso written: {aliases}\n"
                f"{entity.mentions} mentions in {entity.documents} documents"
            )
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() in (0, 1):
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        entity = self._entities[index.row()]
        text = str(value).strip()
        assert entity.id is not None
        if index.column() == 0 and text and text != entity.name:
            self.renameRequested.emit(entity.id, text)
        elif index.column() == 1 and text and text != entity.type:
            self.typeRequested.emit(entity.id, text)
        return False  # the registry shows the change when the command has run

    def set_entities(self, entities: list[Entity]) -> None:
        self.beginResetModel()
        self._entities = list(entities)
        self.endResetModel()

    def entity(self, entity_id: int) -> Entity | None:
        return next((e for e in self._entities if e.id == entity_id), None)


class _Filter(QSortFilterProxyModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.words: list[str] = []

    def set_query(self, text: str) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.10+
            self.beginFilterChange()
            self.words = normalise_name(text).split()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.words = normalise_name(text).split()
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:  # noqa: N802
        haystack = str(self.sourceModel().index(source_row, 0, source_parent).data(SEARCH_ROLE))
        return all(word in haystack for word in self.words)


class _TypeDelegate(QStyledItemDelegate):
    """A combo box of the usual entity types for the Type column."""

    def createEditor(  # noqa: N802
        self, parent: QWidget, option: QStyleOptionViewItem, index: _Index
    ) -> QWidget:
        if index.column() != 1:
            return super().createEditor(parent, option, index)
        combo = QComboBox(parent)
        combo.setObjectName("entityTypeEditor")
        combo.addItems(list(ENTITY_TYPES))
        combo.setEditable(True)  # a project may want its own types
        return combo

    def setEditorData(self, editor: QWidget, index: _Index) -> None:  # noqa: N802
        if isinstance(editor, QComboBox):
            editor.setCurrentText(str(index.data(Qt.ItemDataRole.EditRole)))
        else:
            super().setEditorData(editor, index)

    def setModelData(  # noqa: N802
        self, editor: QWidget, model: QAbstractItemModel, index: _Index
    ) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)


class EntityPanel(QWidget):
    """The registry panel. Call :meth:`set_entities` with the project's entities."""

    renameRequested = Signal(int, str)
    typeRequested = Signal(int, str)
    mergeRequested = Signal(int, int)
    attachRequested = Signal(int)
    mentionRequested = Signal(int, int)  # entity id, step (+1 next, -1 previous)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("entityPanel")
        self.model = EntityTableModel(self)
        self.model.renameRequested.connect(self.renameRequested)
        self.model.typeRequested.connect(self.typeRequested)
        self.proxy = _Filter(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("entityFilter")
        self.filter_edit.setPlaceholderText("Filter entities (names and aliases)…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._filter_changed)
        self.filter_edit.installEventFilter(self)
        self.count_label = QLabel(self)
        set_quiet(self.count_label)

        self.table = QTableView(self)
        self.table.setObjectName("entityTable")
        self.table.setModel(self.proxy)
        self.table.setItemDelegate(_TypeDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
        )
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.activated.connect(self._activated)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)

        self.merge_button = QPushButton("Merge", self)
        self.merge_button.setObjectName("entityMerge")
        self.merge_button.setToolTip("Select two entities (Ctrl+click), then merge them")
        self.merge_button.clicked.connect(self._merge)
        self.attach_button = QPushButton("Attach tag", self)
        self.attach_button.setObjectName("entityAttach")
        self.attach_button.setToolTip("Attach the chosen tag (a mention) to this entity")
        self.attach_button.clicked.connect(self._attach)
        self.previous_button = QPushButton("◀ Mention", self)
        self.previous_button.setObjectName("entityPreviousMention")
        self.previous_button.setToolTip("Show the previous mention of this entity (Shift+M)")
        self.previous_button.clicked.connect(lambda: self._step(-1))
        self.next_button = QPushButton("Mention ▶", self)
        self.next_button.setObjectName("entityNextMention")
        self.next_button.setToolTip("Show the next mention of this entity (M, or Enter)")
        self.next_button.clicked.connect(lambda: self._step(1))

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.count_label)
        top.addSpacing(6)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        for button in (self.previous_button, self.next_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        for button in (self.attach_button, self.merge_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        hint = QLabel("F2 renames or retypes · Enter shows the next mention", self)
        set_quiet(hint)
        layout.addWidget(hint)
        self._update_buttons()

    # -- our API ---------------------------------------------------------------------

    def set_entities(self, entities: list[Entity]) -> None:
        """Show ``entities``, keeping the selection (by id) where it can."""
        selected = self.selected_ids()
        current = self.current_id()
        self.model.set_entities(entities)
        for entity_id in selected:
            self.select(entity_id, add=True, current=False)
        if current is not None:
            self.select(current, add=True)
        self._update_count()
        self._update_buttons()

    def selected_ids(self) -> list[int]:
        rows = self.table.selectionModel().selectedRows()
        return [int(i.data(ID_ROLE)) for i in sorted(rows, key=lambda i: i.row())]

    def current_id(self) -> int | None:
        index = self.table.currentIndex()
        return int(index.data(ID_ROLE)) if index.isValid() else None

    def select(self, entity_id: int, *, add: bool = False, current: bool = True) -> bool:
        """Select ``entity_id``'s row (clearing the others unless ``add``)."""
        selection = self.table.selectionModel()
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if index.data(ID_ROLE) == entity_id:
                flags = selection.SelectionFlag.Select | selection.SelectionFlag.Rows
                if not add:
                    flags |= selection.SelectionFlag.Clear
                if current:
                    selection.setCurrentIndex(index, flags)
                else:
                    selection.select(index, flags)
                self.table.scrollTo(index)
                return True
        return False

    def focus_filter(self) -> None:
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    # -- internals -------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.filter_edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Down:
                self.table.setFocus()
                if not self.table.currentIndex().isValid() and self.proxy.rowCount():
                    self.table.setCurrentIndex(self.proxy.index(0, 0))
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.proxy.rowCount():
                self.table.setCurrentIndex(self.proxy.index(0, 0))
                self._step(1)
                return True
        return super().eventFilter(watched, event)

    def _filter_changed(self, text: str) -> None:
        self.proxy.set_query(text)
        self._update_count()

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count_label.setText(f"{total}" if shown == total else f"{shown} of {total}")

    def _update_buttons(self, *_args: object) -> None:
        n = len(self.selected_ids())
        self.merge_button.setEnabled(n == 2)
        for button in (self.attach_button, self.previous_button, self.next_button):
            button.setEnabled(n >= 1)

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.mentionRequested.emit(int(index.data(ID_ROLE)), 1)

    def _merge(self) -> None:
        ids = self.selected_ids()
        if len(ids) == 2:
            current = self.current_id()
            first, second = ids if current != ids[1] else (ids[1], ids[0])
            self.mergeRequested.emit(first, second)

    def _attach(self) -> None:
        entity_id = self.current_id() or next(iter(self.selected_ids()), None)
        if entity_id is not None:
            self.attachRequested.emit(entity_id)

    def _step(self, step: int) -> None:
        entity_id = self.current_id() or next(iter(self.selected_ids()), None)
        if entity_id is not None:
            self.mentionRequested.emit(entity_id, step)
