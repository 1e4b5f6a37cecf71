"""Word boundaries over the canonical text, and snapping a selection to whole words
(standard library only).

Every offset here is a Python ``str`` index (a code point), half-open. A word is a run
of letters and digits, kept whole across inner joiners (``each other's``, ``co-exist``)
and character clusters (combining accents, emoji with skin tones or ZWJ sequences,
flags); a run of CJK ideographs and kana is one word, apart from Latin letters next to
it. Split from :mod:`annotator.domain.segment`, which uses :func:`is_extender`.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["is_extender", "snap_to_words", "word_at"]

# ---------------------------------------------------------------- clusters and words

_ZWJ = "\u200d"
_JOINERS = "'\u2019-\u2010\u2011"  # inside a word: each other's, co-exist


def is_extender(c: str) -> bool:
    """A code point that belongs to the character before it (combining mark, VS, ZWJ,
    skin tone, tag)."""
    o = ord(c)
    if o < 0x300:
        return False
    return (
        unicodedata.category(c)[0] == "M"
        or c == _ZWJ
        or c == "\u200c"
        or 0x1F3FB <= o <= 0x1F3FF
        or 0xE0020 <= o <= 0xE007F
    )


def _is_control(c: str) -> bool:
    cat = unicodedata.category(c)
    return cat in ("Cc", "Zl", "Zp") or (cat == "Cf" and not is_extender(c))


def _is_regional(c: str) -> bool:
    return 0x1F1E6 <= ord(c) <= 0x1F1FF


def _is_boundary(text: str, i: int) -> bool:
    """An approximation of a Unicode extended grapheme cluster boundary (UAX #29)."""
    if i <= 0 or i >= len(text):
        return True
    p, c = text[i - 1], text[i]
    if p == "\r" and c == "\n":
        return False
    if _is_control(p) or _is_control(c):
        return True
    if is_extender(c):
        return False
    if p == _ZWJ and unicodedata.category(c) == "So":
        return False
    if _is_regional(p) and _is_regional(c):
        k = i - 1
        while k > 0 and _is_regional(text[k - 1]):
            k -= 1
        return (i - k) % 2 == 0  # flags pair up from the start of the run
    return True


def _cluster_start(text: str, i: int) -> int:
    while not _is_boundary(text, i):
        i -= 1
    return i


def _cluster_end(text: str, i: int) -> int:
    while not _is_boundary(text, i):
        i += 1
    return i


_CJK_RANGES = (
    (0x3040, 0x30FF),  # hiragana, katakana
    (0x31F0, 0x31FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x323AF),
)


def _kind(c: str) -> int:
    """0: not a word character; 1: a word character; 2: a CJK ideograph or kana."""
    if not c.isalnum():
        return 0
    o = ord(c)
    if o >= 0x3040:
        for lo, hi in _CJK_RANGES:
            if lo <= o <= hi:
                return 2
    return 1


def _word_bounds(text: str, i: int) -> tuple[int, int] | None:
    """The word that character ``i`` belongs to, whole clusters included, or ``None``."""
    n = len(text)
    cs = _cluster_start(text, i)
    ce = _cluster_end(text, i + 1)
    kind = _kind(text[cs])
    if kind == 0:
        # an inner apostrophe or hyphen between two word characters
        if text[cs] not in _JOINERS or cs == 0 or ce >= n:
            return None
        left = _cluster_start(text, cs - 1)
        if _kind(text[left]) != 1 or _kind(text[ce]) != 1:
            return None
        kind, cs = 1, left
    ws = cs
    while ws > 0:
        ps = _cluster_start(text, ws - 1)
        pk = _kind(text[ps])
        if pk == kind:
            ws = ps
            continue
        if kind == 1 and pk == 0 and text[ps] in _JOINERS and ps > 0:
            pps = _cluster_start(text, ps - 1)
            if _kind(text[pps]) == 1:
                ws = pps
                continue
        break
    we = ce
    while we < n:
        nk = _kind(text[we])
        if nk == kind:
            we = _cluster_end(text, we + 1)
            continue
        if kind == 1 and nk == 0 and text[we] in _JOINERS:
            after = _cluster_end(text, we + 1)
            if after < n and _kind(text[after]) == 1:
                we = _cluster_end(text, after + 1)
                continue
        break
    return ws, we


def word_at(text: str, pos: int) -> tuple[int, int]:
    """The word at caret ``pos``: the one holding the character right of ``pos``,
    else the one holding the character left of it, else ``(pos, pos)``.

    A word is a run of ``str.isalnum`` characters with their combining marks
    (and other cluster extenders), joined by single inner ``'`` ``’`` ``-``
    ("each other's", "co-exist"). A run of CJK ideographs/kana is one word and
    does not merge with adjacent Latin letters. ``pos`` is clamped into the text.
    """
    n = len(text)
    pos = min(max(pos, 0), n)
    if pos < n:
        found = _word_bounds(text, pos)
        if found is not None:
            return found
    if pos > 0:
        found = _word_bounds(text, pos - 1)
        if found is not None:
            return found
    return pos, pos


_ALNUM = re.compile(r"[^\W_]")
_PAIRS = {")": "(", "]": "[", "}": "{", "\u201d": "\u201c", "\u00bb": "\u00ab"}


def _strippable(c: str) -> bool:
    """A cluster with this base is trimmed off a selection's edges."""
    if c.isspace():
        return True
    cat = unicodedata.category(c)
    return cat[0] == "P" or cat in ("Cc", "Cf") or is_extender(c)


_BRACKETS = '"()[]{}\u201c\u201d\u00ab\u00bb'


def _closer_balanced(c: str, counts: dict[str, int]) -> bool:
    """Whether closer ``c`` has its opener among ``counts`` (of the text before it)."""
    if c == '"':
        return counts['"'] % 2 == 1
    return counts[_PAIRS[c]] > counts[c]


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Turn a raw selection into the span a user meant.

    A word cut at either edge is completed, then whitespace and punctuation are
    trimmed off both edges -- except a trailing ``%``, and a trailing ``)`` ``]``
    ``}`` ``”`` ``»`` or ``"`` whose opener lies inside the result. Edges never
    fall inside a character cluster (a base with its combining marks, an emoji
    with its skin tone / variation selector / ZWJ sequence, a flag), and the
    result never starts on a combining mark.

    A selection with no letter or digit is only widened to whole clusters and
    trimmed of whitespace; an empty or all-whitespace one gives ``(s, s)`` with
    ``s`` the start moved back to a cluster boundary. Out-of-range or inverted
    input is clamped and ordered. The result satisfies
    ``0 <= s <= e <= len(text)`` and snapping it again changes nothing.
    """
    n = len(text)
    s = min(max(start, 0), n)
    e = min(max(end, 0), n)
    if s > e:
        s, e = e, s
    if s == e:  # a click, not a selection
        s = _cluster_start(text, s)
        return s, s
    s = _cluster_start(text, s)
    e = _cluster_end(text, e)
    empty = (s, s)

    if _ALNUM.search(text, s, e) is None:
        while s < e and (text[s].isspace() or is_extender(text[s])):
            s = _cluster_end(text, s + 1)
        while e > s:
            cs = _cluster_start(text, e - 1)
            if not text[cs].isspace():
                break
            e = cs
        return (s, e) if s < e else empty

    found = _word_bounds(text, s)
    if found is not None and found[0] < s:
        s = found[0]
    found = _word_bounds(text, e - 1)
    if found is not None and found[1] > e:
        e = found[1]

    while s < e and _strippable(text[s]):
        s = _cluster_end(text, s + 1)
    counts: dict[str, int] | None = None  # brackets in text[s:counted_to]
    counted_to = e
    while e > s:
        cs = _cluster_start(text, e - 1)
        c = text[cs]
        if not _strippable(c) or c == "%":
            break
        if c == '"' or c in _PAIRS:
            # counted incrementally, so a long run of closers stays linear
            if counts is None:
                counts = {b: text.count(b, s, cs) for b in _BRACKETS}
            else:
                for b in text[cs:counted_to]:
                    if b in counts:
                        counts[b] -= 1
            counted_to = cs
            if _closer_balanced(c, counts):
                break
        e = cs
    return s, e
