"""Quick entry of links: the proposed speaker (Enter), and pickers for the speaker (P),
whom a commitment binds (B) and the entity a speaker is (I).

A picker lists the document's mentions, one row per registry entity (linked through
its mention nearest the chosen tag) and one per mention not in the registry, then the
registry's other entities. Choosing one of those tags its name where the document
mentions it, nearest the chosen tag, and links that new mention, as one undo step.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from annotator.domain.attribution import propose_speaker
from annotator.domain.model import Entity, Label, Span
from annotator.services.attribution import AttachEntity
from annotator.services.commands import AddLink, AddSpan
from annotator.services.project import current_annotator
from annotator.ui.keymap import sequences
from annotator.ui.pickers import Choice

if TYPE_CHECKING:
    from annotator.ui.attribution_controller import AttributionController

__all__ = ["LinkPicking"]

LINK_WORDS = {"said_by": "said by", "binds": "binds", "is": "is"}
NEAR = 5000  # characters before a commitment searched first for its speaker


class LinkPicking:
    """The Links menu's first actions and what they do."""

    def __init__(self, controller: AttributionController) -> None:
        self.ctl = controller
        w = controller.window
        a = controller.action
        # Enter means "accept" only in the text and the sentence list: in a field of a
        # panel it confirms the field, in the document list it opens a document.
        self.accept_action = QAction("&Accept the proposed speaker", w)
        self.accept_action.setObjectName("links.acceptSpeaker")
        self.accept_action.setShortcuts(sequences("links.acceptSpeaker"))
        self.accept_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.accept_action.setEnabled(False)
        self.accept_action.triggered.connect(lambda _c=False: self.accept_proposal())
        w.view.addAction(self.accept_action)
        self.speaker_action = a(
            "links.pickSpeaker", "Choose the &speaker…", lambda: self.pick("said_by")
        )
        self.binds_action = a("links.binds", "Link whom it &binds…", lambda: self.pick("binds"))
        self.is_action = a("links.is", "Link the entity it &is…", lambda: self.pick("is"))
        self.attach_action = a(
            "links.attach", "A&ttach to an entity…", lambda: controller.registry.attach()
        )

    def actions(self) -> list[QAction]:
        return [
            self.accept_action,
            self.speaker_action,
            self.binds_action,
            self.is_action,
            self.attach_action,
        ]

    # -- labels that play a part -----------------------------------------------------

    def speaker_label(self) -> str | None:
        labels = self.ctl.window.tagset.labels
        names = [label.name for label in labels]
        if "speaker" in names:
            return "speaker"
        found = next((label.name for label in labels if "is" in label.links), None)
        return found or next((label.name for label in labels if label.registry), None)

    def mention_label(self) -> str | None:
        """The label a new mention of an entity gets (``entity`` in the default tag set)."""
        speaker = self.speaker_label()
        labels = self.ctl.window.tagset.labels
        return next((lb.name for lb in labels if lb.registry and lb.name != speaker), speaker)

    def _allowed(self, label: Label | None, link_type: str) -> bool:
        if label is None:
            return False
        declared = any(lb.links for lb in self.ctl.window.tagset.labels)
        return link_type in label.links or not declared

    # -- the proposal ----------------------------------------------------------------

    def propose_for(self, span: Span) -> None:
        """When ``span`` (just tagged, and chosen) is a commitment without a speaker,
        propose the nearest speaker before it."""
        ctl, w = self.ctl, self.ctl.window
        current = ctl.current_span()
        if span.id is None or current is None or current.id != span.id:
            return
        label = ctl.label_of(span)
        if not self._allowed(label, "said_by") or w.document is None:
            return
        links = ctl.links_of(span.id)
        if any(k.source_id == span.id and k.type == "said_by" for k in links):
            return
        speaker = self.speaker_label()
        if speaker is None or speaker == span.label:
            return
        index = w.view.spans()
        # The nearest speaker is almost always close by: look there before the whole text.
        before = [s for s in index.in_range(span.start - NEAR, span.start) if s.label == speaker]
        if not before:
            before = [s for s in index.in_range(0, span.start) if s.label == speaker]
        found = propose_speaker(w.document.text, before, span, speaker_label=speaker)
        if found is not None:
            ctl.set_proposal(span.id, found)

    def accept_proposal(self) -> None:
        ctl = self.ctl
        proposal = ctl.proposal()
        if proposal is None:
            ctl.message("No speaker is proposed (tag a commitment first).")
            return
        commitment, speaker = proposal
        target = ctl.span(speaker)
        ctl.clear_proposal()
        if ctl.window.run(AddLink(commitment, speaker, "said_by")) and target is not None:
            ctl.message(f"Said by {ctl.display_name(target)}.")

    # -- pickers ---------------------------------------------------------------------

    def pick(self, link_type: str) -> None:
        ctl = self.ctl
        span = ctl.current_span()
        if span is None:
            ctl.message("Choose a tag first (click it, or J / K).")
            return
        if not self._allowed(ctl.label_of(span), link_type):
            ctl.message(
                f"A {span.label} tag does not start “{LINK_WORDS.get(link_type, link_type)}” "
                "links (Labels ▸ Edit tag set… decides which links a label may start)."
            )
            return
        speaker = self.speaker_label()
        registry = {lb.name for lb in ctl.window.tagset.labels if lb.registry}
        if link_type == "said_by":
            labels: set[str] = {speaker} if speaker else set()
            title, prompt = "Speaker", "Who said it?"
        elif link_type == "is":
            labels = registry - {speaker}
            title, prompt = "Is", f"Which entity is “{_one_line(span.text)}”?"
        else:
            labels = registry
            title, prompt = "Binds", "Whom does it bind?"
        choices = self._choices(span, labels, with_registry=link_type != "said_by")
        if not choices:
            ctl.message("The document has nothing to link to yet: tag the mention first.")
            return
        ctl.open_picker(title, prompt, choices, lambda choice: self.link(span, link_type, choice))

    def _choices(self, span: Span, labels: set[str], *, with_registry: bool) -> list[Choice]:
        ctl = self.ctl
        colors = ctl.window.colors
        mentions = [s for s in ctl.window.view.spans() if s.label in labels and s.id != span.id]
        groups: dict[int, list[Span]] = {}
        rows: list[tuple[tuple[int, int], Choice]] = []
        for mention in mentions:
            if mention.entity_id is not None:
                groups.setdefault(mention.entity_id, []).append(mention)
            else:
                rows.append(
                    (
                        _distance(span, mention),
                        Choice(
                            "span",
                            mention.id,
                            _one_line(mention.text),
                            f"{mention.label} · chars {mention.start}–{mention.end}",
                            ctl.display_name(mention),
                            colors.get(mention.label, ""),
                        ),
                    )
                )
        for entity_id, found in groups.items():
            best = min(found, key=lambda m: _distance(span, m))
            n = len(found)
            rows.append(
                (
                    _distance(span, best),
                    Choice(
                        "span",
                        best.id,
                        ctl.entity_name(entity_id) or _one_line(best.text),
                        f"{best.label} · {n} mention{'s' if n > 1 else ''} here",
                        " ".join({m.text for m in found}),
                        colors.get(best.label, ""),
                    ),
                )
            )
        rows.sort(key=lambda r: r[0])
        choices = [choice for _, choice in rows]
        if with_registry:
            for entity in ctl.window.store.entities():
                if entity.id not in groups:
                    choices.append(
                        Choice(
                            "entity",
                            entity.id,
                            entity.name,
                            f"registry · {entity.type}",
                            " ".join(entity.aliases),
                        )
                    )
        return choices

    def link(self, span: Span, link_type: str, choice: Choice) -> None:
        """Link ``span`` to the chosen mention (tagging one first for a registry entity)."""
        ctl, w = self.ctl, self.ctl.window
        assert span.id is not None
        if choice.kind == "entity" and choice.id is not None:
            self._link_entity(span, link_type, w.store.get_entity(choice.id))
            return
        if choice.id is None:
            return
        if any(
            k.source_id == span.id and k.target_id == choice.id and k.type == link_type
            for k in ctl.links_of(span.id)
        ):
            ctl.message("Those two are linked already.")
            return
        if w.run(AddLink(span.id, choice.id, link_type)):
            if link_type == "said_by" and ctl.proposal() is not None:
                ctl.clear_proposal()
            ctl.message(f"Linked: {LINK_WORDS.get(link_type, link_type)} {choice.text}.")

    def _link_entity(self, span: Span, link_type: str, entity: Entity) -> None:
        ctl, w = self.ctl, self.ctl.window
        label = self.mention_label()
        found = _nearest_occurrence(w.view.text(), (entity.name, *entity.aliases), span)
        if label is None or found is None or w.document is None or w.document.id is None:
            ctl.message(f"{entity.name} is not named in this document: tag a mention of it first.")
            return
        assert span.id is not None and entity.id is not None
        start, end = found
        existing = next(
            (
                s
                for s in w.view.spans().in_range(start, end)
                if (s.start, s.end, s.label) == (start, end, label)
            ),
            None,
        )
        w.undo_stack.beginMacro(f"link {LINK_WORDS.get(link_type, link_type)} {entity.name}")
        try:
            if existing is None:
                add = AddSpan(
                    w.document.id,
                    label,
                    start,
                    end,
                    text=w.view.text()[start:end],
                    annotator=current_annotator(),
                )
                if not w.run(add) or add.span is None:
                    return
                existing = add.span
            assert existing.id is not None
            mention = w.store.get_span(existing.id)
            if mention.entity_id != entity.id:
                w.run(AttachEntity((existing.id,), entity_id=entity.id, name=entity.name))
            w.run(AddLink(span.id, existing.id, link_type))
        finally:
            w.undo_stack.endMacro()
        w.show_span(span.id)
        ctl.message(f"Linked: {LINK_WORDS.get(link_type, link_type)} {entity.name}.")


def _distance(span: Span, other: Span) -> tuple[int, int]:
    """Mentions inside the tag first, then those before it, nearest first, then after."""
    if other.start < span.end and other.end > span.start:
        return (0, 0)
    if other.end <= span.start:
        return (0, span.start - other.end)
    return (1, abs(other.start - span.end))


def _nearest_occurrence(text: str, names: tuple[str, ...], span: Span) -> tuple[int, int] | None:
    best: tuple[tuple[int, int], tuple[int, int]] | None = None
    for name in names:
        name = name.strip()
        if not name:
            continue
        pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE)
        hits = [m.span() for m in pattern.finditer(text)]
        if not hits:  # scripts written without spaces between words
            hits = [m.span() for m in re.finditer(re.escape(name), text, re.IGNORECASE)]
        for start, end in hits:
            if (start, end) == (span.start, span.end):
                continue  # the tag itself
            probe = Span(None, span.document_id, "", start, end, text[start:end])
            key = _distance(span, probe)
            if best is None or key < best[0]:
                best = (key, (start, end))
    return best[1] if best is not None else None


def _one_line(text: str, limit: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
