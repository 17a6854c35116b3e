"""kg/dates.py: the one partial-date model."""

from __future__ import annotations

import pytest

from kg.dates import (
    PartialDate,
    datatype,
    describe,
    first_day,
    is_valid,
    last_day,
    lexical,
    parse_date,
    sort_key,
)
from kg.errors import UsageError
from kg.namespaces import XSD


@pytest.mark.parametrize(
    ("text", "ok"),
    [("2019", True), ("2019-07", True), ("2019-07-09", True), ("2020-02-29", True),
     ("2019-02-29", False), ("2021-02-30", False), ("2021-13-01", False), ("19", False),
     ("2019-7", False), ("2019/07/09", False), ("", False)],
)  # fmt: skip
def test_valid_dates(text: str, ok: bool) -> None:
    assert is_valid(text) is ok
    if ok:
        assert parse_date(f" {text} ") == text
    else:
        with pytest.raises(UsageError, match="is not a date"):
            parse_date(text)


def test_first_and_last_day_of_each_precision() -> None:
    assert [first_day(d) for d in ("2018", "2018-03", "2018-03-04")] == [
        "2018-01-01",
        "2018-03-01",
        "2018-03-04",
    ]
    assert [last_day(d) for d in ("2018", "2020-02", "2019-02", "2018-03-04")] == [
        "2018-12-31",
        "2020-02-29",
        "2019-02-28",
        "2018-03-04",
    ]


def test_mixed_precision_sorts_coarse_first_and_undated_last() -> None:
    dates = ["2015-01-01", None, "2015", "2014-12-31", "2015-01"]
    assert sorted(dates, key=sort_key) == ["2014-12-31", "2015", "2015-01", "2015-01-01", None]


def test_partial_date_object() -> None:
    d = PartialDate.parse("2019-07")
    assert (d.precision, d.first_day, d.last_day, str(d)) == (
        "month",
        "2019-07-01",
        "2019-07-31",
        "2019-07",
    )
    assert d.datatype == XSD + "gYearMonth" == datatype("2019-07")
    with pytest.raises(UsageError):
        PartialDate.parse("July")


def test_lexical_and_describe() -> None:
    assert lexical("2018-03-04T10:00:00Z") == "2018-03-04"
    assert lexical("no date") is None
    assert describe("2019") == "during 2019"
    assert describe("2019-11") == "November 2019"
    assert describe("2019-11-13") == "2019-11-13"
    assert describe(None) == "undated"
