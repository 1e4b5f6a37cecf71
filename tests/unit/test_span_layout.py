"""The span index behind the document view's painting and navigation (no Qt)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.domain.model import Span
from annotator.ui.span_layout import SpanIndex


def sp(span_id: int, start: int, end: int, label: str = "entity") -> Span:
    return Span(span_id, 1, label, start, end, "")


def overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def check_index(index: SpanIndex, spans: dict[int, Span], length: int) -> None:
    assert len(index) == len(spans)
    in_order = sorted(spans.values(), key=lambda s: (s.start, -s.end, s.id))
    assert list(index) == in_order
    for a in range(0, length + 1, 3):
        for b in (a + 1, a + 7, a + 40):
            expected = [s for s in in_order if s.start < b and s.end > a]
            assert index.in_range(a, b) == expected
    for pos in range(length):
        covering = index.at(pos)
        assert {s.id for s in covering} == {s.id for s in in_order if s.start <= pos < s.end}
        lengths = [s.end - s.start for s in covering]
        assert lengths == sorted(lengths)
    for s in in_order:
        for t in in_order:
            if s.id != t.id and overlaps(s, t):
                assert index.lane(s.id) != index.lane(t.id), (s, t)


# Long spans (>= 1024) take their own lanes, so the strategy mixes both kinds.
span_tuples = st.lists(
    st.tuples(
        st.integers(0, 3000),
        st.one_of(st.integers(1, 30), st.integers(1000, 2500)),
    ),
    max_size=25,
)


@settings(max_examples=60, deadline=None)
@given(span_tuples, st.lists(st.integers(0, 40), max_size=15))
def test_index_agrees_with_brute_force_under_changes(
    made: list[tuple[int, int]], removals: list[int]
) -> None:
    length = 3100
    spans = {i + 1: sp(i + 1, s, min(s + n, length)) for i, (s, n) in enumerate(made)}
    # build from half, add the rest one by one (asking for lanes in between)
    ids = list(spans)
    index = SpanIndex(spans[i] for i in ids[: len(ids) // 2])
    for i in ids[len(ids) // 2 :]:
        index.add(spans[i])
        for s in index.in_range(0, length):
            index.lane(s.id)  # compute lanes so later changes must invalidate them
    for r in removals:
        if r in spans:
            index.remove(r)
            del spans[r]
    check_index(index, spans, length)
    fresh = SpanIndex(spans.values())
    assert {s.id: index.lane(s.id) for s in spans.values()} == {
        s.id: fresh.lane(s.id) for s in spans.values()
    }


def test_nested_spans_get_different_lanes_outer_first() -> None:
    index = SpanIndex([sp(1, 0, 20), sp(2, 5, 10), sp(3, 6, 8), sp(4, 30, 40)])
    assert [index.lane(i) for i in (1, 2, 3, 4)] == [0, 1, 2, 0]


def test_lanes_are_reused_once_a_span_ends() -> None:
    index = SpanIndex([sp(1, 0, 10), sp(2, 5, 15), sp(3, 12, 20)])
    assert [index.lane(i) for i in (1, 2, 3)] == [0, 1, 0]


def test_short_spans_sit_above_a_long_span() -> None:
    index = SpanIndex([sp(1, 0, 5000), sp(2, 100, 110), sp(3, 4000, 4010)])
    assert index.lane(1) == 0
    assert index.lane(2) == 1
    assert index.lane(3) == 1


def test_at_returns_smallest_first() -> None:
    index = SpanIndex([sp(1, 0, 20), sp(2, 5, 10), sp(3, 6, 8)])
    assert [s.id for s in index.at(7)] == [3, 2, 1]
    assert [s.id for s in index.at(5)] == [2, 1]
    assert index.at(25) == []


def test_update_relabels_in_place_and_moves() -> None:
    index = SpanIndex([sp(1, 0, 5), sp(2, 3, 8)])
    index.update(sp(2, 3, 8, "speaker"))
    assert {s.id: s.label for s in index.at(4)} == {1: "entity", 2: "speaker"}
    index.update(sp(2, 10, 12, "speaker"))
    assert [s.id for s in index.in_range(0, 9)] == [1]
    assert [s.id for s in index.in_range(9, 20)] == [2]


def test_remove_unknown_is_harmless() -> None:
    index = SpanIndex([sp(1, 0, 5)])
    assert index.remove(99) is None
    assert index.remove(1) == sp(1, 0, 5)
    assert len(index) == 0


def test_navigation_in_reading_order() -> None:
    index = SpanIndex([sp(1, 10, 20), sp(2, 10, 12), sp(3, 30, 35), sp(4, 0, 3)])
    # from a position
    assert index.next_after(5).id == 1  # starts at/after 5, longest first
    assert index.prev_before(10).id == 4
    assert index.next_after(36) is None
    assert index.prev_before(0) is None
    # from the current span, through spans sharing a start
    assert index.next_after(0, current=1).id == 2
    assert index.next_after(0, current=2).id == 3
    assert index.prev_before(99, current=2).id == 1
    assert index.prev_before(99, current=4) is None


def test_spans_need_ids() -> None:
    with pytest.raises(ValueError):
        SpanIndex([Span(None, 1, "entity", 0, 3, "abc")])
