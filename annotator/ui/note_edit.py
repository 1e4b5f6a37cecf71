"""A small plain-text editor for notes that says when its text is meant to be saved."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QFrame, QPlainTextEdit, QWidget

__all__ = ["NoteEdit"]


class NoteEdit(QPlainTextEdit):
    """Emits :attr:`committed` with its text on focus-out and on Ctrl+Enter, when the
    text differs from the last one set with :meth:`set_note` (or committed).

    Esc gives the focus back to the widget named with :meth:`set_escape_target`,
    committing first.
    """

    committed = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, placeholder: str = "") -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setPlaceholderText(placeholder)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._saved = ""
        self._escape_to: QWidget | None = None
        lines = 3
        self.setFixedHeight(
            int(self.fontMetrics().lineSpacing() * lines + 2 * self.document().documentMargin() + 6)
        )

    def set_note(self, text: str) -> None:
        """Show ``text`` as the saved note, unless the user is typing a different one."""
        if self.hasFocus() and self.is_dirty():
            self._saved = text
            return
        self._saved = text
        if self.toPlainText() != text:
            self.setPlainText(text)

    def is_dirty(self) -> bool:
        return self.toPlainText() != self._saved

    def commit(self) -> None:
        if self.is_dirty():
            self._saved = self.toPlainText()
            self.committed.emit(self._saved)

    def set_escape_target(self, widget: QWidget | None) -> None:
        self._escape_to = widget

    def event(self, event: QEvent) -> bool:
        # Keep Ctrl+Enter and Esc for this editor rather than the window's shortcuts.
        if event.type() == QEvent.Type.ShortcutOverride:
            assert isinstance(event, QKeyEvent)
            if _is_commit_key(event) or event.key() == Qt.Key.Key_Escape:
                event.accept()
                return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if _is_commit_key(event):
            self.commit()
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape:
            self.commit()
            if self._escape_to is not None:
                self._escape_to.setFocus()
            event.accept()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        # Not for a popup (the context menu): the user is still typing here.
        if event.reason() != Qt.FocusReason.PopupFocusReason:
            self.commit()
        super().focusOutEvent(event)


def _is_commit_key(event: QKeyEvent) -> bool:
    return event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and bool(
        event.modifiers() & Qt.KeyboardModifier.ControlModifier
    )
