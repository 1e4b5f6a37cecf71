"""Shared fixtures. Qt runs offscreen so the suite needs no screen."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# A busy 2-core CI machine makes single examples slow now and then; a timing deadline
# would turn that into a failure that says nothing about the code.
settings.register_profile("annotator", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("annotator")

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Keep tests away from the real user's settings and default project.
os.environ.setdefault("ANNOTATOR_USER", "tester")


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("ANNOTATOR_DB", raising=False)


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    return tmp_path / "project.db"


@pytest.fixture
def store(project_path: Path) -> Iterator[object]:
    from annotator.services.project import open_project

    s = open_project(project_path)
    yield s
    s.close()
