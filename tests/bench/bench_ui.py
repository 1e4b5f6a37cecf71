"""Benchmarks of the window, offscreen: start-up, opening, tagging, undo, scrolling.

Each ``bench_*`` function returns ``{figure_name: value}``; ``run.py`` runs each in a
fresh process so start-up and memory figures are honest.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench_core import build_big_project  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _app():  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def _window(path: Path):  # type: ignore[no-untyped-def]
    from annotator.ui import create_main_window

    window = create_main_window(path)
    window.resize(1400, 860)
    window.show()
    _app().processEvents()
    return window


def _view(window):  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QPlainTextEdit

    return window.findChild(QPlainTextEdit, "documentView")


def _paint(view) -> None:  # type: ignore[no-untyped-def]
    view.viewport().repaint()


class _Settle:
    """Runs the event loop until a pass paints nothing: every widget an edit touched
    (text, span table, panels, status bar, their layouts) is then on screen, as the
    user sees it after a key press."""

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        from PySide6.QtCore import QEvent, QObject

        self.app = app
        self.painted = 0
        settle = self

        class _Count(QObject):
            def eventFilter(self, obj, event):  # type: ignore[no-untyped-def]  # noqa: N802
                if event.type() == QEvent.Type.Paint:
                    settle.painted += 1
                return False

        self._filter = _Count()
        app.installEventFilter(self._filter)

    def __call__(self) -> None:
        for _ in range(10):
            self.painted = 0
            self.app.processEvents()
            if not self.painted:
                return


def bench_cold_start(quick: bool) -> dict[str, float]:
    """``annotator`` to a shown, painted window on the sample project, in a new process.

    Runs the real entry point (``python -m annotator gui --db FILE``) with
    ``ANNOTATOR_EXIT_AFTER_PAINT`` set, so the process ends after its first frame.
    """
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sample.db"
        from annotator.services.project import open_project

        open_project(path, with_samples=True).close()
        env = {**os.environ, "XDG_CONFIG_HOME": tmp, "ANNOTATOR_EXIT_AFTER_PAINT": "1"}
        # As on a user's machine, Python caches compiled modules; one launch fills the cache.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run(
            [sys.executable, "-m", "annotator", "gui", "--db", str(path)],
            check=True,
            capture_output=True,
            env=env,
        )
        for _ in range(3 if quick else 7):
            t = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "annotator", "gui", "--db", str(path)],
                check=True,
                capture_output=True,
                env=env,
            )
            times.append(time.perf_counter() - t)
    return {"cold_start_s": statistics.median(times)}


def bench_big_document(quick: bool) -> dict[str, float]:
    """Open 5 MB / 50,000 spans; new span, undo, redo, scroll; memory."""
    from PySide6.QtGui import QAction

    app = _app()
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_CONFIG_HOME"] = tmp
        path = Path(tmp) / "big.db"
        [doc_id] = build_big_project(path, chars=5_000_000, spans=50_000)
        window = _window(path)
        view = _view(window)
        opens = []
        from annotator.services.importing import import_texts
        from annotator.storage import Store

        # A second, small document to switch away to, so each open is a real open.
        store = Store.open(path)
        import_texts(store, [("other.txt", b"A short other document. It has two sentences.")])
        other = max(d.id for d in store.list_documents())
        store.close()
        window.load_project()
        for _ in range(2 if quick else 5):
            window.open_document(other)
            app.processEvents()
            t = time.perf_counter()
            window.open_document(doc_id)
            _paint(view)
            opens.append(time.perf_counter() - t)
        figures["open_5mb_50k_s"] = statistics.median(opens)
        figures["rss_5mb_50k_open_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        text = view.toPlainText()  # only to find places to tag; offsets come from the store
        action = window.findChild(QAction, "label.entity")
        undo = window.findChild(QAction, "edit.undo")
        redo = window.findChild(QAction, "edit.redo")
        adds, undos, redos = [], [], []
        settle = _Settle(app)
        n = 30 if quick else 100
        step = len(text) // (n + 1)
        for i in range(n):
            start = step * (i + 1)
            while not text[start].isalpha():
                start += 1
            end = start + 1
            while end < len(text) and text[end].isalpha():
                end += 1
            view.select_offsets(start, end)
            settle()
            t = time.perf_counter()
            action.trigger()  # saved, listed (table, counts), then painted:
            settle()
            adds.append((time.perf_counter() - t) * 1000)
        for _ in range(n):
            t = time.perf_counter()
            undo.trigger()
            settle()
            undos.append((time.perf_counter() - t) * 1000)
        for _ in range(n):
            t = time.perf_counter()
            redo.trigger()
            settle()
            redos.append((time.perf_counter() - t) * 1000)
        figures["new_span_ms_median"] = statistics.median(adds)
        figures["new_span_ms_p95"] = p95(adds)
        figures["undo_ms_p95"] = p95(undos)
        figures["redo_ms_p95"] = p95(redos)

        bar = view.verticalScrollBar()
        frames = []
        bar.setValue(0)
        for _ in range(60 if quick else 200):
            bar.setValue(bar.value() + bar.pageStep() // 3)
            t = time.perf_counter()
            _paint(view)
            frames.append((time.perf_counter() - t) * 1000)
        # Jumps far down the document, as dragging the scroll bar does.
        for i in range(20 if quick else 50):
            bar.setValue(bar.maximum() * i // 50)
            t = time.perf_counter()
            _paint(view)
            frames.append((time.perf_counter() - t) * 1000)
        figures["scroll_frame_ms_median"] = statistics.median(frames)
        figures["scroll_frame_ms_p95"] = p95(frames)
        window.close()
    return figures


def bench_switch_documents(quick: bool) -> dict[str, float]:
    app = _app()
    n_docs = 2_000 if quick else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_CONFIG_HOME"] = tmp
        path = Path(tmp) / "many.db"
        build_big_project(path, chars=20_000, spans=200, docs=1, extra_small_docs=n_docs - 1)
        window = _window(path)
        view = _view(window)
        times = []
        ids = list(range(1, n_docs + 1, max(1, n_docs // 60)))
        for doc_id in ids:
            t = time.perf_counter()
            window.open_document(doc_id)
            _paint(view)
            app.processEvents()
            times.append((time.perf_counter() - t) * 1000)
        window.close()
    return {
        f"switch_document_{n_docs // 1000}k_docs_ms_median": statistics.median(times),
        f"switch_document_{n_docs // 1000}k_docs_ms_p95": p95(times),
    }


BENCHMARKS = {
    "cold_start": bench_cold_start,
    "big_document": bench_big_document,
    "switch_documents": bench_switch_documents,
}
