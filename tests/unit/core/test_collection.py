"""bulk_work: fewer collections while bulk work runs, and everything put back after, however it nests."""

from __future__ import annotations

import gc
import threading

import pytest

from lantern.core.collection import BULK_THRESHOLDS, bulk_work, in_bulk_work


def test_thresholds_and_frozen_objects_are_restored_after_nested_use() -> None:
    before = gc.get_threshold()
    assert not in_bulk_work()
    with bulk_work():
        assert gc.get_threshold() == BULK_THRESHOLDS
        assert gc.get_freeze_count() > 0
        with bulk_work():
            assert in_bulk_work()
        # The inner use leaves the outer one's setting in place.
        assert gc.get_threshold() == BULK_THRESHOLDS
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
    assert not in_bulk_work()


def test_restored_when_the_work_fails() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), bulk_work():
        raise RuntimeError("the batch failed")
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_cyclic_garbage_made_during_bulk_work_is_still_collected() -> None:
    class Node:
        def __init__(self) -> None:
            self.other: Node | None = None

    collected = []
    with bulk_work():
        for _ in range(3):
            a, b = Node(), Node()
            a.other, b.other = b, a
        del a, b  # three unreachable cycles
        gc.callbacks.append(lambda phase, info: collected.append(info.get("collected", 0)))
        try:
            kept = [Node() for _ in range(BULK_THRESHOLDS[0] * 2)]  # enough to reach the raised threshold
        finally:
            gc.callbacks.pop()
    assert len(kept) == BULK_THRESHOLDS[0] * 2
    assert sum(collected) >= 6


def test_overlapping_threads_restore_the_default_once_both_are_done() -> None:
    before = gc.get_threshold()
    inside = threading.Barrier(2)
    leave_first = threading.Event()

    def work(first: bool) -> None:
        with bulk_work():
            inside.wait()
            if first:
                leave_first.set()
            else:
                leave_first.wait()
                assert gc.get_threshold() == BULK_THRESHOLDS  # the first has left; this one still holds it

    threads = [threading.Thread(target=work, args=(first,)) for first in (True, False)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
