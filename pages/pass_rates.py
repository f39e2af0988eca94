"""Step pass rates: the share of those who sat a step that met its pass mark, per kind of
step, per year, per organisation and per step, and the score distribution of one step with
its pass mark and top-N cut; each in a tab of its own (`?section=`), each chart with its key
figures in words under it. Every figure comes from queries/pass_rates_by_group.sql (where
the pass rate is defined), queries/score_distribution.sql and
queries/pass_rates_step_marks.sql; labels and definitions from the figure catalogue. The
pass rate here is not the Funnel's advance rate: the page says so."""

from collections.abc import Mapping

import polars as pl
import streamlit as st

from selstats.i18n.format import fmt_pct
from selstats.ui.charts.pass_rates import (
    PassRateTexts,
    fmt_count,
    fmt_score,
    pass_rate_by_kind,
    pass_rate_by_organisation,
    pass_rate_over_time,
    score_histogram,
)
from selstats.ui.db import cached_query
from selstats.ui.frame import current_filters, page_title
from selstats.ui.funnel_text import steps_list
from selstats.ui.i18n import current_lang, t
from selstats.ui.pass_rates_text import extremes_in_words, rates_in_words, scores_in_words
from selstats.ui.sections import page_tabs
from selstats.ui.table import metric, show_table

COUNTS = [
    "reached",
    "sat",
    "met_mark",
    "passed",
    "cut_off",
    "failed",
    "absent",
    "withdrawn",
    "not_registered",
]
RATES = ["pass_rate", "no_show_rate"]


def table(frame: pl.DataFrame, name: str, detail: Mapping[str, object]) -> None:
    """The table (labels, formats and kinds of step by name from the figure catalogue) and
    its downloads: the same table."""
    show_table(frame, key=f"pass_rates_{name}", download=f"pass_rates_{name}", detail=detail)


def rows(grouping: str, *keys: str) -> pl.DataFrame:
    """The rows of one grouping of the page's query, with its key columns, the rates (the
    decisive figures first: on screen at 1024 px without scrolling sideways) and the
    counts."""
    return rates.filter(pl.col("grouping") == grouping).select(*keys, *RATES, "held_steps", *COUNTS)


filters = current_filters()
page_title("pass_rates")
lang = current_lang()
texts = PassRateTexts.from_catalogue(t, lang)
st.markdown(t("pass_rates.definition"))

rates = cached_query("pass_rates_by_group", **filters.params())
if rates.is_empty():
    st.info(t("common.empty_selection"))
    st.stop()

overall = rates.filter(pl.col("grouping") == "all").row(0, named=True)
# widest where the label is longest, so that no label is cut off at 1024 px
for container, name in zip(
    st.columns([1, 1.15, 0.75, 1.1]),
    ("pass_rate", "no_show_rate", "sat", "held_steps"),
    strict=True,
):
    metric(container, name, overall[name])

# ---- the sections in tabs: the page opens on the pass rate per kind of step, or on the
# score distribution when the link names a procedure in it --------------------------------
SECTIONS = ("by_kind", "over_time", "by_organisation", "by_step", "distribution")
tabs = page_tabs(
    "pass_rates_section",
    "section",
    {s: t(f"pass_rates.tab_{s}") for s in SECTIONS},
    default="distribution" if "pass_rates_procedure" in st.query_params else "by_kind",
)
with tabs["by_kind"]:
    st.subheader(t("pass_rates.by_kind"))
    by_kind = rows("kind", "kind")
    st.altair_chart(pass_rate_by_kind(by_kind, texts, lang), width="stretch")
    st.caption(rates_in_words(by_kind, texts.kind_name, "by_kind", lang))
    table(by_kind, "by_kind", filters.params())

with tabs["over_time"]:
    st.subheader(t("pass_rates.over_time"))
    by_year_kind = rows("year_kind", "year", "kind")
    by_year = rows("year", "year")
    st.altair_chart(pass_rate_over_time(by_year_kind, by_year, texts, lang), width="stretch")
    st.caption(rates_in_words(by_year.drop_nulls("year").sort("year"), str, "by_year", lang))
    st.caption(t("pass_rates.over_time_note"))
    table(by_year_kind, "by_year", filters.params())

with tabs["by_organisation"]:
    st.subheader(t("pass_rates.by_organisation"))
    st.altair_chart(
        pass_rate_by_organisation(rows("organisation_kind", "org_name", "kind"), texts, lang),
        width="stretch",
    )
    by_organisation = rows("organisation", "org_id", "org_name")
    extremes = extremes_in_words(by_organisation, lang)
    if extremes is not None:
        st.caption(extremes)
    table(by_organisation, "by_organisation", filters.params())

with tabs["by_step"]:
    st.subheader(t("pass_rates.by_step"))
    table(
        rows("step", "procedure_code", "step_no", "step_name", "kind", "year", "org_name"),
        "by_step",
        filters.params(),
    )

# the last tab: its early stops end the page, not a section before it
distribution = tabs["distribution"]
distribution.subheader(t("pass_rates.distribution"))
distribution.caption(t("pass_rates.distribution_intro"))
scored_steps = rates.filter((pl.col("grouping") == "step") & pl.col("max_score").is_not_null())
if scored_steps.is_empty():
    distribution.info(t("pass_rates.no_scored_steps"))
    st.stop()
left, right = distribution.columns(2)
procedure_code = left.selectbox(
    t("pass_rates.procedure"),
    scored_steps.get_column("procedure_code").unique(maintain_order=True).to_list(),
    key="pass_rates_procedure",
    bind="query-params",
)
step_names = dict(
    scored_steps.filter(pl.col("procedure_code") == procedure_code)
    .select("step_no", "step_name")
    .iter_rows()
)
step_no = right.selectbox(
    t("pass_rates.step"),
    list(step_names),
    format_func=lambda n: t("pass_rates.step_option", step_no=n, name=step_names[n]),
    key="pass_rates_step",
)
chosen = {"procedure_code": procedure_code, "step_no": step_no}
bins = cached_query("score_distribution", **filters.params(), **chosen)
marks = cached_query("pass_rates_step_marks", **filters.params(), **chosen)
if bins.is_empty() or marks.is_empty():
    distribution.info(t("pass_rates.no_scores"))
    st.stop()
mark = marks.row(0, named=True)
distribution.altair_chart(score_histogram(bins, mark, texts, lang), width="stretch")
distribution.caption(scores_in_words(bins, texts.outcomes.__getitem__, lang))
if mark["pass_points"] is not None and mark["pass_unit"] == "percent":
    distribution.caption(
        t(
            "pass_rates.pass_mark_percent",
            percent=fmt_pct(mark["pass_mark"] / 100, lang, 0),
            max=fmt_score(mark["max_score"], lang),
            points=fmt_score(mark["pass_points"], lang),
        )
    )
elif mark["pass_points"] is not None:
    distribution.caption(
        t(
            "pass_rates.pass_mark_points",
            points=fmt_score(mark["pass_points"], lang),
            max=fmt_score(mark["max_score"], lang),
        )
    )
if mark["cut_score"] is not None:
    distribution.caption(
        t(
            "pass_rates.cut_line",
            n=fmt_count(mark["top_n"], lang),
            step=mark["top_n_step_no"],
            score=fmt_score(mark["cut_score"], lang),
            cut=fmt_count(mark["cut_off"], lang),
        )
    )
if mark["total_of_steps"] is not None:
    distribution.caption(
        t(
            "pass_rates.total_rule",
            percent=fmt_pct(mark["total_pass_percent"] / 100, lang, 0),
            steps=steps_list(mark["total_of_steps"]),
        )
    )
