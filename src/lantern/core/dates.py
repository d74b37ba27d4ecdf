"""Partial dates: "2014", "2014-09" or "2014-09-26".

Sources on security forces rarely give exact days. A partial date keeps the precision the source gave and
answers range questions with its earliest and latest possible day, so "implicated in 2014" is before a
licence approved on 2015-03-01 but not before one approved on 2014-06-01.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import IntEnum

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class Precision(IntEnum):
    YEAR = 1
    MONTH = 2
    DAY = 3


class PartialDateError(ValueError):
    """A text that is not a valid partial date."""


@dataclass(frozen=True, order=True, slots=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.year <= 9999:
            raise PartialDateError(f"year {self.year} is out of range")
        if self.month is None and self.day is not None:
            raise PartialDateError("a day needs a month")
        if self.month is not None and not 1 <= self.month <= 12:
            raise PartialDateError(f"month {self.month} is out of range")
        if self.day is not None:
            assert self.month is not None
            last = calendar.monthrange(self.year, self.month)[1]
            if not 1 <= self.day <= last:
                raise PartialDateError(f"{self.year:04d}-{self.month:02d} has no day {self.day}")

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        match = _PATTERN.match(text.strip())
        if match is None:
            raise PartialDateError(f"{text!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
        year, month, day = match.groups()
        return cls(int(year), int(month) if month else None, int(day) if day else None)

    @classmethod
    def of(cls, value: date) -> PartialDate:
        return cls(value.year, value.month, value.day)

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return Precision.DAY
        if self.month is not None:
            return Precision.MONTH
        return Precision.YEAR

    def earliest(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> date:
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return date(self.year, month, day)

    def __str__(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


def parse_partial(text: str | None) -> PartialDate | None:
    if text is None or not str(text).strip():
        return None
    return PartialDate.parse(str(text))


@dataclass(frozen=True, slots=True)
class DateRange:
    """A span whose ends may be partial or open. An open end reaches to the beginning or end of time."""

    start: PartialDate | None = None
    end: PartialDate | None = None

    def __post_init__(self) -> None:
        if self.start and self.end and self.start.earliest() > self.end.latest():
            raise PartialDateError(f"the range starts ({self.start}) after it ends ({self.end})")

    def earliest(self) -> date | None:
        return self.start.earliest() if self.start else None

    def latest(self) -> date | None:
        return self.end.latest() if self.end else None

    def may_contain(self, day: date) -> bool:
        """True when the day can fall inside the range given the precision of its ends."""
        if self.start and day < self.start.earliest():
            return False
        return not (self.end and day > self.end.latest())

    def surely_contains(self, day: date) -> bool:
        """True when the day falls inside the range whatever the imprecise ends turn out to be."""
        if self.start and day < self.start.latest():
            return False
        return not (self.end and day > self.end.earliest())

    def __str__(self) -> str:
        start = str(self.start) if self.start else "…"
        end = str(self.end) if self.end else "…"
        return start if self.start == self.end and self.start else f"{start} – {end}"
