"""How the document view draws its spans, and which part of it an edit repaints.

Spans are drawn in three layers around Qt's text: a translucent fill under it, then a
2 px underline per span in its lane (nested spans go lower), an outline around the
current span and a dashed one around the spans linked to it. Everything is worked out
for the lines on screen only; the lines of the whole screen (the *band*) are kept from
one paint to the next, so an edit's repaint and the partial paints after it look their
lines up instead of walking the text's blocks again.

Positions here are Qt's (UTF-16); the view converts from code points.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QLineF, QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QPlainTextEdit

from annotator.domain.model import Span
from annotator.ui.span_layout import SpanIndex
from annotator.ui.text_geometry import LineGeometry, Lines, Piece

__all__ = ["Pieces", "SpanPainting"]

FILL_ALPHA = 70
UNKNOWN_COLOR = "#888888"
LANE_PX = 3  # distance between underline lanes
MAX_LANES = 3  # deeper lanes share the last one (no room below a line for more)
HANG = LANE_PX * MAX_LANES + 4  # how far underlines hang below their line

# Each span meeting a paint's clip, with the rectangles of its visible lines.
Pieces = list[tuple[Span, list[Piece]]]


class SpanPainting:
    """Colours, the band of lines on screen, and the span layers of one view."""

    def __init__(self, view: QPlainTextEdit, geometry: LineGeometry) -> None:
        self._view = view
        self._geometry = geometry
        self._colors: dict[str, str] = {}
        self._brushes: dict[str, tuple[QColor, QColor]] = {}
        self._band_key: tuple[object, ...] = ()
        self._band: Lines = ([], [])

    # -- colours -----------------------------------------------------------------------

    def set_colors(self, colors: dict[str, str]) -> None:
        """Label name -> "#rrggbb"; unknown labels are drawn grey."""
        self._colors = dict(colors)
        self._brushes.clear()

    def brush(self, label: str) -> tuple[QColor, QColor]:
        """(translucent fill, solid line) for a label."""
        found = self._brushes.get(label)
        if found is None:
            line = QColor(self._colors.get(label, UNKNOWN_COLOR))
            if not line.isValid():
                line = QColor(UNKNOWN_COLOR)
            fill = QColor(line)
            fill.setAlpha(FILL_ALPHA)
            found = self._brushes[label] = (fill, line)
        return found

    # -- the lines on screen -------------------------------------------------------------

    def band(self) -> Lines:
        """The lines on screen, and those just above whose underlines hang into it
        (kept until the view scrolls, resizes or re-lays out)."""
        key = self._band_state()
        if key != self._band_key:
            self._band_key = key
            self._band = self._geometry.visible_lines(-HANG, self._view.viewport().height())
        return self._band

    def lines_for(self, clip: QRect) -> Lines:
        """The lines a paint of ``clip`` draws on (with those whose underlines hang
        into it). A paint of the whole screen keeps them as the band."""
        top, bottom = clip.top() - HANG, clip.bottom() + 1
        key = self._band_state()
        if key == self._band_key:  # the screen's lines are known: pick
            entries = [e for e in self._band[1] if e[4] <= bottom and e[4] + e[5] >= top]
            return [e[0] for e in entries], entries
        lines = self._geometry.visible_lines(top, bottom)
        if clip.top() <= 0 and clip.bottom() >= self._view.viewport().height() - 1:
            self._band_key, self._band = key, lines  # a whole screen, after a scroll
        return lines

    def pieces(
        self,
        lines: Lines,
        index: SpanIndex,
        to_cp: Callable[[int], int],
        to_qt: Callable[[int], int],
    ) -> Pieces:
        """Each span of ``index`` on ``lines``, with its rectangles there."""
        entries = lines[1]
        if not entries or not len(index):
            return []
        spans = index.in_range(to_cp(entries[0][0]), to_cp(entries[-1][1]) + 1)
        out = []
        for span in spans:
            rects = self._geometry.range_rects(lines, to_qt(span.start), to_qt(span.end))
            if rects:
                out.append((span, rects))
        return out

    def repaint_range(self, qs: int, qe: int) -> None:
        """Ask Qt to repaint the lines showing Qt positions ``[qs, qe]``, with the
        underline lanes below them; nothing when they are off screen."""
        touched = [
            (y, y + height)
            for start, end, _, _, y, height, _ in self.band()[1]
            if start <= qe and end >= qs
        ]
        if not touched:
            return
        top, bottom = touched[0][0], touched[-1][1]
        above, below = 3, LANE_PX * MAX_LANES + 6  # outlines, underline lanes
        y0 = math.floor(top) - above
        viewport = self._view.viewport()
        viewport.update(QRect(0, y0, viewport.width(), math.ceil(bottom) + below - y0))

    def _band_state(self) -> tuple[object, ...]:
        # Where the screen starts: the first block shown and how far up it is drawn.
        # (Not the scroll bar's value: that counts lines, and the lines above the screen
        # change as Qt lays paragraphs out the first time they are needed, so one value
        # can mean two different screens.)
        view = self._view
        viewport = view.viewport()
        return (
            view.firstVisibleBlock().blockNumber(),
            view.contentOffset().y(),
            viewport.width(),
            viewport.height(),
            view.document().revision(),
            view.font().key(),
        )

    # -- the layers ----------------------------------------------------------------------

    def fill(self, painter: QPainter, pieces: Pieces) -> None:
        """The translucent fills, drawn before the text."""
        for span, rects in pieces:
            fill = self.brush(span.label)[0]
            for rect, _ in rects:
                painter.fillRect(rect, fill)

    def underline(
        self, painter: QPainter, pieces: Pieces, index: SpanIndex, current: int | None
    ) -> None:
        """One 2 px line per span under the baseline, lower for deeper lanes; then
        the current span's outline."""
        pen = QPen()
        pen.setWidthF(2)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        # Lines of one label are drawn in one call (they are opaque and lanes keep
        # them apart, so the order does not show): a full screen has dozens of spans.
        by_label: dict[str, list[QLineF]] = {}
        lane_of, last_lane = index.lane, MAX_LANES - 1
        outlined = None
        for span, rects in pieces:
            lines = by_label.get(span.label)
            if lines is None:
                lines = by_label[span.label] = []
            offset = 2 + min(lane_of(span.id), last_lane) * LANE_PX  # type: ignore[arg-type]
            for rect, baseline in rects:
                y = baseline + offset
                lines.append(QLineF(rect.left(), y, rect.right(), y))
            if span.id == current:
                outlined = (span, rects)
        for label, lines in by_label.items():
            pen.setColor(self.brush(label)[1])
            painter.setPen(pen)
            painter.drawLines(lines)
        if outlined is not None:
            span, rects = outlined
            pen.setColor(self.brush(span.label)[1])
            pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for rect, _ in rects:
                painter.drawRect(rect.adjusted(-1, -1, 1, 1))

    def outline_linked(
        self, painter: QPainter, pieces: Pieces, linked: frozenset[int], current: int | None
    ) -> None:
        """A dashed outline, in the span's colour, around each linked span."""
        pen = QPen()
        pen.setWidthF(1.5)
        pen.setStyle(Qt.PenStyle.DashLine)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for span, rects in pieces:
            if span.id in linked and span.id != current:
                pen.setColor(self.brush(span.label)[1])
                painter.setPen(pen)
                for rect, _ in rects:
                    painter.drawRect(rect.adjusted(-2, -2, 2, 2))
