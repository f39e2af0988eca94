"""Salary scales on one date: each scale at the index coefficient its government applies that
day (each from its own month), brought to the cent as that government does, per year and per
month, from minimum to maximum, against the amounts the postings published. A local scale
belongs to the local government that set it. Figures: queries/salary_coefficients.sql (the
coefficient and rounding per government), queries/salaries.sql (the amounts, also the
`salaries` export) and queries/salary_postings.sql."""

from datetime import date

import duckdb
import polars as pl
import streamlit as st

from selstats.i18n.format import fmt_date, fmt_int
from selstats.rules.salaries import NO_AMOUNTS, mostly_unknown
from selstats.ui.charts.salaries import (
    SalaryTexts,
    owners,
    ranges_in_words,
    salary_ranges,
    scale_label,
)
from selstats.ui.db import cached_query
from selstats.ui.frame import current_filters, page_title
from selstats.ui.i18n import current_lang, t
from selstats.ui.table import date_format, show_table


def table(frame: pl.DataFrame, name: str, detail: dict[str, object]) -> None:
    """The table (labels, formats, names of codes and definitions from the figure catalogue;
    an unknown amount is "—", never 0) and its downloads: the same table."""
    show_table(frame, key=f"salaries_{name}", download=f"salaries_{name}", detail=detail)


filters = current_filters()
page_title("salaries")
lang = current_lang()
texts = SalaryTexts.from_catalogue(t)
st.markdown(t("salaries.formula"))
st.caption(t("salaries.filters_note"))

as_of = st.date_input(
    t("salaries.as_of"),
    value=date.today(),
    help=t("salaries.as_of_help"),
    format=date_format(lang),
    key="as_of",
    bind="query-params",
)
if not isinstance(as_of, date):  # the field was emptied: today
    as_of = date.today()
day = fmt_date(as_of, lang)

pay = cached_query("salary_coefficients", as_of=as_of)
if pay.is_empty():
    st.info(t("salaries.no_coefficients"))
    st.stop()
st.subheader(t("salaries.pay_title", date=day))
st.caption(t("salaries.pay_caption"))
table(
    pay.select(
        "government",
        "coefficient",
        "in_force_from",
        "annual_rounding",
        "monthly_rounding",
        "coefficient_source",
        "rounding_source",
    ),
    "coefficients",
    {"as_of": as_of},
)
without = pay.filter(pl.col("coefficient").is_null())["government"].to_list()
if without:
    governments = ", ".join(t(f"government.{g}") for g in without)
    st.warning(t("salaries.no_coefficient_on_date", date=day, governments=governments))

scales = cached_query("salaries", **filters.params(), as_of=as_of, coefficient=None)
if scales.is_empty():
    st.info(t("salaries.no_scales"))
    st.stop()
try:
    postings: pl.DataFrame | None = cached_query("salary_postings", **filters.params())
except duckdb.CatalogException:  # a store built before the table existed
    postings = None

st.subheader(t("salaries.scales_title", date=day))
annual_tab, monthly_tab = st.tabs([t("salaries.annual"), t("salaries.monthly")])
annual_tab.altair_chart(salary_ranges(scales, postings, "annual", texts, lang), width="stretch")
monthly_tab.altair_chart(salary_ranges(scales, postings, "monthly", texts, lang), width="stretch")
words = ranges_in_words(scales, texts, lang)
if words is not None:
    st.caption(words)
st.caption(t("salaries.chart_note"))
for known, sentence in (
    ("none", "unknown_scales"),
    ("not_in_reference", "unknown_unlisted"),
    ("min_only", "unknown_max"),
    ("max_only", "unknown_min"),
):
    missing = scales.filter(pl.col("amounts_known") == known)
    if not missing.is_empty():
        rows = missing.select("scale", "level", "government").with_columns(owners(missing))
        if known == "not_in_reference":  # often many towns: their scales grouped per town
            grouped: dict[str, list[str]] = {}
            for scale, _level, government, owner in rows.rows():
                name = owner or texts.governments.get(government, government)
                grouped.setdefault(name, []).append(scale)
            labels = [f"{name}: {', '.join(found)}" for name, found in sorted(grouped.items())]
            listed = "; ".join(labels)
        else:
            listed = ", ".join(scale_label(s, lv, g, texts, o) for s, lv, g, o in rows.rows())
        # scale and organisation names are data: plain text, never Markdown
        st.text(t(f"salaries.{sentence}", scales=listed))
shown_scales = scales
if mostly_unknown(scales["amounts_known"].to_list()):
    # most scales have no amount: say which have, and show those, not a column of "unknown"
    shown_scales = scales.filter(~pl.col("amounts_known").is_in(list(NO_AMOUNTS)))
    named = shown_scales.select("scale", "level", "government").with_columns(owners(shown_scales))
    st.text(
        t(
            "salaries.known_only",
            known=fmt_int(shown_scales.height, lang),
            total=fmt_int(scales.height, lang),
            scales=", ".join(scale_label(s, lv, g, texts, o) for s, lv, g, o in named.rows()),
        )
    )
table(
    # the amounts first: on screen at 1024 px without scrolling sideways
    shown_scales.select(
        "scale",
        "level",
        "government",
        "annual_min",
        "annual_max",
        "monthly_min",
        "monthly_max",
        "org_name",
        "diploma_level",
        "annual_min_100",
        "annual_max_100",
        "coefficient",
        "coefficient_from",
        "monthly_rounding",
        "amounts_known",
        "source",
    ),
    "scales",
    {**filters.params(), "as_of": as_of},
)

st.subheader(t("salaries.postings_title"))
st.caption(t("salaries.postings_intro"))
if postings is None:
    st.warning(t("salaries.postings_missing"))
    st.stop()
if postings.is_empty():
    st.info(t("salaries.no_postings"))
    st.stop()
unpublished = postings.filter(pl.col("published_amount").is_null())
if not unpublished.is_empty():
    names = [
        f"{p} ({o}, {s})"
        for p, o, s in unpublished.select("posting", "org_name", "scale").iter_rows()
    ]
    st.text(t("salaries.unpublished_postings", postings="; ".join(names)))  # data: plain text
table(
    postings.select(
        "posting",
        "org_name",
        "scale",
        "bound",
        "period",
        "published_amount",
        "posting_coefficient",
        "computed_amount",
        "difference",
        "posting_check",
        "in_force_from",
        "rounding",
        "source_year",
    ),
    "postings",
    filters.params(),
)
