"""Tokens for the token-based formats (CoNLL BIO, spaCy).

The rule: whitespace (``str.isspace``) separates tokens and belongs to none. A token is
either a run of word characters (``str.isalnum`` or ``_``) or a single other character
(punctuation, a symbol, an emoji), in both cases with the characters that belong to the
one before it: combining marks, variation selectors, emoji skin tones and tags, and
anything joined by a zero-width joiner (so "Café" with a combining accent, "👍🏽" and a
family emoji are one token each). A pair of regional indicators (a flag) is one token.
Tokens also break at every offset in ``breaks`` (the spans' starts and ends), so every
span that has a non-space character is a whole number of tokens.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection

_ZWJ = "\u200d"


def _extends(c: str) -> bool:
    """Whether ``c`` belongs to the character before it."""
    o = ord(c)
    if o < 0x300:
        return False
    return (
        unicodedata.category(c)[0] == "M"
        or c in "\u200d\ufe0e\ufe0f\u200c"
        or 0x1F3FB <= o <= 0x1F3FF
        or 0xE0020 <= o <= 0xE007F
    )


def _word(c: str) -> bool:
    return c.isalnum() or c == "_"


def _regional(c: str) -> bool:
    return 0x1F1E6 <= ord(c) <= 0x1F1FF


def tokenize(text: str, breaks: Collection[int] = ()) -> list[tuple[int, int]]:
    """``(start, end)`` of every token of ``text``, in order (see the module's rule)."""
    cut = set(breaks)
    tokens: list[tuple[int, int]] = []
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            continue
        start = i
        word = _word(c)
        pair = _regional(c)
        i += 1
        while i < n and i not in cut:
            d = text[i]
            if (text[i - 1] == _ZWJ and not d.isspace()) or _extends(d) or (word and _word(d)):
                i += 1
            elif pair and _regional(d):
                pair = False
                i += 1
            else:
                break
        tokens.append((start, i))
    return tokens
