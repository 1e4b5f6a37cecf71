"""How the span table is drawn: one pass over the visible rows, from text laid out once.

The table repaints a screenful of rows after every new tag (the rows below it move
down). Qt's item views paint cell by cell through a delegate that asks the model for
seven roles, each a call into Python, and lays the cell's text out afresh every time:
about 5 ms for twenty rows, a third of a frame. This view draws the rows itself in
one Python call, reading the model's rows directly; it keeps each cell's text elided
to its column, and as a :class:`QStaticText` once the cell keeps coming back (a table
scrolled up and down). Selection, clicks, keys, scrolling and tool tips are still
Qt's own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtGui import (
    QFont,
    QFontMetrics,
    QFontMetricsF,
    QPainter,
    QPaintEvent,
    QPalette,
    QPixmap,
    QRegion,
    QStaticText,
    QTransform,
)
from PySide6.QtWidgets import QHeaderView, QTableView, QWidget

if TYPE_CHECKING:
    from annotator.ui.span_table_model import SpanTableModel

_PAD = 4  # text inset from the cell's edges
_SWATCH = 12  # the label's colour square
_NUMERIC = frozenset("0123456789–")
_SLACK = 4  # pixels kept free when a text is judged to fit without measuring it whole
_CACHE_LIMIT = 4000  # cells kept laid out (a few screenfuls at every column width)
# Drawing a text costs ~20 us; laying it out to keep (QStaticText) ~30 us, and ~9 us a
# draw after that: worth it from the third time a cell is drawn (a table scrolled).
_DRAWN_BEFORE_KEPT = 2


class _Header(QHeaderView):
    """The column header, which does not repaint itself when the selected row changes
    (Qt repaints every section then, to highlight selected columns; ours are never
    highlighted: whole rows are selected)."""

    def visualRegionForSelection(self, selection: QItemSelection) -> QRegion:  # noqa: N802
        return QRegion()


class SpanTableView(QTableView):
    """A table view over a :class:`SpanTableModel` (its ``RIGHT_ALIGNED`` columns hug
    the right edge of their cells)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        header = _Header(Qt.Orientation.Horizontal, self)
        header.setSectionsClickable(True)
        self.setHorizontalHeader(header)
        # (text, room) -> [the text as shown (elided), its width, how many times it was
        # drawn (an int), then, once it keeps coming back, its QStaticText]
        self._texts: dict[tuple[str, int], list[Any]] = {}
        self._swatches: dict[int, QPixmap] = {}
        self._font = QFont()
        self._advances: dict[str, float] = {}  # character -> advance in the table's font

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        model: SpanTableModel = self.model()  # type: ignore[assignment]
        rows = model.rowCount()
        clip = event.rect()
        first = self.rowAt(clip.top())
        if rows == 0 or first < 0:
            return  # the viewport's own background is all there is
        last = self.rowAt(clip.bottom())
        if last < 0:
            last = rows - 1
        font = self.font()
        if font != self._font:
            self._font = font
            self._texts.clear()
            self._advances.clear()
        metrics = QFontMetrics(font)
        line_height, ascent = metrics.height(), metrics.ascent()
        columns = [
            (c, self.columnViewportPosition(c), self.columnWidth(c))
            for c in range(model.columnCount())
            if not self.isColumnHidden(c)
        ]
        palette = self.palette()
        group = (
            QPalette.ColorGroup.Active if self.isActiveWindow() else QPalette.ColorGroup.Inactive
        )
        if not self.isEnabled():
            group = QPalette.ColorGroup.Disabled
        highlight = palette.brush(group, QPalette.ColorRole.Highlight)
        alternate = (
            palette.brush(group, QPalette.ColorRole.AlternateBase)
            if self.alternatingRowColors()
            else None
        )
        pens = (
            palette.color(group, QPalette.ColorRole.Text),
            palette.color(group, QPalette.ColorRole.HighlightedText),
        )
        selection = self.selectionModel()
        selected_rows = {i.row() for i in selection.selectedRows()} if selection else set()
        width = self.viewport().width()
        height = self.rowHeight(first)
        y = self.rowViewportPosition(first)
        texts, right, display = self._texts, model.RIGHT_ALIGNED, model.display
        painter = QPainter(self.viewport())
        painter.setClipRect(clip)
        painter.setFont(font)
        for row in range(first, last + 1):
            selected = row in selected_rows
            if selected:
                painter.fillRect(0, y, width, height, highlight)
            elif alternate is not None and row & 1:
                painter.fillRect(0, y, width, height, alternate)
            painter.setPen(pens[selected])
            for column, x, w in columns:
                text = display(row, column)
                left = x + _PAD
                if column == 0:
                    painter.drawPixmap(left, y + (height - _SWATCH) // 2, self._swatch(model, text))
                    left += _SWATCH + _PAD
                if not text:
                    continue
                room = x + w - _PAD - left
                laid = texts.get((text, room))
                if laid is None:
                    laid = self._lay_out(text, room, column in right, metrics)
                shown, text_width, static = laid
                if column in right:
                    left = x + w - _PAD - text_width
                top = y + (height - line_height) // 2
                if isinstance(static, int):
                    if static < _DRAWN_BEFORE_KEPT:
                        # A row drawn once or twice (one that scrolls past, or comes back
                        # once, after an undo) costs less drawn than laid out to keep.
                        painter.drawText(left, top + ascent, shown)
                        laid[2] = static + 1
                        continue
                    static = laid[2] = self._static(shown, font)
                painter.drawStaticText(left, top, static)
            y += height
        painter.end()

    def _lay_out(self, text: str, room: int, measure: bool, metrics: QFontMetrics) -> list[Any]:
        """``[text as shown, its width (when ``measure``), 0]`` for a new cell."""
        if len(self._texts) >= _CACHE_LIMIT:
            self._texts.clear()
        # Eliding lays the text out. A short plain-ASCII text (or an offset: digits and
        # a dash) is measured from its characters' advances instead; it is left whole
        # when that sum fits with room to spare (kerning moves it by a pixel or so).
        shown = text
        width = -1
        numeric = _NUMERIC.issuperset(text)
        if len(text) < 160 and (numeric or (text.isascii() and text.isprintable())):
            advances = self._advances
            total = 0.0
            for char in text:
                advance = advances.get(char)
                if advance is None:
                    advance = advances[char] = QFontMetricsF(self._font).horizontalAdvance(char)
                total += advance
            estimate = round(total)
            if estimate + _SLACK > room:
                shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, room)
            elif numeric:
                width = estimate  # digits have no kerning: the sum is the width
        else:
            shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, room)
        if width < 0:
            width = metrics.horizontalAdvance(shown) if measure else 0
        laid = self._texts[(text, room)] = [shown, width, 0]
        return laid

    @staticmethod
    def _static(text: str, font: QFont) -> QStaticText:
        static = QStaticText(text)
        static.setTextFormat(Qt.TextFormat.PlainText)
        static.prepare(QTransform(), font)
        return static

    def _swatch(self, model: SpanTableModel, label: str) -> QPixmap:
        icon = model.icon(label)  # the model makes a new icon when colours change
        pixmap = self._swatches.get(icon.cacheKey())
        if pixmap is None:
            if len(self._swatches) > 64:
                self._swatches.clear()
            pixmap = self._swatches[icon.cacheKey()] = icon.pixmap(_SWATCH, _SWATCH)
        return pixmap
