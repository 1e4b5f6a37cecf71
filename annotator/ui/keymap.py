"""Every key of the window's menus, in one place (labels take theirs from the tag set).

Single letters are safe while reading: the document view is read-only, so it never
takes a printable key as text, and the filter box (a text field) keeps them for typing.
Next/previous span use J/K rather than Tab or arrows, which move the text cursor; the
document keys use Ctrl+PgDown/PgUp, which a text view does not bind. Ctrl+1/2/3 mark
the document's status (the bare digits are the default labels' keys). Enter accepts a
proposed speaker only in the text and the sentence list (elsewhere it confirms a field).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

StandardKey = QKeySequence.StandardKey

KEYS: dict[str, list[StandardKey | str]] = {
    "file.new": [StandardKey.New],
    "file.open": [StandardKey.Open],
    "file.import": ["Ctrl+I"],
    "file.export": ["Ctrl+E"],
    "file.quit": [StandardKey.Quit, "Ctrl+Q"],
    "edit.undo": ["Ctrl+Z"],
    "edit.redo": ["Ctrl+Shift+Z", "Ctrl+Y"],
    "edit.delete": ["Delete", "Backspace"],
    "edit.selectSentence": ["S"],
    "edit.nextSpan": ["J"],
    "edit.previousSpan": ["K"],
    "edit.nextDocument": ["Ctrl+PgDown"],
    "edit.previousDocument": ["Ctrl+PgUp"],
    "edit.status.todo": ["Ctrl+1"],
    "edit.status.in_progress": ["Ctrl+2"],
    "edit.status.done": ["Ctrl+3"],
    "edit.span": ["E"],
    "edit.documentNote": ["N"],
    "labels.editTagset": ["Ctrl+T"],
    "links.acceptSpeaker": ["Return", "Enter"],
    "links.pickSpeaker": ["P"],
    "links.binds": ["B"],
    "links.is": ["I"],
    "links.attach": ["A"],
    "links.follow": ["L"],
    "links.nextMention": ["M"],
    "links.previousMention": ["Shift+M"],
    "view.sentenceMode": ["F6"],
    "view.entities": ["F7"],
    "view.zoomIn": ["Ctrl++", "Ctrl+="],
    "view.zoomOut": ["Ctrl+-"],
    "view.zoomReset": ["Ctrl+0"],
    "help.shortcuts": ["F1"],
}


def sequences(name: str) -> list[QKeySequence]:
    """The key sequences of action ``name``, without duplicates or empty ones (a
    standard key may be the same as the explicit one, or nothing on a platform)."""
    out: list[QKeySequence] = []
    for key in KEYS.get(name, []):
        seq = QKeySequence(key)
        if not seq.isEmpty() and seq not in out:
            out.append(seq)
    return out


def window_action(
    window: QWidget, name: str, text: str, slot: Callable[[], object], *, tip: str = ""
) -> QAction:
    """An action of ``window`` named ``name``, its keys from this keymap, working
    wherever the focus is in the window."""
    action = QAction(text, window)
    action.setObjectName(name)
    action.setShortcuts(sequences(name))
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    if tip:
        action.setToolTip(tip)
        action.setStatusTip(tip)
    action.triggered.connect(lambda _checked=False: slot())
    window.addAction(action)
    return action
