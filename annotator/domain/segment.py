"""Sentence boundaries over the canonical text (standard library only); word boundaries
are in :mod:`annotator.domain.words` (and re-exported here).

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
from bisect import bisect_right

from annotator.domain.words import is_extender, snap_to_words, word_at  # (the last two re-exported)

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
            while cut < n and is_extender(text[cut]):
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
