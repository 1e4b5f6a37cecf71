"""Helpers for the attribution tests: tag with keys, drive pickers, read links and
entities from the project file through a separate connection."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from window_support import find, press, select_with_keys

from annotator.ui.main_window import MainWindow
from annotator.ui.pickers import PickerDialog

LABEL_KEYS = {"speaker": Qt.Key.Key_1, "commitment": Qt.Key.Key_2, "entity": Qt.Key.Key_3}


def action(win: MainWindow, name: str) -> QAction:
    found = win.findChild(QAction, name)
    assert found is not None, name
    return found


def tag(qtbot: QtBot, win: MainWindow, needle: str, label: str, nth: int = 0) -> int:
    """Select ``needle`` with the keyboard, press the label's key; return the new span id."""
    assert win.document is not None
    start, end = find(win.document.text, needle, nth)
    select_with_keys(qtbot, win, start, end)
    press(qtbot, win, LABEL_KEYS[label])
    span_id = win.view.current_span_id()
    assert span_id is not None
    span = win.view.spans().get(span_id)
    assert span is not None and (span.start, span.end, span.label) == (start, end, label)
    return span_id


def picker(qtbot: QtBot, win: MainWindow) -> PickerDialog:
    qtbot.waitUntil(lambda: win.attribution.picker is not None)
    dialog = win.attribution.picker
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    qtbot.waitUntil(dialog.filter_edit.hasFocus)
    return dialog


def pick(qtbot: QtBot, win: MainWindow, typed: str) -> list[str]:
    """Type into the open picker and press Enter; return the rows it showed."""
    dialog = picker(qtbot, win)
    qtbot.keyClicks(dialog.filter_edit, typed)
    shown = dialog.visible_texts()
    qtbot.keyClick(dialog.filter_edit, Qt.Key.Key_Return)
    close_picker(qtbot, win, dialog)
    return shown


def close_picker(qtbot: QtBot, win: MainWindow, dialog: PickerDialog) -> None:
    """Wait until the picker is gone and the window has the keyboard again."""
    qtbot.waitUntil(lambda: win.attribution.picker is None and not dialog.isVisible())
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)


# -- the project file ------------------------------------------------------------------


def query(path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql, params).fetchall()


def db_links(path: Path) -> list[tuple[str, str, str]]:
    """(source text, link type, target text) of every link, in id order."""
    return [
        (r[0], r[1], r[2])
        for r in query(
            path,
            "SELECT s.text, k.type, t.text FROM links k JOIN spans s ON s.id = k.source_id "
            "JOIN spans t ON t.id = k.target_id ORDER BY k.id",
        )
    ]


def db_span(path: Path, span_id: int) -> dict[str, Any]:
    rows = query(
        path,
        'SELECT l.name, s.start, s."end", s.text, s.attributes, s.note, s.entity_id '
        "FROM spans s JOIN labels l ON l.id = s.label_id WHERE s.id = ?",
        (span_id,),
    )
    if not rows:
        return {}
    label, start, end, text, attributes, note, entity_id = rows[0]
    return {
        "label": label,
        "start": start,
        "end": end,
        "text": text,
        "attributes": json.loads(attributes),
        "note": note,
        "entity_id": entity_id,
    }


def db_entities(path: Path) -> dict[str, tuple[int, list[str], int]]:
    """name -> (id, aliases, mention count)."""
    rows = query(
        path,
        "SELECT e.id, e.name, e.aliases, count(s.id) FROM entities e "
        "LEFT JOIN spans s ON s.entity_id = e.id GROUP BY e.id",
    )
    return {r[1]: (r[0], json.loads(r[2]), r[3]) for r in rows}


def db_labels(path: Path) -> dict[str, dict[str, Any]]:
    rows = query(path, "SELECT name, color, shortcut, attributes FROM labels")
    return {r[0]: {"color": r[1], "shortcut": r[2], "attributes": json.loads(r[3])} for r in rows}
