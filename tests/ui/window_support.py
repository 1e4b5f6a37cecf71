"""Fixtures and helpers for the main-window tests (imported by the test modules).

Every test builds a real project file, opens the real window on it, drives the real
widgets with the keyboard and the mouse, and checks the project file through a
separate SQLite connection: what the user did must be on disk, with exact offsets.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QAbstractItemView, QPlainTextEdit, QToolBar, QWidget
from pytestqt.qtbot import QtBot

from annotator.services.importing import import_texts
from annotator.services.project import open_project
from annotator.ui import create_main_window
from annotator.ui.main_window import MainWindow
from annotator.ui.settings import Settings

CALL = (
    "Readout of the Foreign Minister's call with the Secretary-General\n"
    "\n"
    "Foreign Minister Amina Diallo spoke today with UN Secretary-General Antonio "
    "Guterres. The Minister committed to increase humanitarian funding by ten percent. "
    "Both sides agreed to meet again in Geneva next month.\n"
)
EMOJI = (
    "Readout: Minister Tanaka and Minister Okafor 👍🏽😀🇺🇳\n"
    "\n"
    "Minister Tanaka 👍🏽 welcomed the agreement. Minister Okafor 😀 pledged to open "
    "the border crossing 🇺🇳 by Friday. The 𝔘𝔑 envoy 𝕏 will attend.\n"
)
# Bytes as a Windows editor saved them: the project stores the text with "\n".
CRLF_BYTES = (
    b"Readout of the call with the Ambassador\r\n"
    b"\r\n"
    b"The Ambassador confirmed the ceasefire.\r\n"
    b"The Minister promised to send observers to Kharkiv.\r\n"
)
SCRIPTS = (
    "Readout: call with Minister Zoe\u0308 A\u030angstro\u0308m\n"
    "\n"
    "Minister Zoe\u0308 A\u030angstro\u0308m spoke with \u0627\u0644\u0648\u0632\u064a\u0631 "
    "\u0623\u062d\u0645\u062f and \u05d4\u05e9\u05e8 \u05d3\u05d5\u05d3 \u05db\u05d4\u05df. "
    "The minister pledged to reopen the consulate in Caf\u00e9 Street.\n"
)
FILES = [
    ("call.txt", CALL.encode("utf-8")),
    ("emoji.txt", EMOJI.encode("utf-8")),
    ("crlf.txt", CRLF_BYTES),
    ("scripts.txt", SCRIPTS.encode("utf-8")),
]
TITLES = {
    "call": "Readout of the Foreign Minister's call with the Secretary-General",
    "emoji": "Readout: Minister Tanaka and Minister Okafor 👍🏽😀🇺🇳",
    "crlf": "Readout of the call with the Ambassador",
    "scripts": "Readout: call with Minister Zoe\u0308 A\u030angstro\u0308m",
}


@dataclass(frozen=True)
class DbSpan:
    id: int
    document_id: int
    label: str
    start: int
    end: int
    text: str
    document_text: str
    annotator: str


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project file with four short readouts (emoji, CRLF, combining marks, RTL)."""
    path = tmp_path / "p.db"
    store = open_project(path)
    try:
        report = import_texts(store, FILES)
        assert report.ok and len(report.imported) == len(FILES), report.failed
    finally:
        store.close()
    return path


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(tmp_path / "settings.ini")


@pytest.fixture
def window(qtbot: QtBot, project: Path, settings: Settings) -> Iterator[MainWindow]:
    win = create_main_window(project, settings=settings)
    qtbot.addWidget(win)
    win.resize(1300, 820)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()


# -- reading the project file behind the window's back ----------------------------------


def db_spans(path: Path) -> list[DbSpan]:
    with closing(sqlite3.connect(path)) as conn:
        rows = conn.execute(
            'SELECT s.id, s.document_id, l.name, s.start, s."end", s.text, d.text, '
            "s.annotator FROM spans s JOIN labels l ON l.id = s.label_id "
            "JOIN documents d ON d.id = s.document_id ORDER BY s.id"
        ).fetchall()
    return [DbSpan(*r) for r in rows]


def db_document_id(path: Path, title: str) -> int:
    with closing(sqlite3.connect(path)) as conn:
        row = conn.execute("SELECT id FROM documents WHERE title = ?", [title]).fetchone()
    assert row is not None, title
    return int(row[0])


def db_document_text(path: Path, doc_id: int) -> str:
    with closing(sqlite3.connect(path)) as conn:
        return str(conn.execute("SELECT text FROM documents WHERE id = ?", [doc_id]).fetchone()[0])


def assert_exact(span: DbSpan) -> None:
    """The offset contract, checked on what is on disk."""
    assert span.document_text[span.start : span.end] == span.text


# -- driving the widgets ---------------------------------------------------------------------


def document_list(win: MainWindow) -> QAbstractItemView:
    view = win.findChild(QAbstractItemView, "documentList")
    assert view is not None
    return view


def span_table(win: MainWindow) -> QAbstractItemView:
    view = win.findChild(QAbstractItemView, "spanTable")
    assert view is not None
    return view


def document_view(win: MainWindow) -> QPlainTextEdit:
    view = win.findChild(QPlainTextEdit, "documentView")
    assert view is not None
    return view


def click_document(qtbot: QtBot, win: MainWindow, title: str) -> None:
    """Click the document list row whose title is ``title``; wait until it is open."""
    view = document_list(win)
    model = view.model()
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        if index.data() == title:
            view.scrollTo(index)
            rect = view.visualRect(index)
            qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
            qtbot.waitUntil(lambda: win.document is not None and win.document.title == title)
            return
    raise AssertionError(f"no row titled {title!r}")


def qt_position(text: str, offset: int) -> int:
    """Where code-point ``offset`` lies in Qt's UTF-16 positions (text has no CR)."""
    return len(text[:offset].encode("utf-16-le")) // 2


def put_cursor(qtbot: QtBot, win: MainWindow, offset: int) -> None:
    """Put the caret before code point ``offset`` (no selection), giving the view focus."""
    view = document_view(win)
    assert win.document is not None
    cursor = view.textCursor()
    cursor.setPosition(qt_position(win.document.text, offset))
    view.setTextCursor(cursor)
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)


def select_with_keys(qtbot: QtBot, win: MainWindow, start: int, end: int) -> None:
    """Put the caret at ``start`` and press Shift+Right until the selection reaches ``end``.

    Qt moves over whole grapheme clusters (an emoji with its skin tone, a letter with
    its accent), so the loop counts Qt positions rather than key presses.
    """
    assert win.document is not None
    put_cursor(qtbot, win, start)
    view = document_view(win)
    target = qt_position(win.document.text, end)
    for _ in range(end - start + 2):
        if view.textCursor().position() >= target:
            break
        qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert view.textCursor().position() == target


def press(
    qtbot: QtBot,
    win: MainWindow,
    key: Qt.Key | str,
    modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    """Press a key with the document view focused, as a reader would."""
    view = document_view(win)
    view.setFocus()
    qtbot.keyClick(view, key, modifier)


def text_point(win: MainWindow, offset: int) -> QPoint:
    """The viewport point in the middle of the character at code point ``offset``."""
    assert win.document is not None
    view = document_view(win)
    cursor = QTextCursor(view.document())
    cursor.setPosition(qt_position(win.document.text, offset))
    left = view.cursorRect(cursor)
    cursor.setPosition(qt_position(win.document.text, offset + 1))
    right = view.cursorRect(cursor)
    return QPoint((left.center().x() + right.center().x()) // 2, left.center().y())


def click_text(qtbot: QtBot, win: MainWindow, offset: int) -> None:
    view = document_view(win)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=text_point(win, offset))


def toolbar_button(win: MainWindow, label: str) -> QWidget:
    bar = win.findChild(QToolBar, "labelBar")
    assert bar is not None
    action = next(a for a in bar.actions() if a.objectName() == f"label.{label}")
    button = bar.widgetForAction(action)
    assert button is not None
    return button


def find(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """Code-point offsets of the ``nth`` occurrence of ``needle`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)
