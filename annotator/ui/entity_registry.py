"""The entity registry in the window: the Entities tab and its actions.

Rename and retype (F2 in the table), merge two entities, attach the chosen mention to
an entity (from the tab, or with ``A`` and a picker that can also name a new entity),
and step through an entity's mentions across documents (``M`` / Shift+M, Enter).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from annotator.domain.errors import AnnotatorError
from annotator.domain.model import Entity, Span
from annotator.services.attribution import (
    AttachEntity,
    MergeEntities,
    UpdateEntity,
    entity_type_for,
)
from annotator.ui.entity_panel import EntityPanel
from annotator.ui.pickers import Choice

if TYPE_CHECKING:
    from annotator.ui.attribution_controller import AttributionController

__all__ = ["EntityRegistry"]


class EntityRegistry:
    """The Entities tab's panel, kept current lazily (only while it is on show)."""

    def __init__(self, controller: AttributionController) -> None:
        self.ctl = controller
        w = controller.window
        self.panel = EntityPanel(w)
        self._dirty = True
        a = controller.action
        self.show_action = a("view.entities", "&Entity registry", self.toggle)
        self.next_action = a(
            "links.nextMention", "Next &mention of this entity", lambda: self.step_mention(1)
        )
        self.previous_action = a(
            "links.previousMention", "Pre&vious mention", lambda: self.step_mention(-1)
        )
        p = self.panel
        p.renameRequested.connect(lambda i, name: w.run(UpdateEntity(i, {"name": name})))
        p.typeRequested.connect(lambda i, kind: w.run(UpdateEntity(i, {"type": kind})))
        p.mergeRequested.connect(self.merge)
        p.attachRequested.connect(lambda i: self.attach_to(i))
        p.mentionRequested.connect(self.step_mention)

    def mention_actions(self) -> list[QAction]:
        return [self.next_action, self.previous_action]

    def shown(self) -> bool:
        return self.ctl.tabs.currentWidget() is self.panel

    def mark_dirty(self, *, soon: bool = False) -> None:
        """The registry changed: read it again now, or at the next turn (``soon``)."""
        self._dirty = True
        if soon:
            QTimer.singleShot(0, self.refresh)
        else:
            self.refresh()

    def refresh(self) -> None:
        if self._dirty and self.shown() and not self.ctl.closed():
            self._dirty = False
            self.panel.set_entities(self.ctl.window.store.entities())

    def toggle(self) -> None:
        """F7: to the registry's filter; again (from the registry) back to the text."""
        w = self.ctl.window
        focus = w.focusWidget()
        if self.shown() and focus is not None and self.panel.isAncestorOf(focus):
            self.ctl.tabs.setCurrentIndex(0)
            w.view.setFocus()
            return
        self.ctl.tabs.setCurrentWidget(self.panel)
        self.refresh()
        self.panel.focus_filter()

    # -- merge -----------------------------------------------------------------------

    def ask_merge(self, first: Entity, second: Entity) -> tuple[Entity, Entity] | None:
        """(kept, merged) as the user chooses, or None. Tests replace this."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Merge entities",
            f"Merge “{first.name}” ({first.mentions} mentions) and “{second.name}” "
            f"({second.mentions} mentions)? The mentions, name and aliases of the one "
            "merged move to the one kept.",
            QMessageBox.StandardButton.Cancel,
            self.ctl.window,
        )
        keep_first = box.addButton(f"Keep “{first.name}”", QMessageBox.ButtonRole.AcceptRole)
        keep_second = box.addButton(f"Keep “{second.name}”", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(keep_first if first.mentions >= second.mentions else keep_second)
        box.exec()
        if box.clickedButton() is keep_first:
            return first, second
        if box.clickedButton() is keep_second:
            return second, first
        return None

    def merge(self, first_id: int, second_id: int) -> None:
        w = self.ctl.window
        try:
            first, second = w.store.get_entity(first_id), w.store.get_entity(second_id)
        except AnnotatorError as exc:
            w.report_error("The entities cannot be merged", exc)
            return
        chosen = self.ask_merge(first, second)
        if chosen is None:
            return
        kept, merged = chosen
        assert kept.id is not None and merged.id is not None
        if w.run(MergeEntities(kept.id, merged.id)):
            self.mark_dirty()
            self.panel.select(kept.id)
            self.ctl.message(f"“{merged.name}” merged into “{kept.name}”.")

    # -- attach ----------------------------------------------------------------------

    def _mention_target(self) -> Span | None:
        ctl = self.ctl
        span = ctl.current_span()
        if span is None:
            ctl.message("Choose a mention first (a speaker or entity tag), then A.")
            return None
        label = ctl.label_of(span)
        if label is None or not label.registry:
            ctl.message(f"A {span.label} tag is not a mention; only registry labels attach.")
            return None
        return span

    def attach(self) -> None:
        """A: attach the chosen mention to a registry entity (or a new one) by picker."""
        span = self._mention_target()
        if span is None:
            return
        choices = [
            Choice("entity", e.id, e.name, f"{e.type} · {e.mentions} mentions", " ".join(e.aliases))
            for e in self.ctl.window.store.entities()
        ]
        self.ctl.open_picker(
            "Attach to entity",
            f"Which entity does “{' '.join(span.text.split())}” name?",
            choices,
            lambda choice: self._attach_choice(span, choice),
            new_text="New entity",
        )

    def _attach_choice(self, span: Span, choice: Choice) -> None:
        assert span.id is not None
        if choice.kind == "new":
            command = AttachEntity((span.id,), name=choice.text, type=entity_type_for(span))
            self.ctl.window.run(command)
        elif choice.id is not None:
            self.attach_to(choice.id, span)

    def attach_to(self, entity_id: int, span: Span | None = None) -> None:
        ctl = self.ctl
        span = span or self._mention_target()
        if span is None or span.id is None:
            return
        if span.entity_id == entity_id:
            ctl.message("That mention is attached to this entity already.")
            return
        name = ctl.entity_name(entity_id)
        if ctl.window.run(AttachEntity((span.id,), entity_id=entity_id, name=name or None)):
            ctl.message(f"“{span.text}” now stands for {name or 'the entity'}.")

    # -- mentions --------------------------------------------------------------------

    def step_mention(self, step: int, entity_id: int | None = None) -> None:
        """M / Shift+M: show the next (previous) mention of an entity, in any document."""
        ctl = self.ctl
        span = ctl.current_span()
        if entity_id is None:
            entity_id = span.entity_id if span is not None else None
            if entity_id is None and self.shown():
                entity_id = self.panel.current_id()
        if entity_id is None:
            ctl.message("Choose a mention attached to an entity, or an entity in the registry.")
            return
        ids = [m[0] for m in ctl.window.store.mentions(entity_id)]
        name = ctl.entity_name(entity_id)
        if not ids:
            ctl.message(f"{name or 'This entity'} has no mentions.")
            return
        current = span.id if span is not None else None
        if current in ids:
            index = (ids.index(current) + step) % len(ids)
        else:
            index = 0 if step > 0 else len(ids) - 1
        ctl.go_to_span(ids[index])
        ctl.message(f"{name}: mention {index + 1} of {len(ids)}")
