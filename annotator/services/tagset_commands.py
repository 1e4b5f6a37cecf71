"""Editing the project's tag set as undoable commands."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from annotator.domain.errors import AnnotatorError
from annotator.domain.model import Label, Link, Span
from annotator.domain.tagset import color_for, dump_tagset, parse_tagset
from annotator.services.change import Change
from annotator.storage import Store


@dataclass
class AddLabel:
    label: Label
    added: Label | None = None

    @property
    def description(self) -> str:
        return f"add label {self.label.name}"

    def apply(self, store: Store) -> Change:
        _check_free(store, self.label.name, self.label.shortcut)
        with store.transaction():
            self.added = store.add_label(self.added or self.label)
        return Change(labels=True)

    def revert(self, store: Store) -> Change:
        assert self.added is not None
        with store.transaction():
            store.delete_label(self.added.name)
        return Change(labels=True)


@dataclass
class UpdateLabel:
    """Rename, recolour, change the shortcut or the attributes of a label."""

    name: str
    changes: dict[str, Any]
    before: dict[str, Any] = field(default_factory=dict)

    @property
    def description(self) -> str:
        if "name" in self.changes:
            return f"rename label {self.name} to {self.changes['name']}"
        return f"edit label {self.name}"

    def apply(self, store: Store) -> Change:
        new_name = self.changes.get("name", self.name)
        if new_name != self.name or "shortcut" in self.changes:
            _check_free(
                store,
                new_name if new_name != self.name else None,
                self.changes.get("shortcut"),
                ignore=self.name,
            )
        with store.transaction():
            old = store.get_label(self.name)
            self.before = {k: getattr(old, k) for k in self.changes}
            store.update_label(self.name, **self.changes)
        return Change(labels=True)

    def revert(self, store: Store) -> Change:
        with store.transaction():
            store.update_label(self.changes.get("name", self.name), **self.before)
        return Change(labels=True)


@dataclass
class DeleteLabel:
    """Delete a label and every span that has it; undo brings all of them back."""

    name: str
    saved_label: Label | None = None
    saved_spans: list[Span] = field(default_factory=list)
    saved_links: list[Link] = field(default_factory=list)

    @property
    def description(self) -> str:
        return f"delete label {self.name}"

    def apply(self, store: Store) -> Change:
        with store.transaction():
            self.saved_label = store.get_label(self.name)
            self.saved_spans = store.spans_of_label(self.name)
            links: dict[int, Link] = {}
            for span in self.saved_spans:
                assert span.id is not None
                for link in store.links_of_span(span.id):
                    assert link.id is not None
                    links[link.id] = link
                store.delete_span(span.id)
            self.saved_links = list(links.values())
            store.delete_label(self.name)
        return Change(labels=True, documents=True, links=bool(self.saved_links))

    def revert(self, store: Store) -> Change:
        assert self.saved_label is not None
        with store.transaction():
            store.add_label(self.saved_label)
            for span in self.saved_spans:
                store.insert_span(span)
            for link in self.saved_links:
                store.insert_link(link)
        return Change(labels=True, documents=True, links=bool(self.saved_links))


@dataclass
class ImportTagset:
    """Add the labels of a TOML tag set that the project does not have yet."""

    source: str
    name: str = "<tag set>"
    added: list[str] = field(default_factory=list)

    @property
    def description(self) -> str:
        return "import tag set"

    def apply(self, store: Store) -> Change:
        tagset = parse_tagset(self.source, name=self.name)
        with store.transaction():
            existing = store.tagset()
            names = set(existing.names())
            shortcuts = {label.shortcut for label in existing.labels if label.shortcut}
            self.added = []
            for label in tagset.labels:
                if label.name in names:
                    continue
                if label.shortcut in shortcuts:
                    label = _without_shortcut(label)
                store.add_label(label)
                self.added.append(label.name)
                shortcuts.add(label.shortcut)
        return Change(labels=True)

    def revert(self, store: Store) -> Change:
        with store.transaction():
            for name in reversed(self.added):
                store.delete_label(name)
        return Change(labels=True)


def export_tagset(store: Store) -> str:
    """The project's tag set as TOML (readable by :class:`ImportTagset`)."""
    return dump_tagset(store.tagset())


def new_label(store: Store, name: str) -> Label:
    """A label with the next free palette colour and no shortcut."""
    return Label(name=name, color=color_for(len(store.tagset().labels)))


def _without_shortcut(label: Label) -> Label:
    return Label(
        name=label.name,
        color=label.color,
        shortcut="",
        attributes=label.attributes,
        links=label.links,
        registry=label.registry,
    )


def _check_free(
    store: Store, name: str | None, shortcut: str | None, *, ignore: str | None = None
) -> None:
    for label in store.tagset().labels:
        if label.name == ignore:
            continue
        if name is not None and label.name == name:
            raise AnnotatorError(f"there is already a label named {name!r}")
        if shortcut and label.shortcut == shortcut:
            raise AnnotatorError(f"the key {shortcut!r} is already the shortcut of {label.name!r}")
    if name is not None and not name.strip():
        raise AnnotatorError("a label needs a name")
