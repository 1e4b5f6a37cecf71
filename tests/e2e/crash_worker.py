"""A stand-in for the window's editing path, run in a subprocess by the crash and
concurrency tests, and the model those tests check a project file against.

Run as ``python crash_worker.py PROJECT SEED EDITS [--own]``: it opens PROJECT the way
the window does (``open_project``), puts commands on a ``History`` (the window's
``QUndoStack`` runs the very same commands), and makes EDITS seeded random edits --
tag (AddSpan, which attaches speaker/entity mentions to the registry), relabel
(UpdateSpan), link (AddLink), delete (DeleteSpans), undo, redo -- on the project's
documents.

For each edit it writes one JSON line to stdout *before* it starts (``intent``) and one
*after* ``apply()``/``revert()`` has returned, that is after COMMIT (``ack``); each line
is a single ``write()`` to the pipe, so a kill never leaves half a line. Replaying the
acknowledged lines into a :class:`Model` gives exactly what the file must hold.

With ``--own`` the worker edits only the spans it made itself (two of them can then share
a project, and the expected file is the union of their models); without it, it starts
from every span already in the file (a continuing project).
"""

from __future__ import annotations

import copy
import json
import os
import random
import sqlite3
import sys
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.domain.attribution import LINK_TYPES, normalise_name

# The documents every worker makes sure the project has, imported through the real path
# (bytes: decoding, CRLF normalisation, sentence splitting). Emoji, combining marks,
# right-to-left text and tabs, so offsets are code points and not bytes or UTF-16 units.
DOCUMENTS = [
    (
        "readout.txt",
        (
            "Readout of the call between Minister Ødegård and Ambassador Kim\r\n"
            "\r\n"
            "Minister Ødegård said: “We will send 500 tonnes of grain 🌾 by June.”\r\n"
            "Ambassador Kim welcomed it 👍🏽 and said Seoul would match it.\r\n"
            "The envoy added: שָׁלוֹם עֲלֵיכֶם — and مرحبا بكم — to all.\r\n"
            "Both sides\tagreed to meet again in São Paulo. Cafe\u0301 owners cheered.\r\n"
        ).encode("utf-8"),
    ),
    (
        "remarks.md",
        (
            "# Remarks by the President\n\n"
            "Thank you. The United Nations 🇺🇳 must act. We commit to 3.5 billion.\n"
            "Dr. Mansour demanded that Germany and France ratify the treaty by 2027.\n"
            "Mr. Kim said: “Korea will never accept it.” Ms. Li disagreed.\n"
        ).encode(),
    ),
]

# document, label, start, end, text, entity id
SpanRow = tuple[int, str, int, int, str, int | None]
# source, target, type
LinkRow = tuple[int, int, str]


@dataclass
class State:
    """What a project file holds, as far as the tests compare it."""

    spans: dict[int, SpanRow] = field(default_factory=dict)
    links: dict[int, LinkRow] = field(default_factory=dict)

    def merged(self, other: State) -> State:
        assert not set(self.spans) & set(other.spans), "two writers share a span id"
        assert not set(self.links) & set(other.links), "two writers share a link id"
        return State({**self.spans, **other.spans}, {**self.links, **other.links})


@dataclass
class Model:
    """The expected file: acknowledged edits replayed, with the History's undo/redo."""

    state: State = field(default_factory=State)
    done: list[dict[str, Any]] = field(default_factory=list)
    undone: list[dict[str, Any]] = field(default_factory=list)
    acked: int = 0

    def clone(self) -> Model:
        return copy.deepcopy(self)

    def ack(self, record: dict[str, Any]) -> None:
        """Apply one acknowledged edit (an ``ack`` line)."""
        kind = record["ack"]
        if kind == "undo":
            step = self.done.pop()
            self._revert(step)
            self.undone.append(step)
        elif kind == "redo":
            step = self.undone.pop()
            self._apply(step)
            self.done.append(step)
        else:
            step = dict(record)
            self._apply(step)
            self.done.append(step)
            self.undone.clear()
        self.acked += 1

    def _apply(self, step: dict[str, Any]) -> None:
        spans, links = self.state.spans, self.state.links
        kind = step["ack"]
        if kind == "add":
            spans[step["id"]] = (
                step["doc"],
                step["label"],
                step["start"],
                step["end"],
                step["text"],
                step["entity"],
            )
        elif kind == "relabel":
            doc, _, start, end, text, entity = spans[step["id"]]
            spans[step["id"]] = (doc, step["new"], start, end, text, entity)
        elif kind == "link":
            links[step["id"]] = (step["source"], step["target"], step["type"])
        elif kind == "delete":
            ids = set(step["ids"])
            step["saved_spans"] = {i: spans.pop(i) for i in step["ids"]}
            step["saved_links"] = {
                k: row for k, row in links.items() if row[0] in ids or row[1] in ids
            }
            for k in step["saved_links"]:
                del links[k]
        else:
            raise ValueError(f"unknown edit {kind!r}")

    def _revert(self, step: dict[str, Any]) -> None:
        spans, links = self.state.spans, self.state.links
        kind = step["ack"]
        if kind == "add":
            del spans[step["id"]]
        elif kind == "relabel":
            doc, _, start, end, text, entity = spans[step["id"]]
            spans[step["id"]] = (doc, step["old"], start, end, text, entity)
        elif kind == "link":
            del links[step["id"]]
        elif kind == "delete":
            spans.update(step["saved_spans"])
            links.update(step["saved_links"])


# -- reading a file as the tests compare it --------------------------------------------


@dataclass
class FileReport:
    state: State
    integrity: str
    foreign_key_problems: list[tuple[Any, ...]]
    registry_labels: set[str]
    entity_names: dict[int, set[str]]
    problems: list[str]


def read_project(path: Path | str) -> FileReport:
    """Read a project with plain sqlite3 (after a crash, as the next start would)."""
    with closing(sqlite3.connect(str(path), timeout=30)) as conn:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        fk = conn.execute("PRAGMA foreign_key_check").fetchall()
        texts = dict(conn.execute("SELECT id, text FROM documents"))
        spans: dict[int, SpanRow] = {}
        for id_, doc, label, start, end, text, entity in conn.execute(
            'SELECT s.id, s.document_id, l.name, s.start, s."end", s.text, s.entity_id '
            "FROM spans s JOIN labels l ON l.id = s.label_id"
        ):
            spans[id_] = (doc, label, start, end, text, entity)
        links = {
            r[0]: (r[1], r[2], r[3])
            for r in conn.execute("SELECT id, source_id, target_id, type FROM links")
        }
        registry = {r[0] for r in conn.execute("SELECT name FROM labels WHERE registry = 1")}
        names: dict[int, set[str]] = {}
        for id_, name, aliases in conn.execute("SELECT id, name, aliases FROM entities"):
            names[id_] = {normalise_name(name), *(normalise_name(a) for a in json.loads(aliases))}
    problems = []
    for id_, (doc, _, start, end, text, entity) in spans.items():
        if texts[doc][start:end] != text:
            problems.append(f"span {id_}: {text!r} is not the text at [{start}, {end})")
        if entity is not None and normalise_name(text) not in names.get(entity, set()):
            problems.append(f"span {id_}: {text!r} is not a name of its entity {entity}")
    return FileReport(State(spans, links), integrity, fk, registry, names, problems)


def expected_after(model: Model, intent: dict[str, Any], found: State) -> State | None:
    """The file the unacknowledged ``intent`` would leave, whole; None if ``found`` is not it.

    A new span's or link's id is not known until the commit: take it from ``found``,
    where there must be exactly one new row that matches the intent.
    """
    after = model.clone()
    kind = intent["intent"]
    if kind == "add":
        new = set(found.spans) - set(model.state.spans)
        if len(new) != 1:
            return None
        (id_,) = new
        doc, label, start, end, text, entity = found.spans[id_]
        if (doc, label, start, end) != (
            intent["doc"],
            intent["label"],
            intent["start"],
            intent["end"],
        ):
            return None
        if intent["registry"] and entity is None:
            return None  # a mention without its entity: half an edit
        record = {"ack": "add", "id": id_, "doc": doc, "label": label, "start": start}
        after.ack({**record, "end": end, "text": text, "entity": entity})
    elif kind == "link":
        new = set(found.links) - set(model.state.links)
        if len(new) != 1:
            return None
        (id_,) = new
        if found.links[id_] != (intent["source"], intent["target"], intent["type"]):
            return None
        record = {"ack": "link", "id": id_, "source": intent["source"]}
        after.ack({**record, "target": intent["target"], "type": intent["type"]})
    else:
        after.ack({"ack": kind, **{k: v for k, v in intent.items() if k != "intent"}})
    return after.state


# -- the worker ------------------------------------------------------------------------


def emit(record: dict[str, Any]) -> None:
    os.write(1, (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))


def pick_edit(rng: random.Random, model: Model, docs: dict[int, str], labels: list[str]) -> Any:
    from annotator.domain.segment import snap_to_words

    spans = model.state.spans
    choices = ["add"] * 8 + ["relabel"] * 3 + ["delete"] * 2
    if len(spans) >= 2:
        choices += ["link"] * 3
    if model.done:
        choices += ["undo"] * 3
    if model.undone:
        choices += ["redo"] * 2
    while True:
        kind = rng.choice(choices)
        if kind == "add":
            doc = rng.choice(sorted(docs))
            text = docs[doc]
            a = rng.randrange(len(text))
            start, end = snap_to_words(text, a, min(len(text), a + rng.randint(1, 40)))
            if start < end:
                return {
                    "intent": "add",
                    "doc": doc,
                    "label": rng.choice(labels),
                    "start": start,
                    "end": end,
                }
        elif kind in ("relabel", "delete") and spans:
            ids = sorted(spans)
            if kind == "relabel":
                id_ = rng.choice(ids)
                old = spans[id_][1]
                new = rng.choice([name for name in labels if name != old])
                return {"intent": "relabel", "id": id_, "old": old, "new": new}
            chosen = rng.sample(ids, rng.randint(1, min(3, len(ids))))
            return {"intent": "delete", "ids": chosen}
        elif kind == "link":
            source, target = rng.sample(sorted(spans), 2)
            type_ = rng.choice(LINK_TYPES)
            if (source, target, type_) not in model.state.links.values():
                return {"intent": "link", "source": source, "target": target, "type": type_}
        elif kind in ("undo", "redo"):
            return {"intent": kind}


def perform(history: Any, intent: dict[str, Any], docs: dict[int, str]) -> dict[str, Any]:
    """Carry out one edit through the services; return its ``ack`` record."""
    from annotator.services.commands import AddLink, AddSpan, DeleteSpans, UpdateSpan

    kind = intent["intent"]
    if kind == "add":
        start, end = intent["start"], intent["end"]
        text = docs[intent["doc"]][start:end]
        change = history.do(AddSpan(intent["doc"], intent["label"], start, end, text))
        (span,) = change.added
        return {
            "ack": "add",
            "id": span.id,
            "doc": span.document_id,
            "label": span.label,
            "start": start,
            "end": end,
            "text": span.text,
            "entity": span.entity_id,
        }
    if kind == "relabel":
        history.do(UpdateSpan(intent["id"], {"label": intent["new"]}))
        return {"ack": "relabel", "id": intent["id"], "old": intent["old"], "new": intent["new"]}
    if kind == "link":
        command = AddLink(intent["source"], intent["target"], intent["type"])
        history.do(command)
        assert command.link is not None
        return {
            "ack": "link",
            "id": command.link.id,
            "source": intent["source"],
            "target": intent["target"],
            "type": intent["type"],
        }
    if kind == "delete":
        history.do(DeleteSpans(tuple(intent["ids"])))
        return {"ack": "delete", "ids": intent["ids"]}
    if kind == "undo":
        history.undo()
        return {"ack": "undo"}
    history.redo()
    return {"ack": "redo"}


def main(argv: list[str]) -> int:
    from annotator.services.commands import History
    from annotator.services.project import open_project

    path, seed, edits = Path(argv[0]), int(argv[1]), int(argv[2])
    own = "--own" in argv[3:]
    go = Path(argv[argv.index("--wait-for") + 1]) if "--wait-for" in argv else None
    rng = random.Random(seed)
    emit({"started": os.getpid()})
    store = open_project(path)
    emit({"opened": True})
    if not own:
        from annotator.services.importing import import_texts

        report = import_texts(store, DOCUMENTS)  # each file all or nothing; known ones skipped
        assert report.ok, report.failed
        emit({"imported": len(report.imported)})
    docs = {d.id: store.get_document(d.id).text for d in store.list_documents()}
    tagset = store.tagset()
    labels = tagset.names()
    registry = {label.name for label in tagset.labels if label.registry}
    model = Model()
    if not own:
        model.state = read_project(path).state
    history = History(store)
    while go is not None and not go.exists():  # a start line for concurrent workers
        time.sleep(0.005)
    slowest = 0.0
    for _ in range(edits):
        intent = pick_edit(rng, model, docs, labels)
        if intent["intent"] == "add":
            intent["registry"] = intent["label"] in registry
        emit(intent)
        began = time.perf_counter()
        ack = perform(history, intent, docs)
        slowest = max(slowest, time.perf_counter() - began)
        model.ack(ack)
        emit(ack)
    store.close()
    emit({"finished": model.acked, "slowest_ms": round(slowest * 1000, 1)})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
