"""Charts of the reserve lists page: the validity timeline and what became of each list's
laureates. Each function takes the frame of a query in queries/ (see the column names) and
texts already translated, and returns an altair chart."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Final

import altair as alt
import polars as pl

from selstats.ui.charts.theme import ACCENT, LINE_COLOUR, MUTED, date_format, month_format

# What became of a list's laureates (the columns of queries/reserve_lists.sql, one per
# selstats.domain.enums.ListStatus), colour-blind-safe (Okabe-Ito): still available blue,
# hired green, declined vermillion, withdrawn light grey.
STATUS_COLOURS: Final[dict[str, str]] = {
    "available": ACCENT,
    "hired": "#009E73",
    "declined": "#D55E00",
    "withdrawn_from_list": "#BDBDBD",
}
# Laureates with status available whose own reserve is not valid on the chosen date (expired,
# not in force yet, or without an end): pale blue, next to the available ones.
NOT_VALID_COLOUR: Final = "#A6CEE3"
# The parts of a list's bar, in stacking order: the statuses, then the available laureates
# whose reserve is not valid on the date (queries/reserve_lists.sql: they add up to its size).
BAR_COLOURS: Final[dict[str, str]] = {**STATUS_COLOURS, "available_not_valid": NOT_VALID_COLOUR}
STATUS_ORDER: Final = tuple(BAR_COLOURS)

# A list's validity on the chosen date: the part before the list's own end, and the
# extension granted to some of its laureates after it. A list not in force yet: orange.
VALIDITY_COLOURS: Final[dict[str, str]] = {
    "valid": ACCENT,
    "expired": MUTED,
    "not_started": "#E69F00",
}
EXTENSION_COLOUR: Final = "#56B4E9"  # sky blue: lighter than the valid bar

ROW_STEP: Final = 22  # pixels per list

# A list's place from the top of a chart: 0 for the first.
ROW_ORDER: Final = "row_order"


def _in_row_order() -> alt.EncodingSortField:
    """The lists top to bottom by their `ROW_ORDER`. Not the labels in a list: that list is
    part of the spec, which at scale L (4,000 lists in five years) made it 400 KB, sent on
    every rerun and validated by altair in ~0.4 s."""
    return alt.EncodingSortField(field=ROW_ORDER, op="min", order="ascending")


def timeline_rows(lists: pl.DataFrame) -> pl.DataFrame:
    """The lists that can be drawn on a timeline: those with a first day (the list date, or a
    permanently open procedure's first laureate's) and an end."""
    return lists.filter(pl.col("valid_from").is_not_null() & pl.col("valid_through").is_not_null())


def validity_timeline(
    lists: pl.DataFrame,
    as_of: date,
    labels: Mapping[str, str],
    lang: str,
) -> alt.LayerChart:
    """One bar per list from its first day (valid_from: the list date, or a permanently open
    procedure's first laureate's) to its own last day (coloured by its validity on `as_of`),
    a lighter bar on to an extension, and a rule at `as_of`. The latest end comes first, so
    that the lists still in use are at the top; the date axis is at the top too.

    `lists`: rows of queries/reserve_lists.sql. `labels`: "list", "valid_from",
    "list_valid_until", "extended_until", "validity", "laureates_valid", "as_of" and the validity
    states "valid", "expired", "not_started"."""
    fmt = date_format(lang)
    rows = timeline_rows(lists).with_columns(
        pl.concat_str(
            pl.col("procedure_code"),
            pl.when(pl.col("title").is_not_null())
            .then(pl.lit(" — ") + pl.col("title"))
            .otherwise(pl.lit("")),
        ).alias("list_label"),
        pl.col("validity")
        .replace_strict(
            {state: labels[state] for state in VALIDITY_COLOURS}, default=pl.col("validity")
        )
        .alias("validity_label"),
    )
    rows = rows.sort(["valid_through", "procedure_code"], descending=[True, False])
    y = alt.Y(
        "list_label:N",
        title=None,
        sort=_in_row_order(),
        axis=alt.Axis(labelLimit=280, labelOverlap=False),
    )
    tooltip = [
        alt.Tooltip("procedure_code:N", title=labels["list"]),
        alt.Tooltip("org_name:N", title=labels["organisation"]),
        alt.Tooltip("valid_from:T", title=labels["valid_from"], format=fmt),
        alt.Tooltip("list_valid_until:T", title=labels["list_valid_until"], format=fmt),
        alt.Tooltip("extended_until:T", title=labels["extended_until"], format=fmt),
        alt.Tooltip("validity_label:N", title=labels["validity"]),
        alt.Tooltip("laureates_valid:N", title=labels["laureates_valid"]),
    ]
    base = alt.Chart(rows.with_row_index(ROW_ORDER))
    bars = base.mark_bar(height=ROW_STEP - 6).encode(
        x=alt.X(
            "valid_from:T",
            title=None,
            axis=alt.Axis(format=month_format(lang), orient="top", grid=True),
        ),
        x2=alt.X2("list_valid_until:T"),
        y=y,
        color=alt.Color(
            "validity_label:N",
            title=labels["validity"],
            scale=alt.Scale(
                domain=[labels[s] for s in VALIDITY_COLOURS],
                range=list(VALIDITY_COLOURS.values()),
            ),
            legend=alt.Legend(orient="top"),
        ),
        tooltip=tooltip,
    )
    extensions = (
        base.transform_filter("isValid(datum.extended_until)")
        .mark_bar(height=ROW_STEP - 6, color=EXTENSION_COLOUR)
        .encode(x=alt.X("list_valid_until:T"), x2=alt.X2("extended_until:T"), y=y, tooltip=tooltip)
    )
    today = pl.DataFrame({"as_of": [as_of], "label": [labels["as_of"]]})
    rule = (
        alt.Chart(today)
        .mark_rule(color=LINE_COLOUR, strokeWidth=2, strokeDash=[4, 3])
        .encode(
            x=alt.X("as_of:T"),
            tooltip=[alt.Tooltip("as_of:T", title=labels["as_of"], format=fmt)],
        )
    )
    return alt.LayerChart(layer=[bars, extensions, rule], height=alt.Step(ROW_STEP))


def status_long(lists: pl.DataFrame, statuses: Sequence[str] = STATUS_ORDER) -> pl.DataFrame:
    """One row per list and status with its count (zero counts left out); a status column
    the frame does not have is left out."""
    statuses = [s for s in statuses if s in lists.columns]
    return (
        lists.select("procedure_code", "title", *statuses)
        .unpivot(index=["procedure_code", "title"], variable_name="status", value_name="count")
        .filter(pl.col("count") > 0)
    )


def status_bars(lists: pl.DataFrame, labels: Mapping[str, str]) -> alt.Chart:
    """Per list, its laureates stacked by what became of them: available (reserve valid on
    the date), hired, declined, withdrawn, and available with a reserve not valid on the
    date, in fixed colours.

    `lists`: rows of queries/reserve_lists.sql. `labels`: "list", "laureates", "status"
    and the columns "available", "hired", "declined", "withdrawn_from_list",
    "available_not_valid"."""
    rows = status_long(lists).with_columns(
        pl.col("status")
        .replace_strict({s: labels[s] for s in STATUS_ORDER}, default=pl.col("status"))
        .alias("status_label"),
        pl.col("status")
        .replace_strict({s: i for i, s in enumerate(STATUS_ORDER)}, default=len(STATUS_ORDER))
        .alias("status_order"),
    )
    order = lists.select("procedure_code").unique(maintain_order=True).with_row_index(ROW_ORDER)
    rows = rows.join(order, on="procedure_code", how="left", maintain_order="left")
    return (
        alt.Chart(rows)
        .mark_bar(height=ROW_STEP - 6)
        .encode(
            x=alt.X(
                "count:Q", title=labels["laureates"], stack="zero", axis=alt.Axis(orient="top")
            ),
            y=alt.Y(
                "procedure_code:N",
                title=None,
                sort=_in_row_order(),
                axis=alt.Axis(labelOverlap=False),
            ),
            color=alt.Color(
                "status_label:N",
                title=labels["status"],
                scale=alt.Scale(
                    domain=[labels[s] for s in STATUS_ORDER],
                    range=list(BAR_COLOURS.values()),
                ),
                legend=alt.Legend(orient="top"),
            ),
            order=alt.Order("status_order:Q"),
            tooltip=[
                alt.Tooltip("procedure_code:N", title=labels["list"]),
                alt.Tooltip("title:N", title=labels["title"]),
                alt.Tooltip("status_label:N", title=labels["status"]),
                alt.Tooltip("count:Q", title=labels["laureates"]),
            ],
        )
        .properties(height=alt.Step(ROW_STEP))
    )
