"""What the window remembers: recent projects, last document per project, bad values."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from annotator.ui.settings import RECENT_LIMIT, Settings


def test_recent_projects_move_to_the_front_without_duplicates(tmp_path: Path) -> None:
    settings = Settings(tmp_path / "s.ini")
    paths = [tmp_path / f"p{i}.db" for i in range(RECENT_LIMIT + 3)]
    for path in paths:
        settings.note_project_opened(path)
    settings.note_project_opened(paths[2])
    again = Settings(tmp_path / "s.ini")
    recent = again.recent_projects()
    assert recent[0] == paths[2].resolve()
    assert len(recent) == RECENT_LIMIT == len(set(recent))
    assert again.last_project() == paths[2].resolve()
    again.forget_project(paths[2])
    assert paths[2].resolve() not in again.recent_projects()


def test_last_document_is_kept_per_project(tmp_path: Path) -> None:
    settings = Settings(tmp_path / "s.ini")
    settings.set_last_document(tmp_path / "a.db", 3)
    settings.set_last_document(tmp_path / "b.db", 7)
    settings.sync()
    again = Settings(tmp_path / "s.ini")
    assert again.last_document(tmp_path / "a.db") == 3
    assert again.last_document(tmp_path / "b.db") == 7
    assert again.last_document(tmp_path / "c.db") is None


def test_damaged_values_are_ignored(tmp_path: Path) -> None:
    raw = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    raw.setValue("view/zoom", "huge")
    raw.setValue("window/splitter", ["a", "b"])
    raw.setValue("window/geometry", "not bytes")
    raw.sync()
    settings = Settings(tmp_path / "s.ini")
    assert settings.zoom() is None
    assert settings.splitter_sizes() == []
    assert settings.geometry() is None


def test_default_file_follows_the_config_folder(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    assert Settings().path == tmp_path / "cfg" / "annotator" / "annotator.ini"
