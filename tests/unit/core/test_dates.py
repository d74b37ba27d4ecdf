from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lantern.core.dates import DateRange, PartialDate, PartialDateError, parse_partial


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("2014", date(2014, 1, 1), date(2014, 12, 31)),
        ("2014-09", date(2014, 9, 1), date(2014, 9, 30)),
        ("2014-09-26", date(2014, 9, 26), date(2014, 9, 26)),
        ("2020-02", date(2020, 2, 1), date(2020, 2, 29)),
    ],
)
def test_partial_dates_span_their_precision(text: str, earliest: date, latest: date) -> None:
    parsed = PartialDate.parse(text)
    assert parsed.earliest() == earliest
    assert parsed.latest() == latest
    assert str(parsed) == text


@pytest.mark.parametrize("text", ["2014-13", "2019-02-29", "14-09-2014", "2014/09", "", "20140926", "0000"])
def test_impossible_or_malformed_dates_are_refused(text: str) -> None:
    with pytest.raises(PartialDateError):
        PartialDate.parse(text)


def test_blank_is_no_date() -> None:
    assert parse_partial("  ") is None
    assert parse_partial(None) is None


def test_range_containment_respects_imprecision() -> None:
    implicated = DateRange(PartialDate.parse("2014-09"), None)
    assert implicated.may_contain(date(2014, 9, 1))
    assert not implicated.surely_contains(date(2014, 9, 1))
    assert implicated.surely_contains(date(2014, 9, 30))
    assert not implicated.may_contain(date(2014, 8, 31))


def test_range_cannot_end_before_it_starts() -> None:
    with pytest.raises(PartialDateError):
        DateRange(PartialDate.parse("2015"), PartialDate.parse("2014"))


@given(st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)))
def test_a_full_date_round_trips(day: date) -> None:
    parsed = PartialDate.parse(str(PartialDate.of(day)))
    assert parsed.earliest() == parsed.latest() == day
