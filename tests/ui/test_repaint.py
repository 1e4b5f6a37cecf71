"""What the screen shows after an edit is what a full repaint would show.

The window repaints only what an edit touched (the lines of a new tag, its neighbours'
underline lanes, the old and new outlines) and draws the span table itself. These
tests compare the window as it is on screen (the offscreen platform's backing store,
after Qt has painted what it was asked to) with a fresh render of the same widgets:
a region left out of a partial repaint shows up as a difference.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from window_support import (
    CALL,
    EMOJI,
    TITLES,
    click_document,
    click_text,
    find,
    press,
    select_with_keys,
)

from annotator.ui.main_window import MainWindow


def _settle(qtbot: QtBot) -> None:
    for _ in range(3):
        QApplication.processEvents()
    qtbot.wait(5)


def _on_screen(win: MainWindow, widget: QWidget) -> QImage:
    screen = QGuiApplication.primaryScreen()
    shot = screen.grabWindow(win.winId()).toImage()
    ratio = shot.devicePixelRatio()
    top_left = widget.mapTo(win, QPoint(0, 0))
    size = widget.size()
    return shot.copy(
        int(top_left.x() * ratio),
        int(top_left.y() * ratio),
        int(size.width() * ratio),
        int(size.height() * ratio),
    )


def _differences(win: MainWindow, widget: QWidget) -> int:
    """Pixels where the screen and a fresh render of ``widget`` disagree."""
    shown = _on_screen(win, widget).convertToFormat(QImage.Format.Format_RGB32)
    fresh = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    assert shown.size() == fresh.size()
    return sum(
        1
        for y in range(0, fresh.height(), 2)
        for x in range(fresh.width())
        if shown.pixel(x, y) != fresh.pixel(x, y)
    )


def _check(qtbot: QtBot, win: MainWindow, step: str) -> None:
    _settle(qtbot)
    for widget in (win.view.viewport(), win.span_table.view.viewport()):
        assert _differences(win, widget) == 0, f"after {step}: {widget.parent().objectName()}"


def test_screen_matches_a_full_repaint_through_tagging_and_undo(
    qtbot: QtBot, window: MainWindow
) -> None:
    QApplication.setCursorFlashTime(0)  # a blinking caret would differ between shots
    click_document(qtbot, window, TITLES["call"])
    _check(qtbot, window, "opening")
    start, end = find(CALL, "Amina Diallo")
    select_with_keys(qtbot, window, start, end)
    _check(qtbot, window, "selecting")
    press(qtbot, window, Qt.Key.Key_1)  # speaker
    _check(qtbot, window, "tagging")
    # an overlapping tag takes a second underline lane
    start, end = find(CALL, "Foreign Minister Amina")
    select_with_keys(qtbot, window, start, end)
    press(qtbot, window, Qt.Key.Key_3)
    _check(qtbot, window, "tagging over a tag")
    press(qtbot, window, Qt.Key.Key_2)  # relabel the new tag
    _check(qtbot, window, "relabelling")
    click_text(qtbot, window, find(CALL, "Amina")[0] + 1)
    _check(qtbot, window, "clicking a tag")
    press(qtbot, window, Qt.Key.Key_J)
    _check(qtbot, window, "next tag")
    press(qtbot, window, Qt.Key.Key_Delete)
    _check(qtbot, window, "deleting")
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    _check(qtbot, window, "undo")
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    _check(qtbot, window, "undo again")
    press(qtbot, window, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    _check(qtbot, window, "redo")


def test_screen_matches_a_full_repaint_with_emoji(qtbot: QtBot, window: MainWindow) -> None:
    QApplication.setCursorFlashTime(0)
    click_document(qtbot, window, TITLES["emoji"])
    start, end = find(EMOJI, "Minister Okafor 😀")
    select_with_keys(qtbot, window, start, end)
    press(qtbot, window, Qt.Key.Key_1)
    _check(qtbot, window, "tagging across an emoji")
    press(qtbot, window, Qt.Key.Key_Delete)
    _check(qtbot, window, "deleting")
