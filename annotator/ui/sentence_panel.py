"""Sentence mode: the document as a list of sentences, tagged one key at a time.

Each row shows a sentence and, under it, the tags that cover it (a filled chip for a
tag of exactly the sentence, an outlined one for a tag inside it) and the speaker of
its commitments. The rows ask a callback for their tags when they are painted, so a
change repaints only what is on screen: tagging stays instant on long documents.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFontMetrics, QKeyEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from annotator.ui.label_bar import set_quiet

__all__ = ["SentenceInfo", "SentencePanel"]

INFO_ROLE = Qt.ItemDataRole.UserRole + 1
BOUNDS_ROLE = Qt.ItemDataRole.UserRole + 2
HINT = (
    "Sentence mode  ·  ↑/↓ move  ·  a label key tags the whole sentence, the same key "
    "again removes it  ·  Enter accepts the proposed speaker  ·  F6 or Esc leaves"
)

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class SentenceInfo:
    """What a sentence row shows besides its text."""

    tags: list[tuple[str, str, bool]] = field(default_factory=list)  # label, colour, exact
    speaker: str = ""


class SentenceModel(QAbstractListModel):
    """Rows over ``(start, end)`` ranges of a text; tags come from ``info``."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._sentences: list[tuple[int, int]] = []
        self._info: Callable[[int, int], SentenceInfo] = lambda _s, _e: SentenceInfo()

    def set_sentences(
        self,
        text: str,
        sentences: list[tuple[int, int]],
        info: Callable[[int, int], SentenceInfo],
    ) -> None:
        self.beginResetModel()
        self._text = text
        self._sentences = list(sentences)
        self._info = info
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._sentences)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._sentences):
            return None
        start, end = self._sentences[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return " ".join(self._text[start:end].split())
        if role == INFO_ROLE:
            return self._info(start, end)
        if role == BOUNDS_ROLE:
            return (start, end)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._text[start:end]
        return None

    def bounds(self, row: int) -> tuple[int, int]:
        return self._sentences[row]

    def refresh(self) -> None:
        """Ask again for every row's tags (the view repaints the rows on screen)."""
        if self._sentences:
            self.dataChanged.emit(self.index(0), self.index(len(self._sentences) - 1))


class _Delegate(QStyledItemDelegate):
    """Line 1: number and text. Line 2: tag chips and the speaker."""

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:  # noqa: N802
        metrics = QFontMetrics(option.font)
        return QSize(200, metrics.lineSpacing() * 2 + 12)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        style = opt.widget.style() if opt.widget is not None else None
        opt.text = ""
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        rect: QRect = option.rect.adjusted(8, 4, -8, -4)
        palette: QPalette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        text_color = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        quiet = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        )
        metrics = QFontMetrics(option.font)
        line = metrics.lineSpacing()
        number = f"{index.row() + 1}"
        number_width = metrics.horizontalAdvance("8888")
        painter.save()
        painter.setPen(quiet)
        painter.drawText(
            QRect(rect.left(), rect.top(), number_width - 6, line),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            number,
        )
        left = rect.left() + number_width
        text = metrics.elidedText(
            str(index.data()), Qt.TextElideMode.ElideRight, rect.right() - left
        )
        painter.setPen(text_color)
        painter.drawText(QRect(left, rect.top(), rect.right() - left, line), 0, text)
        info = index.data(INFO_ROLE)
        x, y = left, rect.top() + line + 2
        if isinstance(info, SentenceInfo):
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            for label, color, exact in info.tags:
                width = metrics.horizontalAdvance(label) + 12
                chip = QRectF(x, y, width, line)
                fill = QColor(color)
                if exact:
                    painter.setBrush(fill)
                    painter.setPen(fill.darker(130))
                else:
                    painter.setBrush(Qt.BrushStyle.NoBrush)
                    painter.setPen(fill)
                painter.drawRoundedRect(chip.adjusted(0.5, 0.5, -0.5, -0.5), 4, 4)
                painter.setPen(QColor("white") if exact else text_color)
                painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, label)
                x += width + 6
            if info.speaker:
                painter.setPen(quiet)
                painter.drawText(
                    QRect(int(x) + 4, y, rect.right() - int(x) - 4, line),
                    Qt.AlignmentFlag.AlignVCenter,
                    metrics.elidedText(
                        f"said by {info.speaker}", Qt.TextElideMode.ElideRight, rect.right() - x
                    ),
                )
        painter.restore()


class _SentenceList(QListView):
    escaped = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            self.escaped.emit()
            return
        super().keyPressEvent(event)

    def keyboardSearch(self, search: str) -> None:  # noqa: N802
        # Letters are the window's keys (labels, P, B...), never a jump to a row.
        return


class SentencePanel(QWidget):
    """The sentence list. :attr:`sentenceChosen` carries (row, start, end) when the user
    moves to a sentence; :meth:`select_row` moves without emitting."""

    sentenceChosen = Signal(int, int, int)
    escaped = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sentencePanel")
        self.model = SentenceModel(self)
        self.hint = QLabel(HINT, self)
        self.hint.setWordWrap(True)
        set_quiet(self.hint)
        self.list = _SentenceList(self)
        self.list.setObjectName("sentenceList")
        self.list.setModel(self.model)
        self.list.setItemDelegate(_Delegate(self.list))
        self.list.setUniformItemSizes(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setAlternatingRowColors(True)
        self.list.selectionModel().currentRowChanged.connect(self._current_changed)
        self.list.escaped.connect(self.escaped)
        self._quiet = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.hint)
        layout.addWidget(self.list, 1)

    def set_sentences(
        self,
        text: str,
        sentences: list[tuple[int, int]],
        info: Callable[[int, int], SentenceInfo],
    ) -> None:
        self._quiet = True
        try:
            self.model.set_sentences(text, sentences, info)
        finally:
            self._quiet = False

    def current_row(self) -> int | None:
        index = self.list.currentIndex()
        return index.row() if index.isValid() else None

    def current_bounds(self) -> tuple[int, int] | None:
        row = self.current_row()
        return self.model.bounds(row) if row is not None else None

    def select_row(self, row: int) -> None:
        if not 0 <= row < self.model.rowCount():
            return
        self._quiet = True
        try:
            index = self.model.index(row)
            self.list.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
            self.list.scrollTo(index)
        finally:
            self._quiet = False

    def refresh(self) -> None:
        """Repaint the rows on screen: they ask for their tags as they paint (a
        ``dataChanged`` over thousands of rows costs more than the tagging itself)."""
        self.list.viewport().update()

    def has_focus(self) -> bool:
        return self.list.hasFocus()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._quiet or not current.isValid():
            return
        start, end = self.model.bounds(current.row())
        self.sentenceChosen.emit(current.row(), start, end)
