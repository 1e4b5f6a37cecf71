"""Where text sits on screen in a QPlainTextEdit: visible lines, range rectangles, hits.

Everything here is in Qt positions (UTF-16) and viewport coordinates; the
document view converts to code points through its ``OffsetMap``. Only the
blocks on screen are touched, so the cost follows the viewport, not the text.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import OrderedDict

from PySide6.QtCore import QPoint, QPointF, QRectF
from PySide6.QtGui import QImage, QPainter, QTextBlock, QTextLayout, QTextLine
from PySide6.QtWidgets import QPlainTextEdit

__all__ = [
    "LineGeometry",
    "Lines",
    "Piece",
    "ShapedBlocks",
    "blocks_between",
    "char_position_at",
    "line_at_y",
]

# The laid-out lines in a band of the viewport: their Qt start positions (for
# bisection), and for each (start, end, block position, x, y, height, QTextLine).
Lines = tuple[list[int], list[tuple[int, int, int, float, float, float, QTextLine]]]
# A range's part on one line: its rectangle and the line's baseline.
Piece = tuple[QRectF, float]


def blocks_between(
    edit: QPlainTextEdit, top: float, bottom: float
) -> list[tuple[QTextBlock, QPointF]]:
    """Visible blocks meeting the band ``[top, bottom]`` of the viewport, each with
    the viewport position its layout is drawn at (as QPlainTextEdit.paintEvent
    walks them: from the first visible block down)."""
    block = edit.firstVisibleBlock()
    if not block.isValid():
        return []
    origin = edit.blockBoundingGeometry(block).translated(edit.contentOffset()).topLeft()
    limit = min(bottom, edit.viewport().height())
    out = []
    y = origin.y()
    while block.isValid() and y <= limit:
        height = edit.blockBoundingRect(block).height()  # lays the block out if needed
        if block.isVisible() and y + height >= top:
            out.append((block, QPointF(origin.x(), y)))
        y += height
        block = block.next()
    return out


def line_at_y(layout: QTextLayout, y: float) -> QTextLine | None:
    """The line of ``layout`` spanning height ``y`` (layout coordinates), by bisection."""
    lo, hi = 0, layout.lineCount() - 1
    if hi < 0:
        return None
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if layout.lineAt(mid).y() <= y:
            lo = mid
        else:
            hi = mid - 1
    line = layout.lineAt(lo)
    return line if line.y() <= y < line.y() + line.height() else None


def char_position_at(edit: QPlainTextEdit, point: QPoint) -> int | None:
    """Qt position of the character drawn under ``point`` (viewport coordinates), or
    ``None`` over a margin, past a line's end or below the text."""
    for block, origin in blocks_between(edit, point.y(), point.y()):
        local = QPointF(point) - origin
        line = line_at_y(block.layout(), local.y())
        if line is None or not line.naturalTextRect().contains(local):
            return None
        rel = line.xToCursor(local.x(), QTextLine.CursorPosition.CursorOnCharacter)
        if rel >= block.length() - 1:
            return None  # the paragraph separator
        return block.position() + rel
    return None


class LineGeometry:
    """Visible lines of one QPlainTextEdit, and rectangles of ranges on them.

    Keeps the x of each position asked for: ``QTextLine.cursorToX`` costs about
    20 us a call, and between two frames of a scroll most lines stay the same.
    The cache empties itself when the layout changes (width, font, text).
    """

    def __init__(self, edit: QPlainTextEdit) -> None:
        self._edit = edit
        self._xs: dict[tuple[int, int], float] = {}  # (line start, position) -> x
        self._key: tuple[int, str, int] = (0, "", 0)
        self._shaped = ShapedBlocks()

    def clear(self) -> None:
        """Forget the document shown: call before its text is replaced."""
        self._xs.clear()
        self._shaped.forget()

    def visible_lines(self, top: float, bottom: float) -> Lines:
        """The laid-out lines meeting the band ``[top, bottom]`` of the viewport."""
        edit = self._edit
        key = (edit.viewport().width(), edit.font().key(), edit.document().revision())
        if key != self._key or len(self._xs) > 100_000:
            self._key = key
            self._xs.clear()
        starts: list[int] = []
        lines: list[tuple[int, int, int, float, float, float, QTextLine]] = []
        shaped = self._shaped
        for block, origin in blocks_between(edit, top, bottom):
            layout = block.layout()
            base = block.position()
            shaped.keep(base, block)
            n = layout.lineCount()
            i = 0
            if n > 4:  # a tall paragraph: find its first visible line by bisection
                first = line_at_y(layout, top - origin.y())
                i = first.lineNumber() if first is not None else 0
            while i < n:
                line = layout.lineAt(i)
                y = origin.y() + line.y()
                if y > bottom:
                    break
                height = line.height()
                if y + height >= top:
                    start = base + line.textStart()
                    starts.append(start)
                    lines.append(
                        (start, start + line.textLength(), base, origin.x(), y, height, line)
                    )
                i += 1
        return starts, lines

    def range_rects(self, lines: Lines, qs: int, qe: int) -> list[Piece]:
        """Rectangles covering the Qt range ``[qs, qe)`` on ``lines``, one per line,
        each with its line's baseline. A right-to-left run gets the rectangle
        between its two ends."""
        starts, entries = lines
        xs = self._xs
        out = []
        i = max(0, bisect_right(starts, qs) - 1)
        while i < len(entries):
            start, end, base, x, y, height, line = entries[i]
            if start >= qe:
                break
            if end > qs:
                a, b = max(qs, start), min(qe, end)
                x1 = xs.get((start, a))
                if x1 is None:
                    x1 = xs[(start, a)] = line.cursorToX(a - base)[0]
                x2 = xs.get((start, b))
                if x2 is None:
                    x2 = xs[(start, b)] = line.cursorToX(b - base)[0]
                if x1 != x2:
                    rect = QRectF(x + min(x1, x2), y, abs(x2 - x1), height)
                    out.append((rect, y + line.ascent()))
            i += 1
        return out


class ShapedBlocks:
    """Keeps Qt's shaping of the paragraphs on screen, and of recent screens.

    A ``QTextLayout`` throws its shaped glyphs away after each ``draw()`` (and after a
    layout) unless its cache is enabled, so every repaint of the text view shaped
    every visible paragraph again with HarfBuzz, about half of Qt's cost of painting
    the text, and ``cursorToX`` (highlight rectangles) shaped them once more. Paragraphs
    that come on screen get their cache enabled; the oldest are let go once more than
    ``limit`` characters are kept (about 35 bytes a character: ~17 MB by default, the
    paragraphs of the last hundred or so places the view was taken to).
    """

    def __init__(self, limit: int = 500_000) -> None:
        self._limit = limit
        self._blocks: OrderedDict[int, QTextBlock] = OrderedDict()  # by position
        self._chars = 0
        self._sink: QImage | None = None

    def keep(self, position: int, block: QTextBlock) -> None:
        """``block`` (at Qt position ``position``) is on screen."""
        blocks = self._blocks
        if position in blocks:
            blocks.move_to_end(position)
            return
        block.layout().setCacheEnabled(True)
        blocks[position] = block
        self._chars += block.length()
        while self._chars > self._limit and len(blocks) > 1:
            _, old = blocks.popitem(last=False)
            self._chars -= old.length()
            self._release(old.layout())

    def forget(self) -> None:
        """Drop every block without touching it (its document is being replaced,
        which frees them all)."""
        self._blocks.clear()
        self._chars = 0

    def __len__(self) -> int:
        return len(self._blocks)

    def _release(self, layout: QTextLayout) -> None:
        # Qt frees a layout's glyphs at the end of a draw() when its cache is off; a
        # draw clipped far above its lines paints nothing and only frees them.
        layout.setCacheEnabled(False)
        if self._sink is None:
            self._sink = QImage(1, 1, QImage.Format.Format_ARGB32_Premultiplied)
        painter = QPainter(self._sink)
        layout.draw(painter, QPointF(0, 0), [], QRectF(0, -1e9, 1, 1))
        painter.end()
