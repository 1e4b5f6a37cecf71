"""A holder for a label whose text changes with every tag, so the panel around it stays put.

A ``QLabel`` asks its parent's layout to re-place everything whenever its text changes
(the new text might need another size). In the Span panel that is the quote, the offsets
and the entity line, on every tag: the whole panel was re-laid out and painted twice,
~1 ms of each tag. Inside a :class:`SteadyBox` the label's request stops at the box: the
box sizes the label itself and tells its own layout only when the height the label needs
changes (a quote that wraps onto another line). It takes the width its row has to give.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class SteadyBox(QWidget):
    """Holds one label; as wide as its row allows, as tall as the label needs there."""

    def __init__(self, label: QLabel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = label
        label.setParent(self)
        # No layout of our own: a label's geometry request then arrives here as a
        # LayoutRequest event (see event()) instead of invalidating the panel's layout.
        # It takes the room its row has (a text that grows must not need a new layout
        # to get wider); the label inside is aligned as it likes within that room.
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._height = self._needed(max(self.width(), 1))
        self.setFixedHeight(self._height)

    def sizeHint(self) -> QSize:  # noqa: N802
        hint = self.label.sizeHint()
        return QSize(hint.width(), self._height)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        # A wrapping label can be as narrow as its longest word; a one-line label fits
        # whatever room is left and is cut at the edge (its tool tip has it all).
        if self.label.wordWrap():
            return QSize(self.label.minimumSizeHint().width(), self._height)
        return QSize(0, self._height)

    def event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.LayoutRequest:
            self._follow()
            return True
        if kind == QEvent.Type.Show:
            # Qt sends no LayoutRequest to a hidden box: text set meanwhile is measured now.
            self._follow()
        return super().event(event)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        self.label.setGeometry(0, 0, self.width(), self.height())
        if event.oldSize().width() != self.width():
            self._follow()
        super().resizeEvent(event)

    def _follow(self) -> None:
        height = self._needed(self.width())
        if height != self._height:
            self._height = height
            self.setFixedHeight(height)  # the panel's layout makes room (rarely)
            self.label.setGeometry(0, 0, self.width(), height)

    def _needed(self, width: int) -> int:
        label = self.label
        if label.wordWrap() and label.hasHeightForWidth():
            return max(label.heightForWidth(width), label.fontMetrics().height())
        return label.sizeHint().height()
