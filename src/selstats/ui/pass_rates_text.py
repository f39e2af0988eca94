"""The Pass rates page's charts in words (their text alternatives), from the rows the charts
draw (queries/pass_rates_by_group.sql, queries/score_distribution.sql):

- `rates_in_words`: "Per soort stap: schriftelijke proef 62,0 % (afwezig 8,0 %), ...";
- `extremes_in_words`: the highest and lowest pass rate of the organisations;
- `scores_in_words`: how many scores the histogram holds and their outcomes.

A rate hidden by small-cell suppression (null) reads "—"; a count hidden as "<5" as it is.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from selstats.i18n import translate
from selstats.i18n.format import UNKNOWN, fmt_pct
from selstats.ui.cell_counts import as_numbers, count_text
from selstats.ui.charts.pass_rates import fmt_score


def _rate(value: object, lang: str) -> str:
    return fmt_pct(value, lang) if isinstance(value, int | float) else UNKNOWN


def rates_in_words(rows: pl.DataFrame, name: Callable[[object], str], key: str, lang: str) -> str:
    """Each row's pass rate and no-show rate after its name (`name(row key)`), as the
    sentence `pass_rates.words.<key>` ("by_kind", "by_year"). `rows` has a first column
    naming the row, pass_rate and no_show_rate."""
    label = rows.columns[0]
    items = [
        translate(
            lang,
            "pass_rates.words.item",
            name=name(row[label]),
            rate=_rate(row["pass_rate"], lang),
            no_show=_rate(row["no_show_rate"], lang),
        )
        for row in rows.iter_rows(named=True)
    ]
    return translate(lang, f"pass_rates.words.{key}", items="; ".join(items))


def extremes_in_words(organisations: pl.DataFrame, lang: str) -> str | None:
    """The organisations with the highest and the lowest pass rate (org_name, pass_rate);
    None when no organisation has a rate."""
    rated = organisations.filter(pl.col("pass_rate").is_not_null()).sort(
        "pass_rate", "org_name", descending=[True, False]
    )
    if rated.is_empty():
        return None
    top, bottom = rated.row(0, named=True), rated.row(rated.height - 1, named=True)
    return translate(
        lang,
        "pass_rates.words.by_organisation",
        n=str(rated.height),
        top=top["org_name"],
        top_rate=_rate(top["pass_rate"], lang),
        bottom=bottom["org_name"],
        bottom_rate=_rate(bottom["pass_rate"], lang),
    )


def scores_in_words(bins: pl.DataFrame, outcome_name: Callable[[str], str], lang: str) -> str:
    """The histogram in words: how many scores, between which bin edges, and per outcome.
    `bins`: queries/score_distribution.sql (bin_start, bin_end, outcome, candidates). A
    bin hidden by small-cell suppression ("<5") makes its outcome's sum and the total
    unknown ("—")."""
    counted = as_numbers(bins, ("candidates",))
    per_outcome = counted.group_by("outcome", maintain_order=True).agg(
        pl.col("candidates").sum(), pl.col("candidates").null_count().alias("hidden")
    )

    def total(n: object, hidden: object) -> str:
        return count_text(n, lang) if not hidden else UNKNOWN

    outcomes = ", ".join(
        f"{outcome_name(o)} {total(n, hidden)}" for o, n, hidden in per_outcome.iter_rows()
    )
    return translate(
        lang,
        "pass_rates.words.scores",
        n=total(counted["candidates"].sum(), counted["candidates"].null_count()),
        low=fmt_score(bins["bin_start"].min(), lang),
        high=fmt_score(bins["bin_end"].max(), lang),
        outcomes=outcomes,
    )
