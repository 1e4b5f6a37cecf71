"""Deterministic test data for benchmarks: long prose, spans over it, small corpora.

Standard library only. Scripts in ``tests/bench`` import it as a plain module::

    sys.path.insert(0, str(Path(__file__).parent))
    from generate import make_prose, make_spans, write_corpus

Offsets are Python ``str`` indices (code points), as everywhere in the project.
Run ``python tests/bench/generate.py`` to see sizes and timings.
"""

from __future__ import annotations

import random
import re
import time
from pathlib import Path

__all__ = ["make_prose", "make_spans", "write_corpus"]

# -- vocabulary ------------------------------------------------------------------------

_PEOPLE = (
    "Mr. Daniel Okafor",
    "Ms. Ana Ribeiro",
    "Dr. Ingrid Dahl",
    "Mr. Tomás Herrera",
    "Ms. Amélie Laurent",
    "Foreign Minister Li Wenhua (李文华)",
    "State Councilor Zhou Ming (周明)",
    "Minister Karim Mansour (كريم منصور)",
    "Ambassador Han Seo-yeon (한서연)",
    "Deputy Minister Sergei Volkov (Сергей Волков)",
    "Ms. Priya Raman (प्रिया रमन)",
    "Mr. Yusuf Demir",
    "the spokesperson",
    "the Secretary-General",
)
_SHORT_NAMES = ("Mr. Okafor", "Ms. Ribeiro", "Li Wenhua", "Mr. Mansour", "Dr. Dahl", "Zhou Ming")
_ACTORS = (
    "China",
    "Egypt",
    "the U.S.",
    "the U.K.",
    "Norway",
    "Indonesia",
    "Brazil",
    "the European Union",
    "the African Union",
    "ASEAN",
    "the United Nations",
    "the World Bank",
    "the two sides",
    "both countries",
    "all parties",
    "the international community",
)
_DATES = (
    "Jan. 10",
    "Feb. 3",
    "March 4",
    "Aug. 16",
    "Sept. 21",
    "Oct. 1",
    "Nov. 18",
    "Dec. 9",
    "the following week",
    "the end of the year",
)
_MODALS = (
    "should",
    "will",
    "must",
    "are ready to",
    "agreed to",
    "intend to",
    "committed to",
    "are willing to",
)
_ACTIONS = (
    "strengthen strategic communication",
    "keep in close contact",
    "expand trade and investment",
    "protect the safety of each other's nationals",
    "support a political settlement",
    "hold the next round of consultations",
    "send a delegation",
    "reopen the border crossings",
    "fund the humanitarian appeal",
    "refrain from unilateral action",
    "respect the ceasefire",
    "share information on illegal fishing",
    "coordinate positions at the U.N. Security Council",
)
_TOPICS = (
    "the situation in the region",
    "bilateral relations",
    "the humanitarian crisis",
    "maritime security",
    "climate finance",
    "the peace process",
    "food security",
    "the reform of the WTO",
)
_SPEECH = ("said", "stressed", "noted", "pointed out", "added", "stated", "told reporters")
_FILLERS = (
    "at the latter's request",
    "in a warm and friendly atmosphere",
    "according to the readout",
    "on the basis of mutual respect",
    "as soon as possible",
    "in line with international law",
    "at 10 a.m. local time",
    "for the benefit of the two peoples",
)
_EMOJI = ("😀", "👍🏽", "🇺🇳", "🤝", "🌍", "👨‍👩‍👧")  # astral, modifier, flag, ZWJ


def _upper_first(s: str) -> str:
    return s[:1].upper() + s[1:]


def _sentence(rng: random.Random) -> str:
    """One sentence of readout-like English, 6 to 60 words or so."""
    kind = rng.random()
    if kind < 0.30:
        body = (
            f"{rng.choice(_PEOPLE)} {rng.choice(_SPEECH)}, {rng.choice(_ACTORS)} "
            f"{rng.choice(_MODALS)} {rng.choice(_ACTIONS)}"
        )
    elif kind < 0.45:
        caller, callee = rng.sample(_PEOPLE, 2)
        body = (
            f"On {rng.choice(_DATES)}, {caller} held a phone conversation "
            f"with {callee} {rng.choice(_FILLERS)}"
        )
    elif kind < 0.60:
        ordinal = rng.choice(("First", "Second", "Third", "Fourth", "Fifth"))
        body = f"{ordinal}, {rng.choice(_ACTORS)} {rng.choice(_MODALS)} {rng.choice(_ACTIONS)}"
    elif kind < 0.72:
        body = (
            f"“{_upper_first(rng.choice(_ACTORS))} {rng.choice(_MODALS)} "
            f"{rng.choice(_ACTIONS)},” {rng.choice(_SHORT_NAMES)} said"
        )
    elif kind < 0.85:
        body = (
            f"The two sides exchanged views on {rng.choice(_TOPICS)} and "
            f"{rng.choice(_TOPICS)} {rng.choice(_FILLERS)}"
        )
    else:
        body = f"{rng.choice(_SHORT_NAMES)} {rng.choice(_SPEECH)} that {rng.choice(_TOPICS)}"
        body += f" had improved since {rng.choice(_DATES)}"
    for _ in range(rng.choice((0, 0, 0, 1, 1, 2, 3))):  # varied length
        body += (
            f", and {rng.choice(_ACTORS)} {rng.choice(_MODALS)} {rng.choice(_ACTIONS)}"
            f" {rng.choice(_FILLERS)}"
        )
    body = _upper_first(body)
    if body.endswith("said") or rng.random() < 0.9:
        body += "."
    else:
        body += rng.choice(("!", "?", "…"))
    return body


def make_prose(n_chars: int, *, seed: int = 0, emoji: bool = True, crlf: bool = False) -> str:
    """English-like readout prose of exactly ``n_chars`` code points.

    Paragraphs of 1 to 7 sentences are separated by blank lines; sentences vary in
    length and carry abbreviations (Mr., U.S., Jan. 10), a few non-Latin names
    (Hanzi, Arabic, Cyrillic, Hangul, Devanagari) and, with ``emoji``, some emoji
    (astral, skin-tone, flag and ZWJ sequences). With ``crlf`` lines end in
    ``"\\r\\n"``, like a file written on Windows (the ``\\r`` count toward
    ``n_chars``). The last sentence is cut wherever ``n_chars`` falls, but never
    between ``"\\r"`` and ``"\\n"``. Same arguments, same text.
    """
    if n_chars <= 0:
        return ""
    rng = random.Random(seed)
    pool = [_sentence(rng) for _ in range(min(3000, 10 + n_chars // 50))]
    if emoji:
        for i in rng.sample(range(len(pool)), k=len(pool) // 12):
            pool[i] = pool[i][:-1] + " " + rng.choice(_EMOJI) + pool[i][-1]
    newline = "\r\n" if crlf else "\n"
    separator = newline * 2
    paragraphs: list[str] = []
    total = 0
    while total < n_chars + len(separator):
        paragraph = " ".join(rng.choices(pool, k=rng.randint(1, 7)))
        if rng.random() < 0.15:  # a short heading-like line inside the paragraph
            paragraph = _upper_first(rng.choice(_TOPICS)) + newline + paragraph
        paragraphs.append(paragraph)
        total += len(paragraph) + len(separator)
    text = separator.join(paragraphs)[:n_chars]
    if text.endswith("\r"):
        text = text[:-1] + "."
    return text


# -- spans -----------------------------------------------------------------------------

# A word: a run of non-space that starts and ends with a word character, taken
# from the start of a whitespace-delimited run ("“We" gives "We", "U.S." "U.S").
_WORD = re.compile(r"(?<!\S)[^\w\s]*(\w(?:\S*\w)?)")


def _words_from(text: str, pos: int, count: int, limit: int) -> list[tuple[int, int]]:
    """Up to ``count`` words starting at or after ``pos`` and ending by ``limit``."""
    found: list[tuple[int, int]] = []
    while len(found) < count:
        m = _WORD.search(text, pos)
        if m is None or (found and m.end(1) > limit):
            break
        found.append(m.span(1))
        pos = m.end()
    return found


def make_spans(
    text: str, n: int, labels: list[str], *, seed: int = 0
) -> list[tuple[int, int, str]]:
    """``n`` spans ``(start, end, label)`` over ``text``, sorted by start (then end).

    Each span covers 1 to 6 whole words: ``text[start:end]`` is non-empty and
    neither starts nor ends with whitespace (nor with punctuation). About 90 %
    of the spans are spread evenly and do not touch each other; the other ~10 %
    nest inside, coincide with, or cross one of them. Same arguments, same spans.
    Only the neighbourhood of each span is scanned, so 50,000 spans over 5 MB
    take a fraction of a second.
    """
    if n <= 0:
        return []
    if not labels:
        raise ValueError("make_spans needs at least one label")
    if _WORD.search(text) is None:
        raise ValueError("make_spans needs a text with words in it")
    rng = random.Random(seed)
    n_extra = n // 10
    n_base = n - n_extra
    spans: list[tuple[int, int, str]] = []
    bases: list[list[tuple[int, int]]] = []  # the words of each base span

    # Base spans: one in each of n_base equal slices of the text, ending in it.
    # (A slice too small to hold a word yields a span reaching past it.)
    width = len(text) / n_base
    for k in range(n_base):
        lo, hi = int(k * width), int((k + 1) * width)
        start = lo + int(rng.random() * (hi - lo) / 2)
        words = _words_from(text, start, rng.randint(1, 6), hi)
        if not words:  # nothing after this point: take the text's last words
            words = _words_from(text, max(0, len(text) - 200), 1, len(text))
        bases.append(words)
        spans.append((words[0][0], words[-1][1], rng.choice(labels)))

    # Extra spans: nested in, equal to, or crossing a base span.
    for _ in range(n_extra):
        words = rng.choice(bases)
        mode = rng.random()
        a = rng.randrange(len(words))
        if mode < 0.45 and len(words) > 1:  # strictly inside (fewer words)
            b = rng.randrange(a, len(words))
            if (a, b) == (0, len(words) - 1):
                b = a
            start, end = words[a][0], words[b][1]
        elif mode < 0.6:  # the same words, another label
            start, end = words[0][0], words[-1][1]
        else:  # crossing: starts inside, ends a few words after
            after = _words_from(text, words[-1][1], rng.randint(1, 3), len(text))
            start, end = words[a][0], (after or words)[-1][1]
        spans.append((start, end, rng.choice(labels)))

    spans.sort(key=lambda s: (s[0], -s[1]))
    return spans


def _overlapping(spans: list[tuple[int, int, str]]) -> int:
    """How many spans (sorted by start) overlap an earlier one."""
    count, reach = 0, -1
    for start, end, _ in spans:
        if start < reach:
            count += 1
        reach = max(reach, end)
    return count


# -- corpus ----------------------------------------------------------------------------


def write_corpus(folder: Path, n_docs: int, *, seed: int = 0, size: int = 1500) -> list[Path]:
    """Write ``n_docs`` small UTF-8 ``.txt`` files (LF) into ``folder``; return their paths.

    Each file starts with a title line, then about ``size`` characters of prose
    ending on a whole sentence. Same arguments, same files.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    width = max(4, len(str(n_docs)))
    paths = []
    for i in range(n_docs):
        title = (
            f"Readout {i + 1}: {rng.choice(_SHORT_NAMES)} on {rng.choice(_TOPICS)}, "
            f"{rng.choice(_DATES)}"
        )
        body = make_prose(size, seed=seed * 100_003 + i, emoji=rng.random() < 0.3)
        cut = max(body.rfind(". "), body.rfind(".\n"))
        if cut > 0:  # end on a whole sentence
            body = body[: cut + 1]
        path = folder / f"doc_{i + 1:0{width}d}.txt"
        path.write_bytes(f"{title}\n\n{body}\n".encode())
        paths.append(path)
    return paths


# -- report ----------------------------------------------------------------------------


def _main() -> None:
    import tempfile

    labels = ["speaker", "commitment", "entity"]
    t0 = time.perf_counter()
    text = make_prose(5_000_000, seed=1)
    t1 = time.perf_counter()
    spans = make_spans(text, 50_000, labels, seed=1)
    t2 = time.perf_counter()
    crlf = make_prose(5_000_000, seed=1, crlf=True)
    t3 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_corpus(Path(tmp), 200, seed=1)
        t4 = time.perf_counter()
        corpus_bytes = sum(p.stat().st_size for p in paths)

    utf16_units = len(text.encode("utf-16-le")) // 2
    astral = utf16_units - len(text)
    bad = [
        s for s in spans if not text[s[0] : s[1]] or text[s[0] : s[1]] != text[s[0] : s[1]].strip()
    ]
    ordered = all(spans[i][0] <= spans[i + 1][0] for i in range(len(spans) - 1))
    lengths = sorted(e - s for s, e, _ in spans)
    print(
        f"prose:  {len(text):,} chars, {len(text.encode()):,} UTF-8 bytes, "
        f"{utf16_units:,} UTF-16 units ({astral:,} astral chars), "
        f"{text.count(chr(10)):,} lines, {text.count(chr(10) * 2):,} paragraph breaks "
        f"- {t1 - t0:.2f} s"
    )
    print(
        f"spans:  {len(spans):,} ({_overlapping(spans):,} overlapping an earlier one, "
        f"median length {lengths[len(lengths) // 2]}, max {lengths[-1]}), sorted={ordered}, "
        f"bad={len(bad)} - {t2 - t1:.2f} s"
    )
    print(f"crlf:   {len(crlf):,} chars, {crlf.count(chr(13) + chr(10)):,} CRLF - {t3 - t2:.2f} s")
    print(f"corpus: {len(paths)} files, {corpus_bytes:,} bytes - {t4 - t3:.2f} s")
    print("sample:", text[:300].replace("\n", "⏎"))


if __name__ == "__main__":
    _main()
