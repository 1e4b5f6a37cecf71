"""Hold Python's cyclic garbage collector off while a document is built.

Opening a long document makes hundreds of thousands of objects in one go (50,000
spans, their index keys, the table's rows). Each of them counts toward the next
collection, so the collector runs again and again while they are made, and at least
once over every object of the program: ~100-150 ms of a 0.6 s open on a 2-core
machine, for objects that all stay alive. Reference counting still frees everything
as usual meanwhile; only the search for reference cycles waits until the document is
built, and then resumes on its normal schedule.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["paused_gc"]


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Disable the cyclic collector inside the block (unless it already was)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
