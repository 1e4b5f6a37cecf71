"""The QUndoCommand adapter over service commands, with a real project file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QUndoStack
from pytestqt.qtbot import QtBot

from annotator.services.commands import AddSpan, Change
from annotator.services.importing import import_texts
from annotator.services.project import open_project
from annotator.ui.undo import UndoableCommand

TEXT = "Minister Amina Diallo spoke with the Secretary-General.\n"


class Host:
    def __init__(self) -> None:
        self.events: list[tuple[str, object]] = []

    def before_change(self, document_id: int | None) -> None:
        self.events.append(("before", document_id))

    def after_change(self, change: Change) -> None:
        self.events.append(("after", (change.added, change.removed)))

    def change_failed(self, action: str, error: Exception) -> None:
        self.events.append(("failed", str(error)))


def test_push_applies_then_undo_and_redo_revert_and_apply(qtbot: QtBot, tmp_path: Path) -> None:
    store = open_project(tmp_path / "p.db")
    import_texts(store, [("a.txt", TEXT.encode())])
    host = Host()
    stack = QUndoStack()
    command = AddSpan(1, "speaker", 9, 21, "Amina Diallo")
    stack.push(UndoableCommand(command, store, host))
    assert [s.text for s in store.spans_for_document(1)] == ["Amina Diallo"]
    assert stack.undoText() == "Tag 'Amina Diallo' as speaker"
    assert host.events[0][0] == "after"  # the first apply needs no switching

    stack.undo()
    assert store.spans_for_document(1) == []
    stack.redo()
    [again] = store.spans_for_document(1)
    assert again.id == command.span.id
    assert [e[0] for e in host.events] == ["after", "before", "after", "before", "after"]
    assert host.events[1] == ("before", 1)
    store.close()


def test_a_failing_command_is_not_kept(qtbot: QtBot, tmp_path: Path) -> None:
    store = open_project(tmp_path / "p.db")
    import_texts(store, [("a.txt", TEXT.encode())])
    host = Host()
    stack = QUndoStack()
    stack.push(UndoableCommand(AddSpan(1, "speaker", 9, 21, "wrong text"), store, host))
    assert stack.count() == 0
    assert host.events[0][0] == "failed" and "wrong text" in str(host.events[0][1])
    assert store.spans_for_document(1) == []
    store.close()
