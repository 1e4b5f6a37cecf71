"""A realistically annotated project, and a snapshot of its annotations to compare
projects by (ids differ between projects; everything a researcher sees must not)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from annotator.services.attribution import AttachEntity, SetDocumentNote
from annotator.services.commands import AddLink, AddSpan, History, SetStatus, UpdateSpan
from annotator.services.importing import import_texts
from annotator.services.project import open_project
from annotator.storage import Store

READOUT = (
    "Readout of the call\r\n"
    "Foreign Minister Li Wenhua said China is ready to work with Egypt 🇪🇬 on aid.\r\n"
    "Minister Karim Mansour said Egypt will open the Rafah crossing 😀 next week.\r\n"
    'Mr. Mansour added: "we will not wait".\r\n'
)
SPEECH = (
    "Remarks at the summit\n\n"
    "We will double our support, said the Premier. 👍🏽 Café\u0301 talks follow.\n"
)

SPAN_FIELDS = ("start", "end", "label", "text", "attributes", "note", "origin", "annotator",
               "created_at", "updated_at", "entity")  # fmt: skip


def build_project(path: Path) -> Store:
    """Two documents (one had CRLF line endings) with overlapping spans, attributes,
    notes, links, entities, a status and a document note."""
    store = open_project(path)
    report = import_texts(
        store, [("readout.txt", READOUT.encode()), ("speech.md", SPEECH.encode())]
    )
    assert report.ok, report.failed
    history = History(store)
    readout, speech = (doc_id for _, doc_id, _ in report.imported)

    def tag(doc_id: int, label: str, phrase: str, within: str = "", **attributes: Any) -> int:
        text = store.get_document(doc_id).text
        start = text.index(within or phrase) + (within or phrase).index(phrase)
        added = history.do(
            AddSpan(doc_id, label, start, start + len(phrase), phrase, attributes=attributes)
        )
        span_id = added.added[0].id
        assert span_id is not None
        return span_id

    li = tag(readout, "speaker", "Foreign Minister Li Wenhua")
    china = tag(readout, "entity", "China", within="China is", type="country")
    egypt = tag(readout, "entity", "Egypt", within="Egypt 🇪🇬", type="country")
    ready = tag(readout, "commitment", "China is ready to work with Egypt 🇪🇬 on aid",
                modality="readiness", polarity="positive")  # fmt: skip
    tag(readout, "entity", "Egypt 🇪🇬")  # overlaps "Egypt" and the commitment
    history.do(AddLink(ready, li, "said_by"))
    history.do(AddLink(ready, china, "binds"))
    history.do(AddLink(ready, egypt, "binds"))
    mansour = tag(readout, "speaker", "Karim Mansour")
    mr = tag(readout, "speaker", "Mr. Mansour")
    entity_id = store.get_span(mansour).entity_id
    history.do(AttachEntity((mr,), entity_id=entity_id))
    wait = tag(readout, "commitment", "we will not wait", modality="intention",
               polarity="negative")  # fmt: skip
    history.do(AddLink(wait, mr, "said_by"))
    history.do(UpdateSpan(wait, {"note": "said twice; check the video"}))
    crossing = tag(readout, "commitment", "Egypt will open the Rafah crossing 😀 next week",
                   modality="intention")  # fmt: skip
    history.do(AddLink(crossing, mansour, "said_by"))
    history.do(SetStatus(readout, "done"))
    history.do(SetDocumentNote(readout, "Checked against the ministry's site."))

    premier = tag(speech, "speaker", "the Premier")
    double = tag(speech, "commitment", "We will double our support", modality="obligation")
    history.do(AddLink(double, premier, "said_by"))
    tag(speech, "entity", "Café\u0301", type="place")
    return store


def snapshot(store: Store, fields: tuple[str, ...] = SPAN_FIELDS, *, links: bool = True,
             documents: bool = True) -> dict[str, Any]:  # fmt: skip
    """What a researcher sees, keyed by document text; spans by position."""
    out: dict[str, Any] = {}
    entities = {e.id: e for e in store.entities()}
    for summary in store.list_documents():
        doc = store.get_document(summary.id)
        spans = store.spans_for_document(summary.id)

        def view(span: Any) -> tuple[Any, ...]:
            values = []
            for name in fields:
                if name == "entity":
                    e = entities.get(span.entity_id)
                    values.append(None if e is None else (e.name, e.type, e.aliases))
                elif name == "entity_name":
                    e = entities.get(span.entity_id)
                    values.append(None if e is None else e.name)
                elif name == "attributes":
                    values.append(json.dumps(span.attributes, sort_keys=True))
                else:
                    values.append(getattr(span, name))
            return tuple(values)

        by_id = {s.id: (s.start, s.end, s.label) for s in spans}
        entry: dict[str, Any] = {"spans": sorted((view(s) for s in spans), key=repr)}
        if links:
            entry["links"] = sorted(
                (by_id[k.source_id], by_id[k.target_id], k.type)
                for k in store.links_for_document(summary.id)
            )
        if documents:
            entry["document"] = (doc.title, doc.status, doc.note)
        out[doc.text] = entry
    return out


def span_texts(store: Store) -> list[tuple[str, int, int, str, str]]:
    """(document text, start, end, label, span text) of every span."""
    rows = []
    for summary in store.list_documents():
        text = store.get_document(summary.id).text
        for s in store.spans_for_document(summary.id):
            rows.append((text, s.start, s.end, s.label, s.text))
    return sorted(rows)
