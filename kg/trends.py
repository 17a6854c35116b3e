"""The landscape on the time axis: counts per category, maturity, tier over time (``kg trends``).

Read from an imported landscape history's periods (:mod:`kg.history.landscape`: the same rule
``--as-of`` uses): at the end of each year (or month) the history covers, and on the day of
its last revision for the last one, how many items each top-level category listed, how many
projects each maturity level held, how many members each tier had, and how concentrated the
items were among the organisations they are listed under. ``pipeline`` gives the median days
from sandbox to incubating and from incubating to graduated, per year of entry.

>>> points("2019-03-01", "2021-06-30", "year")
['2019-12-31', '2020-12-31', '2021-06-30']
"""

from __future__ import annotations

import calendar
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from kg.errors import NotBuilt, UsageError
from kg.history.landscape import LISTING, MATURITY, MEMBERSHIP, Period, read_periods
from kg.labels import labels
from kg.namespaces import KG
from kg.sparql.library import get as library_query
from kg.store import Store

BY = ("category", "maturity", "tier", "concentration", "pipeline")
EVERY = ("year", "month")
CNCF = KG + "cncf"


@dataclass
class Trend:
    """A table: the first column the date (or year), one column per series."""

    headers: list[str]
    rows: list[list[object]]


def points(first: str, last: str, every: str = "year") -> list[str]:
    """The days to count on: each year's (or month's) last day from ``first`` to ``last``,
    and ``last`` itself for the period it ends in."""
    if every not in EVERY:
        raise UsageError(f"--every {every!r} is not one of {', '.join(EVERY)}")
    out = []
    year, month = int(first[:4]), int(first[5:7])
    while True:
        if every == "year":
            day = f"{year}-12-31"
        else:
            day = f"{year}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"
        if day >= last:
            out.append(last)
            return out
        out.append(day)
        if every == "year":
            year += 1
        else:
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)


_RANGE = """
SELECT (MIN(STR(?d)) AS ?first) (MAX(STR(?issued)) AS ?last) WHERE {
  ?history a eco:LandscapeHistory ; dcterms:issued ?issued .
  ?commit dcterms:isPartOf ?history ; dcterms:issued ?d .
}
"""
_TOPS = """
SELECT ?c ?top WHERE {
  { ?c skos:broader ?top . ?top skos:topConceptOf kg:cncf-landscape }
  UNION { ?c skos:topConceptOf kg:cncf-landscape . BIND(?c AS ?top) }
}
"""


def _periods(store: Store) -> tuple[list[Period], str, str]:
    found = read_periods(store)
    rows = store.query(_RANGE).rows
    if not found or not rows or rows[0][0] is None:
        raise NotBuilt(
            "the graph holds no landscape history",
            hint="Import one (kg import landscape-history REPO), then kg build.",
        )
    return [p for periods in found.values() for p in periods], str(rows[0][0]), str(rows[0][1])


def _table(series: dict[str, dict[str, int]], days: list[str], names: dict[str, str]) -> Trend:
    keys = sorted(series, key=lambda k: ((names.get(k) or k).casefold(), k))
    headers = ["date", *((names.get(k) or k) for k in keys)]
    rows: list[list[object]] = [[d, *(series[k].get(d, 0) for k in keys)] for d in days]
    return Trend(headers, rows)


def trend(store: Store, by: str = "category", every: str = "year", top: int = 10) -> Trend:
    """The counts of ``by`` (one of :data:`BY`) at each point of the history."""
    if by not in BY:
        raise UsageError(f"--by {by!r} is not one of {', '.join(BY)}")
    if by == "pipeline":
        return pipeline(store)
    periods, first, last = _periods(store)
    days = points(first, last, every)
    if by == "concentration":
        return concentration(periods, days, top)
    series: dict[str, dict[str, int]] = defaultdict(dict)
    if by == "category":
        tops = {str(c): str(t) for c, t in store.query(_TOPS).rows}
        for day in days:
            items: dict[str, set[str]] = defaultdict(set)
            for p in periods:
                if p.kind == LISTING and p.holds_on(day):
                    for c in p.values:
                        items[tops.get(c, c)].add(p.item)
            for category, found in items.items():
                series[category][day] = len(found)
    else:
        kind = MATURITY if by == "maturity" else MEMBERSHIP
        for day in days:
            counts: dict[str, set[str]] = defaultdict(set)
            for p in periods:
                if p.kind == kind and p.holds_on(day):
                    counts[p.values[0]].add(p.item)
            for key, found in counts.items():
                series[key][day] = len(found)
    names = labels(store, set(series), complete=True)
    return _table(series, days, names)


def concentration(periods: Iterable[Period], days: list[str], top: int = 10) -> Trend:
    """Per day: the items listed under an organisation (the CNCF's hosted projects aside:
    hosted, not held), the organisations, and the share of those items that the ``top``
    organisations with the most held."""
    listings = [p for p in periods if p.kind == LISTING and p.under and p.under != CNCF]
    rows: list[list[object]] = []
    for day in days:
        held: dict[str, set[str]] = defaultdict(set)
        for p in listings:
            if p.holds_on(day):
                assert p.under is not None
                held[p.under].add(p.item)
        items = len({i for found in held.values() for i in found})
        biggest = sorted((len(v) for v in held.values()), reverse=True)[:top]
        share = round(sum(biggest) / items, 4) if items else 0.0
        rows.append([day, items, len(held), share])
    return Trend(["date", "items", "organisations", f"top{top}_share"], rows)


def pipeline(store: Store) -> Trend:
    """Median days from sandbox to incubating and from incubating to graduated, per year of
    entry (the library query ``landscape-maturity-pipeline``)."""
    answer = store.query(library_query("landscape-maturity-pipeline").body)
    to_incubating: dict[int, list[int]] = defaultdict(list)
    to_graduate: dict[int, list[int]] = defaultdict(list)
    entered: Counter[int] = Counter()
    for row in answer.rows:
        if row[1] is None:
            continue
        year = int(str(row[1]))
        entered[year] += 1
        if row[5] is not None:
            to_incubating[year].append(int(str(row[5])))
        if row[6] is not None:
            to_graduate[year].append(int(str(row[6])))
    rows: list[list[object]] = []
    for year in sorted(entered):
        a, b = to_incubating.get(year, []), to_graduate.get(year, [])
        rows.append(
            [
                year,
                entered[year],
                len(a),
                statistics.median(a) if a else None,
                len(b),
                statistics.median(b) if b else None,
            ]
        )
    return Trend(
        [
            "entered",
            "projects",
            "reached_incubating",
            "median_days_to_incubating",
            "reached_graduated",
            "median_days_to_graduate",
        ],
        rows,
    )
