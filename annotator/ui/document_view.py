"""The reading pane: a read-only text view that paints span highlights itself.

Highlights are not stored in the ``QTextDocument`` (no extra selections, no
syntax highlighter, no char formats: all are far too slow on a 5 MB text; see
ARCHITECTURE.md). The spans live in a :class:`SpanIndex` and ``paintEvent``
draws, for the visible blocks only: translucent fills under the text, then the
text, then one underline lane per overlap depth and the current span's outline.

Every offset in this widget's API is a code point in the stored text; Qt
positions (UTF-16) are converted at this edge through :class:`OffsetMap` only.
Where lines and ranges sit on screen is worked out in ``text_geometry``; the span
layers are drawn by ``span_painting``; mouse, keys and hover are ``view_gestures``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable

from PySide6.QtCore import (
    QElapsedTimer,
    QEvent,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QFont,
    QFontMetricsF,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
    QTextCursor,
    QTextOption,
)
from PySide6.QtWidgets import QFrame, QPlainTextEdit, QWidget

from annotator.domain.model import Span
from annotator.domain.segment import sentence_at, snap_to_words
from annotator.ui.qt_offsets import OffsetMap
from annotator.ui.span_layout import SpanIndex
from annotator.ui.span_painting import SpanPainting
from annotator.ui.text_geometry import LineGeometry, Lines
from annotator.ui.view_gestures import Gestures

__all__ = ["DocumentView"]

_SERIF_FAMILIES = ["Noto Serif", "Source Serif 4", "Georgia", "Charter", "DejaVu Serif"]
_DEFAULT_POINTS = 12.0
_MIN_POINTS, _MAX_POINTS = 6.0, 48.0
_COLUMN_CHARS = 90  # widest text column, in average characters


class DocumentView(Gestures, QPlainTextEdit):
    """Shows one document and its spans; reports selections and clicks in code points.

    The view never changes data: it emits intents and the window turns them
    into commands, then calls :meth:`add_span`, :meth:`remove_span` and friends.
    """

    #: code-point start/end of the effective (snapped) selection; -1, -1 for none
    selectionOffsetsChanged = Signal(int, int)
    #: span id chosen by a click or by next/previous navigation; -1 for none
    spanActivated = Signal(int)
    #: labels of the spans under the mouse pointer, smallest span first ("" for none)
    hoverLabels = Signal(str)
    #: the font size in points, after a zoom
    zoomChanged = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("documentView")
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.document().setUndoRedoEnabled(False)
        self.document().setDocumentMargin(12)
        self.viewport().setMouseTracking(True)
        # the margins around the centred column share the page colour
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)

        font = QFont()
        font.setFamilies(_SERIF_FAMILIES)
        font.setStyleHint(QFont.StyleHint.Serif)
        font.setPointSizeF(_DEFAULT_POINTS)
        self.setFont(font)

        self._text = ""
        self._map = OffsetMap("")
        self._index = SpanIndex()
        self._sentences: list[tuple[int, int]] = []
        self._current: int | None = None
        self._linked: frozenset[int] = frozenset()  # outlined dashed: the current's links
        self._geometry = LineGeometry(self)
        self._painting = SpanPainting(self, self._geometry)

        self._exact_mode = False  # set_exact_selection(True): never snap
        self._exact_gesture = False  # Alt was held when the selection was made
        self._emitted: tuple[int, int] = (-1, -1)
        self._quiet = False  # programmatic cursor moves: emit once at the end
        self._press_at: QPoint | None = None
        self._double_click_at: QPoint | None = None
        self._double_click_clock = QElapsedTimer()
        self._hover = ""
        self._preview: tuple[int, int] | None = None  # the range the snap preview covers

        self.selectionChanged.connect(self._on_selection_changed)
        self._set_column_margins()

    # ------------------------------------------------------------ document and spans

    def set_document(
        self,
        text: str,
        spans: Iterable[Span],
        colors: dict[str, str],
        sentences: list[tuple[int, int]],
    ) -> None:
        """Show ``text`` (the stored canonical text) with its spans.

        ``colors`` maps label names to "#rrggbb"; ``sentences`` are code-point
        ranges in order (as ``split_sentences`` gives them).
        """
        self._quiet = True
        try:
            self._text = text
            self._map = OffsetMap(text)
            self._index = SpanIndex(spans)
            self._sentences = list(sentences)
            self._current = None
            self._exact_gesture = False
            self._painting.set_colors(colors)
            self._geometry.clear()
            self.setPlainText(text)
        finally:
            self._quiet = False
        self._set_hover("")
        self._on_selection_changed()
        self.viewport().update()

    def text(self) -> str:
        """The canonical text on show."""
        return self._text

    # A change repaints only the lines it touches (a full repaint of a long document's
    # view costs several milliseconds, most of a frame's budget).

    def add_span(self, span: Span) -> None:
        self._index.add(span)
        self._repaint_range(self._index.repaint_range(span))

    def remove_span(self, span_id: int) -> None:
        span = self._index.get(span_id)
        if span is None:
            return
        changed = self._index.repaint_range(span)
        self._index.remove(span_id)
        if self._current == span_id:
            self._current = None
        self._repaint_range(changed)

    def update_span(self, span: Span) -> None:
        """Replace the span with the same id (a relabel, or new offsets)."""
        assert span.id is not None
        old = self._index.get(span.id)
        if old is not None:
            self._repaint_range(self._index.repaint_range(old))
        self._index.update(span)
        self._repaint_range(self._index.repaint_range(span))

    def set_colors(self, colors: dict[str, str]) -> None:
        """Label name -> "#rrggbb"; unknown labels are drawn grey."""
        self._painting.set_colors(colors)
        self.viewport().update()

    def spans(self) -> SpanIndex:
        """The index the view paints from (read it, change it through the methods above)."""
        return self._index

    # ------------------------------------------------------------------- selection

    def selected_offsets(self) -> tuple[int, int] | None:
        """The code-point range a tag would cover, or ``None``.

        The Qt selection converted to code points, snapped to whole words and
        trimmed of spaces and punctuation, unless it was made with Alt held (or
        exact selection is on).
        """
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        start = self._map.from_qt(cursor.selectionStart())
        end = self._map.from_qt(cursor.selectionEnd())
        if not (self._exact_mode or self._exact_gesture):
            start, end = snap_to_words(self._text, start, end)
        return (start, end) if start < end else None

    def set_exact_selection(self, exact: bool) -> None:
        """When on, selections are taken as they are, never snapped to words."""
        self._exact_mode = exact
        self._on_selection_changed()
        self.viewport().update()

    def exact_selection(self) -> bool:
        return self._exact_mode

    def select_offsets(self, start: int, end: int) -> None:
        """Select ``[start, end)`` exactly (no snapping); scroll it into view, a third
        of the way down, unless it was on screen already."""
        in_view = self._in_view(start, end)
        self._select(start, end)
        if not in_view:
            self._scroll_to(start)

    def select_sentence_at_cursor(self) -> None:
        """Select the sentence holding the text cursor (as triple-click does)."""
        cursor = self.textCursor()
        pos = self._map.from_qt(min(cursor.position(), cursor.anchor()))
        self._select_sentence(pos)

    def clear_selection(self) -> None:
        cursor = self.textCursor()
        if cursor.hasSelection():
            cursor.clearSelection()
            self.setTextCursor(cursor)

    # ---------------------------------------------------------------- current span

    def current_span_id(self) -> int | None:
        return self._current

    def select_span(self, span_id: int | None) -> None:
        """Make ``span_id`` the current span (outlined) and scroll to it; ``None``
        clears. Emits nothing: the caller chose it."""
        if span_id is not None and span_id not in self._index:
            span_id = None
        previous = self._index.get(self._current) if self._current is not None else None
        self._current = span_id
        span = self._index.get(span_id) if span_id is not None else None
        if span is not None and not self._in_view(span.start, span.end):
            self._scroll_to(span.start)
            # Everything on screen moved: repaint it all, not line by line (which
            # would look up the lines of a screen about to be painted anyway).
            self.viewport().update()
            return
        for outlined in (previous, span):
            if outlined is not None:
                self._repaint_range((outlined.start, outlined.end))

    def set_linked_spans(self, ids: Iterable[int]) -> None:
        """Outline these spans with a dashed line (the current span's linked spans)."""
        linked = frozenset(ids)
        if linked != self._linked:
            changed = linked ^ self._linked
            self._linked = linked
            for span_id in changed:
                span = self._index.get(span_id)
                if span is not None:
                    self._repaint_range((span.start, span.end))

    def linked_spans(self) -> frozenset[int]:
        return self._linked

    def span_at_cursor(self) -> int | None:
        """Id of the smallest span at the text cursor (the character after it, else
        the one before), or ``None``."""
        pos = self._map.from_qt(self.textCursor().position())
        spans = self._index.at(pos) or (self._index.at(pos - 1) if pos > 0 else [])
        return spans[0].id if spans else None

    def next_span(self) -> int | None:
        """Move the current span to the next one in reading order (from the text
        cursor when there is none); emits ``spanActivated``. Returns its id."""
        pos = self._map.from_qt(self.textCursor().position())
        return self._activate(self._index.next_after(pos, self._current))

    def previous_span(self) -> int | None:
        """Like :meth:`next_span`, backwards."""
        pos = self._map.from_qt(self.textCursor().position())
        return self._activate(self._index.prev_before(pos, self._current))

    # ------------------------------------------------------------------------ zoom

    def zoom(self) -> float:
        """The font size in points."""
        return self.font().pointSizeF()

    def set_zoom(self, points: float) -> None:
        points = min(max(float(points), _MIN_POINTS), _MAX_POINTS)
        if points == self.zoom():
            return
        font = self.font()
        font.setPointSizeF(points)
        self.setFont(font)  # FontChange recentres the column
        self.zoomChanged.emit(points)

    def zoom_in(self) -> None:
        self.set_zoom(self.zoom() + 1)

    def zoom_out(self) -> None:
        self.set_zoom(self.zoom() - 1)

    # --------------------------------------------------------------- Qt overrides

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        # Called for the widget's and the viewport's resizes alike (the scroll area
        # forwards the latter). Changing the margins resizes the viewport, which
        # re-enters here and makes QPlainTextEdit lay the text out to the new width.
        self._set_column_margins()
        super().resizeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        clip = event.rect()
        painting = self._painting
        lines = painting.lines_for(clip)
        pieces = painting.pieces(lines, self._index, self._map.from_qt, self._map.to_qt)
        if pieces:
            painter = QPainter(self.viewport())
            painter.setClipRect(clip)
            painting.fill(painter, pieces)
            painter.end()
        super().paintEvent(event)
        painter = QPainter(self.viewport())
        painter.setClipRect(clip)
        if pieces:
            painting.underline(painter, pieces, self._index, self._current)
            if self._linked:
                painting.outline_linked(painter, pieces, self._linked, self._current)
        self._draw_snap_preview(painter, lines)
        painter.end()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._set_column_margins()

    # -------------------------------------------------------------------- internal

    def _set_column_margins(self) -> None:
        """Centre a text column of at most ``_COLUMN_CHARS`` characters."""
        metrics = QFontMetricsF(self.font())
        column = _COLUMN_CHARS * metrics.averageCharWidth() + 2 * self.document().documentMargin()
        frame = self.frameWidth()
        available = self.width() - 2 * frame - self.verticalScrollBar().sizeHint().width()
        side = max(0, int((available - column) / 2))
        margins = self.viewportMargins()
        if margins.left() != side or margins.right() != side:
            self.setViewportMargins(side, 0, side, 0)

    def _on_selection_changed(self) -> None:
        if self._quiet:
            return
        found = self.selected_offsets()
        offsets = found if found is not None else (-1, -1)
        if offsets != self._emitted:
            self._emitted = offsets
            self.selectionOffsetsChanged.emit(*offsets)
        # the snap preview follows the selection (Qt repaints the selection itself)
        if found != self._preview:
            for shown in (self._preview, found):
                if shown is not None:
                    self._repaint_range(shown)
            self._preview = found

    def _select(self, start: int, end: int) -> None:
        """Select ``[start, end)`` exactly, without scrolling."""
        n = len(self._text)
        start, end = min(max(start, 0), n), min(max(end, 0), n)
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._map.to_qt(min(start, end)))
        cursor.setPosition(self._map.to_qt(max(start, end)), QTextCursor.MoveMode.KeepAnchor)
        self._exact_gesture = True
        self._quiet = True
        try:
            self.setTextCursor(cursor)
        finally:
            self._quiet = False
        self._on_selection_changed()

    def _select_sentence(self, pos: int) -> None:
        sentences = self._sentences
        i = sentence_at(sentences, pos)
        if (i is None or sentences[i][0] > pos) and pos > 0:
            # a caret just after a sentence's last character belongs to it
            j = sentence_at(sentences, pos - 1)
            if j is not None and sentences[j][0] <= pos - 1:
                i = j
        if i is not None:
            self._select(*sentences[i])

    def _activate(self, span: Span | None) -> int | None:
        if span is None:
            return None
        self.select_span(span.id)
        assert span.id is not None
        self.spanActivated.emit(span.id)
        return span.id

    def _in_view(self, start: int, end: int) -> bool:
        """Whether all of ``[start, end)`` is on screen: the lines of its first and last
        characters lie wholly inside the viewport (read from the visible band, kept
        between edits, rather than asking Qt for caret rectangles)."""
        starts, entries = self._painting.band()
        if not entries:
            return False
        qs, qe = self._map.to_qt(start), self._map.to_qt(end)
        height = self.viewport().height()
        for q in (qs, max(qs, qe - 1)):
            i = bisect_right(starts, q) - 1
            if i < 0:
                return False
            _, line_end, _, _, y, line_height, _ = entries[i]
            if q > line_end or (q == line_end and i + 1 == len(entries)):
                return False  # past the last line on screen
            if y < 0 or y + line_height > height:
                return False
        return True

    def _scroll_to(self, pos: int) -> None:
        """Scroll so that code point ``pos`` sits a third of the way down the view."""
        q = self._map.to_qt(min(max(pos, 0), len(self._text)))
        block = self.document().findBlock(q)
        if not block.isValid():
            return
        self.blockBoundingRect(block)  # lays the block out
        line = block.layout().lineForTextPosition(q - block.position())
        above = self.viewport().height() / 3
        height = line.y() if line.isValid() else 0.0  # from the top of `block` to the target
        while height < above and block.previous().isValid():
            block = block.previous()
            height += self.blockBoundingRect(block).height()
        layout = block.layout()
        first = 0
        while first + 1 < layout.lineCount() and height - layout.lineAt(first + 1).y() >= above:
            first += 1
        self.verticalScrollBar().setValue(block.firstLineNumber() + first)

    # -------------------------------------------------------------------- painting

    def _repaint_range(self, found: tuple[int, int] | None) -> None:
        """Ask Qt to repaint the lines showing code points ``found`` (``None``: all),
        with the underline lanes below them; nothing when they are off screen."""
        if found is None:
            self.viewport().update()
            return
        self._painting.repaint_range(self._map.to_qt(found[0]), self._map.to_qt(found[1]))

    def _draw_snap_preview(self, painter: QPainter, lines: Lines) -> None:
        """Outline what a tag would cover when snapping changed the selection."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return
        found = self.selected_offsets()
        if found is None:
            return
        qs, qe = self._map.to_qt(found[0]), self._map.to_qt(found[1])
        if (qs, qe) == (cursor.selectionStart(), cursor.selectionEnd()):
            return
        rects = self._geometry.range_rects(lines, qs, qe)
        pen = QPen(self.palette().color(QPalette.ColorRole.Highlight).darker(150))
        pen.setWidthF(1)
        pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for rect, _ in rects:
            painter.drawRect(rect.adjusted(0, 0, -1, -1))
