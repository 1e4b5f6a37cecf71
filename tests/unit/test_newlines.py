"""Line-ending normalisation keeps every span on the same characters."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from annotator.domain.newlines import normalise_newlines

PIECES = ["a", "b", " ", "é", "😀", "e\u0301", "\n", "\r", "\r\n", "\r\n", "\n\r", "\r\r\n"]
texts = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


def _splits_crlf(text: str, k: int) -> bool:
    return 0 < k < len(text) and text[k - 1] == "\r" and text[k] == "\n"


def _expected(fragment: str) -> str:
    return fragment.replace("\r\n", "\n").replace("\r", "\n")


@st.composite
def text_and_span(draw: st.DrawFn) -> tuple[str, int, int]:
    text = draw(texts.filter(bool))
    cuts = [k for k in range(len(text) + 1) if not _splits_crlf(text, k)]
    start = draw(st.sampled_from(cuts))
    end = draw(st.sampled_from([k for k in cuts if k >= start]))
    return text, start, end


@given(text_and_span())
def test_remapped_span_covers_the_same_characters(case: tuple[str, int, int]) -> None:
    old, start, end = case
    new, remap = normalise_newlines(old)
    assert "\r" not in new
    assert new == _expected(old)
    assert new[remap(start) : remap(end)] == _expected(old[start:end])


@given(texts)
def test_remap_is_monotonic_and_maps_the_ends(old: str) -> None:
    new, remap = normalise_newlines(old)
    assert remap(0) == 0
    assert remap(len(old)) == len(new)
    mapped = [remap(k) for k in range(len(old) + 1)]
    assert mapped == sorted(mapped)


def test_worked_example() -> None:
    old = "Line one.\r\nLine two.\rLine three."
    new, remap = normalise_newlines(old)
    assert new == "Line one.\nLine two.\nLine three."
    start = old.index("two")
    assert new[remap(start) : remap(start + 3)] == "two"
    start = old.index("three")
    assert new[remap(start) : remap(start + 5)] == "three"
    # An offset between \r and \n lands on the remaining \n.
    assert new[remap(old.index("\r\n") + 1)] == "\n"


def test_text_without_carriage_returns_is_untouched() -> None:
    new, remap = normalise_newlines("a\nb 😀")
    assert new == "a\nb 😀"
    assert [remap(k) for k in range(6)] == list(range(6))
