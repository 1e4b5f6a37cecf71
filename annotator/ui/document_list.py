"""The list of a project's documents: title, status and span count, with a filter box."""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    QRectF,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QIcon, QKeyEvent, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.model import STATUSES, DocumentSummary

STATUS_TEXT = {"todo": "to do", "in_progress": "in progress", "done": "done"}
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
STATUS_ROLE = Qt.ItemDataRole.UserRole + 3

_Index = QModelIndex | QPersistentModelIndex
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ROLES = frozenset(
    (
        _DISPLAY,
        int(Qt.ItemDataRole.DecorationRole),
        int(Qt.ItemDataRole.ToolTipRole),
        int(Qt.ItemDataRole.TextAlignmentRole),
        SORT_ROLE,
        ID_ROLE,
        STATUS_ROLE,
    )
)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


_STATUS_ICONS: dict[str, QIcon] = {}


def status_icon(status: str) -> QIcon:
    """A small circle: hollow for to do, half full for in progress, ticked for done."""
    icon = _STATUS_ICONS.get(status)
    if icon is not None:
        return icon
    icon = QIcon()
    for scale in (1, 2):
        size = 12
        pixmap = QPixmap(size * scale, size * scale)
        pixmap.setDevicePixelRatio(scale)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        circle = QRectF(1.5, 1.5, size - 3, size - 3)
        if status == "done":
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#009E73"))
            painter.drawEllipse(circle)
            pen = QPen(QColor("white"), 1.6)
            painter.setPen(pen)
            painter.drawPolyline([QPointF(3.6, 6.2), QPointF(5.3, 7.9), QPointF(8.6, 4.2)])
        elif status == "in_progress":
            painter.setPen(QPen(QColor("#E69F00"), 1.2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(circle)
            painter.setBrush(QColor("#E69F00"))
            painter.drawPie(circle, 90 * 16, 180 * 16)
        else:
            painter.setPen(QPen(QColor("#9A9A9A"), 1.2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(circle)
        painter.end()
        icon.addPixmap(pixmap)
    _STATUS_ICONS[status] = icon
    return icon


class DocumentListModel(QAbstractTableModel):
    """A table model over a plain list of :class:`DocumentSummary`."""

    COLUMNS = ("Title", "Status", "Spans")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._docs: list[DocumentSummary] = []
        self._rows: dict[int, int] = {}

    # -- Qt API ----------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._docs)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return "" if section == 1 else self.COLUMNS[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                return ("Title", "Status: to do, in progress or done", "Spans")[section]
            if role == Qt.ItemDataRole.TextAlignmentRole and section == 2:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        # Called for seven roles per cell painted: the ones with no data end here.
        if role not in _ROLES:
            return None
        row = index.row()
        if not 0 <= row < len(self._docs):  # an invalid index has row -1
            return None
        doc = self._docs[row]
        column = index.column()
        if role == _DISPLAY:
            if column == 0:
                return doc.title
            if column == 1:
                return None  # an icon: the words would crowd out the titles
            return str(doc.span_count)
        if role == Qt.ItemDataRole.DecorationRole and column == 1:
            return status_icon(doc.status)
        if role == SORT_ROLE:
            return (
                doc.title.casefold(),
                STATUSES.index(doc.status) if doc.status in STATUSES else -1,
                doc.span_count,
            )[column]
        if role == ID_ROLE:
            return doc.id
        if role == STATUS_ROLE:
            return STATUS_TEXT.get(doc.status, doc.status)
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                f"{doc.title}\n{doc.source}\n{doc.length:,} characters · "
                f"{doc.span_count} spans · {STATUS_TEXT.get(doc.status, doc.status)}"
            )
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 2:
            return _RIGHT
        return None

    # -- our API ---------------------------------------------------------------------

    def set_documents(self, docs: list[DocumentSummary]) -> None:
        self.beginResetModel()
        self._docs = list(docs)
        self._rows = {d.id: i for i, d in enumerate(self._docs)}
        self.endResetModel()

    def documents(self) -> list[DocumentSummary]:
        return list(self._docs)

    def summary(self, doc_id: int) -> DocumentSummary | None:
        row = self._rows.get(doc_id)
        return None if row is None else self._docs[row]

    def row_of(self, doc_id: int) -> int | None:
        return self._rows.get(doc_id)

    def adjust_span_count(self, doc_id: int, delta: int) -> None:
        doc = self.summary(doc_id)
        if doc is not None and delta:
            row = self._rows[doc_id]
            self._docs[row] = dataclasses.replace(doc, span_count=max(0, doc.span_count + delta))
            spans = self.index(row, 2)  # only this cell changed: repaint only it
            self.dataChanged.emit(spans, spans)

    def replace(self, summary: DocumentSummary) -> None:
        """Put a fresh summary in place of the one with the same id."""
        row = self._rows.get(summary.id)
        if row is None:
            return
        self._docs[row] = summary
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))


class DocumentList(QWidget):
    """A filter box over the document table; emits :attr:`documentChosen` with an id.

    Choosing a row (click, arrow keys, Enter in the filter box) opens it; setting the
    current document from the window (:meth:`select_document`) emits nothing.
    """

    documentChosen = Signal(int)
    #: Enter in the filter box: the user wants to read (focus the document view).
    readingRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = DocumentListModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(0)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setSortRole(SORT_ROLE)

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("documentFilter")
        self.filter_edit.setPlaceholderText("Filter documents…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._filter_changed)
        self.filter_edit.returnPressed.connect(self._open_first_visible)
        self.filter_edit.installEventFilter(self)

        self.view = QTableView(self)
        self.view.setObjectName("documentList")
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 8)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        metrics = self.view.fontMetrics()
        header.resizeSection(
            2, max(metrics.horizontalAdvance("Spans"), metrics.horizontalAdvance("88888")) + 24
        )
        header.setMinimumSectionSize(20)
        header.resizeSection(1, 24)
        header.moveSection(1, 0)  # the status icon leads the row
        header.setHighlightSections(False)
        self.view.setSortingEnabled(True)
        self.proxy.sort(-1)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.selectionModel().currentRowChanged.connect(self._current_row_changed)
        self.view.clicked.connect(self._clicked)
        self.view.activated.connect(self._activated)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.view)

        self._quiet = False
        self._current: int | None = None

    # -- our API ---------------------------------------------------------------------

    def set_documents(self, docs: list[DocumentSummary]) -> None:
        """Show ``docs``, keeping the current document selected if it is still there."""
        current = self._current
        self._quiet = True
        try:
            self.model.set_documents(docs)
        finally:
            self._quiet = False
        if current is not None and self.model.row_of(current) is not None:
            self.select_document(current)
        else:
            self._current = None

    def select_document(self, doc_id: int | None) -> None:
        """Make ``doc_id`` the selected row without emitting :attr:`documentChosen`."""
        self._current = doc_id
        self._quiet = True
        try:
            index = self._proxy_index(doc_id)
            selection = self.view.selectionModel()
            if index is None:
                selection.clearSelection()
                return
            selection.setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.view.scrollTo(index)
        finally:
            self._quiet = False

    def current_document_id(self) -> int | None:
        return self._current

    def neighbour(self, doc_id: int | None, step: int) -> int | None:
        """The document ``step`` rows away from ``doc_id`` in the list as shown."""
        rows = self.proxy.rowCount()
        if rows == 0:
            return None
        index = self._proxy_index(doc_id)
        if index is None:
            row = 0 if step > 0 else rows - 1
        else:
            row = index.row() + step
            if not 0 <= row < rows:
                return None
        return int(self.proxy.index(row, 0).data(ID_ROLE))

    def visible_ids(self) -> list[int]:
        return [int(self.proxy.index(r, 0).data(ID_ROLE)) for r in range(self.proxy.rowCount())]

    # -- internals -------------------------------------------------------------------

    def _proxy_index(self, doc_id: int | None) -> QModelIndex | None:
        if doc_id is None:
            return None
        row = self.model.row_of(doc_id)
        if row is None:
            return None
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        return index if index.isValid() else None

    def _filter_changed(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)
        if self._current is not None:
            self.select_document(self._current)

    def _current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._quiet or not current.isValid():
            return
        self._choose(int(current.data(ID_ROLE)))

    def _clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self._choose(int(index.data(ID_ROLE)))

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self._choose(int(index.data(ID_ROLE)))
            self.readingRequested.emit()

    def _choose(self, doc_id: int) -> None:
        if doc_id == self._current:
            return
        self._current = doc_id
        self.documentChosen.emit(doc_id)

    def _open_first_visible(self) -> None:
        visible = self.visible_ids()
        if not visible:
            return
        target = self._current if self._current in visible else visible[0]
        self._choose(target)
        self.select_document(target)
        self.readingRequested.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.filter_edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Down:
                self.view.setFocus()
                return True
            if event.key() == Qt.Key.Key_Escape and self.filter_edit.text():
                self.filter_edit.clear()
                return True
        return super().eventFilter(watched, event)
