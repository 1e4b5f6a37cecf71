"""How fast the document view shows and scrolls 5 MB of text with 50,000 spans.

Run: QT_QPA_PLATFORM=offscreen uv run python tests/bench/bench_view.py
Prints figures; asserts nothing (machines differ). Targets from ARCHITECTURE.md:
set_document well under 0.5 s, about 4 ms a frame.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).parent))

from generate import make_prose, make_spans  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from annotator.domain.model import Span  # noqa: E402
from annotator.domain.segment import split_sentences  # noqa: E402
from annotator.ui.document_view import DocumentView  # noqa: E402
from annotator.ui.qt_offsets import OffsetMap  # noqa: E402
from annotator.ui.span_layout import SpanIndex  # noqa: E402

COLORS = {"speaker": "#1f77b4", "commitment": "#d62728", "entity": "#2ca02c"}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def us(seconds: float) -> str:
    return f"{seconds * 1e6:7.0f} us"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    app = QApplication.instance() or QApplication([])
    t0 = time.perf_counter()
    text = make_prose(5_000_000, seed=1)
    raw = make_spans(text, 50_000, list(COLORS), seed=1)
    spans = [Span(i + 1, 1, label, s, e, text[s:e]) for i, (s, e, label) in enumerate(raw)]
    sentences = split_sentences(text)
    print(f"data: {len(text):,} code points, {len(spans):,} spans ({ms(time.perf_counter() - t0)})")

    t0 = time.perf_counter()
    OffsetMap(text)
    print(f"OffsetMap build          {ms(time.perf_counter() - t0)}")
    t0 = time.perf_counter()
    SpanIndex(spans)
    print(f"SpanIndex build          {ms(time.perf_counter() - t0)}")

    view = DocumentView()
    view.resize(1100, 900)
    view.show()
    app.processEvents()

    t0 = time.perf_counter()
    view.set_document(text, spans, COLORS, sentences)
    t1 = time.perf_counter()
    view.viewport().repaint()
    t2 = time.perf_counter()
    print(f"set_document             {ms(t1 - t0)}")
    print(f"first paint              {ms(t2 - t1)}")
    print(f"set_document + paint     {ms(t2 - t0)}")

    # scrolling through the middle, 7 lines a step: the scroll itself (Qt blits and
    # repaints the exposed strip), then a full-viewport repaint of the new position
    bar = view.verticalScrollBar()

    def frames(label: str) -> None:
        bar.setValue(bar.maximum() // 2)
        app.processEvents()
        scroll: list[float] = []
        full: list[float] = []
        for _ in range(100):
            t0 = time.perf_counter()
            bar.setValue(bar.value() + 7)
            app.processEvents()
            scroll.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            view.viewport().repaint()
            full.append(time.perf_counter() - t0)
        print(
            f"{label:<24} scroll step p50 {ms(statistics.median(scroll))} "
            f"p95 {ms(percentile(scroll, 0.95))} | full repaint p50 "
            f"{ms(statistics.median(full))} p95 {ms(percentile(full, 0.95))}"
        )

    frames("frames, 50k spans, cold")  # warms Qt's glyph caches and our x cache
    index = view._index
    view._index = SpanIndex()
    frames("frames, no spans")  # Qt's own cost, for comparison
    view._index = index
    frames("frames, 50k spans")

    visible = view.cursorForPosition(view.viewport().rect().center()).position()
    times = []
    for i in range(200):
        start = visible + i * 7
        span = Span(10_000_000 + i, 1, "entity", start, start + 5, text[start : start + 5])
        t0 = time.perf_counter()
        view.add_span(span)
        times.append(time.perf_counter() - t0)
    print(f"add_span                 p50 {us(statistics.median(times))}  max {us(max(times))}")
    t0 = time.perf_counter()
    view.viewport().repaint()
    print(f"repaint after 200 adds   {ms(time.perf_counter() - t0)}")
    times = []
    for i in range(200):
        t0 = time.perf_counter()
        view.remove_span(10_000_000 + i)
        times.append(time.perf_counter() - t0)
    print(f"remove_span              p50 {us(statistics.median(times))}  max {us(max(times))}")

    t0 = time.perf_counter()
    view.select_offsets(4_000_000, 4_000_040)
    view.viewport().repaint()
    print(f"select_offsets far away  {ms(time.perf_counter() - t0)}")
    view.close()


if __name__ == "__main__":
    main()
