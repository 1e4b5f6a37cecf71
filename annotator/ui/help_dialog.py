"""Help ▸ Keyboard shortcuts: a table built from the window's own actions.

Reading the keys from the actions (rather than writing them down here) keeps the list
true when a shortcut changes. Keys the document view handles itself (selection with the
keyboard and the mouse) are not actions, so they are listed by hand in ``VIEW_KEYS``.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMenu,
    QMenuBar,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

VIEW_KEYS = (
    ("Select words", "Shift+arrows, Ctrl+Shift+arrows, mouse drag"),
    ("Select exact characters (no snapping to words)", "hold Alt while selecting"),
    ("Select a sentence", "triple-click"),
    ("Choose a tag", "click it in the text or in the span table"),
    ("Clear the selection, then the chosen tag", "Esc"),
    ("Copy the selected text", QKeySequence.StandardKey.Copy),
    ("Zoom", "Ctrl+mouse wheel"),
    ("Sentence mode: next / previous sentence", "Down / Up"),
    ("Sentence mode: tag the whole sentence (again: untag)", "the label's key"),
    ("Span panel: save a field", "Enter, Tab or leaving it; Ctrl+Enter in a note"),
    ("Span panel links: go to / remove the link", "Enter / Del"),
    ("Entity registry: rename, change the type", "F2"),
    ("Entity registry: merge two entities", "select both (Ctrl+click), Merge"),
)


def plain_text(action: QAction) -> str:
    """An action's text without mnemonics or the trailing ellipsis."""
    explicit = action.property("helpText")
    if isinstance(explicit, str) and explicit:
        return explicit
    return action.text().replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…")


def keys_text(action: QAction) -> str:
    return ",  ".join(
        s.toString(QKeySequence.SequenceFormat.NativeText)
        for s in action.shortcuts()
        if not s.isEmpty()
    )


def shortcut_rows(
    menubar: QMenuBar, extra: Iterable[tuple[str, Iterable[QAction]]] = ()
) -> list[tuple[str, list[tuple[str, str]]]]:
    """(section, [(what, keys)]) for every action with a shortcut, menu by menu."""
    sections: list[tuple[str, list[tuple[str, str]]]] = []
    for top in menubar.actions():
        menu = top.menu()
        if not isinstance(menu, QMenu):
            continue
        rows = list(_menu_rows(menu))
        if rows:
            sections.append((plain_text(top), rows))
    for title, actions in extra:
        rows = [(plain_text(a), keys_text(a)) for a in actions if keys_text(a)]
        if rows:
            sections.append((title, rows))
    return sections


def _menu_rows(menu: QMenu, prefix: str = "") -> Iterable[tuple[str, str]]:
    for action in menu.actions():
        if action.isSeparator():
            continue
        sub = action.menu()
        if isinstance(sub, QMenu):
            yield from _menu_rows(sub, prefix + plain_text(action) + " ▸ ")
        elif keys_text(action):
            yield prefix + plain_text(action), keys_text(action)


class ShortcutsDialog(QDialog):
    """Lists every shortcut the window has, grouped by menu."""

    def __init__(
        self,
        menubar: QMenuBar,
        extra: Iterable[tuple[str, Iterable[QAction]]] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard shortcuts")
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("shortcutsTree")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Action", "Keys"])
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)

        sections = shortcut_rows(menubar, extra)
        sections.append(
            (
                "In the document",
                [
                    (
                        what,
                        k
                        if isinstance(k, str)
                        else QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText),
                    )
                    for what, k in VIEW_KEYS
                ],
            )
        )
        for title, rows in sections:
            head = QTreeWidgetItem(self.tree, [title])
            font = head.font(0)
            font.setBold(True)
            head.setFont(0, font)
            head.setFirstColumnSpanned(True)
            for what, keys in rows:
                QTreeWidgetItem(self.tree, [f"    {what}", keys])
        self.tree.expandAll()

        note = QLabel(
            "Label keys and single-letter keys work while reading; in a text field "
            "(the document filter) they type instead."
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree)
        layout.addWidget(note)
        layout.addWidget(buttons)
        buttons.button(QDialogButtonBox.StandardButton.Close).setFocus()
        self.resize(560, 680)

    def rows(self) -> list[tuple[str, str]]:
        """(action, keys) for each line shown, for tests."""
        root = self.tree.invisibleRootItem()
        out = []
        for i in range(root.childCount()):
            item = root.child(i)
            if item.text(1):
                out.append((item.text(0).strip(), item.text(1)))
        return out
