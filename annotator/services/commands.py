"""User actions as commands: each applies and reverts itself in one transaction.

A command returns a :class:`Change` naming what it touched, so a view refreshes only
that. Redo re-inserts deleted rows with their old ids, so links and exports agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from annotator.domain.errors import AnnotatorError
from annotator.domain.model import STATUSES, Link, Span
from annotator.services.attribution import AttachEntity, entity_type_for
from annotator.services.change import Change, Command
from annotator.services.project import current_annotator
from annotator.storage import Store


@dataclass
class AddSpan:
    """Tag ``[start, end)`` of a document with a label."""

    document_id: int
    label: str
    start: int
    end: int
    text: str
    annotator: str = field(default_factory=current_annotator)
    origin: str = "manual"
    attributes: dict[str, Any] = field(default_factory=dict)
    span: Span | None = None
    attach: AttachEntity | None = None

    @property
    def description(self) -> str:
        return f"tag {_short(self.text)!r} as {self.label}"

    def apply(self, store: Store) -> Change:
        template = self.span or Span(
            id=None,
            document_id=self.document_id,
            label=self.label,
            start=self.start,
            end=self.end,
            text=self.text,
            attributes=dict(self.attributes),
            origin=self.origin,
            annotator=self.annotator,
        )
        with store.transaction():
            self.span = store.insert_span(template)
            assert self.span.id is not None
            if store.label_is_registry(self.label):
                # Mentions of speakers and entities join the registry at once.
                self.attach = self.attach or AttachEntity(
                    (self.span.id,), name=self.span.text, type=entity_type_for(self.span)
                )
                # The attachment reads the span back (with its entity) already.
                (added,) = self.attach.apply(store).updated
            else:
                added = self.span
        return Change(
            document_id=self.document_id, added=(added,), entities=self.attach is not None
        )

    def revert(self, store: Store) -> Change:
        assert self.span is not None and self.span.id is not None
        with store.transaction():
            if self.attach is not None:
                self.attach.revert(store)
            store.delete_span(self.span.id)
        return Change(
            document_id=self.document_id,
            removed=(self.span.id,),
            entities=self.attach is not None,
        )


@dataclass
class DeleteSpans:
    """Remove spans (and their links); revert puts them back with the same ids."""

    span_ids: tuple[int, ...]
    saved: list[Span] = field(default_factory=list)
    saved_links: list[Link] = field(default_factory=list)

    @property
    def description(self) -> str:
        n = len(self.span_ids)
        return "delete span" if n == 1 else f"delete {n} spans"

    def apply(self, store: Store) -> Change:
        with store.transaction():
            self.saved = [store.get_span(i) for i in self.span_ids]
            links: dict[int, Link] = {}
            for span_id in self.span_ids:
                for link in store.links_of_span(span_id):
                    assert link.id is not None
                    links[link.id] = link
            self.saved_links = list(links.values())
            for span_id in self.span_ids:
                store.delete_span(span_id)
        doc = self.saved[0].document_id if self.saved else None
        return Change(document_id=doc, removed=self.span_ids, links=bool(self.saved_links))

    def revert(self, store: Store) -> Change:
        with store.transaction():
            restored = tuple(store.insert_span(span) for span in self.saved)
            for link in self.saved_links:
                store.insert_link(link)
        doc = self.saved[0].document_id if self.saved else None
        return Change(document_id=doc, added=restored, links=bool(self.saved_links))


@dataclass
class UpdateSpan:
    """Change a span's label, attributes or note."""

    span_id: int
    changes: dict[str, Any]
    before: dict[str, Any] = field(default_factory=dict)

    @property
    def description(self) -> str:
        if "label" in self.changes:
            return f"relabel as {self.changes['label']}"
        return "edit " + ", ".join(sorted(self.changes))

    def apply(self, store: Store) -> Change:
        with store.transaction():
            old = store.get_span(self.span_id)
            self.before = {k: getattr(old, k) for k in self.changes}
            self.before["updated_at"] = old.updated_at
            span = store.update_span(self.span_id, **self.changes)
        return Change(document_id=span.document_id, updated=(span,))

    def revert(self, store: Store) -> Change:
        with store.transaction():
            span = store.update_span(self.span_id, **self.before)
        return Change(document_id=span.document_id, updated=(span,))


@dataclass
class AddLink:
    source_id: int
    target_id: int
    type: str
    link: Link | None = None

    @property
    def description(self) -> str:
        return f"link {self.type}"

    def apply(self, store: Store) -> Change:
        with store.transaction():
            self.link = store.insert_link(
                self.link or Link(None, self.source_id, self.target_id, self.type)
            )
            doc = store.get_span(self.source_id).document_id
        return Change(document_id=doc, links=True)

    def revert(self, store: Store) -> Change:
        assert self.link is not None and self.link.id is not None
        with store.transaction():
            store.delete_link(self.link.id)
            doc = store.get_span(self.source_id).document_id
        return Change(document_id=doc, links=True)


@dataclass
class SetStatus:
    document_id: int
    status: str
    before: str = ""

    @property
    def description(self) -> str:
        return f"mark document {self.status.replace('_', ' ')}"

    def apply(self, store: Store) -> Change:
        if self.status not in STATUSES:
            raise AnnotatorError(f"unknown status {self.status!r}; use one of {STATUSES}")
        with store.transaction():
            self.before = store.get_document(self.document_id).status
            store.set_document_status(self.document_id, self.status)
        return Change(document_id=self.document_id, documents=True)

    def revert(self, store: Store) -> Change:
        with store.transaction():
            store.set_document_status(self.document_id, self.before)
        return Change(document_id=self.document_id, documents=True)


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class History:
    """An unlimited undo/redo history over a store, for code without Qt.

    (The window wraps the same commands in a ``QUndoStack``.)
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._done: list[Command] = []
        self._undone: list[Command] = []

    def do(self, command: Command) -> Change:
        change = command.apply(self.store)
        self._done.append(command)
        self._undone.clear()
        return change

    def undo(self) -> Change | None:
        if not self._done:
            return None
        command = self._done[-1]
        change = command.revert(self.store)  # a failed undo stays undoable
        self._undone.append(self._done.pop())
        return change

    def redo(self) -> Change | None:
        if not self._undone:
            return None
        command = self._undone[-1]
        change = command.apply(self.store)  # a failed redo stays redoable
        self._done.append(self._undone.pop())
        return change
