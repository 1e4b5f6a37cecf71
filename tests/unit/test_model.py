"""The offset contract: an offset is a code point index, half-open, and a span's text
is exactly ``text[start:end]`` — whatever the text holds (emoji, combining marks,
right-to-left scripts)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.domain.errors import OffsetError
from annotator.domain.model import check_offsets, sha256_text

# Characters whose widths differ between code points, UTF-16 units and grapheme
# clusters: astral emoji, a ZWJ family, a flag (two regional indicators), a skin tone
# modifier, combining accents, Hebrew and Arabic (RTL) with marks, CJK, and newlines.
TRICKY = [
    "a",
    "Z",
    " ",
    "\n",
    "\t",
    "é",
    "e\u0301",  # e + combining acute
    "\u0301",
    "😀",
    "👍🏽",
    "👨\u200d👩\u200d👧",
    "🇫🇷",
    "שָׁלוֹם",
    "مرحبا",
    "\u200f",  # right-to-left mark
    "中文",
    "𝔘",
]

texts = (
    st.lists(st.sampled_from(TRICKY) | st.text(max_size=3), min_size=1, max_size=40)
    .map("".join)
    .filter(bool)
)


@st.composite
def text_and_range(draw: st.DrawFn) -> tuple[str, int, int]:
    text = draw(texts)
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, len(text)))
    return text, start, end


@given(text_and_range())
def test_valid_range_returns_the_code_point_slice(case: tuple[str, int, int]) -> None:
    text, start, end = case
    covered = check_offsets(text, start, end)
    assert covered == text[start:end]
    # One offset step is one code point: the width the project file's CHECK relies on.
    assert len(covered) == end - start
    # Giving the right span text is accepted; any other text is refused.
    assert check_offsets(text, start, end, covered) == covered
    with pytest.raises(OffsetError):
        check_offsets(text, start, end, covered + "x")


@given(texts, st.integers(-50, 50), st.integers(-50, 50))
def test_invalid_ranges_raise(text: str, start: int, end: int) -> None:
    valid = 0 <= start < end <= len(text)
    if valid:
        assert check_offsets(text, start, end) == text[start:end]
    else:
        with pytest.raises(OffsetError):
            check_offsets(text, start, end)


def test_emoji_counts_as_one_offset_not_two_utf16_units() -> None:
    text = "I 😀 you"
    # A UTF-16 count (what Qt reports) would put "you" at 5; the contract says 4.
    assert check_offsets(text, 4, 7) == "you"
    assert check_offsets(text, 2, 3) == "😀"


def test_combining_accent_is_its_own_offset() -> None:
    text = "cafe\u0301 noir"
    assert check_offsets(text, 0, 5) == "cafe\u0301"
    # Cutting before the combining mark is allowed (it is a code point boundary).
    assert check_offsets(text, 0, 4) == "cafe"


@pytest.mark.parametrize(
    ("start", "end", "words"),
    [
        (3, 3, "empty"),
        (4, 2, "inverted"),
        (-1, 2, "outside"),
        (0, 99, "outside"),
    ],
)
def test_messages_say_what_is_wrong(start: int, end: int, words: str) -> None:
    with pytest.raises(OffsetError, match=words):
        check_offsets("hello world", start, end)


@pytest.mark.parametrize("bad", [True, False, 1.0, "1", None])
def test_non_integer_offsets_are_refused(bad: object) -> None:
    # JSON ``true`` or ``1.0`` in an imported file must not pass as an offset.
    with pytest.raises(OffsetError):
        check_offsets("hello", 0, bad)  # type: ignore[arg-type]
    with pytest.raises(OffsetError):
        check_offsets("hello", bad, 3)  # type: ignore[arg-type]


def test_span_text_mismatch_names_both_texts() -> None:
    with pytest.raises(OffsetError) as info:
        check_offsets("hello world", 0, 5, "world")
    assert "'hello'" in str(info.value) and "'world'" in str(info.value)


def test_sha256_is_of_the_utf8_text() -> None:
    import hashlib

    assert sha256_text("😀 é") == hashlib.sha256("😀 é".encode()).hexdigest()
    assert sha256_text("a\nb") != sha256_text("a\r\nb")
