"""View ▸ Sentence mode (F6): tag whole sentences from the keyboard.

↑/↓ move through the sentence list and the text follows, selecting the sentence; a
label key tags exactly the sentence, and the same key again on a sentence that has
that tag removes it. A commitment tagged so gets its speaker proposed like any other
(Enter accepts). Every key costs one command and a repaint of the rows on screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from annotator.domain.segment import sentence_at
from annotator.services.commands import AddSpan, DeleteSpans
from annotator.services.project import current_annotator
from annotator.ui.sentence_panel import SentenceInfo, SentencePanel

if TYPE_CHECKING:
    from annotator.ui.attribution_controller import AttributionController

__all__ = ["SentenceMode"]


class SentenceMode:
    """The sentence panel and its keys; the window asks :meth:`tag` first on label keys."""

    def __init__(self, controller: AttributionController) -> None:
        self.ctl = controller
        w = controller.window
        self.panel = SentencePanel(w)
        self.panel.hide()
        self.panel.list.addAction(controller.linking.accept_action)
        self.panel.sentenceChosen.connect(self._chosen)
        self.panel.escaped.connect(lambda: self.set_active(False))
        self.action = controller.action(
            "view.sentenceMode",
            "&Sentence mode",
            self._toggled,
            tip="Move through the sentences with ↑/↓ and tag each with a label key",
        )
        self.action.setCheckable(True)
        self._document: int | None = None

    def _toggled(self) -> None:
        self.set_active(self.action.isChecked())

    def active(self) -> bool:
        return self.action.isChecked()

    def set_active(self, on: bool) -> None:
        w = self.ctl.window
        if on and w.document is None:
            self.ctl.message("Open a document first.")
            on = False
        self.action.setChecked(on)
        if not on:
            self.panel.hide()
            w.view.setFocus()
            return
        self.panel.show()
        self._fill()
        self.panel.list.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def document_opened(self) -> None:
        self._document = None
        if self.active():
            if self.ctl.window.document is None:
                self.set_active(False)
            else:
                self._fill()

    def refresh(self) -> None:
        if self.active():
            self.panel.refresh()

    def tag(self, label: str) -> bool:
        """Tag (or untag) the current sentence with ``label``; False when sentence mode
        does not have the keyboard (the window then tags as usual)."""
        if not self.active() or not self.panel.list.hasFocus():
            return False
        w = self.ctl.window
        bounds = self.panel.current_bounds()
        doc = w.document
        if bounds is None or doc is None or doc.id is None:
            self.ctl.message("Move to a sentence first (↑ / ↓).")
            return True
        start, end = bounds
        same = next(
            (
                s
                for s in w.view.spans().in_range(start, end)
                if s.start == start and s.end == end and s.label == label
            ),
            None,
        )
        if same is not None and same.id is not None:
            w.run(DeleteSpans((same.id,)))
        else:
            w.run(
                AddSpan(
                    doc.id,
                    label,
                    start,
                    end,
                    text=doc.text[start:end],
                    annotator=current_annotator(),
                )
            )
        return True

    # -- internals -------------------------------------------------------------------

    def _fill(self) -> None:
        w = self.ctl.window
        doc = w.document
        if doc is None or doc.id is None:
            return
        if self._document != doc.id:
            sentences = w.store.sentences(doc.id)
            self.panel.set_sentences(doc.text, sentences, self.info)
            self._document = doc.id
        sentences = [self.panel.model.bounds(r) for r in range(self.panel.model.rowCount())]
        if not sentences:
            return
        row = self.panel.current_row()
        if row is None:
            selected = w.view.selected_offsets()
            span = self.ctl.current_span()
            pos = selected[0] if selected else (span.start if span is not None else 0)
            row = sentence_at(sentences, pos) or 0
        self.panel.select_row(row)
        self._chosen(row, *sentences[row])

    def _chosen(self, _row: int, start: int, end: int) -> None:
        w = self.ctl.window
        exact = [s for s in w.view.spans().in_range(start, end) if (s.start, s.end) == (start, end)]
        span_id = exact[0].id if exact else None
        w.view.select_span(span_id)
        w.span_table.select_span(span_id)
        w.view.select_offsets(start, end)
        self.ctl.current_span_changed(span_id)

    def info(self, start: int, end: int) -> SentenceInfo:
        """The tags over a sentence and the speakers of its commitments."""
        ctl = self.ctl
        w = ctl.window
        order = {name: i for i, name in enumerate(w.tagset.names())}
        labels: dict[str, bool] = {}
        speakers: list[str] = []
        for span in w.view.spans().in_range(start, end):
            exact = span.start == start and span.end == end
            labels[span.label] = labels.get(span.label, False) or exact
            for link in ctl.links_of(span.id or -1):
                if link.source_id == span.id and link.type == "said_by":
                    target = ctl.span(link.target_id)
                    name = ctl.display_name(target) if target is not None else ""
                    if name and name not in speakers:
                        speakers.append(name)
        tags = [
            (name, w.colors.get(name, "#888888"), labels[name])
            for name in sorted(labels, key=lambda n: order.get(n, len(order)))
        ]
        return SentenceInfo(tags, ", ".join(speakers))
