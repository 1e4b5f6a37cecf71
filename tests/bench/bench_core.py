"""Benchmarks without a window: import, export, and the data they share.

Each ``bench_*`` function returns ``{figure_name: value}``; ``run.py`` prints them.
"""

from __future__ import annotations

import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from generate import make_prose, make_spans, write_corpus

from annotator.domain.model import Span
from annotator.services.exporting import export_csv
from annotator.services.importing import import_paths, import_texts
from annotator.services.project import open_project
from annotator.storage import Store

LABELS = ["speaker", "commitment", "entity"]


def build_big_project(
    path: Path,
    *,
    chars: int = 5_000_000,
    spans: int = 50_000,
    docs: int = 1,
    seed: int = 0,
    extra_small_docs: int = 0,
) -> list[int]:
    """A project with ``docs`` documents of ``chars`` characters and ``spans`` spans each."""
    store = open_project(path)
    ids: list[int] = []
    try:
        for d in range(docs):
            text = make_prose(chars, seed=seed + d)
            report = import_texts(store, [(f"big{d}.txt", text.encode("utf-8"))])
            doc_id = report.imported[0][1]
            stored = store.get_document(doc_id).text
            triples = make_spans(stored, spans, LABELS, seed=seed + d)
            store.insert_spans(
                (
                    Span(None, doc_id, lab, s, e, stored[s:e], origin="import")
                    for s, e, lab in triples
                ),
                text=stored,
            )
            ids.append(doc_id)
        if extra_small_docs:
            small = [
                (f"s{i}.txt", make_prose(1200, seed=10_000 + i).encode())
                for i in range(extra_small_docs)
            ]
            with store.transaction():
                import_texts(store, small)
    finally:
        store.close()
    return ids


def bench_import_small(quick: bool) -> dict[str, float]:
    n = 2_000 if quick else 10_000
    runs = 1 if quick else 3
    rates = []
    for r in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "corpus"
            folder.mkdir()
            write_corpus(folder, n, seed=r)
            store = open_project(Path(tmp) / "p.db")
            t = time.perf_counter()
            report = import_paths(store, [folder])
            elapsed = time.perf_counter() - t
            store.close()
            assert len(report.imported) == n, report.summary()
            rates.append(n / elapsed)
    return {f"import_{n // 1000}k_small_docs_per_s": statistics.median(rates)}


def bench_import_5mb(quick: bool) -> dict[str, float]:
    runs = 1 if quick else 3
    times = []
    for r in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "big.txt"
            src.write_bytes(make_prose(5_000_000, seed=r, crlf=True).encode("utf-8"))
            store = open_project(Path(tmp) / "p.db")
            t = time.perf_counter()
            report = import_paths(store, [src])
            times.append(time.perf_counter() - t)
            store.close()
            assert report.ok and report.imported, report.failed
    return {"import_5mb_s": statistics.median(times)}


def bench_export_csv(quick: bool) -> dict[str, float]:
    docs = 2 if quick else 20
    per_doc = 50_000
    total = docs * per_doc
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.db"
        build_big_project(path, chars=2_000_000, spans=per_doc, docs=docs)
        store = Store.open(path)
        ours = []
        for _ in range(1 if quick else 3):
            out = Path(tmp) / "out.csv"
            t = time.perf_counter()
            with out.open("w", encoding="utf-8", newline="") as handle:
                rows = export_csv(store, handle, table="spans")
            ours.append(time.perf_counter() - t)
            assert rows == total
        store.close()
        # The same rows as sqlite3's own CSV dump from the same file.
        query = (
            'SELECT s.document_id, d.title, s.id, l.name, s.start, s."end", s.text, '
            "s.attributes, s.note, s.origin, s.annotator, s.created_at, s.updated_at "
            "FROM spans s JOIN documents d ON d.id = s.document_id "
            "JOIN labels l ON l.id = s.label_id ORDER BY s.document_id, s.start"
        )
        theirs = []
        for _ in range(1 if quick else 3):
            t = time.perf_counter()
            subprocess.run(
                ["sqlite3", "-csv", str(path), query], check=True, stdout=subprocess.DEVNULL
            )
            theirs.append(time.perf_counter() - t)
    ours_rate = total / statistics.median(ours)
    their_rate = total / statistics.median(theirs)
    return {
        f"export_csv_{total // 1000}k_spans_s": statistics.median(ours),
        "export_csv_spans_per_s": ours_rate,
        "sqlite3_csv_spans_per_s": their_rate,
        "export_csv_ratio_to_sqlite3": ours_rate / their_rate,
    }


BENCHMARKS = {
    "import_small": bench_import_small,
    "import_5mb": bench_import_5mb,
    "export_csv": bench_export_csv,
}
