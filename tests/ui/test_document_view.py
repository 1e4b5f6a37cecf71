"""The document view, driven like a user drives it: mouse, keyboard, and what it paints.

Every assertion is on code-point offsets sliced from the original text, never on
Qt's ``selectedText()``.
"""

from __future__ import annotations

import random
import re

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QTextCursor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.domain.model import Span
from annotator.domain.segment import split_sentences
from annotator.ui.document_view import DocumentView
from annotator.ui.qt_offsets import OffsetMap

COLORS = {"speaker": "#1f77b4", "commitment": "#d62728", "entity": "#2ca02c"}
ALT = Qt.KeyboardModifier.AltModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier
LEFT = Qt.MouseButton.LeftButton
NONE = Qt.KeyboardModifier.NoModifier


def make_view(
    qtbot: QtBot, text: str, spans: list[Span] | None = None, *, width: int = 700
) -> DocumentView:
    view = DocumentView()
    qtbot.addWidget(view)
    view.resize(width, 400)
    view.show()
    qtbot.waitExposed(view)
    view.set_document(text, spans or [], COLORS, split_sentences(text))
    return view


def span(span_id: int, text: str, part: str, label: str = "entity", nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = text.index(part, start + 1)
    return Span(span_id, 1, label, start, start + len(part), part)


def caret_point(view: DocumentView, cp: int) -> QPoint:
    """The viewport point of the caret boundary before code point ``cp``."""
    cursor = QTextCursor(view.document())
    cursor.setPosition(OffsetMap(view.text()).to_qt(cp))
    return view.cursorRect(cursor).center()


def char_point(view: DocumentView, cp: int) -> QPoint:
    """A viewport point inside the character at code point ``cp``."""
    a, b = caret_point(view, cp), caret_point(view, cp + 1)
    if abs(a.y() - b.y()) > 2:  # the character ends a line: just right of its start
        return QPoint(a.x() + 2, a.y())
    return QPoint((a.x() + b.x()) // 2, a.y())


def drag(view: DocumentView, qtbot: QtBot, start: int, end: int, modifier=NONE) -> None:
    """Press at the caret boundary before ``start``, drag to the one before ``end``."""
    vp = view.viewport()
    qtbot.mousePress(vp, LEFT, modifier, caret_point(view, start))
    qtbot.mouseMove(vp, caret_point(view, (start + end) // 2))
    qtbot.mouseMove(vp, caret_point(view, end))
    qtbot.mouseRelease(vp, LEFT, modifier, caret_point(view, end))


def selected_text(view: DocumentView) -> str | None:
    found = view.selected_offsets()
    return None if found is None else view.text()[found[0] : found[1]]


def click(view: DocumentView, qtbot: QtBot, cp: int) -> None:
    qtbot.mouseClick(view.viewport(), LEFT, NONE, char_point(view, cp))


# ------------------------------------------------------------------ mouse selection

TEXT = (
    "The leaders agreed to deepen co-operation. "
    "We defend our  legitimate interests, always. "
    "Prime Minister Aiko Tanaka spoke with President Ruto."
)


def test_drag_across_words_snaps_to_whole_words(qtbot: QtBot) -> None:
    view = make_view(qtbot, TEXT)
    seen: list[tuple[int, int]] = []
    view.selectionOffsetsChanged.connect(lambda s, e: seen.append((s, e)))
    a = TEXT.index("leaders") + 2  # "aders agr"
    b = TEXT.index("agreed") + 3
    drag(view, qtbot, a, b)
    assert selected_text(view) == "leaders agreed"
    start = TEXT.index("leaders")
    assert seen[-1] == (start, start + len("leaders agreed"))


def test_drag_trims_spaces_and_punctuation(qtbot: QtBot) -> None:
    view = make_view(qtbot, TEXT)
    a = TEXT.index("  legitimate")
    b = TEXT.index("always")  # "  legitimate interests, "
    drag(view, qtbot, a, b)
    assert selected_text(view) == "legitimate interests"


def test_alt_drag_keeps_the_exact_selection(qtbot: QtBot) -> None:
    view = make_view(qtbot, TEXT)
    a = TEXT.index("  legitimate")
    b = TEXT.index("always")
    drag(view, qtbot, a, b, ALT)
    assert selected_text(view) == "  legitimate interests, "
    # the next plain drag snaps again
    drag(view, qtbot, a, b)
    assert selected_text(view) == "legitimate interests"


def test_exact_selection_mode(qtbot: QtBot) -> None:
    view = make_view(qtbot, TEXT)
    view.set_exact_selection(True)
    a = TEXT.index("aders")
    drag(view, qtbot, a, a + 3)
    assert selected_text(view) == "ade"


def test_double_click_selects_a_word(qtbot: QtBot) -> None:
    view = make_view(qtbot, TEXT)
    qtbot.mouseDClick(view.viewport(), LEFT, NONE, char_point(view, TEXT.index("agreed") + 2))
    assert selected_text(view) == "agreed"


def test_triple_click_selects_the_sentence(qtbot: QtBot) -> None:
    view = make_view(qtbot, TEXT)
    point = char_point(view, TEXT.index("defend") + 1)
    qtbot.mouseDClick(view.viewport(), LEFT, NONE, point)
    qtbot.mouseClick(view.viewport(), LEFT, NONE, point)
    assert selected_text(view) == "We defend our  legitimate interests, always."


def test_select_sentence_at_cursor(qtbot: QtBot) -> None:
    view = make_view(qtbot, TEXT)
    click(view, qtbot, TEXT.index("Tanaka"))
    assert view.selected_offsets() is None
    view.select_sentence_at_cursor()
    assert selected_text(view) == "Prime Minister Aiko Tanaka spoke with President Ruto."


# --------------------------------------------------------------- keyboard selection


def test_shift_right_selects_and_snaps(qtbot: QtBot) -> None:
    view = make_view(qtbot, TEXT)
    click(view, qtbot, TEXT.index("leaders"))  # caret lands before or after "l"
    view.select_offsets(TEXT.index("leaders"), TEXT.index("leaders"))  # caret exactly there
    for _ in range(3):
        qtbot.keyClick(view, Qt.Key.Key_Right, SHIFT)
    assert selected_text(view) == "leaders"  # "lea" completed to the word


def test_alt_shift_right_selects_exactly(qtbot: QtBot) -> None:
    view = make_view(qtbot, TEXT)
    view.select_offsets(TEXT.index("leaders"), TEXT.index("leaders"))
    for _ in range(3):
        qtbot.keyClick(view, Qt.Key.Key_Right, SHIFT | ALT)
    assert selected_text(view) == "lea"


def test_ctrl_shift_right_selects_words(qtbot: QtBot) -> None:
    view = make_view(qtbot, TEXT)
    view.select_offsets(TEXT.index("leaders"), TEXT.index("leaders"))
    qtbot.keyClick(view, Qt.Key.Key_Right, SHIFT | CTRL)
    assert selected_text(view) == "leaders"
    qtbot.keyClick(view, Qt.Key.Key_Right, SHIFT | CTRL)
    assert selected_text(view) == "leaders agreed"


def test_escape_clears_selection_then_current_span(qtbot: QtBot) -> None:
    spans = [span(1, TEXT, "Aiko Tanaka")]
    view = make_view(qtbot, TEXT, spans)
    view.select_span(1)
    view.select_offsets(0, 3)
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert view.selected_offsets() is None
    assert view.current_span_id() == 1
    with qtbot.waitSignal(view.spanActivated) as blocker:
        qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert blocker.args == [-1]
    assert view.current_span_id() is None


# ---------------------------------------------------------------- spans and clicks


def nested_view(qtbot: QtBot) -> tuple[DocumentView, list[Span]]:
    spans = [
        span(1, TEXT, "Prime Minister Aiko Tanaka", "speaker"),
        span(2, TEXT, "Aiko Tanaka", "entity"),
        span(3, TEXT, "President Ruto", "speaker"),
        span(4, TEXT, "leaders agreed to deepen co-operation", "commitment"),
    ]
    return make_view(qtbot, TEXT, spans), spans


def test_click_on_span_activates_the_smallest(qtbot: QtBot) -> None:
    view, _ = nested_view(qtbot)
    with qtbot.waitSignal(view.spanActivated) as blocker:
        click(view, qtbot, TEXT.index("Tanaka") + 2)
    assert blocker.args == [2]
    assert view.current_span_id() == 2
    with qtbot.waitSignal(view.spanActivated) as blocker:
        click(view, qtbot, TEXT.index("Minister") + 2)
    assert blocker.args == [1]
    with qtbot.waitSignal(view.spanActivated) as blocker:
        click(view, qtbot, TEXT.index("defend") + 2)
    assert blocker.args == [-1]
    assert view.current_span_id() is None


def test_a_drag_does_not_activate_a_span(qtbot: QtBot) -> None:
    view, _ = nested_view(qtbot)
    seen: list[int] = []
    view.spanActivated.connect(seen.append)
    drag(view, qtbot, TEXT.index("Aiko"), TEXT.index("spoke"))
    assert seen == []
    assert selected_text(view) == "Aiko Tanaka"


def test_hover_reports_labels_under_the_pointer(qtbot: QtBot) -> None:
    view, _ = nested_view(qtbot)
    seen: list[str] = []
    view.hoverLabels.connect(seen.append)
    qtbot.mouseMove(view.viewport(), char_point(view, TEXT.index("Tanaka") + 1))
    assert seen[-1] == "entity, speaker"
    qtbot.mouseMove(view.viewport(), char_point(view, TEXT.index("defend") + 1))
    assert seen[-1] == ""


def test_next_and_previous_span_follow_reading_order(qtbot: QtBot) -> None:
    view, _ = nested_view(qtbot)
    view.select_offsets(0, 0)
    seen: list[int] = []
    view.spanActivated.connect(seen.append)
    assert view.next_span() == 4
    assert view.next_span() == 1
    assert view.next_span() == 2
    assert view.next_span() == 3
    assert view.next_span() is None
    assert view.previous_span() == 2
    assert seen == [4, 1, 2, 3, 2]
    assert view.current_span_id() == 2


def test_span_at_cursor(qtbot: QtBot) -> None:
    view, _ = nested_view(qtbot)
    view.select_offsets(TEXT.index("Tanaka"), TEXT.index("Tanaka"))
    assert view.span_at_cursor() == 2
    view.select_offsets(TEXT.index("defend"), TEXT.index("defend"))
    assert view.span_at_cursor() is None


def test_select_span_and_removal(qtbot: QtBot) -> None:
    view, _ = nested_view(qtbot)
    view.select_span(3)
    assert view.current_span_id() == 3
    view.remove_span(3)
    assert view.current_span_id() is None
    view.select_span(99)  # unknown: nothing is current
    assert view.current_span_id() is None


# --------------------------------------------------------------- unicode offsets

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # a ZWJ sequence
ENGLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"  # tag sequence
FAMILY_TEXT = f"The cafe\u0301 near {FAMILY} was open"

UNICODE_CASES = [
    # (text, word to double-click, range to drag (start word, end word), expected drag result)
    ("Leaders 👍🏽 agreed 😀 today", "today", ("agreed", "today"), "agreed 😀 today"),
    (FAMILY_TEXT, "cafe\u0301", ("cafe\u0301", "near"), "cafe\u0301 near"),
    (FAMILY_TEXT, "was", ("near", "was"), f"near {FAMILY} was"),
    ("قال الرئيس إن البلدين اتفقا", "الرئيس", ("الرئيس", "البلدين"), "الرئيس إن البلدين"),
    ("首相𠀋与肯尼亚总统通话 today 😀 ok", "today", ("today", "ok"), "today 😀 ok"),
]


@pytest.mark.parametrize(("text", "word", "between", "expected"), UNICODE_CASES)
def test_selection_offsets_on_unicode_text(
    qtbot: QtBot, text: str, word: str, between: tuple[str, str], expected: str
) -> None:
    view = make_view(qtbot, text)
    a = text.index(between[0])
    b = text.index(between[1]) + len(between[1])
    drag(view, qtbot, a + 1, b - 1)  # cut words at both ends: snapping completes them
    assert selected_text(view) == expected
    start = text.index(word)
    qtbot.mouseDClick(view.viewport(), LEFT, NONE, char_point(view, start + 1))
    assert selected_text(view) == word


def test_select_offsets_round_trips_on_emoji_text(qtbot: QtBot) -> None:
    text = "Leaders 👍🏽 agreed 😀 today 🇰🇪!"
    view = make_view(qtbot, text)
    for a in range(len(text)):
        for b in range(a + 1, len(text) + 1):
            view.select_offsets(a, b)
            assert view.selected_offsets() == (a, b)  # programmatic selections are exact


def test_cjk_double_click_selects_the_run(qtbot: QtBot) -> None:
    text = "首相与肯尼亚总统通话。 Then"
    view = make_view(qtbot, text)
    qtbot.mouseDClick(view.viewport(), LEFT, NONE, char_point(view, 2))
    assert selected_text(view) == "首相与肯尼亚总统通话"


# ---------------------------------------------------- the offset map against Qt itself

QT_SAMPLES = [
    "Leaders 👍🏽 agreed 😀 today",
    FAMILY + "\u200d\U0001f466 family 🇰🇪 flag " + ENGLAND,
    "café e\u0301\u0323 n\u0303",
    "اتفق الزعيمان على التعاون",
    "שלום עולם",
    "首相与肯尼亚总统通话 𠀋𠀌",
    "tab\there\u2028line\u2029para\nnext\n\nend",
    "😀",
    "",
]


@pytest.mark.parametrize("text", QT_SAMPLES)
def test_offset_map_agrees_with_qt(qtbot: QtBot, text: str) -> None:
    view = make_view(qtbot, text)
    doc = view.document()
    m = OffsetMap(text)
    assert doc.characterCount() == m.qt_length + 1
    cursor = QTextCursor(doc)
    for i in range(len(text) + 1):
        cursor.setPosition(m.to_qt(i))
        assert cursor.position() == m.to_qt(i)
        assert m.from_qt(cursor.position()) == i
    for a in range(len(text) + 1):
        for b in range(a, len(text) + 1):
            cursor.setPosition(m.to_qt(a))
            cursor.setPosition(m.to_qt(b), QTextCursor.MoveMode.KeepAnchor)
            assert (m.from_qt(cursor.selectionStart()), m.from_qt(cursor.selectionEnd())) == (a, b)
            # Qt's own text for the range is ours, with its paragraph separators
            assert cursor.selectedText() == text[a:b].replace("\n", "\u2029")


def test_offset_map_agrees_with_qt_on_windows_newlines(qtbot: QtBot) -> None:
    text = "one\r\ntwo 😀\r\n\r\nthree"
    view = make_view(qtbot, text)
    m = OffsetMap(text)
    assert view.document().characterCount() == m.qt_length + 1
    cursor = QTextCursor(view.document())
    for i in range(len(text) + 1):
        if text[i - 1 : i + 1] == "\r\n":
            continue  # between "\r" and "\n": no Qt position of its own
        cursor.setPosition(m.to_qt(i))
        cursor.setPosition(m.to_qt(len(text)), QTextCursor.MoveMode.KeepAnchor)
        assert cursor.selectedText() == text[i:].replace("\r\n", "\u2029")


# ----------------------------------------------------------------------- painting


def pixel(view: DocumentView, point: QPoint) -> QColor:
    image = view.viewport().grab().toImage()
    ratio = image.devicePixelRatio()
    return image.pixelColor(int(point.x() * ratio), int(point.y() * ratio))


def gap_point(view: DocumentView, text: str, space_at: int) -> QPoint:
    """A point inside the space at ``space_at``, near the top of its line: no ink."""
    assert text[space_at] == " "
    cursor = QTextCursor(view.document())
    cursor.setPosition(space_at)
    top = view.cursorRect(cursor)
    return QPoint(char_point(view, space_at).x(), top.top() + 2)


def test_spans_are_painted_under_the_text(qtbot: QtBot) -> None:
    view, _ = nested_view(qtbot)
    inside = gap_point(view, TEXT, TEXT.index("Aiko Tanaka") + 4)
    outside = gap_point(view, TEXT, TEXT.index("defend") - 1)
    background = pixel(view, outside)
    highlighted = pixel(view, inside)
    assert highlighted != background
    # the entity colour (green) shows through: green dominates the fill
    assert highlighted.green() > highlighted.red()

    # removing the spans there brings the plain background back
    view.remove_span(1)
    view.remove_span(2)
    qtbot.wait(1)
    assert pixel(view, inside) == background
    # adding one paints it again, in its label's colour
    view.add_span(span(7, TEXT, "Aiko Tanaka", "commitment"))
    qtbot.wait(1)
    again = pixel(view, inside)
    assert again != background and again.red() > again.green()
    view.set_colors({"commitment": "#0000ff"})
    qtbot.wait(1)
    blue = pixel(view, inside)
    assert blue.blue() > blue.red()


def test_selection_stays_visible_over_spans(qtbot: QtBot) -> None:
    view, _ = nested_view(qtbot)
    inside = gap_point(view, TEXT, TEXT.index("Aiko Tanaka") + 4)
    before = pixel(view, inside)
    view.select_offsets(TEXT.index("Aiko"), TEXT.index("spoke"))
    qtbot.wait(1)
    assert pixel(view, inside) != before


# -------------------------------------------------------------- reading comfort


def test_text_column_is_centred_and_bounded(qtbot: QtBot) -> None:
    view = make_view(qtbot, TEXT * 20, width=1600)
    margins = view.viewportMargins()
    assert margins.left() > 100
    assert abs(margins.left() - margins.right()) <= 1
    char = view.fontMetrics().averageCharWidth()
    assert view.viewport().width() <= 95 * char + 40
    view.resize(400, 400)
    qtbot.wait(1)
    assert view.viewportMargins().left() == 0


def test_zoom(qtbot: QtBot) -> None:
    view = make_view(qtbot, TEXT)
    seen: list[float] = []
    view.zoomChanged.connect(seen.append)
    view.set_zoom(14)
    assert view.zoom() == 14
    view.zoom_in()
    view.zoom_out()
    view.zoom_out()
    assert view.zoom() == 13
    view.set_zoom(1000)
    assert view.zoom() == 48
    assert seen == [14, 15, 14, 13, 48]


def test_select_offsets_scrolls_far_text_into_view(qtbot: QtBot) -> None:
    text = "\n\n".join(f"Paragraph {i} says something about the talks." for i in range(3000))
    view = make_view(qtbot, text)
    target = text.index("Paragraph 2500 ")
    view.select_offsets(target, target + len("Paragraph 2500"))
    assert selected_text(view) == "Paragraph 2500"
    rect = view.cursorRect()
    assert view.viewport().rect().contains(rect.center())
    height = view.viewport().height()
    assert height / 5 < rect.center().y() < height / 2  # brought to the upper middle
    view.select_span(None)
    far = Span(5, 1, "entity", text.index("Paragraph 10 "), text.index("Paragraph 10 ") + 12, "")
    view.add_span(far)
    view.select_span(5)
    cursor = QTextCursor(view.document())
    cursor.setPosition(far.start)
    assert view.viewport().rect().contains(view.cursorRect(cursor).center())


def test_view_is_read_only_and_named(qtbot: QtBot) -> None:
    view = make_view(qtbot, TEXT)
    assert view.objectName() == "documentView"
    view.select_offsets(0, 3)
    qtbot.keyClicks(view, "xyz")
    assert view.toPlainText() == TEXT


def test_select_span_in_view_does_not_scroll(qtbot: QtBot) -> None:
    text = "\n\n".join(f"Paragraph {i} says something about the talks." for i in range(300))
    target = text.index("Paragraph 3 ")
    view = make_view(qtbot, text, [Span(1, 1, "entity", target, target + 11, "")])
    bar = view.verticalScrollBar()
    assert bar.value() == 0
    view.select_span(1)
    assert bar.value() == 0
    assert view.current_span_id() == 1


def test_new_document_resets_selection_and_current_span(qtbot: QtBot) -> None:
    view, _ = nested_view(qtbot)
    view.select_span(1)
    view.select_offsets(0, 3)
    seen: list[tuple[int, int]] = []
    view.selectionOffsetsChanged.connect(lambda s, e: seen.append((s, e)))
    view.set_document("Another text.", [], COLORS, [(0, 13)])
    assert seen == [(-1, -1)]
    assert view.current_span_id() is None
    assert view.selected_offsets() is None
    assert view.toPlainText() == "Another text."


def test_relabel_keeps_the_span_and_changes_its_colour(qtbot: QtBot) -> None:
    view, spans = nested_view(qtbot)
    inside = gap_point(view, TEXT, TEXT.index("President Ruto") + 9)
    blue = pixel(view, inside)
    assert blue.blue() > blue.red()
    view.update_span(Span(3, 1, "commitment", spans[2].start, spans[2].end, spans[2].text))
    qtbot.wait(1)
    red = pixel(view, inside)
    assert red.red() > red.blue()
    assert [s.label for s in view.spans().at(spans[2].start)] == ["commitment"]


def test_a_new_document_is_painted_at_its_own_positions(qtbot: QtBot) -> None:
    narrow = "iiiiiiiiiiii word two rest"
    wide = "MMMMMMMMMMMM word two rest"
    start = narrow.index("word")
    view = make_view(qtbot, narrow, [Span(1, 1, "entity", start, start + 8, "word two")])
    background = pixel(view, gap_point(view, narrow, narrow.index("rest") - 1))
    assert pixel(view, gap_point(view, narrow, start + 4)) != background
    view.set_document(wide, [Span(1, 1, "entity", start, start + 8, "word two")], COLORS, [])
    qtbot.wait(1)
    assert pixel(view, gap_point(view, wide, start + 4)) != background
    assert pixel(view, gap_point(view, wide, wide.index("rest") - 1)) == background


def test_shaped_paragraphs_are_kept_for_the_screen_and_let_go_past_the_limit(
    qtbot: QtBot,
) -> None:
    """Painting keeps Qt's shaping of the paragraphs on screen (repaints are cheaper);
    scrolling a long document lets the oldest go, so memory stays bounded; a new
    document drops the old paragraphs (their blocks are gone) and paints correctly."""
    text = "\n\n".join(
        f"Paragraph {i} says something about the talks in Geneva. " * 3 for i in range(4000)
    )
    view = make_view(qtbot, text)
    shaped = view._geometry._shaped
    shaped._limit = 20_000  # ~100 paragraphs: a few screens
    qtbot.wait(1)
    view.viewport().repaint()
    first = view.firstVisibleBlock()
    assert first.layout().cacheEnabled()
    kept = len(shaped)
    assert 0 < kept < 40
    bar = view.verticalScrollBar()
    for value in range(0, bar.maximum(), bar.maximum() // 60):
        bar.setValue(value)
        view.viewport().repaint()
    assert sum(b.length() for b in shaped._blocks.values()) <= 20_000
    assert not first.layout().cacheEnabled()  # scrolled away long ago: let go
    assert view.firstVisibleBlock().layout().cacheEnabled()

    # switching documents: the new text is painted at its own positions
    other = "Short text about Oslo."
    view.set_document(other, [Span(1, 1, "entity", 11, 21, "about Oslo")], COLORS, [])
    assert len(shaped) == 0
    qtbot.wait(1)
    view.viewport().repaint()
    assert len(shaped) == 1
    assert pixel(view, gap_point(view, other, 16)) != pixel(view, gap_point(view, other, 10))


def test_a_span_on_a_line_cut_by_the_bottom_edge_is_scrolled_into_view(qtbot: QtBot) -> None:
    """Selecting a tag scrolls only when some of it is off screen: a tag on the last,
    half-shown line counts as off screen; one wholly shown does not move the view."""
    text = "\n\n".join(f"Paragraph {i} says something about the talks." for i in range(300))
    view = make_view(qtbot, text)

    def cut_line() -> tuple[int, int] | None:
        """(paragraph, its start) of the line the bottom edge cuts through, if any."""
        height = view.viewport().height()
        for i in range(300):
            start = text.index(f"Paragraph {i} ")
            cursor = QTextCursor(view.document())
            cursor.setPosition(start)
            rect = view.cursorRect(cursor)
            if rect.top() < height <= rect.bottom():
                return i, start
            if rect.top() >= height:
                return None
        return None

    found = None
    for extra in range(0, 40, 7):  # a height at which the edge cuts a line
        view.resize(700, 400 + extra)
        qtbot.wait(1)
        found = cut_line()
        if found is not None:
            break
    assert found is not None
    i, start = found
    whole = text.index(f"Paragraph {i - 2} ")
    view.add_span(Span(1, 1, "entity", whole, whole + 9, ""))
    view.add_span(Span(2, 1, "entity", start, start + 9, ""))
    bar = view.verticalScrollBar()
    view.select_span(1)
    assert bar.value() == 0
    view.select_span(2)
    assert bar.value() > 0
    cursor = QTextCursor(view.document())
    cursor.setPosition(start + 9)
    assert view.viewport().rect().contains(view.cursorRect(cursor))


def test_highlights_stay_on_their_words_after_scrolling_through_unlaid_paragraphs(
    qtbot: QtBot,
) -> None:
    """Qt lays paragraphs out when first needed, so the scroll bar's line count above
    the screen changes as one scrolls. The lines the view keeps between paints must
    follow the screen, not the scroll bar's value: else fills and underlines land on
    other words. Each screen here is compared with a paint from lines looked up anew."""
    rng = random.Random(2)
    paras = [
        " ".join(f"word{rng.randint(0, 999)}" for _ in range(rng.randint(5, 300)))
        for _ in range(3000)
    ]
    text = "\n".join(paras)
    spans = [
        Span(i, 1, "entity", m.start(), m.end(), m.group())
        for i, m in enumerate(re.finditer(r"word1\d\d\b", text), start=1)
    ]
    view = DocumentView()
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    qtbot.waitExposed(view)
    view.set_document(text, spans, COLORS, [])
    qtbot.wait(1)
    bar = view.verticalScrollBar()
    for target in range(1000, bar.maximum(), bar.maximum() // 12):
        bar.setValue(target)  # a jump, as dragging the scroll bar does
        QApplication.processEvents()
        for step in (-3, 3):  # a few lines up (Qt lays out what comes in), and back
            bar.setValue(bar.value() + step)
            QApplication.processEvents()
        kept = view.viewport().grab().toImage()
        view._painting._band_key = ()  # forget the kept lines: look them up again
        anew = view.viewport().grab().toImage()
        assert kept == anew, f"stale lines after scrolling back to {bar.value()}"
