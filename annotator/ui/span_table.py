"""The table of the open document's spans: label, text, offsets, sentence."""

from __future__ import annotations

import bisect
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.model import Span
from annotator.ui.label_bar import set_quiet, swatch_icon

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
LABEL_ROLE = Qt.ItemDataRole.UserRole + 3
ALL_LABELS = "All labels"
TEXT_LIMIT = 160

_Index = QModelIndex | QPersistentModelIndex


class SpanTableModel(QAbstractTableModel):
    """A table model over a plain list of spans, kept in document order."""

    COLUMNS = ("Label", "Text", "Offsets", "Sent.")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._spans: list[Span] = []
        self._rows: dict[int, int] = {}
        self._sentence_starts: list[int] = []
        self._sentence_ends: list[int] = []
        self._colors: dict[str, str] = {}
        self._icons: dict[str, QIcon] = {}

    # -- Qt API ----------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._spans)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                "the span's label",
                "the tagged text",
                "start–end in characters (Unicode code points, end excluded), as exported",
                "the sentence the span starts in (1 = first; the CSV's sentence_index "
                "counts from 0)",
            )[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._spans):
            return None
        span = self._spans[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return span.label
            if column == 1:
                return _one_line(span.text)
            if column == 2:
                return f"{span.start}–{span.end}"
            number = self.sentence_number(span.start)
            return "" if number is None else str(number)
        if role == SORT_ROLE:
            if column == 0:
                return span.label
            if column == 1:
                return span.text.casefold()
            if column == 2:
                return span.start * (1 << 32) + span.end
            return self.sentence_number(span.start) or 0
        if role == ID_ROLE:
            return span.id
        if role == LABEL_ROLE:
            return span.label
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            return self._icon(span.label)
        if role == Qt.ItemDataRole.ToolTipRole and column == 1:
            text = span.text if len(span.text) <= 600 else span.text[:599] + "…"
            return f"{text}\n\n{span.label} · chars {span.start}–{span.end} · span {span.id}"
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (2, 3):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    # -- our API ---------------------------------------------------------------------

    def set_spans(
        self, spans: list[Span], sentences: list[tuple[int, int]], colors: dict[str, str]
    ) -> None:
        self.beginResetModel()
        self._spans = sorted(spans, key=_order)
        self._sentence_starts = [s for s, _ in sentences]
        self._sentence_ends = [e for _, e in sentences]
        self._colors = dict(colors)
        self._icons.clear()
        self._reindex()
        self.endResetModel()

    def set_colors(self, colors: dict[str, str]) -> None:
        self._colors = dict(colors)
        self._icons.clear()
        if self._spans:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._spans) - 1, 0))

    def spans(self) -> list[Span]:
        return list(self._spans)

    def row_of(self, span_id: int) -> int | None:
        return self._rows.get(span_id)

    def add_span(self, span: Span) -> None:
        if span.id in self._rows:
            self.update_span(span)
            return
        row = bisect.bisect_right([_order(s) for s in self._spans], _order(span))
        self.beginInsertRows(QModelIndex(), row, row)
        self._spans.insert(row, span)
        self._reindex()
        self.endInsertRows()

    def remove_span(self, span_id: int) -> None:
        row = self._rows.get(span_id)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._spans[row]
        self._reindex()
        self.endRemoveRows()

    def update_span(self, span: Span) -> None:
        assert span.id is not None
        row = self._rows.get(span.id)
        if row is None:
            self.add_span(span)
            return
        self._spans[row] = span
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))

    def sentence_number(self, offset: int) -> int | None:
        """1-based number of the sentence holding ``offset``, or None between sentences."""
        i = bisect.bisect_right(self._sentence_starts, offset) - 1
        if i >= 0 and offset < self._sentence_ends[i]:
            return i + 1
        return None

    def _reindex(self) -> None:
        self._rows = {s.id: i for i, s in enumerate(self._spans) if s.id is not None}

    def _icon(self, label: str) -> QIcon:
        icon = self._icons.get(label)
        if icon is None:
            icon = self._icons[label] = swatch_icon(self._colors.get(label, "#888888"), 12)
        return icon


class LabelFilterProxy(QSortFilterProxyModel):
    """Shows every span, or only those of one label."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._label: str | None = None
        self.setSortRole(SORT_ROLE)

    def set_label(self, label: str | None) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.10+
            self.beginFilterChange()
            self._label = label
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self._label = label
            self.invalidateRowsFilter()

    def label(self) -> str | None:
        return self._label

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        if self._label is None:
            return True
        index = self.sourceModel().index(source_row, 0, source_parent)
        return bool(index.data(LABEL_ROLE) == self._label)


class SpanTable(QWidget):
    """The label filter and the span table.

    Emits :attr:`spanChosen` with a span id when the user picks a row; the window's
    calls to :meth:`select_span` move the selection without emitting anything, so the
    table and the document view can follow each other without a loop.
    """

    spanChosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = SpanTableModel(self)
        self.proxy = LabelFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        self.label_filter = QComboBox(self)
        self.label_filter.setObjectName("spanLabelFilter")
        self.label_filter.addItem(ALL_LABELS, None)
        self.label_filter.currentIndexChanged.connect(self._label_filter_changed)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("spanCount")
        set_quiet(self.count_label)

        self.view = QTableView(self)
        self.view.setObjectName("spanTable")
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.setAlternatingRowColors(True)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 8)
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(2, Qt.SortOrder.AscendingOrder)
        self.view.selectionModel().currentRowChanged.connect(self._current_row_changed)
        self.view.clicked.connect(self._clicked)
        # The proxy drops its rows while the source is still about to remove them, so
        # count again when the source has finished.
        self.proxy.rowsInserted.connect(self._update_count)
        self.model.rowsRemoved.connect(self._update_count)
        self.proxy.modelReset.connect(self._update_count)
        self.proxy.layoutChanged.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.label_filter, 1)
        top.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.view)

        self._quiet = False
        self._current: int | None = None
        self._update_count()

    # -- our API ---------------------------------------------------------------------

    def set_labels(self, names: list[str], colors: dict[str, str]) -> None:
        """Offer "All labels" and each of ``names`` in the filter (keeping the choice)."""
        chosen = self.label_filter.currentData()
        self.label_filter.blockSignals(True)
        try:
            self.label_filter.clear()
            self.label_filter.addItem(ALL_LABELS, None)
            for name in names:
                self.label_filter.addItem(swatch_icon(colors.get(name, "#888888"), 12), name, name)
            index = self.label_filter.findData(chosen) if chosen is not None else 0
            self.label_filter.setCurrentIndex(max(index, 0))
        finally:
            self.label_filter.blockSignals(False)
        self.proxy.set_label(self.label_filter.currentData())
        self.model.set_colors(colors)

    def set_spans(
        self, spans: list[Span], sentences: list[tuple[int, int]], colors: dict[str, str]
    ) -> None:
        self._current = None
        self._quiet = True
        try:
            self.model.set_spans(spans, sentences, colors)
        finally:
            self._quiet = False

    def add_span(self, span: Span) -> None:
        self._quietly(self.model.add_span, span)

    def remove_span(self, span_id: int) -> None:
        if span_id == self._current:
            self._current = None
        self._quietly(self.model.remove_span, span_id)

    def update_span(self, span: Span) -> None:
        # The proxy's dynamic filter moves a relabelled row in or out of view by itself.
        self._quietly(self.model.update_span, span)
        if self._current is not None:
            self.select_span(self._current)

    def select_span(self, span_id: int | None) -> None:
        """Select ``span_id``'s row (and scroll to it) without emitting :attr:`spanChosen`."""
        self._current = span_id
        self._quiet = True
        try:
            selection = self.view.selectionModel()
            index = self._proxy_index(span_id)
            if index is None:
                selection.clearSelection()
                selection.setCurrentIndex(QModelIndex(), QItemSelectionModel.SelectionFlag.Clear)
                return
            selection.setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.view.scrollTo(index)
        finally:
            self._quiet = False

    def current_span_id(self) -> int | None:
        return self._current

    def visible_span_ids(self) -> list[int]:
        """Span ids in the order the table shows them (sorted, filtered)."""
        return [int(self.proxy.index(r, 0).data(ID_ROLE)) for r in range(self.proxy.rowCount())]

    # -- internals -------------------------------------------------------------------

    def _quietly(self, func: Any, arg: Any) -> None:
        self._quiet = True
        try:
            func(arg)
        finally:
            self._quiet = False

    def _proxy_index(self, span_id: int | None) -> QModelIndex | None:
        if span_id is None:
            return None
        row = self.model.row_of(span_id)
        if row is None:
            return None
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        return index if index.isValid() else None

    def _label_filter_changed(self, _index: int) -> None:
        self.proxy.set_label(self.label_filter.currentData())
        if self._current is not None:
            self.select_span(self._current)
        self._update_count()

    def _update_count(self, *_args: Any) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        text = f"{total} spans" if shown == total else f"{shown} of {total} spans"
        self.count_label.setText("1 span" if text == "1 spans" else text)

    def _current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._quiet or not current.isValid():
            return
        self._choose(int(current.data(ID_ROLE)))

    def _clicked(self, index: QModelIndex) -> None:
        # A click on the row that is already current still shows its span again.
        if index.isValid():
            self._current = int(index.data(ID_ROLE))
            self.spanChosen.emit(self._current)

    def _choose(self, span_id: int) -> None:
        if span_id == self._current:
            return
        self._current = span_id
        self.spanChosen.emit(span_id)


def _order(span: Span) -> tuple[int, int, int]:
    return (span.start, span.end, span.id or 0)


def _one_line(text: str) -> str:
    flat = " ⏎ ".join(part.strip() for part in text.splitlines()) if "\n" in text else text
    return flat if len(flat) <= TEXT_LIMIT else flat[: TEXT_LIMIT - 1] + "…"
