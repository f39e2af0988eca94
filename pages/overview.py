"""Overview (home page): the key figures of the filter, then per year next to the national
BOSA figures. Figures: queries/overview_totals.sql, queries/overview.sql."""

import streamlit as st

from selstats.access.suppression import min_cell
from selstats.ui.cell_counts import count_columns, count_text, is_suppressed
from selstats.ui.charts.overview import RatioLabels, VolumeLabels, ratio_chart, volume_chart
from selstats.ui.db import cached_query
from selstats.ui.download import download_buttons
from selstats.ui.format import fmt_int, fmt_num, fmt_pct
from selstats.ui.frame import current_filters, page_title
from selstats.ui.i18n import current_lang, t

COUNTS = ("applicants", "tested", "laureates")
RATIOS = (
    "laureates_per_applicant",
    "national_laureates_per_applicant",
    "tested_per_applicant",
    "national_tested_per_applicant",
)

filters = current_filters()
page_title("overview")
lang = current_lang()

totals_frame = cached_query("overview_totals", **filters.params())
totals = totals_frame.row(0, named=True)
if totals["procedures"] == 0:
    st.info(t("common.empty_selection"))
    st.stop()

st.caption(t("overview.intro"))
lead_days = totals["median_lead_days"]
first, second = st.columns(3), st.columns(3)
first[0].metric(
    t("overview.metric.applicants"),
    count_text(totals["applicants"], lang),
    help=t("overview.metric.applicants_help"),
)
first[1].metric(
    t("overview.metric.procedures"),
    fmt_int(totals["procedures"], lang),
    help=t("overview.metric.procedures_help"),
)
first[2].metric(
    t("overview.metric.tested"),
    count_text(totals["tested"], lang),
    help=t("overview.metric.tested_help"),
)
second[0].metric(
    t("overview.metric.laureates"),
    count_text(totals["laureates"], lang),
    help=t("overview.metric.laureates_help"),
)
second[1].metric(
    t("overview.metric.ratio"),
    fmt_pct(totals["laureates_per_applicant"], lang),
    help=t("overview.metric.ratio_help"),
)
second[2].metric(
    t("overview.metric.lead_time"),
    t("overview.days", days=fmt_num(lead_days, lang)) if lead_days is not None else "—",
    help=t("overview.metric.lead_time_help"),
)

st.subheader(t("overview.per_year"))
per_year = cached_query("overview", **filters.params())
st.caption(t("overview.national_note"))
if is_suppressed(totals_frame, COUNTS) or is_suppressed(per_year, COUNTS):
    st.caption(t("access.suppressed_note", n=min_cell()))
if per_year["year"].is_null().all():
    st.info(t("overview.no_dated"))
else:
    volume_column, ratio_column = st.columns(2)
    volume_column.markdown(f"**{t('overview.volume_title')}**")
    volume_labels = VolumeLabels(
        year=t("overview.col.year"),
        candidates=t("overview.candidates"),
        measure=t("overview.measure"),
        measures={c: t(f"overview.col.{c}") for c in COUNTS},
    )
    volume_column.altair_chart(volume_chart(per_year, volume_labels, lang))
    ratio_column.markdown(f"**{t('overview.ratio_title')}**")
    ratio_labels = RatioLabels(
        year=t("overview.col.year"),
        ratio=t("overview.metric.ratio"),
        source=t("overview.source"),
        selection=t("overview.selection"),
        national=t("overview.national"),
    )
    ratio_column.altair_chart(
        ratio_chart(
            per_year,
            "laureates_per_applicant",
            "national_laureates_per_applicant",
            ratio_labels,
            lang,
        )
    )

numbers = ("procedures", "national_applicants", "national_tested", "national_laureates")
column_config = {
    "year": st.column_config.NumberColumn(
        t("overview.col.year"), format="%d", help=t("overview.col.year_help")
    ),
    **count_columns(per_year, {c: t(f"overview.col.{c}") for c in (*COUNTS, *numbers)}),
    **{c: st.column_config.NumberColumn(t(f"overview.col.{c}"), format="percent") for c in RATIOS},
    "median_lead_days": st.column_config.NumberColumn(
        t("overview.col.median_lead_days"), format="localized"
    ),
}
st.dataframe(per_year, hide_index=True, column_config=column_config, placeholder="—")
download_buttons(per_year, "overview", key="overview", detail=filters.params())
