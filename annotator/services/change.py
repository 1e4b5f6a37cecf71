"""What a command changed, and the shape every command has."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from annotator.domain.model import Span
from annotator.storage import Store


@dataclass(frozen=True)
class Change:
    """What a command changed; views refresh from this."""

    document_id: int | None = None
    added: tuple[Span, ...] = ()
    removed: tuple[int, ...] = ()
    updated: tuple[Span, ...] = ()
    links: bool = False
    documents: bool = False
    labels: bool = False
    entities: bool = False


class Command(Protocol):
    """A user action that applies and reverts itself inside one transaction."""

    @property
    def description(self) -> str: ...

    def apply(self, store: Store) -> Change: ...

    def revert(self, store: Store) -> Change: ...
