"""Benchmark: sentence segmentation of ~5 MB of English-like prose.

Run with ``uv run python tests/bench/bench_segment.py``. Not a pytest test
(``tests/bench`` is excluded from collection). Prints the median of three runs
as ``segment_5mb_s: <seconds>`` (target: well under 1 s; the import budget for a
5 MB document is 2 s in all), plus the rate for many small documents.
"""

from __future__ import annotations

import random
import statistics
import time

from annotator.domain.segment import split_sentences

TARGET_CHARS = 5_000_000

TITLES = ["Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "Gen.", "Sen.", "Amb.", "Gov.", "Lt. Col."]
NAMES = ["Varga", "Okonjo", "Lindqvist", "Tamura", "Abadi", "Reyes", "Novak", "Mbeki", "Haddad"]
COUNTRIES = ["Arvelia", "the U.S.", "the U.K.", "the E.U.", "Norland", "Kesh", "Talvar", "Ostrane"]
VERBS = ["welcomed", "reaffirmed", "discussed", "underlined", "rejected", "noted", "proposed"]
OBJECTS = [
    "the joint statement on maritime security",
    "a ceasefire along the northern border",
    "closer cooperation on energy, trade, etc. and climate",
    "the agreement signed on Jan. 10 in St. Ostra",
    "Art. 5 of the treaty (see p. 4, Vol. 2)",
    "growth of 3.5 percent in the second quarter",
    "talks with Acme Corp. and Northwind Ltd. on port access",
    "the draft resolution, i.e. the text tabled by the U.N. mission",
]
QUOTES = [
    '"We are ready to continue the dialogue," {t} {n} said.',
    '{t} {n} said: "Both sides must show restraint." Then the talks resumed.',
    "Is this the end of the process? No, said {t} {n}!",
    "First, the delegations met; second, they agreed on a timetable.",
]


def sentence(rng: random.Random) -> str:
    r = rng.random()
    t, n = rng.choice(TITLES), rng.choice(NAMES)
    if r < 0.2:
        return rng.choice(QUOTES).format(t=t, n=n)
    return (
        f"{t} {n} of {rng.choice(COUNTRIES)} {rng.choice(VERBS)} "
        f"{rng.choice(OBJECTS)} with {rng.choice(TITLES)} J. R. {rng.choice(NAMES)}."
    )


def make_text(chars: int, seed: int = 20240610) -> str:
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    while size < chars:
        if rng.random() < 0.1:
            para = "\n".join(f"{i}. {sentence(rng)}" for i in range(1, rng.randint(2, 5)))
        else:
            para = " ".join(sentence(rng) for _ in range(rng.randint(3, 8)))
        parts.append(para)
        size += len(para) + 2
    return "\n\n".join(parts)


def main() -> None:
    text = make_text(TARGET_CHARS)
    times = []
    count = 0
    for _ in range(3):
        t0 = time.perf_counter()
        count = len(split_sentences(text))
        times.append(time.perf_counter() - t0)
    print(f"text_chars: {len(text)}  sentences: {count}")
    print(f"segment_5mb_s: {statistics.median(times):.3f}")

    docs = [make_text(2_000, seed=i) for i in range(10_000)]
    t0 = time.perf_counter()
    for doc in docs:
        split_sentences(doc)
    elapsed = time.perf_counter() - t0
    print(f"segment_small_docs_per_s: {len(docs) / elapsed:.0f} (10,000 docs of ~2 KB)")


if __name__ == "__main__":
    main()
