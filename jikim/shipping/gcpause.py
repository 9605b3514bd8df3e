"""The cyclic garbage collector held off during one bulk step of an import.

A 100k-row import keeps a million container objects alive at once (cell lists, rows,
clean rows); each full collection walks all of them, and the allocation rate triggers
several, for about a second of CPU (measured with gc.callbacks) that frees nothing: the
import makes no reference cycles it drops. Reference counting still frees everything
as usual; only the cycle search waits until the step is over.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    if not gc.isenabled():
        yield  # already held off by an outer step (or by the embedding program)
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
