"""The desktop window (PySide6). Nothing below this package imports Qt."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.ui.settings import Settings

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

__all__ = ["create_main_window", "run_app"]

# Qt's raster engine splits every fill taller than ~96 pixel rows (a widget's
# background, a scroll bar's groove) across a pool of threads. Our frames are many small
# paints that each wait for that pool: on a 2-core machine waking its threads costs more
# than the fill (a 14 x 784 scroll bar: 2 ms with the pool, 0.15 ms without), in every
# frame after a tag or a scroll. Qt reads the variable when it first paints, so setting
# it here also covers a QApplication made before this import.
os.environ.setdefault("QT_NO_GUI_THREADPOOL", "1")


def create_main_window(db_path: Path | str, *, settings: Settings | None = None) -> MainWindow:
    """Build the window for the project at ``db_path`` (created if missing), not shown.

    A ``QApplication`` must exist. The window restores what :class:`Settings` remembers
    (geometry, splitter, zoom, the project's last document). Raises
    :class:`~annotator.domain.errors.AnnotatorError` when the project cannot be opened.
    """
    from annotator.services.project import open_project
    from annotator.ui.main_window import MainWindow

    store = open_project(Path(db_path))
    try:
        window = MainWindow(store, settings=settings or Settings())
    except BaseException:
        store.close()
        raise
    window.restore_state()
    return window


def run_app(db_path: Path | str | None = None) -> int:
    """Open the window on ``db_path`` (default: the last project, else the default one)."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    from annotator.domain.errors import AnnotatorError
    from annotator.services.project import default_project_path

    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("annotator")
    app.setOrganizationName("annotator")
    settings = Settings()
    path = (
        Path(db_path)
        if db_path is not None
        else (settings.last_project() or default_project_path())
    )
    try:
        window = create_main_window(path, settings=settings)
    except AnnotatorError as exc:
        QMessageBox.critical(None, "annotator", str(exc))
        return 1
    window.show()
    window.view.setFocus()
    if os.environ.get("ANNOTATOR_EXIT_AFTER_PAINT"):
        # For the start-up benchmark: stop once the first frame is painted.
        app.processEvents()
        window.repaint()
        window.close()
        return 0
    return int(app.exec())
