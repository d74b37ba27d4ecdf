"""Fewer cyclic garbage collections while bulk work runs.

A review batch or a re-vet allocates millions of short-lived objects (rows, facts, findings). At Python's
default thresholds that starts a collection every 700 allocations, and the older generations are walked
again and again with everything the process already holds (a loaded screening index, the registry). Measured
on the review benchmark, a list update of 1,000 entries spent about a second in collections, and 4 s more
wall time right after a re-vet of 180,000 licences had grown the heap.

`bulk_work()` moves what the process holds before the work out of the collector's sight (`gc.freeze`) and
raises the first threshold while the work runs; cyclic garbage made during it is still collected, in larger
steps. Nested and concurrent uses share one setting: the first to enter applies it, the last to leave
restores the thresholds and returns the frozen objects to the collector. The freezing is `frozen()`, which
forked screening workers use on their own too; one count of users serves both.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

#: The collector's thresholds while bulk work runs (Python's default: 700, 10, 10): the youngest generation
#: is collected every 50,000 allocations, the oldest every 20 million.
BULK_THRESHOLDS = (50_000, 20, 20)

_lock = threading.Lock()
_frozen = 0
_bulk = 0
_saved: tuple[int, int, int] | None = None


@contextmanager
def frozen() -> Iterator[None]:
    """What the process holds now is left out of the collector's walks (`gc.freeze`) until the last user
    leaves. Each entry freezes again, so what an outer user made since its own entry is frozen too: a
    process forked inside (screening workers) then never copies the parent's objects page by page when it
    collects."""
    global _frozen
    with _lock:
        gc.freeze()
        _frozen += 1
    try:
        yield
    finally:
        with _lock:
            _frozen -= 1
            if _frozen == 0:
                gc.unfreeze()


@contextmanager
def bulk_work() -> Iterator[None]:
    global _bulk, _saved
    with frozen():
        with _lock:
            if _bulk == 0:
                _saved = gc.get_threshold()
                gc.set_threshold(*BULK_THRESHOLDS)
            _bulk += 1
        try:
            yield
        finally:
            with _lock:
                _bulk -= 1
                if _bulk == 0 and _saved is not None:
                    gc.set_threshold(*_saved)
                    _saved = None


def in_bulk_work() -> bool:
    """Whether some bulk work holds the setting (and the frozen objects) now."""
    return _bulk > 0
