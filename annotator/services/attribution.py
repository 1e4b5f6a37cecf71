"""Commands for who-said-what: entity attachment, merging, links, notes.

Every command applies and reverts itself inside one transaction, like those in
:mod:`annotator.services.commands`, and returns a :class:`Change`.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any

from annotator.domain.attribution import normalise_name
from annotator.domain.errors import AnnotatorError
from annotator.domain.model import Entity, Link, Span
from annotator.services.change import Change
from annotator.storage import Store


def entity_type_for(span: Span) -> str:
    value = span.attributes.get("type")
    return str(value) if value else "other"


@dataclass
class AttachEntity:
    """Attach mentions to a canonical entity, by id or by name (created when new).

    The mention's text joins the entity's aliases when it differs from its name.
    """

    span_ids: tuple[int, ...]
    entity_id: int | None = None
    name: str | None = None
    type: str = "other"
    created: Entity | None = None
    before: dict[int, int | None] = field(default_factory=dict)
    aliases_before: tuple[str, ...] | None = None
    orphans: list[Entity] = field(default_factory=list)

    @property
    def description(self) -> str:
        return f"attach to {self.name or 'entity'}"

    def apply(self, store: Store) -> Change:
        with store.transaction():
            spans = [store.get_span(i) for i in self.span_ids]
            self.before = {s.id: s.entity_id for s in spans if s.id is not None}
            entity = self._target(store)
            assert entity.id is not None
            self.entity_id = entity.id
            self.aliases_before = entity.aliases
            aliases = list(entity.aliases)
            known = {normalise_name(entity.name), *(normalise_name(a) for a in aliases)}
            for span in spans:
                if normalise_name(span.text) not in known:
                    aliases.append(span.text)
                    known.add(normalise_name(span.text))
            if tuple(aliases) != entity.aliases:
                store.update_entity(entity.id, aliases=aliases)
            store.set_span_entity(self.span_ids, entity.id)
            # An entity left with no mentions (say, one made for "Mr. Mansour" before the
            # mention was attached to "Karim Mansour") goes, and comes back on undo.
            self.orphans = []
            for old_id in {e for e in self.before.values() if e is not None} - {entity.id}:
                if not store.mentions(old_id):
                    self.orphans.append(store.get_entity(old_id))
                    store.delete_entity(old_id)
            updated = tuple(store.get_span(i) for i in self.span_ids)
        return Change(document_id=_doc(updated), updated=updated, entities=True)

    def _target(self, store: Store) -> Entity:
        if self.created is not None:  # redo: the same entity, the same id
            assert self.created.id is not None
            with contextlib.suppress(AnnotatorError):
                # Still there: a mention tagged in another window kept it on undo.
                return store.get_entity(self.created.id)
            # Another window may have made one of the same name meanwhile: join it.
            return store.find_entity(self.created.name) or store.insert_entity(self.created)
        if self.entity_id is not None:
            return store.get_entity(self.entity_id)
        if not self.name or not self.name.strip():
            raise AnnotatorError("an entity needs a name")
        found = store.find_entity(self.name)
        if found is not None:
            return found
        self.created = store.insert_entity(Entity(None, self.name.strip(), self.type))
        return self.created

    def revert(self, store: Store) -> Change:
        with store.transaction():
            for orphan in self.orphans:
                store.insert_entity(orphan)
            for span_id, entity_id in self.before.items():
                store.set_span_entity((span_id,), entity_id)
            made = self.created.id if self.created is not None else None
            if made is not None and self.entity_id == made:
                # Made by this command, it goes with it, unless a mention tagged since in
                # another window (same project file) uses it: that mention keeps it.
                if not store.mentions(made):
                    store.delete_entity(made)
            elif self.entity_id is not None and self.aliases_before is not None:
                store.update_entity(self.entity_id, aliases=self.aliases_before)
            updated = tuple(store.get_span(i) for i in self.span_ids)
        return Change(document_id=_doc(updated), updated=updated, entities=True)


@dataclass
class MergeEntities:
    """Fold entity ``merged_id`` into ``kept_id``: its mentions, name and aliases move."""

    kept_id: int
    merged_id: int
    saved: Entity | None = None
    kept_before: Entity | None = None
    moved: list[int] = field(default_factory=list)

    @property
    def description(self) -> str:
        return "merge entities"

    def apply(self, store: Store) -> Change:
        if self.kept_id == self.merged_id:
            raise AnnotatorError("cannot merge an entity with itself")
        with store.transaction():
            kept = store.get_entity(self.kept_id)
            merged = store.get_entity(self.merged_id)
            self.saved, self.kept_before = merged, kept
            self.moved = [m[0] for m in store.mentions(self.merged_id)]
            aliases = list(kept.aliases)
            keys = {normalise_name(kept.name), *(normalise_name(a) for a in aliases)}
            for name in (merged.name, *merged.aliases):
                if normalise_name(name) not in keys:
                    aliases.append(name)
                    keys.add(normalise_name(name))
            store.set_span_entity(self.moved, self.kept_id)
            store.delete_entity(self.merged_id)
            store.update_entity(self.kept_id, aliases=aliases)
        return Change(entities=True)

    def revert(self, store: Store) -> Change:
        assert self.saved is not None and self.kept_before is not None
        with store.transaction():
            store.insert_entity(self.saved)
            store.set_span_entity(self.moved, self.merged_id)
            store.update_entity(self.kept_id, aliases=self.kept_before.aliases)
        return Change(entities=True)


@dataclass
class UpdateEntity:
    """Rename an entity, change its type, aliases or note."""

    entity_id: int
    changes: dict[str, Any]
    before: dict[str, Any] = field(default_factory=dict)

    @property
    def description(self) -> str:
        return "rename entity" if "name" in self.changes else "edit entity"

    def apply(self, store: Store) -> Change:
        with store.transaction():
            old = store.get_entity(self.entity_id)
            if "name" in self.changes:
                other = store.find_entity(self.changes["name"])
                if other is not None and other.id != self.entity_id:
                    raise AnnotatorError(
                        f"an entity named {other.name!r} already exists; merge them instead"
                    )
            self.before = {k: getattr(old, k) for k in self.changes}
            store.update_entity(self.entity_id, **self.changes)
        return Change(entities=True)

    def revert(self, store: Store) -> Change:
        with store.transaction():
            store.update_entity(self.entity_id, **self.before)
        return Change(entities=True)


@dataclass
class RemoveLink:
    link_id: int
    saved: Link | None = None

    @property
    def description(self) -> str:
        return "remove link"

    def apply(self, store: Store) -> Change:
        with store.transaction():
            self.saved = store.get_link(self.link_id)
            store.delete_link(self.link_id)
            doc = store.get_span(self.saved.source_id).document_id
        return Change(document_id=doc, links=True)

    def revert(self, store: Store) -> Change:
        assert self.saved is not None
        with store.transaction():
            store.insert_link(self.saved)
            doc = store.get_span(self.saved.source_id).document_id
        return Change(document_id=doc, links=True)


@dataclass
class SetDocumentNote:
    document_id: int
    note: str
    before: str = ""

    @property
    def description(self) -> str:
        return "edit document note"

    def apply(self, store: Store) -> Change:
        with store.transaction():
            self.before = store.get_document(self.document_id).note
            store.set_document_note(self.document_id, self.note)
        return Change(document_id=self.document_id, documents=True)

    def revert(self, store: Store) -> Change:
        with store.transaction():
            store.set_document_note(self.document_id, self.before)
        return Change(document_id=self.document_id, documents=True)


def _doc(spans: tuple[Span, ...]) -> int | None:
    return spans[0].document_id if spans else None
