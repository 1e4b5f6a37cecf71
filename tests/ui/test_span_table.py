"""The span table on its own: order, sorting, filtering, and selection without loops."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.domain.model import Span
from annotator.ui.span_table import ID_ROLE, SpanTable
from annotator.ui.span_table_view import _NUMERIC, SpanTableView

COLORS = {"speaker": "#0072B2", "commitment": "#D55E00", "entity": "#009E73"}
SENTENCES = [(0, 40), (41, 90), (91, 200)]


def span(id_: int, label: str, start: int, end: int, text: str = "") -> Span:
    return Span(id_, 1, label, start, end, text or f"t{id_}")


def shown_ids(table: SpanTable) -> list[int]:
    return table.visible_span_ids()


def make(qtbot: QtBot) -> SpanTable:
    table = SpanTable()
    qtbot.addWidget(table)
    table.set_labels(list(COLORS), COLORS)
    table.set_spans(
        [
            span(3, "entity", 95, 99, "Cairo"),
            span(1, "speaker", 0, 9, "Li Wenhua"),
            span(2, "commitment", 45, 80, "will send a delegation"),
        ],
        SENTENCES,
        COLORS,
    )
    table.resize(500, 300)
    table.show()
    return table


def test_rows_follow_the_text_and_show_sentence_numbers(qtbot: QtBot) -> None:
    table = make(qtbot)
    assert shown_ids(table) == [1, 2, 3]
    model = table.view.model()
    assert [model.index(r, 3).data() for r in range(3)] == ["1", "2", "3"]
    assert model.index(0, 2).data() == "0–9"
    table.add_span(span(4, "entity", 41, 44, "She"))
    assert shown_ids(table) == [1, 4, 2, 3]
    table.remove_span(2)
    assert shown_ids(table) == [1, 4, 3]
    assert table.count_label.text() == "3 spans"


def test_sorting_is_done_by_the_model_and_new_rows_keep_the_order(qtbot: QtBot) -> None:
    table = make(qtbot)
    table.select_span(2)
    table.view.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert shown_ids(table) == [2, 1, 3]  # "will send…", "Li Wenhua", "Cairo"
    table.add_span(span(5, "entity", 120, 126, "Mansour"))
    assert shown_ids(table) == [2, 5, 1, 3]
    # The selection stays on the same span through the re-sort.
    assert table.view.currentIndex().data(ID_ROLE) == 2
    table.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert [table.view.model().index(r, 0).data() for r in range(4)] == [
        "commitment",
        "entity",
        "entity",
        "speaker",
    ]
    table.update_span(span(1, "commitment", 0, 9, "Li Wenhua"))  # relabel moves the row
    assert shown_ids(table)[:2] == [1, 2]


def test_label_filter(qtbot: QtBot) -> None:
    table = make(qtbot)
    table.label_filter.setCurrentIndex(table.label_filter.findText("entity"))
    assert shown_ids(table) == [3]
    assert table.count_label.text() == "1 of 3 spans"
    table.add_span(span(6, "speaker", 100, 105))
    assert shown_ids(table) == [3]
    table.update_span(span(6, "entity", 100, 105))
    assert shown_ids(table) == [3, 6]
    table.add_span(span(7, "speaker", 110, 115))  # filtered out, but counted
    assert table.count_label.text() == "2 of 5 spans"
    table.remove_span(7)
    table.remove_span(3)
    assert shown_ids(table) == [6]
    assert table.count_label.text() == "1 of 3 spans"
    table.label_filter.setCurrentIndex(0)  # all labels again
    assert shown_ids(table) == [1, 2, 6]
    assert table.view.model().rowCount() == 3


def test_user_choice_emits_once_and_programmatic_choice_not_at_all(qtbot: QtBot) -> None:
    table = make(qtbot)
    chosen: list[int] = []
    table.spanChosen.connect(chosen.append)
    table.select_span(3)
    table.select_span(None)
    assert chosen == []
    rect = table.view.visualRect(table.view.model().index(1, 1))
    qtbot.mouseClick(table.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert chosen and set(chosen) == {2}
    chosen.clear()
    qtbot.keyClick(table.view, Qt.Key.Key_Down)
    assert chosen == [3]


def test_fifty_thousand_spans_load_quickly(qtbot: QtBot) -> None:
    import time

    table = make(qtbot)
    many = [span(i + 10, "entity", i * 10, i * 10 + 5) for i in range(50_000)]
    started = time.perf_counter()
    table.set_spans(many, SENTENCES, COLORS)
    qtbot.wait(1)
    assert table.view.model().rowCount() == 50_000
    assert time.perf_counter() - started < 2.0


def test_offsets_column_fits_a_tag_added_near_the_end_of_the_document(qtbot: QtBot) -> None:
    table = SpanTable()
    qtbot.addWidget(table)
    table.set_labels(list(COLORS), COLORS)
    # a 20,000-character document, opened before it has any tag
    table.set_spans([], [(0, 9_000), (9_001, 20_000)], COLORS)
    table.resize(500, 300)
    table.show()
    table.add_span(span(7, "entity", 19_990, 19_997, "Geneva"))
    shown = table.model.display(0, 2)
    assert shown == "19990–19997"
    needed = table.view.fontMetrics().horizontalAdvance(shown)
    assert table.view.columnWidth(2) >= needed + 8  # the cell's padding on both sides


@settings(max_examples=300, deadline=None)
@given(
    text=st.one_of(
        st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=80),
        st.text(alphabet="0123456789–", max_size=16),
        st.text(max_size=30),  # any script: these always go through Qt's eliding
    ),
    room=st.integers(min_value=8, max_value=400),
)
def test_a_cell_shows_what_qt_would_elide_it_to(
    table_view: SpanTableView, text: str, room: int
) -> None:
    """The view skips Qt's eliding for short plain texts that fit; it must then show
    the text whole exactly when Qt would, and measure offsets exactly."""
    metrics = table_view.fontMetrics()
    table_view._texts.clear()
    shown, width, _ = table_view._lay_out(text, room, True, metrics)
    assert shown == metrics.elidedText(text, Qt.TextElideMode.ElideRight, room)
    if _NUMERIC.issuperset(text):
        assert width == metrics.horizontalAdvance(shown)


@pytest.fixture(scope="module")
def table_view(qapp: object) -> SpanTableView:
    return SpanTableView()
