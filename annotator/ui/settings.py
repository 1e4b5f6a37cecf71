"""What the window remembers between sessions, kept in one INI file per user.

The file lives in the user's configuration folder (``platformdirs``), read afresh each
time a :class:`Settings` is made, so ``XDG_CONFIG_HOME`` (and a test's ``tmp_path``)
decides where it goes. Nothing here is project data: that stays in the project file.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import platformdirs
from PySide6.QtCore import QByteArray, QSettings

RECENT_LIMIT = 10


def default_settings_path() -> Path:
    """``<user config folder>/annotator/annotator.ini``."""
    return platformdirs.user_config_path("annotator", appauthor=False) / "annotator.ini"


class Settings:
    """Typed access to the window's remembered state."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else default_settings_path()
        self._qs = QSettings(str(self.path), QSettings.Format.IniFormat)

    def sync(self) -> None:
        self._qs.sync()

    # -- window ----------------------------------------------------------------------

    def geometry(self) -> QByteArray | None:
        return self._bytes("window/geometry")

    def set_geometry(self, data: QByteArray) -> None:
        self._qs.setValue("window/geometry", data)

    def window_state(self) -> QByteArray | None:
        return self._bytes("window/state")

    def set_window_state(self, data: QByteArray) -> None:
        self._qs.setValue("window/state", data)

    def splitter_sizes(self) -> list[int]:
        raw = self._qs.value("window/splitter", [])
        if isinstance(raw, str):
            raw = [raw]
        try:
            sizes = [int(x) for x in raw or []]
        except (TypeError, ValueError):
            return []
        return sizes if all(s >= 0 for s in sizes) else []

    def set_splitter_sizes(self, sizes: list[int]) -> None:
        self._qs.setValue("window/splitter", [int(s) for s in sizes])

    # -- document view ---------------------------------------------------------------

    def zoom(self) -> float | None:
        raw = self._qs.value("view/zoom")
        try:
            value = float(raw) if raw is not None else None
        except (TypeError, ValueError):
            return None
        return value if value is not None and 4 <= value <= 96 else None

    def set_zoom(self, points: float) -> None:
        self._qs.setValue("view/zoom", float(points))

    # -- projects --------------------------------------------------------------------

    def last_project(self) -> Path | None:
        raw = self._qs.value("projects/last")
        return Path(str(raw)) if raw else None

    def recent_projects(self) -> list[Path]:
        raw = self._qs.value("projects/recent", [])
        if isinstance(raw, str):
            raw = [raw]
        return [Path(str(p)) for p in raw or [] if p]

    def note_project_opened(self, path: Path) -> None:
        """Make ``path`` the last project and put it first in the recent list."""
        path = Path(path).resolve()
        recent = [p for p in self.recent_projects() if p != path]
        self._qs.setValue("projects/last", str(path))
        self._qs.setValue("projects/recent", [str(p) for p in [path, *recent][:RECENT_LIMIT]])

    def forget_project(self, path: Path) -> None:
        path = Path(path).resolve()
        self._qs.setValue("projects/recent", [str(p) for p in self.recent_projects() if p != path])

    def last_document(self, project: Path) -> int | None:
        raw = self._qs.value(self._document_key(project))
        try:
            return int(raw) if raw is not None else None
        except (TypeError, ValueError):
            return None

    def set_last_document(self, project: Path, document_id: int) -> None:
        self._qs.setValue(self._document_key(project), int(document_id))

    @staticmethod
    def _document_key(project: Path) -> str:
        # A path has slashes, which QSettings reads as groups: key by its hash instead.
        digest = hashlib.sha1(str(Path(project).resolve()).encode("utf-8")).hexdigest()[:16]
        return f"lastDocument/{digest}"

    def _bytes(self, key: str) -> QByteArray | None:
        raw = self._qs.value(key)
        return raw if isinstance(raw, QByteArray) and not raw.isEmpty() else None
