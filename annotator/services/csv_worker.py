"""The second half of a large CSV export, written by a second process.

``python -m annotator.services.csv_worker`` reads ``{"project", "ids", "table",
"neutralise", "part"}`` as JSON on stdin, writes the table's lines for those
documents (no header) to ``part`` in UTF-8, and prints the number of lines. On any
error it prints the message to stderr and exits with status 1. Python formats rows on
one core; a second process doing half the documents makes a large export about twice
as fast on a machine with two cores or more (see :func:`exporting._csv`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from annotator.domain.errors import AnnotatorError
from annotator.formats.csv_table import CellEncoder
from annotator.services.tables import TABLES
from annotator.storage import Store


def write_part(request: dict[str, object]) -> int:
    store = Store.open_again(str(request["project"]))
    try:
        builder = TABLES[str(request["table"])]
        encode = CellEncoder(neutralise_formulas=bool(request["neutralise"]))
        ids = [int(i) for i in request["ids"]]  # type: ignore[attr-defined]
        _, lines = builder(store, ids, encode=encode)
        count = 0
        with open(str(request["part"]), "wb") as out:
            batch: list[str] = []
            for line in lines:
                batch.append(line)
                if len(batch) == 4096:
                    out.write(("\r\n".join(batch) + "\r\n").encode("utf-8"))
                    count += len(batch)
                    batch.clear()
            if batch:
                out.write(("\r\n".join(batch) + "\r\n").encode("utf-8"))
                count += len(batch)
        return count
    finally:
        store.db.close()  # read only: no PRAGMA optimize


def main() -> int:
    try:
        print(write_part(json.load(sys.stdin)))
    except (AnnotatorError, OSError, ValueError, KeyError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())


# -- the parent's side -----------------------------------------------------------------

#: Below this many spans an export is quick in one process (a second one costs ~0.3 s
#: to start).
PARALLEL_FROM = 200_000
#: This process's share of the spans: the worker starts later (a new interpreter) and
#: its lines are copied after ours, so it gets a little less. Measured on two cores.
MY_SHARE = 0.55


def split(store: Store, ids: list[int], table: str) -> tuple[list[int], list[int]] | None:
    """The documents this process writes and those a worker writes, or ``None`` when
    the export is small, has one document, or the machine has one core."""
    if table == "entities" or len(ids) < 2 or (os.cpu_count() or 1) < 2:
        return None
    counts = {d.id: d.span_count for d in store.list_documents()}
    weights = [counts.get(i, 0) + 1 for i in ids]
    total = sum(weights)
    if total < PARALLEL_FROM:
        return None
    running = 0
    cut = len(ids) - 1
    for k, weight in enumerate(weights):
        running += weight
        if running >= total * MY_SHARE:
            cut = k + 1
            break
    cut = min(max(cut, 1), len(ids) - 1)
    return ids[:cut], ids[cut:]


class Worker:
    """A second process writing the lines of ``ids`` to a temporary file."""

    def __init__(self, project: Path, ids: list[int], table: str, neutralise: bool) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="annotator-export-")
        self.part = Path(self._dir.name) / "part.csv"
        root = str(Path(__file__).resolve().parents[2])
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p),
        }
        self._process = subprocess.Popen(
            [sys.executable, "-m", "annotator.services.csv_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        request = {
            "project": str(project),
            "ids": ids,
            "table": table,
            "neutralise": neutralise,
            "part": str(self.part),
        }
        assert self._process.stdin is not None
        self._process.stdin.write(json.dumps(request).encode())
        self._process.stdin.close()
        self._process.stdin = None  # communicate() would flush it

    def append_to(self, out: TextIO) -> int:
        """Wait for the worker, add its lines to ``out``; return how many."""
        stdout, stderr = self._process.communicate()
        if self._process.returncode != 0:
            message = stderr.decode("utf-8", "replace").strip().splitlines()
            raise AnnotatorError(message[-1] if message else "the export's second process failed")
        buffer = getattr(out, "buffer", None)
        encoding = str(getattr(out, "encoding", "")).lower().replace("-", "").replace("_", "")
        with self.part.open("rb") as part:
            if buffer is not None and encoding == "utf8":
                out.flush()
                shutil.copyfileobj(part, buffer, 1 << 20)
            else:
                out.write(part.read().decode("utf-8"))
        return int(stdout.decode().strip() or 0)

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._dir.cleanup()
