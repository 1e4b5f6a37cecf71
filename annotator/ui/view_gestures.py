"""How the document view answers the mouse and the keyboard.

A mixin of :class:`annotator.ui.document_view.DocumentView`: a click chooses the
smallest tag under it, a drag or Shift+arrows select (snapped to words unless Alt is
held), a triple click selects the sentence, Esc clears the selection then the current
tag, Ctrl+wheel and Ctrl+plus/minus zoom, and the pointer's tags are reported (status
bar) and shown in a tool tip. It uses the view's text, offsets, spans and selection.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent, QKeyEvent, QKeySequence, QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QApplication, QToolTip

from annotator.ui.text_geometry import char_position_at

_NAV_KEYS = {
    Qt.Key.Key_Left,
    Qt.Key.Key_Right,
    Qt.Key.Key_Up,
    Qt.Key.Key_Down,
    Qt.Key.Key_Home,
    Qt.Key.Key_End,
    Qt.Key.Key_PageUp,
    Qt.Key.Key_PageDown,
}


class Gestures:
    """Mouse, keyboard, hover and tool tips for the document view."""

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            point = event.position().toPoint()
            if self._is_triple_click(point):
                self._double_click_at = None
                pos = self._char_at(point)
                if pos is None:
                    pos = self._map.from_qt(self.cursorForPosition(point).position())
                self._select_sentence(pos)
                event.accept()
                return
            self._press_at = point
            self._exact_gesture = self._alt(event)
            if not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                # a press inside the selection would start a text drag-and-drop;
                # here it starts a new selection
                self.clear_selection()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.buttons() & Qt.MouseButton.LeftButton:
            # Alt at any moment of the drag makes it exact
            self._exact_gesture = self._exact_gesture or self._alt(event)
        else:
            self._update_hover(event.position().toPoint())
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        super().mouseReleaseEvent(event)
        press, self._press_at = self._press_at, None
        if event.button() != Qt.MouseButton.LeftButton or press is None:
            return
        if self._alt(event) and not self._exact_gesture:
            self._exact_gesture = True
            self._on_selection_changed()
        point = event.position().toPoint()
        moved = (point - press).manhattanLength() >= QApplication.startDragDistance()
        shift = event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        if moved or shift or self.textCursor().hasSelection():
            return
        pos = self._char_at(point)
        spans = self._index.at(pos) if pos is not None else []
        self._current = spans[0].id if spans else None
        self.viewport().update()
        self.spanActivated.emit(self._current if self._current is not None else -1)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self._exact_gesture = self._alt(event)
            self._double_click_at = event.position().toPoint()
            self._double_click_clock.start()
        super().mouseDoubleClickEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.matches(QKeySequence.StandardKey.ZoomIn):
            self.zoom_in()
            return
        if event.matches(QKeySequence.StandardKey.ZoomOut):
            self.zoom_out()
            return
        if event.key() == Qt.Key.Key_Escape:
            if self.textCursor().hasSelection():
                self.clear_selection()
                return
            if self._current is not None:
                self.select_span(None)
                self.spanActivated.emit(-1)
                return
        if event.key() in _NAV_KEYS:
            alt = bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
            self._exact_gesture = alt
            if alt:
                # Alt+Shift+arrow: select exactly; Qt knows no such binding, so drop Alt
                event = QKeyEvent(
                    event.type(),
                    event.key(),
                    event.modifiers() & ~Qt.KeyboardModifier.AltModifier,
                    event.text(),
                    event.isAutoRepeat(),
                    event.count(),
                )
        super().keyPressEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            delta = event.angleDelta().y()
            if delta > 0:
                self.zoom_in()
            elif delta < 0:
                self.zoom_out()
            event.accept()
            return
        super().wheelEvent(event)

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            tip = self._tooltip(event.pos())
            if tip:
                QToolTip.showText(event.globalPos(), tip, self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        if event.type() == QEvent.Type.Leave:
            self._set_hover("")
        return super().viewportEvent(event)

    @staticmethod
    def _alt(event: QMouseEvent) -> bool:
        return bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)

    def _is_triple_click(self, point: QPoint) -> bool:
        return (
            self._double_click_at is not None
            and self._double_click_clock.isValid()
            and self._double_click_clock.elapsed() < QApplication.doubleClickInterval()
            and (point - self._double_click_at).manhattanLength() < QApplication.startDragDistance()
        )

    # -- hover and hits

    def _char_at(self, point: QPoint) -> int | None:
        """Code point of the character drawn under ``point`` (viewport coordinates)."""
        q = char_position_at(self, point)
        return None if q is None else self._map.from_qt(q)

    def _update_hover(self, point: QPoint) -> None:
        pos = self._char_at(point)
        spans = self._index.at(pos) if pos is not None else []
        self._set_hover(", ".join(dict.fromkeys(s.label for s in spans)))

    def _set_hover(self, labels: str) -> None:
        if labels != self._hover:
            self._hover = labels
            self.hoverLabels.emit(labels)

    def _tooltip(self, point: QPoint) -> str:
        pos = self._char_at(point)
        if pos is None:
            return ""
        lines = []
        for span in self._index.at(pos):
            snippet = self._text[span.start : span.end]
            if len(snippet) > 60:
                snippet = snippet[:57] + "…"
            lines.append(f"{span.label}: {snippet}")
        return "\n".join(lines)
