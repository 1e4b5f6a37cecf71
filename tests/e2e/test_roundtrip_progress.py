"""Long imports and exports report progress and can be cancelled: a cancelled import
leaves the project exactly as it was, a cancelled export writes nothing, and a failed
file in a batch is rolled back alone."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from roundtrip_support import build_project, snapshot

from annotator.services.exporting import FORMATS, export
from annotator.services.importing import import_paths
from annotator.storage import Store


def corpus(folder: Path, count: int = 5) -> list[Path]:
    folder.mkdir()
    paths = []
    for i in range(count):
        path = folder / f"doc{i}.txt"
        path.write_text(f"Document number {i}.\n", encoding="utf-8")
        paths.append(path)
    return paths


def test_import_reports_progress_per_file(store: Store, tmp_path: Path) -> None:
    corpus(tmp_path / "in")
    calls: list[tuple[int, int, str]] = []
    report = import_paths(store, [tmp_path / "in"], progress=lambda *a: calls.append(a))
    assert report.ok
    assert [(done, total) for done, total, _ in calls] == [(i, 5) for i in range(6)]
    assert calls[0][2].endswith("doc0.txt") and calls[-1][2] == ""


@pytest.mark.parametrize("stop_after", [0, 3, 5])
def test_cancelled_import_leaves_the_project_as_it_was(
    store: Store, tmp_path: Path, stop_after: int
) -> None:
    corpus(tmp_path / "in")
    (tmp_path / "before.txt").write_text("Already here.\n", encoding="utf-8")
    assert import_paths(store, [tmp_path / "before.txt"]).ok
    before = snapshot(store)
    labels = store.tagset().names()
    seen = 0
    event = threading.Event()

    def progress(done: int, total: int, name: str) -> None:
        nonlocal seen
        seen += 1
        if seen > stop_after:
            event.set()

    # stop_after=5: every file is read, and the cancel lands while saving
    report = import_paths(store, [tmp_path / "in"], progress=progress, cancel=event)
    assert report.cancelled and not report.ok
    assert report.imported == [] and report.summary() == "import cancelled: nothing was imported"
    assert snapshot(store) == before and store.tagset().names() == labels
    assert import_paths(store, [tmp_path / "in"]).summary() == "5 imported, 0 skipped, 0 refused"


def test_cancel_while_saving_rolls_back_files_already_saved(store: Store, tmp_path: Path) -> None:
    paths = corpus(tmp_path / "in", 4)
    checks = 0

    def cancel() -> bool:
        nonlocal checks
        checks += 1
        return checks > 6  # 4 checks while reading, then 2 files saved, then stop

    report = import_paths(store, paths, cancel=cancel)
    assert report.cancelled and store.document_count() == 0


def test_a_file_failing_while_saving_is_rolled_back_alone(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = corpus(tmp_path / "in", 3)
    original = Store.add_document

    def flaky(self: Store, doc: object, sentences: object) -> int:
        doc_id = original(self, doc, sentences)  # type: ignore[arg-type]
        if "number 1" in doc.text:  # type: ignore[attr-defined]
            from annotator.domain.errors import ProjectError

            raise ProjectError("the disk is full; nothing was changed")
        return doc_id

    monkeypatch.setattr(Store, "add_document", flaky)
    report = import_paths(store, paths)
    assert [name for name, _ in report.failed] == [str(paths[1])]
    assert sorted(d.title for d in store.list_documents()) == [
        "Document number 0.",
        "Document number 2.",
    ]


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_cancelled_export_writes_nothing(tmp_path: Path, fmt: str) -> None:
    if fmt == "spacy":
        pytest.importorskip("spacy")
    store = build_project(tmp_path / "p.db")
    out = tmp_path / "out" / ("brat" if fmt == "brat" else f"export{FORMATS[fmt]}")
    out.parent.mkdir()
    if fmt != "brat":
        out.write_text("the previous export\n", encoding="utf-8")
    calls: list[tuple[int, int, str]] = []

    def progress(done: int, total: int, name: str) -> None:
        calls.append((done, total, name))

    report = export(store, out, fmt, progress=progress, cancel=lambda: len(calls) >= 1)
    assert report.cancelled
    leftovers = sorted(p.name for p in out.parent.iterdir())
    if fmt == "brat":
        assert leftovers == []
    else:
        assert leftovers == [out.name]
        assert out.read_text(encoding="utf-8") == "the previous export\n"
    done = export(store, out, fmt, progress=progress)
    assert not done.cancelled and out.exists()
    assert calls[-1] == (2, 2, "")
    store.close()
