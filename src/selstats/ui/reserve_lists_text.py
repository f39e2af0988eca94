"""The reserve lists page's status chart ("what became of the laureates") in words: its
text alternative, for a screen-reader user and for whoever reads the figure without the
chart. From the rows the chart draws (queries/reserve_lists.sql, the lists with laureates):

    In woorden, op 04/04/2026: 3 laureaten op 2 lijsten: 1 beschikbaar, 1 aangeworven, 1
    beschikbaar zonder geldige reserve. Per lijst: P-A1 (2): 1 beschikbaar, 1 aangeworven;
    P-B1 (1): 1 beschikbaar zonder geldige reserve.

The totals over every list first, then the first lists as the chart draws them (valid lists
first, the nearest end first), at most `NAMED_LISTS`; the rest are counted ("en 3 andere
lijsten"). A status nobody has is left out, as the chart leaves it out. Counts are exact
here: the page draws no chart (and so no words) where small-cell suppression hid them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

import polars as pl

from selstats.i18n import translate
from selstats.i18n.format import fmt_int
from selstats.ui.charts.reserve_lists import STATUS_ORDER

# How many lists the words name one by one before they count the rest.
NAMED_LISTS: Final = 5


def _statuses(counts: Mapping[str, object], lang: str) -> str:
    """ "1 beschikbaar, 1 aangeworven": each status somebody has, in the chart's order."""
    parts = [
        translate(lang, f"reserve_lists.words.{status}", count=fmt_int(n, lang))
        for status in STATUS_ORDER
        if isinstance(n := counts.get(status), int) and n > 0
    ]
    return ", ".join(parts)


def statuses_in_words(
    lists: pl.DataFrame, date: str, lang: str, *, named: int = NAMED_LISTS
) -> str:
    """The status chart in words. `lists`: the rows of queries/reserve_lists.sql the chart
    draws (procedure_code and one count column per status of `STATUS_ORDER`), in its
    order; `date`: the chosen date as the page writes it."""
    statuses: Sequence[str] = [s for s in STATUS_ORDER if s in lists.columns]
    counts = lists.select("procedure_code", *statuses).fill_null(0)
    totals = {s: int(counts.get_column(s).sum()) for s in statuses}
    laureates = sum(totals.values())
    per_list = []
    for row in counts.head(named).iter_rows(named=True):
        size = sum(int(row[s]) for s in statuses)
        per_list.append(
            translate(
                lang,
                "reserve_lists.words.list",
                list=row["procedure_code"],
                size=fmt_int(size, lang),
                statuses=_statuses(row, lang),
            )
        )
    rest = counts.height - named
    if rest > 0:
        per_list.append(translate(lang, "reserve_lists.words.more", count=fmt_int(rest, lang)))
    return translate(
        lang,
        "reserve_lists.words.text",
        date=date,
        laureates=fmt_int(laureates, lang),
        lists=fmt_int(counts.height, lang),
        statuses=_statuses(totals, lang),
        per_list="; ".join(per_list),
    )
