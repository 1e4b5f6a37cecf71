"""The span table's model: the open document's spans as rows, sorted and filtered here.

Sorting and filtering happen in the model itself (a ``QSortFilterProxyModel`` took 6.8 s
to sort 50,000 spans); the view (:mod:`annotator.ui.span_table_view`) reads its rows
through :meth:`SpanTableModel.display`.
"""

from __future__ import annotations

import bisect
import operator
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QIcon

from annotator.domain.model import Span
from annotator.ui.label_bar import swatch_icon

__all__ = ["ID_ROLE", "LABEL_ROLE", "SpanTableModel"]

ID_ROLE = Qt.ItemDataRole.UserRole + 2
LABEL_ROLE = Qt.ItemDataRole.UserRole + 3
# Roles as plain ints (Qt passes ints; comparing them to enum members costs more).
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_ROLES = frozenset(
    (_DISPLAY, _DECORATION, _ALIGNMENT, int(Qt.ItemDataRole.ToolTipRole), ID_ROLE, LABEL_ROLE)
)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_POSITION = operator.attrgetter("start", "end", "id")  # _key of column 2, ids known
TEXT_LIMIT = 160

_Index = QModelIndex | QPersistentModelIndex


class SpanTableModel(QAbstractTableModel):
    """A table model over a plain list of spans, kept in order, filtered by label itself.

    The view shows this model directly: a ``QSortFilterProxyModel`` in between would ask
    this (Python) model for its row and column counts twice for every cell it maps, and
    a repaint of the table, which follows every new tag, would cost half as much again.
    """

    COLUMNS = ("Label", "Text", "Offsets", "Sentence")
    RIGHT_ALIGNED = frozenset((2, 3))  # numbers

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._all: list[Span] = []  # every span, in the current order
        self._spans: list[Span] = self._all  # the rows shown: ``_all`` unless filtered
        self._label: str | None = None
        # id -> span; a span's row is found by binary search on its (unique) sort key, so
        # adding or removing one row costs O(log n), not a re-index of 50,000 rows.
        self._by_id: dict[int, Span] = {}
        self._sentence_starts: list[int] = []
        self._sentence_ends: list[int] = []
        self._colors: dict[str, str] = {}
        self._icons: dict[str, QIcon] = {}
        self._sort_column = 2
        self._descending = False

    # -- Qt API ----------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._spans)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 4

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

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        # Called seven times per cell painted (font, colours, check state...): answer
        # the roles this model has nothing for before looking at anything else.
        if role not in _ROLES:
            return None
        row = index.row()
        spans = self._spans
        if not 0 <= row < len(spans):  # an invalid index has row -1
            return None
        span = spans[row]
        column = index.column()
        if role == _DISPLAY:
            return self.display(row, column)
        if role == _DECORATION:
            return self.icon(span.label) if column == 0 else None
        if role == _ALIGNMENT:
            return _RIGHT if column in self.RIGHT_ALIGNED else None
        if role == ID_ROLE:
            return span.id
        if role == LABEL_ROLE:
            return span.label
        if column == 1:  # the tool tip
            text = span.text if len(span.text) <= 600 else span.text[:599] + "…"
            return f"{text}\n\n{span.label} · chars {span.start}–{span.end} · span {span.id}"
        return None

    # -- our API ---------------------------------------------------------------------

    def display(self, row: int, column: int) -> str:
        """The text of a cell (what ``data`` gives for the display role)."""
        span = self._spans[row]
        if column == 0:
            return span.label
        if column == 1:
            return _one_line(span.text)
        if column == 2:
            return f"{span.start}–{span.end}"
        number = self.sentence_number(span.start)
        return "" if number is None else str(number)

    def set_spans(
        self, spans: list[Span], sentences: list[tuple[int, int]], colors: dict[str, str]
    ) -> None:
        self.beginResetModel()
        self._sentence_starts = [s for s, _ in sentences]
        self._sentence_ends = [e for _, e in sentences]
        key: Any = self._key
        if self._sort_column == 2 and all(s.id is not None for s in spans):
            key = _POSITION  # the same order, without a Python call per span
        self._all = sorted(spans, key=key, reverse=self._descending)
        self._spans = self._filtered()
        self._colors = dict(colors)
        self._icons.clear()
        self._reindex()
        self.endResetModel()

    def set_label(self, label: str | None) -> None:
        """Show every span (``None``) or only those of one label."""
        if label == self._label:
            return
        self.beginResetModel()
        self._label = label
        self._spans = self._filtered()
        self.endResetModel()

    def label(self) -> str | None:
        return self._label

    def total(self) -> int:
        """How many spans the model holds, shown or not."""
        return len(self._all)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order the rows by a column (in Python: a proxy calling ``data()`` for every
        comparison takes seconds on a document with tens of thousands of spans)."""
        if not 0 <= column < len(self.COLUMNS):
            column = 2
        descending = order == Qt.SortOrder.DescendingOrder
        if (column, descending) == (self._sort_column, self._descending):
            return  # the rows are kept in this order all along
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        ids = [
            self._spans[i.row()].id if 0 <= i.row() < len(self._spans) else None for i in persistent
        ]
        self._sort_column = column
        self._descending = descending
        self._all.sort(key=self._key, reverse=self._descending)
        self._spans = self._filtered()
        moved_to = [
            self.index(row, index.column())
            if span_id is not None and (row := self.row_of(span_id)) is not None
            else QModelIndex()
            for index, span_id in zip(persistent, ids, strict=True)
        ]
        self.changePersistentIndexList(persistent, moved_to)
        self.layoutChanged.emit()

    def set_colors(self, colors: dict[str, str]) -> None:
        self._colors = dict(colors)
        self._icons.clear()
        if self._spans:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._spans) - 1, 0))

    def spans(self) -> list[Span]:
        """Every span the model holds (shown or not), in the current order."""
        return list(self._all)

    def shown_spans(self) -> list[Span]:
        """The spans of the rows shown, in order."""
        return list(self._spans)

    def row_of(self, span_id: int) -> int | None:
        """The row showing ``span_id``, or None (unknown, or filtered out)."""
        span = self._by_id.get(span_id)
        if span is None:
            return None
        row = self._search(self._spans, self._key(span), after_equal=False)
        if row < len(self._spans) and self._spans[row].id == span_id:
            return row
        return None

    def add_span(self, span: Span) -> None:
        if span.id in self._by_id:
            self.update_span(span)
            return
        key = self._key(span)
        if self._spans is self._all:
            row = self._search(self._all, key, after_equal=True)
            self.beginInsertRows(QModelIndex(), row, row)
            self._all.insert(row, span)
        else:
            self._all.insert(self._search(self._all, key, after_equal=True), span)
            if not self._accepts(span):  # filtered out: no row to show
                self._index_span(span)
                return
            row = self._search(self._spans, key, after_equal=True)
            self.beginInsertRows(QModelIndex(), row, row)
            self._spans.insert(row, span)
        self._index_span(span)
        self.endInsertRows()

    def remove_span(self, span_id: int) -> None:
        span = self._by_id.get(span_id)
        if span is None:
            return
        at = self._search(self._all, self._key(span), after_equal=False)
        if at >= len(self._all) or self._all[at].id != span_id:  # never expected
            at = next(i for i, s in enumerate(self._all) if s.id == span_id)
        row = self.row_of(span_id)
        if row is not None:
            self.beginRemoveRows(QModelIndex(), row, row)
        del self._all[at]
        if row is not None and self._spans is not self._all:
            del self._spans[row]
        del self._by_id[span_id]
        if row is not None:
            self.endRemoveRows()

    def update_span(self, span: Span) -> None:
        assert span.id is not None
        old = self._by_id.get(span.id)
        if old is None:
            self.add_span(span)
            return
        if self._key(span) != self._key(old) or self._accepts(span) != self._accepts(old):
            # The row's place in the order changes (a relabel, sorted by label), or the
            # filter now hides or shows it.
            self.remove_span(span.id)
            self.add_span(span)
            return
        self._all[self._search(self._all, self._key(old), after_equal=False)] = span
        self._by_id[span.id] = span
        row = self.row_of(span.id)
        if row is not None:
            self._spans[row] = span
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))

    def sentence_number(self, offset: int) -> int | None:
        """1-based number of the sentence holding ``offset``, or None between sentences."""
        i = bisect.bisect_right(self._sentence_starts, offset) - 1
        if i >= 0 and offset < self._sentence_ends[i]:
            return i + 1
        return None

    def _key(self, span: Span) -> tuple[Any, ...]:
        position = (span.start, span.end, span.id or 0)
        if self._sort_column == 0:
            return (span.label, *position)
        if self._sort_column == 1:
            return (span.text.casefold(), *position)
        if self._sort_column == 3:
            return (self.sentence_number(span.start) or 0, *position)
        return position

    def _search(self, spans: list[Span], key: tuple[Any, ...], *, after_equal: bool) -> int:
        """The row where ``key`` belongs in ``spans`` (binary search, current order)."""
        lo, hi = 0, len(spans)
        while lo < hi:
            mid = (lo + hi) // 2
            here = self._key(spans[mid])
            if self._descending:
                before = here < key or (not after_equal and here == key)
            else:
                before = here > key or (not after_equal and here == key)
            if before:
                hi = mid
            else:
                lo = mid + 1
        return lo

    def _accepts(self, span: Span) -> bool:
        return self._label is None or span.label == self._label

    def _filtered(self) -> list[Span]:
        if self._label is None:
            return self._all
        return [s for s in self._all if s.label == self._label]

    def _index_span(self, span: Span) -> None:
        if span.id is not None:
            self._by_id[span.id] = span

    def _reindex(self) -> None:
        self._by_id = {s.id: s for s in self._all if s.id is not None}

    def icon(self, label: str) -> QIcon:
        """The colour swatch of a label."""
        icon = self._icons.get(label)
        if icon is None:
            icon = self._icons[label] = swatch_icon(self._colors.get(label, "#888888"), 12)
        return icon


def _one_line(text: str) -> str:
    flat = " ⏎ ".join(part.strip() for part in text.splitlines()) if "\n" in text else text
    return flat if len(flat) <= TEXT_LIMIT else flat[: TEXT_LIMIT - 1] + "…"
