"""Charts of the salary scales page (pages/salaries.py).

`salary_ranges` draws the scales of `queries/salaries.sql` on one date (each at its
government's coefficient) as range bars (minimum to maximum), per year or per month, with the
amounts the postings published (`queries/salary_postings.sql`) as diamonds. A scale of one
organisation (a local government's own) is named after that organisation, so two towns' C1-C3
are two rows. Unknown amounts are left off, never drawn as 0: the page lists them in a
sentence. Nothing here imports Streamlit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final, Literal

import altair as alt
import polars as pl

from selstats.domain.enums import Government
from selstats.i18n import translate
from selstats.i18n.format import fmt_eur, fmt_int, fmt_num
from selstats.ui.charts.theme import GOVERNMENT_COLOURS, LINE_COLOUR, localised

Period = Literal["annual", "monthly"]
GOVERNMENT_ORDER: Final = tuple(g.value for g in Government)
_ROW_HEIGHT: Final = 26  # pixels per scale
_NO_POSTINGS: Final = pl.DataFrame(
    schema={
        "posting": pl.String,
        "org_name": pl.String,
        "scale": pl.String,
        "level": pl.String,
        "government": pl.String,
        "period": pl.String,
        "published_amount": pl.Float64,
        "posting_coefficient": pl.Float64,
        "computed_amount": pl.Float64,
    }
)


@dataclass(frozen=True)
class SalaryTexts:
    """The translated words the chart shows."""

    amount: str
    scale: str
    government: str
    minimum: str
    maximum: str
    published: str
    posting: str
    coefficient: str
    computed: str
    governments: Mapping[str, str]  # Government value -> name

    @classmethod
    def from_catalogue(cls, t: Callable[[str], str]) -> SalaryTexts:
        """Build from a `t(key)` function (`selstats.ui.i18n.t`, or `translate` bound to a
        language)."""
        return cls(
            amount=t("salaries.axis_amount"),
            scale=t("salaries.axis_scale"),
            government=t("salaries.legend_government"),
            minimum=t("salaries.tooltip_minimum"),
            maximum=t("salaries.tooltip_maximum"),
            published=t("salaries.tooltip_published"),
            posting=t("salaries.tooltip_posting"),
            coefficient=t("salaries.tooltip_coefficient"),
            computed=t("salaries.tooltip_computed"),
            governments={g: t(f"government.{g}") for g in GOVERNMENT_ORDER},
        )


def scale_label(
    scale: str, level: str | None, government: str, texts: SalaryTexts, owner: str | None = None
) -> str:
    """How a scale is named on the chart and in sentences: "A2 · NA23 (Federaal)" for a scale
    of a whole government, "C1 · C1-C3 (Stad Maaseik)" for the scale of one organisation
    (`owner`, its name)."""
    name = owner or texts.governments.get(government, government)
    return f"{level} · {scale} ({name})" if level else f"{scale} ({name})"


def owners(frame: pl.DataFrame) -> pl.Series:
    """The organisation each row's scale belongs to: `org_name` of a local row (a local
    government's own scale), None for a scale of a whole government. Works on the rows of
    salaries.sql and of salary_postings.sql (whose federal rows name their organisation but
    use their government's scale)."""
    if "org_name" not in frame.columns:
        return pl.Series("owner", [None] * frame.height, dtype=pl.String)
    local = frame.get_column("government") == "local"
    names = frame.get_column("org_name").cast(pl.String)
    values = [n if m else None for n, m in zip(names, local, strict=True)]
    return pl.Series("owner", values, dtype=pl.String)


def _labelled(frame: pl.DataFrame, texts: SalaryTexts) -> pl.Series:
    rows = frame.select("scale", "level", "government").with_columns(owners(frame)).iter_rows()
    return pl.Series(
        "label", [scale_label(s, lv, g, texts, o) for s, lv, g, o in rows], dtype=pl.String
    )


def _euros(frame: pl.DataFrame, column: str, lang: str) -> pl.Series:
    values = frame.get_column(column).to_list()
    return pl.Series(f"{column}_text", [fmt_eur(v, lang) for v in values], dtype=pl.String)


def salary_ranges(
    scales: pl.DataFrame,
    postings: pl.DataFrame | None,
    period: Period,
    texts: SalaryTexts,
    lang: str,
) -> alt.TopLevelMixin:
    """Each scale from its minimum to its maximum at its coefficient in `scales`, per year
    (`period="annual"`) or per month, coloured by government, and the published amounts of
    the postings of that period as black diamonds at their own coefficient.

    `scales`: rows of salaries.sql (scale, level, government, org_name, annual_min,
    annual_max, monthly_min, monthly_max); `postings`: rows of salary_postings.sql
    (posting, org_name, scale, level, government, period, published_amount, coefficient,
    computed_amount), or
    None when the store has none. A scale with no known amount, and a posting with no
    published amount, are not drawn."""
    low, high = f"{period}_min", f"{period}_max"
    known = scales.filter(pl.col(low).is_not_null() | pl.col(high).is_not_null())
    ranges = known.select(
        _labelled(known, texts),
        pl.col("government"),
        pl.col("government")
        .replace_strict(texts.governments, default=pl.col("government"))
        .alias("government_name"),
        pl.col(low).alias("low"),
        pl.col(high).alias("high"),
        _euros(known, low, lang).alias("low_text"),
        _euros(known, high, lang).alias("high_text"),
    )
    published = (postings if postings is not None else _NO_POSTINGS).filter(
        (pl.col("period") == period) & pl.col("published_amount").is_not_null()
    )
    points = published.select(
        _labelled(published, texts),
        pl.col("posting"),
        pl.col("org_name"),
        pl.col("published_amount"),
        _euros(published, "published_amount", lang).alias("published_text"),
        pl.Series(
            "coefficient_text",
            [fmt_num(c, lang, 4) for c in published.get_column("posting_coefficient").to_list()],
            dtype=pl.String,
        ),
        _euros(published, "computed_amount", lang).alias("computed_text"),
    )

    order = list(dict.fromkeys(ranges.get_column("label").to_list() + points["label"].to_list()))
    governments = [g for g in GOVERNMENT_ORDER if g in set(ranges["government"].to_list())]
    y = alt.Y("label:N", title=texts.scale, sort=order, axis=alt.Axis(labelLimit=260))
    x_scale = alt.Scale(zero=True)
    x = alt.X("low:Q", title=texts.amount, scale=x_scale, axis=alt.Axis(format=",.0f"))
    colour = alt.Color(
        "government_name:N",
        title=texts.government,
        sort=[texts.governments.get(g, g) for g in governments],
        scale=alt.Scale(
            domain=[texts.governments.get(g, g) for g in governments],
            range=[GOVERNMENT_COLOURS[g] for g in governments],
        ),
        legend=alt.Legend(orient="bottom"),
    )
    tooltip = [
        alt.Tooltip("label:N", title=texts.scale),
        alt.Tooltip("low_text:N", title=texts.minimum),
        alt.Tooltip("high_text:N", title=texts.maximum),
    ]
    base = alt.Chart(ranges).encode(y=y, color=colour, tooltip=tooltip)
    bars = (
        base.transform_filter("isValid(datum.low) && isValid(datum.high)")
        .mark_bar(height=12, opacity=0.85)
        .encode(x=x, x2=alt.X2("high:Q"))
    )
    ends = (
        alt.Chart(ranges)
        .transform_fold(["low", "high"], as_=["end", "amount"])
        .transform_filter("isValid(datum.amount)")
        .mark_point(filled=True, size=90, opacity=1)
        .encode(
            y=y,
            x=alt.X("amount:Q", title=texts.amount, scale=x_scale, axis=alt.Axis(format=",.0f")),
            color=colour,
            stroke=alt.StrokeValue(LINE_COLOUR),
            strokeWidth=alt.StrokeWidthValue(0.6),
            tooltip=tooltip,
        )
    )
    diamonds = (
        alt.Chart(points)
        .mark_point(shape="diamond", filled=True, size=140, color=LINE_COLOUR)
        .encode(
            y=y,
            x=alt.X("published_amount:Q", title=texts.amount, scale=x_scale),
            tooltip=[
                alt.Tooltip("posting:N", title=texts.posting),
                alt.Tooltip("org_name:N", title=" "),
                alt.Tooltip("published_text:N", title=texts.published),
                alt.Tooltip("coefficient_text:N", title=texts.coefficient),
                alt.Tooltip("computed_text:N", title=texts.computed),
            ],
        )
    )
    chart = alt.layer(bars, ends, diamonds).properties(height=alt.Step(_ROW_HEIGHT))
    return localised(chart, lang)


def ranges_in_words(scales: pl.DataFrame, texts: SalaryTexts, lang: str) -> str | None:
    """The annual chart in words: how many scales have an amount, the lowest and the highest
    annual amount drawn (a minimum or a maximum) with their scales; None when no scale has an
    amount. `scales`: the rows of queries/salaries.sql."""
    named = scales.with_columns(owners(scales))
    keys = ("scale", "level", "government", "owner")
    amounts = pl.concat(
        [
            named.select(*keys, pl.col(column).alias("amount")).drop_nulls("amount")
            for column in ("annual_min", "annual_max")
        ]
    ).sort("amount")
    if amounts.is_empty():
        return None
    with_amounts = named.filter(
        pl.col("annual_min").is_not_null() | pl.col("annual_max").is_not_null()
    )

    def name(row: Mapping[str, object]) -> str:
        level, owner = row["level"], row["owner"]
        return scale_label(
            str(row["scale"]),
            str(level) if level else None,
            str(row["government"]),
            texts,
            str(owner) if owner else None,
        )

    low, high = amounts.row(0, named=True), amounts.row(amounts.height - 1, named=True)
    return translate(
        lang,
        "salaries.chart_words",
        n=fmt_int(with_amounts.height, lang),
        low=fmt_eur(low["amount"], lang),
        low_scale=name(low),
        high=fmt_eur(high["amount"], lang),
        high_scale=name(high),
    )
