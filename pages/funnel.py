"""Funnel: the steps of one procedure with who reached, passed, failed... each of them; several
procedures side by side; or every procedure in the filter added up per step number.
Figures: queries/funnel_procedures.sql, queries/funnel.sql, queries/funnel_aggregate.sql."""

import polars as pl
import streamlit as st

from selstats.access.suppression import min_cell
from selstats.domain.enums import Outcome
from selstats.ui.cell_counts import count_columns, count_text, is_suppressed
from selstats.ui.charts.funnel import FunnelLabels, ShareLabels, funnel_chart, share_chart
from selstats.ui.db import cached_query
from selstats.ui.download import download_buttons
from selstats.ui.format import fmt_int, fmt_pct
from selstats.ui.frame import current_filters, page_title
from selstats.ui.funnel_text import (
    aggregate_chart_steps,
    aggregate_table,
    chart_steps,
    compare_table,
    funnel_table,
)
from selstats.ui.i18n import current_lang, t
from selstats.ui.url_choice import UrlChoice

MAX_COMPARED = 4
VIEWS = ("one", "compare", "aggregate")

filters = current_filters()
page_title("funnel")
lang = current_lang()

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
    step=t("funnel.chart.step"),
    candidates=t("funnel.chart.candidates"),
    outcome=t("funnel.chart.outcome"),
    share=t("funnel.chart.share"),
    top_n=t("funnel.chart.top_n"),
    rule=t("funnel.col.rule"),
)
LABELLED = ("procedure_code", "step_no", "step_name", "held", "state", "status", "rule", "kinds")
COUNTS = {
    **{c: t(f"funnel.col.{c}") for c in ("reached", "applicants", "procedures")},
    **{c: t(f"funnel.col.{c}") for c in ("held_in", "not_held_in", "pending_in")},
    **{o.value: t(f"outcome.{o.value}") for o in Outcome},
}
RATES = ("pass_rate", "share_reached", "conversion")


def show_table(frame: pl.DataFrame) -> None:
    """The table with its localised headers; counts as numbers, or as text when small-cell
    suppression made them "<5"."""
    config = {
        **{c: t(f"funnel.col.{c}") for c in LABELLED},
        **count_columns(frame, COUNTS),
        **{c: st.column_config.NumberColumn(t(f"funnel.col.{c}"), format="percent") for c in RATES},
    }
    st.dataframe(frame, hide_index=True, column_config=config, placeholder="—")
    if is_suppressed(frame, COUNTS):
        st.caption(t("access.suppressed_note", n=min_cell()))


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
    figures = st.columns(4)
    figures[0].metric(t("funnel.applicants"), count_text(chosen["applicants"], lang))
    figures[1].metric(t("funnel.laureates"), count_text(chosen["laureates"], lang))
    figures[2].metric(t("overview.metric.ratio"), fmt_pct(chosen["laureates_per_applicant"], lang))
    figures[3].metric(t("funnel.steps"), fmt_int(chosen["steps"], lang))

    funnel = cached_query("funnel", **{**filters.params(), "procs": (code,)})
    table = funnel_table(funnel, lang)
    steps = chart_steps(funnel, lang)
    st.altair_chart(funnel_chart(steps, chart_labels, lang))
    if steps["top_n"].is_not_null().any():
        st.caption(t("funnel.topn_note"))
    # each step's state and rule under its bar (the table below has them too)
    show_table(table.select("step_no", "step_name", "status", "rule"))

    st.subheader(t("funnel.table_title"))
    st.caption(t("funnel.conversion_note"))
    show_table(table)
    detail = {**filters.params(), "procedure": code}
    download_buttons(table, f"funnel-{code}", key="funnel_one", detail=detail)

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
        procedure=t("funnel.col.procedure_code"),
        step_no=t("funnel.col.step_no"),
        step_name=t("funnel.col.step_name"),
        reached=t("funnel.col.reached"),
        share=t("funnel.compare.share"),
    )
    st.altair_chart(share_chart(funnel, share_labels, lang))
    st.caption(t("funnel.compare.note"))
    table = compare_table(funnel, lang)
    show_table(table)
    detail = {**filters.params(), "compared": tuple(compared)}
    download_buttons(table, "funnel-compare", key="funnel_compare", detail=detail)

else:
    aggregate = cached_query("funnel_aggregate", **filters.params())
    st.subheader(t("funnel.aggregate.title"))
    st.caption(t("funnel.aggregate.caveat", n=fmt_int(len(codes), lang)))
    applicants = aggregate["applicants"][0] if not aggregate.is_empty() else None
    figures = st.columns(4)
    figures[0].metric(t("funnel.col.procedures"), fmt_int(len(codes), lang))
    figures[1].metric(t("funnel.applicants"), count_text(applicants, lang))
    st.altair_chart(funnel_chart(aggregate_chart_steps(aggregate, lang), chart_labels, lang))
    table = aggregate_table(aggregate, lang)
    show_table(table)
    download_buttons(table, "funnel-aggregate", key="funnel_aggregate", detail=filters.params())
