"""A sorted index of one document's spans, for painting and navigation (no Qt).

Offsets are code points, half-open, as everywhere in the project.

Range queries use *length classes*: a span of length ``L`` lives in the list of
class ``floor(log2(L))``, sorted by start. A span of class ``k`` is shorter than
``2 ** (k + 1)``, so the spans of that class overlapping ``[s, e)`` all start in
``(s - 2 ** (k + 1), e)``: two bisects per class (about 23 classes for 5 MB),
however long the longest span is. Inserting or removing is a bisect and a list
insert/delete (a ``memmove``): microseconds for 50,000 spans.

Underline lanes are a greedy interval colouring in reading order (start, then
longest first), computed lazily one *cluster* at a time (a maximal run of
spans connected by overlaps), so a change only recomputes the spans after it
in its own cluster, and only when somebody asks for their lanes.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable, Iterator

from annotator.domain.model import Span

__all__ = ["SpanIndex"]

_Key = tuple[int, int, int]  # (start, -end, id): reading order, start then longest first

# Spans at least this long (2 ** _LONG_CLASS code points, about a paragraph) get
# their lanes among themselves, below the short ones. Without this, one span over
# a whole chapter would join every span in it into one cluster, and any change
# there would recompute tens of thousands of lanes.
_LONG_CLASS = 10


def _length_class(start: int, end: int) -> int:
    return max(end - start, 1).bit_length() - 1


def _key(span: Span) -> _Key:
    assert span.id is not None
    return (span.start, -span.end, span.id)


class SpanIndex:
    """Spans of one document, indexed by position.

    Every span must have an ``id``. Spans may overlap and nest freely.
    """

    def __init__(self, spans: Iterable[Span] = ()) -> None:
        spans = list(spans)
        for span in spans:  # inline check: this loop runs 50,000 times on open
            if span.id is None or span.start < 0 or span.end < span.start:
                self._check(span)
        by_id = {s.id: s for s in spans}
        self._spans: dict[int, Span] = by_id  # type: ignore[assignment]
        # reading order; the sort is linear when spans come sorted, as storage gives them
        order: list[_Key] = [(s.start, -s.end, s.id) for s in by_id.values()]  # type: ignore[misc]
        order.sort()
        classes: list[list[_Key]] = [[] for _ in range(64)]
        appends = [c.append for c in classes]
        for key in order:
            appends[((-key[1] - key[0]) or 1).bit_length() - 1](key)
        while classes and not classes[-1]:
            classes.pop()
        self._classes = classes
        # reading order per lane group: 0 short spans, 1 long spans
        self._orders: tuple[list[_Key], list[_Key]] = ([], [])
        if len(classes) > _LONG_CLASS:
            self._orders[0].extend(k for k in order if -k[1] - k[0] < 1 << _LONG_CLASS)
            self._orders[1].extend(k for k in order if -k[1] - k[0] >= 1 << _LONG_CLASS)
        else:
            self._orders[0].extend(order)
        self._lanes: tuple[dict[int, int], dict[int, int]] = ({}, {})

    # ------------------------------------------------------------------ access

    def __len__(self) -> int:
        return len(self._spans)

    def __contains__(self, span_id: object) -> bool:
        return span_id in self._spans

    def __iter__(self) -> Iterator[Span]:
        """Spans in reading order (start, then longest first)."""
        spans = self._spans
        return (spans[k[2]] for k in heapq.merge(*self._orders))

    def get(self, span_id: int) -> Span | None:
        return self._spans.get(span_id)

    # ----------------------------------------------------------------- changes

    def add(self, span: Span) -> None:
        """Insert ``span`` (replacing any span with the same id)."""
        self._check(span)
        assert span.id is not None
        if span.id in self._spans:
            self.remove(span.id)
        self._spans[span.id] = span
        key = _key(span)
        insort(self._class_list(_length_class(span.start, span.end)), key)
        insort(self._orders[self._group(span)], key)
        self._invalidate_lanes(span)

    def remove(self, span_id: int) -> Span | None:
        """Remove and return the span with this id (``None`` if absent)."""
        span = self._spans.get(span_id)
        if span is None:
            return None
        self._invalidate_lanes(span)
        key = _key(span)
        for entries in (
            self._classes[_length_class(span.start, span.end)],
            self._orders[self._group(span)],
        ):
            del entries[bisect_left(entries, key)]
        del self._spans[span_id]
        return span

    def update(self, span: Span) -> None:
        """Replace the span with ``span.id`` (a relabel keeps its place and lane)."""
        assert span.id is not None
        old = self._spans.get(span.id)
        if old is not None and (old.start, old.end) == (span.start, span.end):
            self._spans[span.id] = span
        else:
            self.add(span)

    def repaint_range(self, span: Span) -> tuple[int, int] | None:
        """The code points whose drawing adding or removing ``span`` may change: its own,
        and those of the spans after it in its cluster (their underline lanes move).
        ``None`` when long spans are about: short lanes sit above them, anything may move.
        """
        if self._group(span) == 1 or self._orders[1]:
            return None
        _, reach = self._rest_of_cluster(span, 0)
        return span.start, reach

    # ----------------------------------------------------------------- queries

    def in_range(self, start: int, end: int) -> list[Span]:
        """Spans overlapping ``[start, end)``, in reading order."""
        if end <= start:
            return []
        spans = self._spans
        keys = self._keys_in_range(start, end)
        keys.sort()
        return [spans[k[2]] for k in keys]

    def at(self, pos: int) -> list[Span]:
        """Spans covering code point ``pos`` (``start <= pos < end``), smallest first."""
        keys = self._keys_in_range(pos, pos + 1)
        keys.sort(key=lambda k: (-k[1] - k[0], -k[0], k[2]))
        spans = self._spans
        return [spans[k[2]] for k in keys]

    def next_after(self, pos: int, current: int | None = None) -> Span | None:
        """The span after ``current`` in reading order, or when ``current`` is not
        given (or unknown), the first span starting at or after ``pos``."""
        span = self._spans.get(current) if current is not None else None
        best: _Key | None = None
        for order in self._orders:
            i = bisect_right(order, _key(span)) if span is not None else bisect_left(order, (pos,))
            if i < len(order) and (best is None or order[i] < best):
                best = order[i]
        return self._spans[best[2]] if best is not None else None

    def prev_before(self, pos: int, current: int | None = None) -> Span | None:
        """The span before ``current`` in reading order, or when ``current`` is not
        given (or unknown), the last span starting before ``pos``."""
        span = self._spans.get(current) if current is not None else None
        best: _Key | None = None
        for order in self._orders:
            i = bisect_left(order, _key(span) if span is not None else (pos,)) - 1
            if i >= 0 and (best is None or order[i] > best):
                best = order[i]
        return self._spans[best[2]] if best is not None else None

    def lane(self, span_id: int) -> int:
        """Underline lane of a span, from 0. Overlapping spans get different lanes;
        long spans (about a paragraph or more) take the lanes nearest the text."""
        span = self._spans[span_id]
        group = self._group(span)
        lane = self._lanes[group].get(span_id)
        if lane is None:
            self._assign_cluster(self._cluster_left(span.start, group), group)
            lane = self._lanes[group][span_id]
        return lane

    # ---------------------------------------------------------------- internal

    @staticmethod
    def _check(span: Span) -> None:
        if span.id is None:
            raise ValueError("a span needs an id to be indexed")
        if span.start < 0 or span.end < span.start:
            raise ValueError(f"bad span offsets [{span.start}, {span.end})")

    @staticmethod
    def _group(span: Span) -> int:
        return 1 if span.end - span.start >= 1 << _LONG_CLASS else 0

    def _class_list(self, k: int) -> list[_Key]:
        while len(self._classes) <= k:
            self._classes.append([])
        return self._classes[k]

    def _keys_in_range(self, start: int, end: int, classes: range | None = None) -> list[_Key]:
        """Keys of the spans overlapping ``[start, end)`` (of the given length classes)."""
        out: list[_Key] = []
        append = out.append
        upper = (end,)
        all_classes = self._classes
        for k in classes if classes is not None else range(len(all_classes)):
            if k >= len(all_classes):
                break
            entries = all_classes[k]
            if not entries:
                continue
            # a span of class k is shorter than 2 << k, so it starts after start - (2 << k)
            lo = bisect_left(entries, (start - (2 << k) + 1,))
            hi = bisect_left(entries, upper, lo)
            for i in range(lo, hi):
                key = entries[i]
                if -key[1] > start:
                    append(key)
        return out

    def _group_classes(self, group: int) -> range:
        return range(_LONG_CLASS, 64) if group else range(_LONG_CLASS)

    def _cluster_left(self, pos: int, group: int) -> int:
        """Left edge of the cluster (within ``group``) holding a span starting at ``pos``."""
        classes = self._group_classes(group)
        while True:
            left = pos
            for start, neg_end, _ in self._keys_in_range(pos - 1, pos, classes):
                if -neg_end > pos and start < left:
                    left = start
            if left == pos:
                return pos
            pos = left

    def _assign_cluster(self, left: int, group: int) -> None:
        """Greedy lanes for the cluster of ``group`` starting at ``left``."""
        order = self._orders[group]
        first = i = bisect_left(order, (left,))
        active: list[tuple[int, int]] = []  # (end, lane) of spans still open
        free: list[int] = []  # lanes released by spans that ended
        n_lanes = 0
        reach = left  # furthest end so far: a start at or past it begins a new cluster
        assigned: list[tuple[int, int]] = []
        while i < len(order):
            start, neg_end, span_id = order[i]
            if start >= reach and i > first:
                break
            end = -neg_end
            while active and active[0][0] <= start:
                heapq.heappush(free, heapq.heappop(active)[1])
            if free:
                lane = heapq.heappop(free)
            else:
                lane = n_lanes
                n_lanes += 1
            assigned.append((span_id, lane))
            heapq.heappush(active, (end, lane))
            reach = max(reach, end)
            i += 1
        base = 0
        if group == 0 and self._orders[1]:
            # short spans go above any long span they overlap
            for key in self._keys_in_range(left, reach, self._group_classes(1)):
                base = max(base, self.lane(key[2]) + 1)
        self._lanes[group].update((span_id, base + lane) for span_id, lane in assigned)

    def _invalidate_lanes(self, span: Span) -> None:
        """Forget the lanes a change at ``span`` may alter: its own and those of the
        spans after it in reading order, up to the end of its cluster."""
        group = self._group(span)
        lanes = self._lanes[group]
        if group == 1:
            self._lanes[0].clear()  # short lanes sit above long ones
        if not lanes:
            return
        keys, _ = self._rest_of_cluster(span, group)
        for key in keys:
            lanes.pop(key[2], None)
        lanes.pop(span.id, None)  # type: ignore[arg-type]

    def _rest_of_cluster(self, span: Span, group: int) -> tuple[list[_Key], int]:
        """The keys from ``span`` on in reading order (``span`` itself if indexed), up to
        the end of its cluster in ``group``, and where that cluster ends."""
        reach = span.end
        for key in self._keys_in_range(span.start, span.start + 1, self._group_classes(group)):
            reach = max(reach, -key[1])
        order = self._orders[group]
        i = bisect_left(order, _key(span))
        keys = []
        while i < len(order) and (order[i][0] < reach or order[i][2] == span.id):
            keys.append(order[i])
            reach = max(reach, -order[i][1])
            i += 1
        return keys, reach
