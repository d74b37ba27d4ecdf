from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from lantern.accounts.throttle import Attempt, locked_until

NOW = datetime(2026, 1, 1, 12, tzinfo=UTC)
WINDOW = timedelta(minutes=15)


def failures(*minutes_ago: int) -> list[Attempt]:
    return [Attempt(NOW - timedelta(minutes=m), False) for m in minutes_ago]


def test_a_few_mistakes_do_not_lock() -> None:
    assert locked_until(failures(1, 2, 3, 4), now=NOW, max_failures=5, window=WINDOW) is None


def test_the_fifth_failure_locks_until_the_oldest_ages_out() -> None:
    assert locked_until(failures(1, 2, 3, 4, 10), now=NOW, max_failures=5, window=WINDOW) == NOW + timedelta(
        minutes=5
    )


def test_old_failures_do_not_count() -> None:
    assert locked_until(failures(1, 2, 3, 4, 20), now=NOW, max_failures=5, window=WINDOW) is None


def test_a_success_clears_the_failures_before_it() -> None:
    attempts = [*failures(10, 9, 8, 7), Attempt(NOW - timedelta(minutes=6), True), *failures(1)]
    assert locked_until(attempts, now=NOW, max_failures=5, window=WINDOW) is None


@given(st.lists(st.integers(min_value=0, max_value=60), max_size=30), st.integers(min_value=1, max_value=10))
def test_locks_exactly_when_the_window_holds_enough_failures(ages: list[int], limit: int) -> None:
    until = locked_until(failures(*ages), now=NOW, max_failures=limit, window=WINDOW)
    recent = sorted(a for a in ages if a < 15)
    assert (until is not None) == (len(recent) >= limit)
    if until is not None:
        assert NOW < until <= NOW + WINDOW
