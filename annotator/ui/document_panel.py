"""The open document's note: a free-text editor under the document list."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from annotator.ui.label_bar import set_quiet
from annotator.ui.note_edit import NoteEdit

__all__ = ["DocumentPanel"]


class DocumentPanel(QWidget):
    """Emits :attr:`noteEdited` with the document's id and its new note when the note
    is committed (Ctrl+Enter, or leaving the editor)."""

    noteEdited = Signal(int, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("documentPanel")
        self._document_id: int | None = None
        self.heading = QLabel("Document note", self)
        set_quiet(self.heading)
        self.note = NoteEdit(self, placeholder="Note on this document (Ctrl+Enter saves)")
        self.note.setObjectName("documentNote")
        self.note.committed.connect(self._committed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.heading)
        layout.addWidget(self.note)
        self.show_document(None, "")

    def document_id(self) -> int | None:
        return self._document_id

    def show_document(self, document_id: int | None, note: str) -> None:
        """Show ``document_id``'s note; a note typed for the previous document is saved
        to that document first."""
        if document_id != self._document_id:
            self.note.commit()
            self._document_id = document_id
        self.note.setEnabled(document_id is not None)
        self.note.set_note(note)

    def _committed(self, text: str) -> None:
        if self._document_id is not None:
            self.noteEdited.emit(self._document_id, text)
