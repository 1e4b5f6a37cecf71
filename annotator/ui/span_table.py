"""The table of the open document's spans: label, text, offsets, sentence.

The widget (label filter, count, view) is here; its rows come from
:class:`annotator.ui.span_table_model.SpanTableModel`.
"""

from __future__ import annotations

import operator
from typing import Any

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.model import Span
from annotator.ui.label_bar import set_quiet, steady_width, swatch_icon
from annotator.ui.span_table_model import ID_ROLE, SpanTableModel
from annotator.ui.span_table_view import SpanTableView

__all__ = ["ALL_LABELS", "ID_ROLE", "SpanTable", "SpanTableModel"]

_END = operator.attrgetter("end")
ALL_LABELS = "All labels"


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

        self.label_filter = QComboBox(self)
        self.label_filter.setObjectName("spanLabelFilter")
        self.label_filter.addItem(ALL_LABELS, None)
        self.label_filter.currentIndexChanged.connect(self._label_filter_changed)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("spanCount")
        set_quiet(self.count_label)
        steady_width(self.count_label, "888888 of 888888 spans")

        self.view = SpanTableView(self)
        self.view.setObjectName("spanTable")
        self.view.setModel(self.model)
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
        # Widths from font metrics, not ResizeToContents: that asks the model for up to
        # a thousand rows' data on every change, which a long document feels.
        for column in (0, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(2, Qt.SortOrder.AscendingOrder)
        self.view.selectionModel().currentRowChanged.connect(self._current_row_changed)
        self.view.clicked.connect(self._clicked)
        self.model.modelReset.connect(self._update_count)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.label_filter, 1)
        top.addWidget(self.count_label)
        top.addSpacing(6)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.view)

        self._quiet = False
        self._current: int | None = None
        self._names: list[str] = []
        self._longest_offset = 0
        self._update_count()
        self._fit_columns()

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
        self._set_filter(self.label_filter.currentData())
        self.model.set_colors(colors)
        self._names = list(names)
        self._fit_columns()

    def set_spans(
        self, spans: list[Span], sentences: list[tuple[int, int]], colors: dict[str, str]
    ) -> None:
        self._current = None
        self._quiet = True
        try:
            self.model.set_spans(spans, sentences, colors)
        finally:
            self._quiet = False
        # wide enough for any offset of the document (its sentences run to its end), so
        # a tag added later near the end is not cut short
        self._longest_offset = max(
            max(map(_END, spans), default=0), sentences[-1][1] if sentences else 0
        )
        self._fit_columns()

    def add_span(self, span: Span) -> None:
        self._quietly(self.model.add_span, span)
        self._update_count()

    def remove_span(self, span_id: int) -> None:
        if span_id == self._current:
            self._current = None
        self._quietly(self.model.remove_span, span_id)
        self._update_count()

    def update_span(self, span: Span) -> None:
        # The model moves a relabelled row in or out of the filter by itself.
        self._quietly(self.model.update_span, span)
        self._update_count()
        if self._current is not None:
            self.select_span(self._current)

    def select_span(self, span_id: int | None) -> None:
        """Select ``span_id``'s row (and scroll to it) without emitting :attr:`spanChosen`."""
        self._current = span_id
        self._quiet = True
        try:
            selection = self.view.selectionModel()
            index = self._index_of(span_id)
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
        return [s.id for s in self.model.shown_spans() if s.id is not None]

    # -- internals -------------------------------------------------------------------

    def _quietly(self, func: Any, arg: Any) -> None:
        self._quiet = True
        try:
            func(arg)
        finally:
            self._quiet = False

    def _index_of(self, span_id: int | None) -> QModelIndex | None:
        if span_id is None:
            return None
        row = self.model.row_of(span_id)
        if row is None:
            return None
        index = self.model.index(row, 0)
        return index if index.isValid() else None

    def _fit_columns(self) -> None:
        metrics = self.view.fontMetrics()
        header = self.view.horizontalHeader()
        pad = 2 * self.view.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin) + 16
        label = max((metrics.horizontalAdvance(n) for n in self._names), default=40)
        header.resizeSection(0, max(label + 12 + pad, metrics.horizontalAdvance("Label") + pad))
        digits = "8" * max(len(str(self._longest_offset)), 3)
        header.resizeSection(
            2,
            max(
                metrics.horizontalAdvance(f"{digits}–{digits}"),
                metrics.horizontalAdvance("Offsets"),
            )
            + pad,
        )
        header.resizeSection(3, metrics.horizontalAdvance("Sentence") + pad)

    def _label_filter_changed(self, _index: int) -> None:
        self._set_filter(self.label_filter.currentData())

    def _set_filter(self, label: str | None) -> None:
        if label == self.model.label():
            return
        self._quietly(self.model.set_label, label)
        if self._current is not None:
            self.select_span(self._current)
        self._update_count()

    def _update_count(self, *_args: Any) -> None:
        shown, total = self.model.rowCount(), self.model.total()
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
