"""Sentence and word boundaries over the canonical text (standard library only).

Every offset here is a Python ``str`` index (a code point), half-open, like every
other offset in the project.

``split_sentences`` is a single regular-expression pass that finds *candidate*
ends (a newline, or a run of terminators plus closing quotes/brackets), followed
by a few cheap rules per candidate. It is linear in the text: 5 MB of prose
takes about half a second on a slow 2-core machine (``tests/bench/bench_segment.py``).

Rules, in order, for a run of ``. ? ! … ‽ ؟ ۔`` (with any closing quotes or
brackets after it, which stay with the sentence):

* It must be followed by whitespace or the end of the text (so ``3.5``,
  ``U.S.A``, ``example.com`` never break). CJK terminators ``。！？｡`` break
  even with no space after them.
* Every line break ends a sentence (``\\n``, ``\\r`` and the other
  ``str.splitlines`` separators).
* No break when the next word starts with a lowercase letter (``"Ready," he
  said``, ``"Ready?" he asked``, ``etc. and``).
* A lone ``.`` (no closers) is then judged by the token in front of it:

  - a list marker at the start of a sentence (``1.``, ``2.3.``, ``a.``,
    ``iv.``) never breaks;
  - titles and Latin abbreviations (``Mr.``, ``Dr.``, ``Gen.``, ``Amb.``,
    ``e.g.``, ``i.e.``, ``vs.``, ``cf.`` ...) never break;
  - ``No.``, ``Art.``, ``Vol.``, ``p.``, ``pp.`` and month abbreviations
    (``Jan.``, ``Sept.``) do not break before a digit;
  - initials (``J. R. Smith``), dotted acronyms with a capital (``U.S.``,
    ``U.N.``, ``Ph.D.``) and company/name suffixes (``Inc.``, ``Ltd.``,
    ``Co.``, ``Corp.``, ``Jr.``, ``Sr.``, ``al.``) do not break, **unless**
    the next word is a common sentence opener (``The``, ``He``, ``They``,
    ``In``, ``However`` ...). So "the U.S. President" stays whole and "in the
    U.S. The talks" splits; "in the U.S. Officials said" stays (wrongly) in
    one sentence. That is the accepted trade-off: a missed break is cheaper to
    live with than a name cut in two.

Other known trade-offs: "St." / "Dr." / "Gen." never end a sentence ("He lives
on Baker St. The door..." stays one sentence); a short number or single letter
opening a sentence is taken for a list marker ("How many? 5. Then..." keeps
"5. Then..." together); a capital after "?" or "!" always starts a new sentence.

Sentences are trimmed of whitespace (``str.isspace``) and never empty, so
every non-whitespace character lies in exactly one sentence.

Speed: the lone periods that the rules would keep anyway (a lowercase word next,
a title, "No." before a digit, an initial) are already skipped inside the regular
expression, which is built from the same word lists; a test checks that this
shortcut never changes a result (``_CANDIDATE`` against ``_CANDIDATE_PLAIN``).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right

__all__ = ["sentence_at", "snap_to_words", "split_sentences", "word_at"]

# --------------------------------------------------------------------------- sentences

_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # what str.splitlines splits on
_WESTERN_TERMS = ".?!\u2026\u203d\u061f\u06d4"  # . ? ! … ‽ ؟ ۔
_CJK_TERMS = "\u3002\uff01\uff1f\uff61"  # 。 ！ ？ ｡
_ALL_TERMS = _WESTERN_TERMS + _CJK_TERMS
_CLOSERS = "\"'\u201d\u2019\u00bb\u203a)]}\u300d\u300f\uff09\u3011\u3015\u3009\u300b\u3017\u3019"
_OPENERS = "\"'\u201c\u2018\u00ab\u2039([{\u00bf\u00a1\u300c\u300e\uff08\u3010"

_LB = re.escape(_LINE_BREAKS)
_WT = re.escape(_WESTERN_TERMS)
_CT = re.escape(_CJK_TERMS)
_AT = re.escape(_ALL_TERMS)
_CL = re.escape(_CLOSERS)

_NON_SPACE = re.compile(r"\S")
_LETTERS = re.compile(r"[^\W\d_]+")
_LIST_MARKER = re.compile(r"\d{1,3}(?:\.\d{1,3})*|[^\W\d_]|(?i:x{0,3}(?:ix|iv|v?i{0,3}))")
_DOTTED = re.compile(r"(?:[^\W\d_]{1,4}\.)+[^\W\d_]{1,4}")


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


# Never a sentence end (lowercased, without the final period).
_NEVER = _words(
    """
    mr mrs ms messrs mme mlle dr drs prof st mt ft gen sen sens rep reps amb gov govs
    pres lt col capt cmdr maj sgt cpl adm brig hon rev fr supt insp dept
    e.g i.e vs v cf viz incl esp
    """
)
# Not a sentence end when a digit follows ("No. 2", "Jan. 10", "p. 4").
_BEFORE_NUMBER = _words(
    """
    no nos art arts vol vols p pp para paras sec secs sect ch chap fig figs nr op ref
    ca c approx res pt pts cl ed ex tel
    jan feb mar apr jun jul aug sep sept oct nov dec
    """
)
# Not a sentence end unless the next word is a common sentence opener.
_SUFFIXES = _words("jr sr inc ltd co corp bros plc llc al")
_OPENER_WORDS = _words(
    """
    The This That These Those There Then It Its He She They We You His Her Their Our My
    But And Yet However Meanwhile Moreover Furthermore Also Still Instead Nevertheless
    In On At For From With After Before During While When Where If As Although Though
    Since Until Despite Under According Asked Both Some Many Most Several Each Every
    All One No Yes Now Today Yesterday Tomorrow Earlier Later Last Next What Why How
    Who Not Such Other Another
    """
)


_NEVER_BREAK, _BEFORE_DIGIT, _UNLESS_OPENER = 1, 2, 3
# token (lowercase, Capitalised or UPPER, without its period) -> rule
_TOKEN_RULE: dict[str, int] = {
    variant: rule
    for rule, words in (
        (_BEFORE_DIGIT, _BEFORE_NUMBER),
        (_UNLESS_OPENER, _SUFFIXES),
        (_NEVER_BREAK, _NEVER),
    )
    for word in words
    # a single capital is an initial ("J. P. Smith"), so "p"/"c"/"v" only in lowercase
    for variant in ((word,) if len(word) == 1 else (word, word.capitalize(), word.upper()))
}


_Trie = dict[str, "_Trie"]


def _trie(words: list[str]) -> str:
    """A regular expression matching exactly ``words``, shared prefixes factored."""
    tree: _Trie = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: _Trie) -> str:
        alts = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 and "" not in node else "(?:" + "|".join(alts) + ")"
        return body + ("?" if "" in node else "")

    return emit(tree)


def _token_is(rule: int) -> str:
    """Look-behinds, true just after a "." whose whole token (after a space) has ``rule``."""
    by_len: dict[int, list[str]] = {}
    for word, r in _TOKEN_RULE.items():
        if r == rule:
            by_len.setdefault(len(word), []).append(word)
    return "|".join(
        rf"(?<!\S{'.' * (size + 1)})(?<={_trie(words)}\.)" for size, words in sorted(by_len.items())
    )


def _candidates(skip: str) -> re.Pattern[str]:
    """One pass over the text finds the candidate sentence ends.

    ``m.lastindex`` tells the kind: 1 a line break (always an end); 2 a lone "."
    followed by whitespace (judged by ``_period_breaks``); 3 any other run of
    western terminators plus closers followed by whitespace; 4 a run holding a
    CJK terminator (no space needed). The pattern starts with a character class
    (so the engine skips ahead fast); look-behinds make a run match only at its
    first character and possessive quantifiers stop backtracking, which keeps the
    scan linear even on "!!!!!!...". ``skip`` vetoes lone periods early.
    """
    return re.compile(
        rf"[{_LB}{_AT}](?:"
        rf"(?<=[{_LB}])()"
        rf"|(?<=\.)(?<![{_AT}].)(?=\s|\Z){skip}()"
        rf"|(?<![{_AT}].)(?:(?<=\.)(?=[{_WT}{_CL}])|(?<=[{_WT}])(?<!\.))"
        rf"[{_WT}]*+[{_CL}]*+(?=\s|\Z)(?!\s*+[a-z])()"
        rf"|(?<![{_AT}].)(?:(?<=[{_CT}])[{_AT}]*+|(?<=[{_WT}])[{_WT}]*+[{_CT}][{_AT}]*+)"
        rf"[{_CL}]*+())"
    )


# The two patterns below take ~12 ms to compile, and the window imports this module
# at start-up for word snapping only: they are compiled on first use (module
# __getattr__, PEP 562) and then kept as module attributes.
def _compile_candidates(name: str) -> re.Pattern[str]:
    if name == "_CANDIDATE_PLAIN":
        # Every candidate judged in Python: the reference the fast pattern must agree with.
        return _candidates("")
    # The same, but lone periods that ``_period_breaks`` would certainly keep are dropped
    # in C already: a lowercase word next, a title/Latin abbreviation, "No."/"Jan."
    # before a digit, an initial not followed by a sentence opener. (Abbreviations glued
    # to an opening bracket, non-ASCII letters etc. are left to the Python rules.)
    return _candidates(
        rf"(?!\s*+[a-z]"
        rf"|{_token_is(_NEVER_BREAK)}"
        rf"|(?:{_token_is(_BEFORE_DIGIT)})\s*+\d"
        rf"|(?<!\S..)(?<=[A-Z]\.)\s*+(?!{_trie(sorted(_OPENER_WORDS))}(?![^\W\d_])))"
    )


def __getattr__(name: str) -> re.Pattern[str]:
    if name in ("_CANDIDATE", "_CANDIDATE_PLAIN"):
        pattern = globals()[name] = _compile_candidates(name)
        return pattern
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of ``text``: in order, non-overlapping, trimmed, never empty.

    Every non-whitespace character lies in exactly one span. See the module
    docstring for the rules.
    """
    candidates = globals().get("_CANDIDATE") or __getattr__("_CANDIDATE")
    return _split(text, candidates)


def _split(text: str, candidates: re.Pattern[str]) -> list[tuple[int, int]]:
    n = len(text)
    out: list[tuple[int, int]] = []
    append = out.append
    last = 0  # where the current (not yet emitted) sentence region begins

    for m in candidates.finditer(text):
        group = m.lastindex
        if group == 1:  # a line break always ends the sentence
            cut = m.start()
            resume = m.end()
        elif group == 4:  # a CJK terminator: no space needed after it
            cut = m.end()
            while cut < n and _is_extender(text[cut]):
                cut += 1
            resume = cut
        else:
            end = m.end()
            j = end
            while j < n and text[j].isspace():
                j += 1
            if j < n and text[j].islower():
                continue  # "Ready?" he asked. / etc. and
            if group == 2 and j < n and not _period_breaks(text, end - 1, last, j):
                continue
            cut = resume = end

        piece = text[last:cut]
        stripped = piece.lstrip()
        if stripped:
            s = cut - len(stripped)
            append((s, s + len(stripped.rstrip())))
        last = resume

    piece = text[last:]
    stripped = piece.lstrip()
    if stripped:
        s = n - len(stripped)
        append((s, s + len(stripped.rstrip())))
    return out


def _period_breaks(text: str, dot: int, sentence_from: int, nxt_at: int) -> bool:
    """Whether a lone ``.`` at ``dot`` ends a sentence; the next word begins at ``nxt_at``."""
    lo = max(sentence_from, dot - 40)
    k = text.rfind(" ", lo, dot) + 1 or lo
    tok = text[k:dot]
    if not tok.isprintable():  # another kind of whitespace (tab, NBSP...) may be inside
        k = dot
        while k > lo and not text[k - 1].isspace():
            k -= 1
        tok = text[k:dot]
    if tok and tok[0] in _OPENERS:
        tok = tok.lstrip(_OPENERS)
    if not tok:
        return True
    c0 = tok[0]
    if (
        (len(tok) == 1 or c0.isdigit() or c0 in "ivxIVX")
        and _LIST_MARKER.fullmatch(tok)
        and _NON_SPACE.search(text, sentence_from, k) is None
    ):
        return False  # a list marker opening its sentence: "1. Both sides" / "a. First"
    rule = _TOKEN_RULE.get(tok)
    if rule == _NEVER_BREAK:
        return False
    if rule == _BEFORE_DIGIT:
        return not text[nxt_at].isdigit()
    if (
        rule == _UNLESS_OPENER
        or (len(tok) == 1 and c0.isupper())  # an initial: "J. R. Smith"
        or ("." in tok and not tok.islower() and _DOTTED.fullmatch(tok) is not None)
    ):
        word = _LETTERS.match(text, nxt_at)
        return word is not None and word.group() in _OPENER_WORDS
    return True


def sentence_at(sentences: list[tuple[int, int]], pos: int) -> int | None:
    """Index of the sentence containing ``pos``, else of the next one, else ``None``.

    ``sentences`` must be sorted and non-overlapping (as ``split_sentences``
    returns them). A sentence ``(s, e)`` contains ``s <= pos < e``.
    """
    i = bisect_right(sentences, pos, key=_first) - 1
    if i >= 0 and pos < sentences[i][1]:
        return i
    return i + 1 if i + 1 < len(sentences) else None


def _first(span: tuple[int, int]) -> int:
    return span[0]


# ---------------------------------------------------------------- clusters and words

_ZWJ = "\u200d"
_JOINERS = "'\u2019-\u2010\u2011"  # inside a word: each other's, co-exist


def _is_extender(c: str) -> bool:
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
    return cat in ("Cc", "Zl", "Zp") or (cat == "Cf" and not _is_extender(c))


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
    if _is_extender(c):
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
    return cat[0] == "P" or cat in ("Cc", "Cf") or _is_extender(c)


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
        while s < e and (text[s].isspace() or _is_extender(text[s])):
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
