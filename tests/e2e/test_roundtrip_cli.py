"""``annotator import`` and ``annotator export`` end to end: every format, to a file or
to standard output, a progress bar only on a terminal, one-line errors."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click.testing
import pytest
from click.testing import CliRunner, Result
from roundtrip_support import build_project, snapshot

from annotator.cli import cli
from annotator.services.project import open_project


def run(*args: str) -> Result:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=True)
    assert "Traceback" not in result.output
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    return result


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "project.db"
    build_project(path).close()
    return path


def test_import_corpus_with_text_field_and_warnings(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    corpus = tmp_path / "c.csv"
    corpus.write_text("id,body\n1,First speech.\n2,\n3,Third speech.\n", encoding="utf-8")
    result = run("import", "--db", str(db), "--text-field", "body", str(corpus))
    assert result.exit_code == 0, result.output
    assert result.stdout.count("imported  ") == 2
    assert "warning: " in result.stderr and "line 3" in result.stderr
    assert "2 imported, 0 skipped, 0 refused" in result.stderr


def test_import_refuses_big_files_with_max_size(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("words " * 400_000, encoding="utf-8")
    result = run("import", "--db", str(tmp_path / "p.db"), "--max-size", "1", str(big))
    assert result.exit_code == 1
    assert "big.txt" in result.stderr and "limit is 1 MB" in result.stderr


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "conll", "labelstudio", "doccano", "spacy"])
def test_export_to_a_file_and_to_stdout_agree(db: Path, tmp_path: Path, fmt: str) -> None:
    if fmt == "spacy":
        pytest.importorskip("spacy")
    out = tmp_path / f"out.{fmt}"
    to_file = run("export", "--db", str(db), "--format", fmt, "--out", str(out))
    assert to_file.exit_code == 0, to_file.output
    assert f"written to {out}" in to_file.stderr
    to_stdout = run("export", "--db", str(db), "--format", fmt)
    assert to_stdout.exit_code == 0, to_stdout.output
    assert to_stdout.stdout_bytes == out.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_export_jsonl_then_import_it_with_the_cli(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.jsonl"
    assert run("export", "--db", str(db), "--format", "jsonl", "-o", str(out)).exit_code == 0
    copy = tmp_path / "copy.db"
    result = run("import", "--db", str(copy), str(out))
    assert result.exit_code == 0, result.output
    original, imported = open_project(db), open_project(copy)
    assert snapshot(imported) == snapshot(original)
    original.close()
    imported.close()


def test_export_brat_needs_a_folder(db: Path, tmp_path: Path) -> None:
    result = run("export", "--db", str(db), "--format", "brat")
    assert result.exit_code != 0
    assert result.stderr.strip().count("\n") == 0 and "--out DIR" in result.stderr
    out = tmp_path / "brat"
    result = run("export", "--db", str(db), "--format", "brat", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert len(list(out.glob("*.ann"))) == len(list(out.glob("*.txt"))) == 2
    assert "warning: brat cannot hold" not in result.stderr  # the sample fits brat


def test_export_conll_warns_about_dropped_overlaps(db: Path, tmp_path: Path) -> None:
    result = run("export", "--db", str(db), "--format", "conll", "-o", str(tmp_path / "x"))
    assert result.exit_code == 0
    assert "warning: CoNLL cannot hold overlapping spans" in result.stderr


def test_label_studio_export_writes_its_labelling_config(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "tasks.json"
    result = run("export", "--db", str(db), "--format", "labelstudio", "-o", str(out))
    assert result.exit_code == 0
    config = tmp_path / "tasks.label_config.xml"
    assert f"also wrote {config}" in result.stderr
    assert '<Label value="speaker"' in config.read_text(encoding="utf-8")
    assert isinstance(json.loads(out.read_text(encoding="utf-8")), list)


def test_spacy_export_without_spacy_is_one_clear_line(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "spacy", None)  # import spacy now fails
    out = tmp_path / "x.spacy"
    result = run("export", "--db", str(db), "--format", "spacy", "-o", str(out))
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and 'pip install "annotator[spacy]"' in lines[0]
    assert not out.exists()


def test_damaged_span_stops_every_format(db: Path, tmp_path: Path) -> None:
    import sqlite3

    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE spans SET text = 'Xhina' WHERE text = 'China'")
    conn.close()
    for fmt in ("jsonl", "brat", "labelstudio"):
        out = tmp_path / f"out-{fmt}"
        result = run("export", "--db", str(db), "--format", fmt, "-o", str(out))
        assert result.exit_code != 0
        assert "'Xhina'" in result.stderr and "nothing exported" in result.stderr
        assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if "out" in p.name] == []  # no temporary files


def test_progress_bar_only_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(3):
        (folder / f"d{i}.txt").write_text(f"Document {i}.", encoding="utf-8")
    plain = run("import", "--db", str(tmp_path / "a.db"), str(folder))
    assert "Importing" not in plain.stderr
    monkeypatch.setattr(click.testing._NamedTextIOWrapper, "isatty", lambda self: True)
    on_terminal = run("import", "--db", str(tmp_path / "b.db"), str(folder))
    assert "Importing" in on_terminal.stderr and "3/3" in on_terminal.stderr
    quiet = run("import", "--db", str(tmp_path / "c.db"), "--quiet", str(folder))
    assert "Importing" not in quiet.stderr and quiet.stdout == ""
    exported = run("export", "--db", str(tmp_path / "b.db"), "-o", str(tmp_path / "o.csv"))
    assert "Exporting" in exported.stderr
