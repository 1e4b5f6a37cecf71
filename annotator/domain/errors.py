"""Errors the core raises; each message is meant to be shown to a user as it is."""

from __future__ import annotations


class AnnotatorError(Exception):
    """Base class: a problem with a clear message for the user."""


class OffsetError(AnnotatorError, ValueError):
    """A span's offsets do not fit its document's text."""


class FormatError(AnnotatorError, ValueError):
    """An input file cannot be read as the format it claims to be."""


class ProjectError(AnnotatorError):
    """A project file cannot be opened (not a project, corrupt, too new, read-only)."""
