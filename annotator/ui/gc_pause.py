"""Hold Python's cyclic garbage collector off while a document is built.

Opening a long document makes hundreds of thousands of objects in one go (50,000
spans, their index keys, the table's rows). Each of them counts toward the next
collection, so the collector runs again and again while they are made, and at least
once over every object of the program: ~100-150 ms of a 0.6 s open on a 2-core
machine, for objects that all stay alive. Reference counting still frees everything
as usual meanwhile; only the search for reference cycles waits until the document is
built.

Then what was built is *frozen* (``gc.freeze``): moved out of the generations the
collector walks. Otherwise, while the user tags, an occasional collection of the older
generations walks those 100,000 objects again: a 20-40 ms stall on one key press in
a hundred. Frozen objects are still freed by reference counting when the document
closes; a reference cycle among them waits until the next open unfreezes everything,
and the next full collection after that.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["paused_gc"]


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Disable the cyclic collector inside the block (unless it already was), then
    freeze what survives it."""
    if not gc.isenabled():
        yield
        return
    gc.unfreeze()  # the previous document's objects: collectable again
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()  # no collection first: it would walk all that was built (~40 ms)
        gc.enable()
