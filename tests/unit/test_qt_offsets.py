"""The code-point <-> Qt (UTF-16) position map, checked against a slow reference.

The same map is checked against a real QPlainTextEdit in
tests/ui/test_document_view.py; this file needs no Qt.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.ui.qt_offsets import OffsetMap


def reference_to_qt(text: str) -> list[int]:
    """Qt position of every code-point offset 0..len(text), one character at a time."""
    out = [0]
    q = 0
    for i, c in enumerate(text):
        if c == "\r" and text[i + 1 : i + 2] == "\n":
            width = 0  # Qt turns "\r\n" into one paragraph separator
        elif ord(c) > 0xFFFF:
            width = 2  # a surrogate pair
        else:
            width = 1
        q += width
        out.append(q)
    return out


def reference_from_qt(table: list[int], q: int) -> int:
    """The first offset at Qt position q, else the last one before it (round down)."""
    exact = [cp for cp, pos in enumerate(table) if pos == q]
    if exact:
        return exact[0]
    return max(cp for cp, pos in enumerate(table) if pos < q)


SAMPLES = [
    "",
    "plain ascii",
    "Leaders 👍🏽 agreed 😀 today",
    "café with e\u0301 combining",
    "👨‍👩‍👧‍👦 family, 🇰🇪 flag",
    "اتفق الزعيمان على التعاون",
    "שלום עולם",
    "首相与肯尼亚总统通话 𠀋𠀌",
    "tab\there\u2028line\u2029para\nnext",
    "😀",
    "😀😀x",
    "a\r\nb\r\n\r\nc",
    "\U0010ffff end",
]

ALPHABET = [
    "a",
    " ",
    "\n",
    "\t",
    "é",
    "\u0301",
    "😀",
    "🏽",
    "\u200d",
    "ا",
    "中",
    "𠀋",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\r",
]


def check(text: str) -> None:
    m = OffsetMap(text)
    table = reference_to_qt(text)
    assert m.length == len(text)
    assert m.qt_length == table[-1]
    for cp, q in enumerate(table):
        assert m.to_qt(cp) == q
    for q in range(-2, table[-1] + 3):
        expected = reference_from_qt(table, min(max(q, 0), table[-1]))
        assert m.from_qt(q) == expected, (text, q)


@pytest.mark.parametrize("text", SAMPLES)
def test_map_matches_reference(text: str) -> None:
    check(text)


@given(st.text(alphabet=st.sampled_from(ALPHABET), max_size=60))
def test_map_matches_reference_on_tricky_text(text: str) -> None:
    check(text)


@given(st.text(max_size=80))
def test_map_matches_reference_on_any_text(text: str) -> None:
    check(text)


# The map finds non-BMP characters by the first byte (D8-DB) of their high surrogate in
# the text's UTF-16: the same byte as the second byte of "Ø" (U+00D8) or "Ә" (U+04D8), and
# a lone surrogate in a str is a single unit.
SURROGATE_LOOKALIKES = ["\u00d8", "\u04d8", "\uacd8", "\u00db", "\ud83d", "\ude00", "\udbff"]


@given(st.text(alphabet=st.sampled_from(ALPHABET + SURROGATE_LOOKALIKES), max_size=60))
def test_map_matches_reference_with_surrogate_lookalikes(text: str) -> None:
    check(text)


@given(st.text(alphabet=st.sampled_from(ALPHABET[:-1]), max_size=60))
def test_round_trip_without_cr(text: str) -> None:
    m = OffsetMap(text)
    for cp in range(len(text) + 1):
        assert m.from_qt(m.to_qt(cp)) == cp


def test_position_inside_a_surrogate_pair_rounds_down() -> None:
    m = OffsetMap("a😀b")
    assert [m.to_qt(i) for i in range(4)] == [0, 1, 3, 4]
    assert [m.from_qt(q) for q in range(5)] == [0, 1, 1, 2, 3]


def test_long_text_chunks_are_scanned_correctly() -> None:
    # emoji on both sides of a 64K chunk boundary, in an otherwise BMP text
    text = "é" * 65535 + "😀" + "x" * 70000 + "😀" + "y"
    m = OffsetMap(text)
    assert m.qt_length == len(text) + 2
    assert m.to_qt(65535) == 65535
    assert m.to_qt(65536) == 65537
    assert m.from_qt(65536) == 65535
    assert m.to_qt(len(text)) == len(text) + 2


def test_out_of_range_offsets() -> None:
    m = OffsetMap("abc")
    with pytest.raises(IndexError):
        m.to_qt(4)
    with pytest.raises(IndexError):
        m.to_qt(-1)
    assert m.from_qt(99) == 3  # Qt's final paragraph separator position clamps to the end
