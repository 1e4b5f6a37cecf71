"""A large CSV export written by two processes that meet in the middle.

Python formats rows on one core; on a machine with two cores or more a second process
makes a large export about twice as fast. Both walk the same list of documents, this
process from the front and the worker from the back, and each *claims* a document
before writing it (creating a file with ``O_EXCL`` in a shared folder: exactly one of
them gets it). Where they meet depends only on how fast each goes, so neither waits
long for the other. This process writes its documents straight into the output; the
worker writes its own into a part file and reports where each one lies, and this
process then copies them in after its own, in document order: the same bytes as one
process would write.

``python -m annotator.services.csv_worker`` reads ``{"project", "ids", "table",
"neutralise", "claims", "part"}`` as JSON on stdin and prints ``[[doc, offset, length,
lines], ...]`` as JSON; on an error it prints the message to stderr and exits 1.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from annotator.domain.errors import AnnotatorError
from annotator.formats.csv_table import CellEncoder, write_encoded
from annotator.services.tables import TABLES
from annotator.storage import Store

#: Below this many spans an export is quick in one process (a second one costs ~0.3 s
#: to start).
PARALLEL_FROM = 200_000


def claim(folder: Path, doc_id: int) -> bool:
    """Take ``doc_id`` for this process; False if the other one has it."""
    try:
        os.close(os.open(folder / str(doc_id), os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True


def claimed(folder: Path, ids: list[int]) -> Iterator[int]:
    """``ids`` in order, each claimed first; stops at the first the other process has."""
    for doc_id in ids:
        if not claim(folder, doc_id):
            return
        yield doc_id


# -- the worker's side -----------------------------------------------------------------


def write_part(request: dict[str, object]) -> list[list[int]]:
    store = Store.open_again(str(request["project"]))
    try:
        builder = TABLES[str(request["table"])]
        encode = CellEncoder(neutralise_formulas=bool(request["neutralise"]))
        ids = [int(i) for i in request["ids"]]  # type: ignore[attr-defined]
        claims = Path(str(request["claims"]))
        written: list[list[int]] = []
        with open(str(request["part"]), "wb") as raw:
            out = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            for doc_id in claimed(claims, ids[::-1]):
                _, lines = builder(store, [doc_id], encode=encode)
                offset = raw.tell()
                count = write_encoded(out, None, lines)
                out.flush()
                written.append([doc_id, offset, raw.tell() - offset, count])
            out.detach()
        return written
    finally:
        store.db.close()  # read only: no PRAGMA optimize


def main() -> int:
    try:
        print(json.dumps(write_part(json.load(sys.stdin))))
    except (AnnotatorError, OSError, ValueError, KeyError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0


# -- the parent's side -----------------------------------------------------------------


def wanted(span_counts: dict[int, int], ids: list[int], table: str) -> bool:
    """Whether a second process is worth it: a per-document table, two documents or
    more, enough spans (``span_counts``: document id -> its spans), and a second core."""
    if table == "entities" or len(ids) < 2 or (os.cpu_count() or 1) < 2:
        return False
    return sum(span_counts.get(i, 0) + 1 for i in ids) >= PARALLEL_FROM


class Worker:
    """The second process, walking ``ids`` from the back."""

    def __init__(self, project: Path, ids: list[int], table: str, neutralise: bool) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="annotator-export-")
        self.claims = Path(self._dir.name) / "claims"
        self.claims.mkdir()
        self.part = Path(self._dir.name) / "part.csv"
        root = str(Path(__file__).resolve().parents[2])
        path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)
        self._process = subprocess.Popen(
            [sys.executable, "-m", "annotator.services.csv_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": path},
        )
        request = {
            "project": str(project),
            "ids": ids,
            "table": table,
            "neutralise": neutralise,
            "claims": str(self.claims),
            "part": str(self.part),
        }
        assert self._process.stdin is not None
        self._process.stdin.write(json.dumps(request).encode())
        self._process.stdin.close()
        self._process.stdin = None  # communicate() would flush it

    def mine(self, ids: list[int]) -> Iterator[int]:
        """The documents this process writes: from the front, until the worker's."""
        return claimed(self.claims, ids)

    def append_to(self, out: TextIO) -> int:
        """Wait for the worker, add its documents to ``out`` in order; return its lines."""
        stdout, stderr = self._process.communicate()
        if self._process.returncode != 0:
            message = stderr.decode("utf-8", "replace").strip().splitlines()
            raise AnnotatorError(message[-1] if message else "the export's second process failed")
        written = json.loads(stdout)
        buffer = getattr(out, "buffer", None)
        encoding = str(getattr(out, "encoding", "")).lower().replace("-", "").replace("_", "")
        as_bytes = buffer is not None and encoding == "utf8"  # the part file's bytes as they are
        if as_bytes:
            out.flush()
        with self.part.open("rb") as part:
            for _, offset, length, _ in reversed(written):  # back to document order
                part.seek(offset)
                data = part.read(length)
                if as_bytes:
                    buffer.write(data)  # type: ignore[union-attr]
                else:
                    out.write(data.decode("utf-8"))
        return sum(entry[3] for entry in written)

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._dir.cleanup()


if __name__ == "__main__":
    sys.exit(main())
