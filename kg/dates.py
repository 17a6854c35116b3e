"""Partial dates: a day, a month or a year, exactly as precise as the source.

The data types are ``xsd:date`` (``2018-03-04``), ``xsd:gYearMonth`` (``2018-03``) and
``xsd:gYear`` (``2018``); this module is the one place that reads, checks, compares and writes
them. Two rules compare dates of mixed precision:

* a date **in the data** counts from the first day it can mean (:func:`first_day`): a deal
  dated ``2018`` is known from 2018-01-01 at the earliest;
* a date **asked about** (``--as-of``, ``-p date``, ``kg timeline --to``) means the last day it
  can mean (:func:`last_day`): "as of 2019" is the graph at the end of 2019.

>>> PartialDate.parse("2019-07").precision
'month'
>>> first_day("2018"), last_day("2020-02")
('2018-01-01', '2020-02-29')
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Final

from kg.errors import UsageError
from kg.namespaces import XSD

_DATE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")

#: The XSD datatype of each precision, by the length of the lexical form.
DATATYPES: Final[dict[int, str]] = {4: XSD + "gYear", 7: XSD + "gYearMonth", 10: XSD + "date"}
PRECISIONS: Final[dict[int, str]] = {4: "year", 7: "month", 10: "day"}
#: The datatypes of a partial date, by IRI.
DATE_TYPES: Final = frozenset(DATATYPES.values())


@dataclass(frozen=True, order=False)
class PartialDate:
    """A checked partial date. ``text`` is its lexical form (``2018``, ``2018-03`` or
    ``2018-03-04``)."""

    text: str

    @classmethod
    def parse(cls, text: object) -> PartialDate:
        """A date given by a person; a :class:`~kg.errors.UsageError` when it is not one."""
        return cls(parse_date(str(text)))

    @property
    def precision(self) -> str:
        return PRECISIONS[len(self.text)]

    @property
    def datatype(self) -> str:
        return DATATYPES[len(self.text)]

    @property
    def first_day(self) -> str:
        return first_day(self.text)

    @property
    def last_day(self) -> str:
        return last_day(self.text)

    def __str__(self) -> str:
        return self.text


def is_valid(text: str) -> bool:
    """True for ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` naming a real year, month or day."""
    m = _DATE.fullmatch(text)
    if m is None:
        return False
    try:
        dt.date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
    except ValueError:
        return False
    return True


def parse_date(text: str) -> str:
    """A date given by a person, checked: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

    >>> parse_date("2019-07")
    '2019-07'
    """
    value = str(text).strip()
    if not is_valid(value):
        raise UsageError(
            f"{text!r} is not a date",
            hint="Give a year, a month or a day: YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2019-07-09).",
        )
    return value


def lexical(value: object) -> str | None:
    """The partial date at the start of a literal's text (``2018``, ``2018-03``,
    ``2018-03-04``), or None when it holds none (a timezone or a time is dropped).

    >>> lexical("2018-03-04Z"), lexical("soon")
    ('2018-03-04', None)
    """
    m = _DATE.match(str(value).strip())
    return m.group(0) if m else None


def first_day(value: str) -> str:
    """The first day a partial date can mean, as ``YYYY-MM-DD``.

    >>> first_day("2018"), first_day("2018-03"), first_day("2018-03-04")
    ('2018-01-01', '2018-03-01', '2018-03-04')
    """
    year, _, rest = value.partition("-")
    month, _, day = rest.partition("-")
    return f"{year}-{month or '01'}-{day or '01'}"


def last_day(value: str) -> str:
    """The last day a partial date can mean, as ``YYYY-MM-DD``.

    >>> last_day("2018"), last_day("2020-02"), last_day("2018-03-04")
    ('2018-12-31', '2020-02-29', '2018-03-04')
    """
    year, _, rest = value.partition("-")
    month, _, day = rest.partition("-")
    if not month:
        return f"{year}-12-31"
    if not day:
        import calendar  # here, not on top: a one-shot `kg query` rarely needs it

        return f"{year}-{month}-{calendar.monthrange(int(year), int(month))[1]:02d}"
    return value


def datatype(value: str) -> str:
    """The XSD datatype IRI of a partial date's lexical form.

    >>> datatype("2018-03").rsplit("#", 1)[1]
    'gYearMonth'
    """
    try:
        return DATATYPES[len(value)]
    except KeyError:
        raise UsageError(f"{value!r} is not a partial date") from None


def sort_key(value: str | None) -> tuple[str, int]:
    """Order dates of mixed precision: by their first day, a coarser date first on a tie
    (``2015`` before ``2015-01`` before ``2015-01-01``); undated last.

    >>> sorted(["2015-01-01", "2015", None, "2014-12"], key=sort_key)
    ['2014-12', '2015', '2015-01-01', None]
    """
    if value is None:
        return ("9999-99-99", 9)
    return (first_day(value), len(value))


def describe(value: str | None) -> str:
    """A date as a person reads it, saying its precision: ``2019-07-09``, ``July 2019``,
    ``during 2019``; ``undated`` for None.

    >>> describe("2019"), describe("2019-07"), describe(None)
    ('during 2019', 'July 2019', 'undated')
    """
    if not value:
        return "undated"
    if len(value) == 4:
        return f"during {value}"
    if len(value) == 7:
        import calendar  # here, not on top: a one-shot `kg query` rarely needs it

        return f"{calendar.month_name[int(value[5:7])]} {value[:4]}"
    return value
