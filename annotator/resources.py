"""Where the packaged resources (tag sets, samples) live.

In a wheel they are inside the package as ``annotator/_resources``; in a source checkout
(``uv run`` installs the project in editable mode) they are the top-level ``resources/``.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path


def resources_root() -> Traversable:
    packaged = files("annotator") / "_resources"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "resources"


def read_text(*parts: str) -> str:
    node = resources_root()
    for part in parts:
        node = node / part
    return node.read_text(encoding="utf-8")


def sample_paths() -> list[Traversable]:
    folder = resources_root() / "samples"
    return sorted((p for p in folder.iterdir() if p.name.endswith(".txt")), key=lambda p: p.name)
