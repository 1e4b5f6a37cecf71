"""Fixtures for the window tests: a project with four readouts, settings, the window."""

from window_support import project, settings, window  # noqa: F401 - fixtures

__all__ = ["project", "settings", "window"]
