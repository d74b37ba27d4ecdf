"""Login throttling: how many failed sign-ins are allowed before an account or a client must wait. Pure.

Guessing a password takes many tries; a person mistyping takes a few. After `max_failures` failures within
`window` (counted since the last success) further attempts are refused until the oldest of those failures
leaves the window, whatever the password, so a correct guess during the lock is not revealed either.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class Attempt:
    at: datetime
    succeeded: bool


def locked_until(
    attempts: Iterable[Attempt], *, now: datetime, max_failures: int, window: timedelta
) -> datetime | None:
    """When the lock ends, or None when another attempt may be made now."""
    failures: list[datetime] = []
    for attempt in sorted(attempts, key=lambda a: a.at):
        if attempt.succeeded:
            failures.clear()
        elif now - attempt.at < window:
            failures.append(attempt.at)
    if len(failures) < max_failures:
        return None
    # The lock lasts until enough failures have aged out of the window to fall below the limit.
    release = failures[len(failures) - max_failures] + window
    return release if release > now else None
