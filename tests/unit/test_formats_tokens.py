"""Tokens and the overlap policy of the token formats (CoNLL, spaCy)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.formats.records import SpanRecord, without_overlaps
from annotator.formats.spacy_docbin import words_and_spaces
from annotator.formats.tokens import tokenize


def words(text: str, breaks: set[int] | None = None) -> list[str]:
    return [text[s:e] for s, e in tokenize(text, breaks or set())]


def test_words_punctuation_and_clusters_are_tokens() -> None:
    text = "Mr. Kim's co-op: Cafe\u0301 👍🏽 👨\u200d👩\u200d👧 🇺🇳🇫🇷 3.5%"
    assert words(text) == [
        "Mr", ".", "Kim", "'", "s", "co", "-", "op", ":", "Cafe\u0301",
        "👍🏽", "👨\u200d👩\u200d👧", "🇺🇳", "🇫🇷", "3", ".", "5", "%",
    ]  # fmt: skip


def test_tokens_break_at_span_boundaries() -> None:
    text = "Kimchi-loving officials"
    assert words(text, {3, 10}) == ["Kim", "chi", "-", "lov", "ing", "officials"]


def test_whitespace_of_every_kind_separates() -> None:
    assert words("a\tb\u00a0c\u2028d\ne  f") == ["a", "b", "c", "d", "e", "f"]


def span(key: str, start: int, end: int, label: str = "x") -> SpanRecord:
    return SpanRecord(key, label, start, end)


def test_overlap_policy_earliest_then_longest_then_label_order() -> None:
    spans = [
        span("late", 5, 9),
        span("short", 0, 3),
        span("long", 0, 6),
        span("inside", 2, 4),
        span("after", 6, 8),
        span("b", 10, 12, "entity"),
        span("a", 10, 12, "speaker"),
    ]
    kept, dropped = without_overlaps(spans, ["speaker", "commitment", "entity"])
    assert [s.key for s in kept] == ["long", "after", "a"]
    assert sorted(s.key for s in dropped) == ["b", "inside", "late", "short"]


@settings(max_examples=60, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("ab .,\n\t  😀é\u0301-")), max_size=30),
    st.sets(st.integers(0, 30)),
)
def test_spacy_words_rebuild_the_text_with_a_token_edge_at_every_break(
    text: str, breaks: set[int]
) -> None:
    breaks = {b for b in breaks if b <= len(text)}
    found, spaces = words_and_spaces(text, breaks)
    assert "".join(w + (" " if s else "") for w, s in zip(found, spaces, strict=True)) == text
    assert all(found)
    edges = {0}
    position = 0
    for word, space in zip(found, spaces, strict=True):
        position += len(word)
        edges.add(position)
        position += space
        edges.add(position)
    assert breaks <= edges
