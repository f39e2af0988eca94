"""Funnel: the steps of one procedure with who reached, passed, failed... each of them; several
procedures side by side; or every procedure in the filter added up per step number.
Figures: queries/funnel_procedures.sql, queries/funnel.sql, queries/funnel_aggregate.sql;
labels, formats and definitions from the figure catalogue (selstats.figures). The ratio per
step is the advance rate (passed / reached), not the Pass rates page's pass rate: the
page says so."""

import polars as pl
import streamlit as st

from selstats.domain.enums import Outcome
from selstats.figures import catalogue
from selstats.i18n.format import fmt_int
from selstats.ui.charts.funnel import FunnelLabels, ShareLabels, funnel_chart, share_chart
from selstats.ui.db import cached_query
from selstats.ui.frame import current_filters, page_title
from selstats.ui.funnel_text import (
    aggregate_chart_steps,
    aggregate_table,
    chart_steps,
    compare_table,
    funnel_summary,
    funnel_table,
    guard_lost,
    largest_loss_text,
    share_summary,
)
from selstats.ui.i18n import current_lang, t
from selstats.ui.table import metric, show_table
from selstats.ui.url_choice import UrlChoice

MAX_COMPARED = 4
VIEWS = ("one", "compare", "aggregate")

filters = current_filters()
page_title("funnel")
lang = current_lang()
figures = catalogue()

procedures = cached_query("funnel_procedures", **filters.params())
if procedures.is_empty():
    st.info(t("funnel.no_procedures"))
    st.stop()
codes = procedures["procedure_code"].to_list()
names = {
    row["procedure_code"]: " — ".join(
        str(part) for part in (row["procedure_code"], row["title"], row["org_name"]) if part
    )
    for row in procedures.iter_rows(named=True)
}

chart_labels = FunnelLabels(
    outcomes={o.value: t(f"outcome.{o.value}") for o in Outcome},
    step=figures.label("step_no", lang),
    candidates=t("funnel.chart.candidates"),
    outcome=figures.label("outcome", lang),
    share=t("funnel.chart.share"),
    top_n=t("funnel.chart.top_n"),
    rule=figures.label("rule", lang),
    lost=t("funnel.chart.lost"),
    lost_share=t("funnel.chart.lost_share"),
)
# The key figures' columns, widest where the label is longest, so that no label is cut
# off at 1024 px.
METRIC_WIDTHS = [1.0, 0.8, 1.6, 0.7]


view_choice = UrlChoice(key="funnel_view", param="view")
view_choice.seed(VIEWS, default=VIEWS[:1])
view = st.radio(
    t("funnel.view"),
    VIEWS,
    format_func=lambda v: t(f"funnel.views.{v}"),
    key="funnel_view",
    horizontal=True,
)
view_choice.keep([view], default=VIEWS[:1])

if view == "one":
    procedure_choice = UrlChoice(key="funnel_procedure", param="procedure")
    procedure_choice.seed(codes, default=codes[:1])  # with results first, newest first
    code = st.selectbox(
        t("funnel.procedure"),
        codes,
        format_func=lambda c: names.get(c, c),
        help=t("funnel.procedure_help"),
        key="funnel_procedure",
    )
    procedure_choice.keep([code], default=codes[:1])
    chosen = procedures.row(codes.index(code), named=True)
    for container, name in zip(
        st.columns(METRIC_WIDTHS),
        ("applicants", "laureates", "laureates_per_applicant", "steps"),
        strict=True,
    ):
        metric(container, name, chosen[name])

    funnel = guard_lost(cached_query("funnel", **{**filters.params(), "procs": (code,)}))
    table = funnel_table(funnel, lang)
    steps = chart_steps(funnel, lang)
    loss = largest_loss_text(steps, chosen["applicants"], lang)
    if loss is not None:
        st.markdown(loss)
    st.altair_chart(funnel_chart(steps, chart_labels, lang))
    st.caption(funnel_summary(steps, funnel, chosen["applicants"], lang))
    if steps["top_n"].is_not_null().any():
        st.caption(t("funnel.topn_note"))
    # each step's state and rule under its bar (the table below has them too)
    show_table(table.select("step_no", "step_name", "state", "rule"), key="funnel_rules")

    st.subheader(t("funnel.table_title"))
    st.markdown(t("funnel.conversion_note"))
    detail = {**filters.params(), "procedure": code}
    show_table(
        table,
        key="funnel_one",
        download=f"funnel-{code}",
        detail=detail,
        highlight=steps["largest"].to_list(),
    )

elif view == "compare":
    compare_choice = UrlChoice(key="funnel_compare", param="compare", multi=True)
    compare_choice.seed(codes, default=codes[:2], max_values=MAX_COMPARED)
    compared = st.multiselect(
        t("funnel.compare.label", n=MAX_COMPARED),
        codes,
        format_func=lambda c: names.get(c, c),
        max_selections=MAX_COMPARED,
        help=t("funnel.compare.help", n=MAX_COMPARED),
        key="funnel_compare",
    )
    compare_choice.keep(compared, default=codes[:2])
    if not compared:
        st.info(t("funnel.compare.empty"))
        st.stop()
    funnel = cached_query("funnel", **{**filters.params(), "procs": tuple(compared)})
    funnel = funnel.sort(pl.col("procedure_code").replace_strict(compared, range(len(compared))))
    st.markdown(f"**{t('funnel.compare.chart_title')}**")
    share_labels = ShareLabels(
        procedure=figures.label("procedure_code", lang),
        step_no=figures.label("step_no", lang),
        step_name=figures.label("step_name", lang),
        reached=figures.label("reached", lang),
        share=t("funnel.compare.share"),
    )
    st.altair_chart(share_chart(funnel, share_labels, lang))
    st.caption(share_summary(funnel, lang))
    st.caption(t("funnel.compare.note"))
    detail = {**filters.params(), "compared": tuple(compared)}
    show_table(
        compare_table(funnel), key="funnel_compare", download="funnel-compare", detail=detail
    )

else:
    aggregate = guard_lost(cached_query("funnel_aggregate", **filters.params()))
    st.subheader(t("funnel.aggregate.title"))
    st.caption(t("funnel.aggregate.caveat", n=fmt_int(len(codes), lang)))
    applicants = aggregate["applicants"][0] if not aggregate.is_empty() else None
    cards = st.columns(METRIC_WIDTHS)
    metric(cards[0], "procedures_in_funnel", len(codes))
    metric(cards[1], "applicants", applicants)
    steps = aggregate_chart_steps(aggregate, lang)
    loss = largest_loss_text(steps, applicants, lang)
    if loss is not None:
        st.markdown(loss)
    st.altair_chart(funnel_chart(steps, chart_labels, lang))
    st.caption(funnel_summary(steps, aggregate, applicants, lang))
    st.markdown(t("funnel.conversion_note"))
    show_table(
        aggregate_table(aggregate),
        key="funnel_aggregate",
        download="funnel-aggregate",
        detail=filters.params(),
        highlight=steps["largest"].to_list(),
    )
