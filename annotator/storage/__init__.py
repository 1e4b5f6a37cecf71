"""The only layer that speaks SQL."""

from annotator.storage.connection import inspect_project, open_database
from annotator.storage.schema import schema_version
from annotator.storage.store import Store, now

__all__ = ["Store", "inspect_project", "now", "open_database", "schema_version"]
