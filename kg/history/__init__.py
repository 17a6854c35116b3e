"""History: ownership derived at build time, the graph as of a date, timelines.

- :mod:`kg.history.ownership`: ownership periods from the acquisitions (``kg build``)
- :mod:`kg.history.asof`: the graph as it stood on a date (``--as-of``)
- :mod:`kg.history.timeline`: the dated events in order (``kg timeline``)
"""

from __future__ import annotations

from kg.history.asof import as_of_store
from kg.history.ownership import DERIVED_GRAPH, Period, add_derived, derive, ownership_periods
from kg.history.timeline import TimelineEvent, timeline

__all__ = [
    "DERIVED_GRAPH",
    "Period",
    "TimelineEvent",
    "add_derived",
    "as_of_store",
    "derive",
    "ownership_periods",
    "timeline",
]
