"""The command line, end to end in-process: import, list, count, export; clear errors
and exit codes; which project file is used. (``annotator`` alone opens the window and
is not run here.)"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from annotator.cli import cli

SPEECH = "Remarks by the Minister\nWe will send aid. 😀\nThank you.\n"
READOUT = "Readout of a call\r\nThe leaders agreed to meet.\r\n"


def run(*args: str, env: dict[str, str] | None = None, charset: str = "utf-8") -> Result:
    result = CliRunner(charset=charset).invoke(cli, list(args), env=env, catch_exceptions=True)
    # Whatever happens, a user never sees a Python traceback.
    assert "Traceback" not in result.output
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    return result


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "in"
    folder.mkdir()
    speech = folder / "speech.txt"
    speech.write_text(SPEECH, encoding="utf-8")
    readout = folder / "readout.txt"
    readout.write_bytes(READOUT.encode("cp1252"))
    text = "Mr Kim said: =we agree."
    annotated = folder / "tagged.jsonl"
    annotated.write_text(
        json.dumps({"text": text, "label": [[0, 6, "speaker"], [13, 22, "commitment"]]}) + "\n",
        encoding="utf-8",
    )
    return {"speech": speech, "readout": readout, "annotated": annotated}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "project.annotator.db"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_command_explains_itself() -> None:
    top = run("--help")
    assert top.exit_code == 0
    for name, command in cli.commands.items():
        assert command.help, f"{name} has no help text"
        first_line = command.help.strip().splitlines()[0]
        assert name in top.output
        result = run(name, "--help")
        assert result.exit_code == 0, name
        assert first_line in result.output
        assert "--db" in result.output or name not in ("import", "export", "documents", "stats")


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert "0.1.0" in result.output


def test_import_list_count_export(db: Path, files: dict[str, Path], tmp_path: Path) -> None:
    result = run("import", "--db", str(db), str(files["speech"].parent))
    assert result.exit_code == 0, result.output
    assert "3 imported, 0 skipped, 0 refused" in result.stderr

    listing = run("documents", "--db", str(db))
    assert listing.exit_code == 0
    for title in ("Remarks by the Minister", "Readout of a call", "Mr Kim said: =we agree."):
        assert title in listing.stdout

    stats = run("stats", "--db", str(db))
    assert stats.exit_code == 0
    assert "3 documents, 2 spans" in stats.stdout
    figures = json.loads(run("stats", "--db", str(db), "--json").stdout)
    assert figures["documents"] == 3 and figures["spans"] == 2
    assert figures["per_label"]["speaker"] == 1

    out = tmp_path / "spans.csv"
    exported = run("export", "--db", str(db), "--out", str(out))
    assert exported.exit_code == 0, exported.output
    assert "2 rows written" in exported.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert [(r["label"], r["text"]) for r in rows] == [
        ("speaker", "Mr Kim"),
        ("commitment", "'=we agree"),  # neutralised for spreadsheets
    ]
    assert not (tmp_path / "spans.csv.part").exists()

    to_stdout = run("export", "--db", str(db))
    assert to_stdout.exit_code == 0
    assert to_stdout.stdout_bytes == out.read_bytes()

    raw = run("export", "--db", str(db), "--no-neutralise")
    assert "=we agree" in raw.stdout and "'=we agree" not in raw.stdout

    bom_file = tmp_path / "bom.csv"
    assert run("export", "--db", str(db), "--bom", "-o", str(bom_file)).exit_code == 0
    assert bom_file.read_bytes().startswith(b"\xef\xbb\xbfdocument_id,")
    assert not out.read_bytes().startswith(b"\xef\xbb\xbf")


def test_import_reports_each_bad_file_and_keeps_the_good_ones(
    db: Path, files: dict[str, Path], tmp_path: Path
) -> None:
    binary = tmp_path / "blob.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    bad_jsonl = tmp_path / "bad.jsonl"
    bad_jsonl.write_text('{"text": "ok", "label": []}\n{"text": "x", "label": [[0, 9, "a"]]}\n')
    result = run(
        "import",
        "--db",
        str(db),
        str(files["speech"]),
        str(binary),
        str(bad_jsonl),
        str(files["readout"]),
    )
    assert result.exit_code != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 2
    assert "blob.txt" in errors[0]
    assert "bad.jsonl" in errors[1] and "line 2" in errors[1]
    assert "2 imported, 0 skipped, 2 refused" in result.stderr
    listing = run("documents", "--db", str(db)).stdout
    assert "Remarks by the Minister" in listing and "Readout of a call" in listing
    assert len(listing.strip().splitlines()) == 3  # header + the two good documents


@pytest.mark.parametrize(
    "content",
    [b"not a database, just notes\n", b"\x89PNG\r\n\x1a\n" + bytes(64), b""],
)
def test_db_that_is_not_a_project_is_refused_and_untouched(tmp_path: Path, content: bytes) -> None:
    victim = tmp_path / "precious.db"
    victim.write_bytes(content)
    before = sha(victim)
    for args in (["documents"], ["stats"], ["export"], ["import", str(victim)]):
        result = run(*args, "--db", str(victim))
        assert result.exit_code != 0
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, result.stderr
        assert "precious.db" in lines[0]
    assert sha(victim) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["precious.db"]


def test_failed_export_leaves_no_file(db: Path, files: dict[str, Path], tmp_path: Path) -> None:
    import sqlite3

    assert run("import", "--db", str(db), str(files["annotated"])).exit_code == 0
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE spans SET text = 'XXXXXX' WHERE text = 'Mr Kim'")
    conn.close()
    out = tmp_path / "out.csv"
    result = run("export", "--db", str(db), "--out", str(out))
    assert result.exit_code != 0
    assert "Mr Kim" in result.stderr and "span" in result.stderr
    assert not out.exists()
    assert not (tmp_path / "out.csv.part").exists()
    to_stdout = run("export", "--db", str(db))
    assert to_stdout.exit_code != 0
    assert to_stdout.stdout == ""


def test_annotator_db_variable_selects_the_project(tmp_path: Path, files: dict[str, Path]) -> None:
    chosen = tmp_path / "chosen.db"
    env = {"ANNOTATOR_DB": str(chosen)}
    assert run("import", str(files["speech"]), env=env).exit_code == 0
    assert chosen.exists()
    listing = run("documents", env=env).stdout
    assert "Remarks by the Minister" in listing
    # A project chosen explicitly gets no sample documents.
    assert len(listing.strip().splitlines()) == 2
    data_home = Path(os.environ["XDG_DATA_HOME"])
    assert not (data_home / "annotator").exists()


def test_default_project_lives_in_the_data_folder_with_samples() -> None:
    data_home = Path(os.environ["XDG_DATA_HOME"])
    listing = run("documents")
    assert listing.exit_code == 0, listing.output
    assert (data_home / "annotator" / "default.annotator.db").exists()
    documents = listing.stdout.strip().splitlines()[1:]
    assert len(documents) >= 2
    # Opening it again does not import the samples a second time.
    again = run("documents").stdout.strip().splitlines()[1:]
    assert again == documents


def test_export_to_stdout_is_utf8_csv_whatever_the_terminal_encoding(
    db: Path, files: dict[str, Path], tmp_path: Path
) -> None:
    # A Latin-1 (or Windows code page) terminal cannot print the emoji; the CSV sent to
    # standard output must still be the same UTF-8 bytes as the --out file.
    emoji = tmp_path / "emoji.jsonl"
    emoji.write_text(
        json.dumps({"text": "Yes 😀 and\nno", "label": [[4, 12, "quote"]]}) + "\n",
        encoding="utf-8",
    )
    assert run("import", "--db", str(db), str(emoji)).exit_code == 0
    out = tmp_path / "spans.csv"
    assert run("export", "--db", str(db), "-o", str(out)).exit_code == 0
    result = run("export", "--db", str(db), charset="latin-1")
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == out.read_bytes()
    (row,) = csv.DictReader(io.StringIO(result.stdout_bytes.decode("utf-8"), newline=""))
    assert row["text"] == "😀 and\nno"
