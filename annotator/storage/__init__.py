"""The only layer that speaks SQL."""

import sys as _sys


def _import_sqlite_utils_without_dataframes() -> None:
    """Import sqlite-utils without letting it import pandas and numpy.

    sqlite-utils imports both at start-up when they are installed, only to convert their
    values on insert, which this program never does; in an environment that has them
    (the dev group does) that costs about two seconds of every start of the window.
    They stay importable for anyone else afterwards.
    """
    blocked = [name for name in ("pandas", "numpy") if name not in _sys.modules]
    for name in blocked:
        _sys.modules[name] = None  # type: ignore[assignment]
    try:
        import sqlite_utils.db  # noqa: F401
    finally:
        for name in blocked:
            if _sys.modules.get(name) is None:
                del _sys.modules[name]


_import_sqlite_utils_without_dataframes()

from annotator.storage.connection import inspect_project, open_database  # noqa: E402
from annotator.storage.schema import schema_version  # noqa: E402
from annotator.storage.store import Store, now  # noqa: E402

__all__ = ["Store", "inspect_project", "now", "open_database", "schema_version"]
