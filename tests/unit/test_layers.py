"""The layering rules of ARCHITECTURE.md: imports point down, Qt stays in the UI, SQL
stays in storage."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import annotator

PACKAGE = Path(annotator.__file__).resolve().parent
ROOT = PACKAGE.parent
CORE_LAYERS = ("domain", "storage", "services", "formats")
QT_MODULES = ("PySide6", "shiboken6", "PyQt5", "PyQt6")
SQL_CALLS = {"execute", "executemany", "executescript"}


def modules(*layers: str) -> list[Path]:
    folders = [PACKAGE / layer for layer in layers] if layers else [PACKAGE]
    return sorted(p for folder in folders for p in folder.rglob("*.py"))


def _lint_imports_command() -> list[str] | None:
    local = Path(sys.executable).with_name("lint-imports")
    if local.exists():
        return [str(local)]
    found = shutil.which("lint-imports")
    return [found] if found else None


def test_import_linter_contracts_are_kept() -> None:
    command = _lint_imports_command()
    if command is None:
        pytest.skip("import-linter is not installed (it is in the dev dependency group)")
    done = subprocess.run(
        [*command, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "BROKEN" not in done.stdout
    assert "0 broken" in done.stdout


@pytest.mark.parametrize("path", modules(*CORE_LAYERS), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_qt_below_the_ui(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            names = [node.value] if node.value.split(".")[0] in QT_MODULES else []
        for name in names:
            assert name.split(".")[0] not in QT_MODULES, f"{path}:{node.lineno} uses {name}"


def test_only_storage_executes_sql() -> None:
    offenders = []
    for path in modules():
        if (PACKAGE / "storage") in path.parents:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in SQL_CALLS
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
        text = path.read_text(encoding="utf-8")
        if "import sqlite3" in text or "sqlite_utils" in text:
            offenders.append(f"{path.relative_to(ROOT)}: imports sqlite3/sqlite_utils")
    assert offenders == []


def test_command_line_starts_without_loading_qt() -> None:
    # The CLI (import, export, stats ...) must work on a machine where Qt cannot load.
    code = (
        "import sys\n"
        "import annotator.cli, annotator.services.importing, annotator.services.exporting\n"
        "import annotator.services.commands, annotator.storage\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in "
        f"{QT_MODULES!r})\n"
        "print(loaded)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
