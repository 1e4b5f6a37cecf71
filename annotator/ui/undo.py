"""One generic adapter that puts any services command on a ``QUndoStack``.

The command does the work (one SQLite transaction per apply or revert); the adapter
only reports what changed to its host, the window. ``QUndoStack.push`` runs the first
``redo()``, so the change is committed to the file before the screen shows it.

When apply or revert raises (an :class:`~annotator.domain.errors.AnnotatorError` with a
message for the user, or a bug; either way the transaction rolled back and nothing was
written) the adapter marks itself obsolete, so the stack drops it instead of believing a
change happened, and the host shows the message. An exception must not escape: it would
cross back into Qt's C++ and leave the stack out of step with the file.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtGui import QUndoCommand

from annotator.services.commands import Change, Command
from annotator.storage import Store


class UndoHost(Protocol):
    """What the adapter needs from the window."""

    def before_change(self, document_id: int | None) -> None:
        """Called before an undo or a redo (not the first apply) touches a document."""

    def after_change(self, change: Change) -> None:
        """Called with the Change of every apply and revert that succeeded."""

    def change_failed(self, action: str, error: Exception) -> None:
        """Called when an apply or revert raised; the transaction rolled back."""


class UndoableCommand(QUndoCommand):
    """Adapter: ``redo`` applies the command, ``undo`` reverts it."""

    def __init__(self, command: Command, store: Store, host: UndoHost) -> None:
        super().__init__(_capitalised(command.description))
        self.command = command
        self._store = store
        self._host = host
        self._applied_once = False
        self.document_id: int | None = None

    def redo(self) -> None:
        if self._applied_once:
            self._host.before_change(self.document_id)
        try:
            change = self.command.apply(self._store)
        except Exception as exc:  # noqa: BLE001 - see the module docstring
            self.setObsolete(True)
            self._host.change_failed(self.text(), exc)
            return
        self._applied_once = True
        if change.document_id is not None:
            self.document_id = change.document_id
        self._host.after_change(change)

    def undo(self) -> None:
        self._host.before_change(self.document_id)
        try:
            change = self.command.revert(self._store)
        except Exception as exc:  # noqa: BLE001
            # The file still holds the change; a stack that thought otherwise would
            # try to apply it twice on redo. Drop the step instead.
            self.setObsolete(True)
            self._host.change_failed(f"Undo {self.command.description}", exc)
            return
        self._host.after_change(change)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]
