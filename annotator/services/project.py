"""Opening projects: the default one, new ones seeded with the default tag set."""

from __future__ import annotations

import functools
import getpass
import os
from pathlib import Path

import platformdirs

from annotator.domain.tagset import parse_tagset
from annotator.resources import read_text, sample_paths
from annotator.storage import Store

DEFAULT_PROJECT_NAME = "default.annotator.db"


def default_project_path() -> Path:
    """``ANNOTATOR_DB`` if set, else the default project in the user's data folder."""
    env = os.environ.get("ANNOTATOR_DB")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("annotator", appauthor=False)) / DEFAULT_PROJECT_NAME


def current_annotator() -> str:
    """Who is annotating: ``ANNOTATOR_USER`` or the login name."""
    env = os.environ.get("ANNOTATOR_USER")
    if env:
        return env
    return _login_name()


@functools.cache
def _login_name() -> str:
    # Read once: without LOGNAME or USER set, getuser() reads the password database
    # (~50 us), and every tag asks.
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name on some systems
        return ""


def open_project(path: Path | str, *, with_samples: bool = False) -> Store:
    """Open or create the project at ``path``.

    A project with no labels gets the default tag set. With ``with_samples`` a project
    that was just created also gets the sample documents, so there is something to see.
    """
    path = Path(path)
    is_new = not path.exists()
    store = Store.open(path)
    if not store.tagset().labels:
        seed_tagset(store)
    if is_new and with_samples:
        from annotator.services.importing import import_texts

        import_texts(
            store,
            [(p.name, p.read_bytes()) for p in sample_paths()],
            source_prefix="sample:",
        )
    return store


def seed_tagset(store: Store) -> None:
    tagset = parse_tagset(read_text("tagsets", "default.toml"), name="default.toml")
    with store.transaction():
        for label in tagset.labels:
            store.add_label(label)
