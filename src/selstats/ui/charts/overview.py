"""Charts of the overview page, from the rows of queries/overview.sql (one per year).

- `volume_chart`: applicants, tested and laureates of the selection per year.
- `ratio_chart`: a ratio per year of the selection (laureates per tested) next to BOSA's own
  figure of that ratio, each drawn for the years it exists.
Rows without a year (permanently open procedures) are left out of both: they have no place
on a time axis; the table shows them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import altair as alt
import polars as pl

from selstats.i18n import translate
from selstats.i18n.format import UNKNOWN, fmt_int, fmt_pct
from selstats.ui.cell_counts import as_numbers, count_text
from selstats.ui.charts.theme import ACCENT, MUTED, count_axis, localised, percent_axis

# Applicants, tested, laureates: one hue, from light to dark (readable without colour too).
VOLUME_COLOURS: Final = ("#9ECAE1", "#4292C6", "#08306B")
VOLUME_COLUMNS: Final = ("applicants", "tested", "laureates")


def _dated(per_year: pl.DataFrame) -> pl.DataFrame:
    return per_year.filter(pl.col("year").is_not_null())


@dataclass(frozen=True)
class VolumeLabels:
    year: str
    candidates: str
    measure: str
    measures: Mapping[str, str]  # applicants / tested / laureates -> word


def volume_chart(per_year: pl.DataFrame, labels: VolumeLabels, lang: str) -> alt.Chart:
    """Grouped bars: per year, the selection's applicants, tested and laureates."""
    rank = {name: i for i, name in enumerate(VOLUME_COLUMNS)}
    long = (
        as_numbers(_dated(per_year), VOLUME_COLUMNS)  # a hidden count ("<5") is not drawn
        .select("year", *VOLUME_COLUMNS)
        .unpivot(index="year", variable_name="measure", value_name="count")
    )
    long = long.with_columns(
        pl.col("measure").replace_strict(labels.measures, return_dtype=pl.String).alias("label"),
        pl.col("measure").replace_strict(rank, return_dtype=pl.Int64).alias("order"),
        pl.Series("count_text", [fmt_int(c, lang) for c in long["count"]], pl.String),
    )
    domain = [labels.measures[name] for name in VOLUME_COLUMNS]
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("year:O", title=labels.year, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("label:N", sort=domain),
            y=alt.Y("count:Q", title=labels.candidates, axis=count_axis()),
            color=alt.Color(
                "label:N",
                title=labels.measure,
                scale=alt.Scale(domain=domain, range=list(VOLUME_COLOURS)),
                # one entry a line: side by side at 1024 px, a row of entries is cut off
                legend=alt.Legend(orient="bottom", direction="vertical"),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("year:O", title=labels.year),
                alt.Tooltip("label:N", title=labels.measure),
                alt.Tooltip("count_text:N", title=labels.candidates),
            ],
        )
        .properties(height=300)
    )
    return localised(chart, lang)


@dataclass(frozen=True)
class RatioLabels:
    year: str
    ratio: str  # the axis: the ratio's label
    source: str  # the legend's title
    selection: str  # "Deze selectie"
    national: str  # "BOSA (federaal)"


def ratio_rows(
    selection: pl.DataFrame,
    national: pl.DataFrame,
    column: str,
    national_column: str,
    labels: RatioLabels,
) -> pl.DataFrame:
    """year, source, value: the selection's ratio per year and the national one per year
    BOSA published it (the two may cover different years: each is drawn where it exists);
    a missing value is left out, never drawn as 0."""
    both = pl.concat(
        [
            _dated(selection).select(
                "year", pl.lit(labels.selection).alias("source"), pl.col(column).alias("value")
            ),
            _dated(national).select(
                "year",
                pl.lit(labels.national).alias("source"),
                pl.col(national_column).alias("value"),
            ),
        ],
        how="vertical_relaxed",
    )
    return both.filter(pl.col("value").is_not_null()).sort("year", "source")


def ratio_chart(
    selection: pl.DataFrame,
    national: pl.DataFrame,
    column: str,
    national_column: str,
    labels: RatioLabels,
    lang: str,
) -> alt.Chart:
    """Per year, the selection's `column` and BOSA's `national_column` (both fractions, the
    axis in percent): bars side by side where both exist, one bar where only one does."""
    rows = ratio_rows(selection, national, column, national_column, labels)
    rows = rows.with_columns(
        pl.Series("value_text", [fmt_pct(v, lang) for v in rows["value"]], pl.String)
    )
    domain = [labels.selection, labels.national]
    chart = (
        alt.Chart(rows)
        .mark_bar()
        .encode(
            x=alt.X("year:O", title=labels.year, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("source:N", sort=domain, scale=alt.Scale(domain=domain)),
            y=alt.Y("value:Q", title=labels.ratio, axis=percent_axis()),
            color=alt.Color(
                "source:N",
                title=labels.source,
                scale=alt.Scale(domain=domain, range=[ACCENT, MUTED]),
                # one entry a line: side by side at 1024 px, a row of entries is cut off
                legend=alt.Legend(orient="bottom", direction="vertical"),
            ),
            tooltip=[
                alt.Tooltip("year:O", title=labels.year),
                alt.Tooltip("source:N", title=labels.source),
                alt.Tooltip("value_text:N", title=labels.ratio),
            ],
        )
        .properties(height=300)
    )
    return localised(chart, lang)


def per_year_in_words(per_year: pl.DataFrame, lang: str) -> str | None:
    """Both charts in words, year by year (dated years only, as drawn): applicants, tested,
    laureates and laureates per tested, with BOSA's national figure of that year where it
    published one ("2024: 120 sollicitanten, 80 getest, 20 laureaten, 25,0 % (BOSA 18,0 %)").
    A count hidden by small-cell suppression reads "<5"; None when no year is dated."""
    dated = per_year.filter(pl.col("year").is_not_null()).sort("year")
    if dated.is_empty():
        return None
    items = []
    for row in dated.iter_rows(named=True):
        national = row.get("national_laureates_per_tested")
        items.append(
            translate(
                lang,
                "overview.words.year",
                year=str(row["year"]),
                applicants=count_text(row["applicants"], lang),
                tested=count_text(row["tested"], lang),
                laureates=count_text(row["laureates"], lang),
                ratio=fmt_pct(row["laureates_per_tested"], lang)
                if row["laureates_per_tested"] is not None
                else UNKNOWN,
                national=translate(lang, "overview.words.national", ratio=fmt_pct(national, lang))
                if national is not None
                else "",
            )
        )
    return translate(lang, "overview.words.text", years="; ".join(items))
