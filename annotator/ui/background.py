"""Long work (import, export) off the UI thread, behind a progress dialog with Cancel.

The work runs in a ``QThread`` with its own project connection (SQLite's WAL lets the
window keep reading meanwhile); the window stays responsive, and Cancel sets an event the
work checks between files or documents. The services roll a cancelled import back whole
and delete a cancelled export's temporary file, so Cancel leaves everything as it was.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QEventLoop, QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

T = TypeVar("T")
Progress = Callable[[int, int, str], None]
Work = Callable[[Progress, threading.Event], T]


class _Worker(QObject):
    progressed = Signal(int, int, str)
    finished = Signal()

    def __init__(self, work: Work[Any], cancel: threading.Event) -> None:
        super().__init__()
        self._work = work
        self._cancel = cancel
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self._work(self._report, self._cancel)
        except BaseException as exc:  # handed to the UI thread, raised there
            self.error = exc
        finally:
            self.finished.emit()

    def _report(self, done: int, total: int, name: str) -> None:
        self.progressed.emit(done, total, name)


class BackgroundTask(Generic[T]):
    """Run ``work(progress, cancel)`` in a thread; :meth:`run` waits, keeping the UI live."""

    def __init__(self, parent: QWidget | None, title: str, work: Work[T]) -> None:
        self.cancel = threading.Event()
        self.dialog = QProgressDialog(title, "Cancel", 0, 0, parent)
        self.dialog.setObjectName("progressDialog")
        self.dialog.setWindowTitle(title)
        self.dialog.setMinimumDuration(400)
        self.dialog.setAutoReset(False)
        self.dialog.setAutoClose(False)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.canceled.connect(self._cancel)
        self._title = title
        self._thread = QThread()
        self._worker = _Worker(work, self.cancel)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.progressed.connect(self._progress)
        self._loop = QEventLoop()
        self._worker.finished.connect(self._loop.quit)

    def _cancel(self) -> None:
        self.cancel.set()
        self.dialog.setLabelText("Cancelling…")

    def _progress(self, done: int, total: int, name: str) -> None:
        if self.cancel.is_set():
            return
        self.dialog.setMaximum(max(total, 0))
        self.dialog.setValue(min(done, total))
        label = name.rsplit("/", 1)[-1] if name else ""
        self.dialog.setLabelText(f"{self._title} {done} of {total}: {label}" if total else label)

    def run(self) -> T:
        """Start, wait (processing events) until done; return the result or raise its error."""
        self._thread.start()
        self._loop.exec()
        self._thread.quit()
        self._thread.wait()
        self.dialog.close()
        self.dialog.deleteLater()
        self._worker.deleteLater()
        if self._worker.error is not None:
            raise self._worker.error
        result: T = self._worker.result
        return result


def run_in_background(parent: QWidget | None, title: str, work: Work[T]) -> T:
    """Shorthand for ``BackgroundTask(parent, title, work).run()``."""
    return BackgroundTask(parent, title, work).run()
