"""Overview (home page): the key figures of the filter, then per year next to BOSA's national
key figures, like with like (BOSA's own success rate, laureates / tested). Figures:
queries/overview_totals.sql, queries/overview.sql, queries/national_figures.sql; every label
and definition from the figure catalogue (selstats.figures)."""

import streamlit as st

from selstats.figures import catalogue
from selstats.reference import load_reference
from selstats.reference.sources import national_sources
from selstats.ui.charts.overview import (
    RatioLabels,
    VolumeLabels,
    per_year_in_words,
    ratio_chart,
    volume_chart,
)
from selstats.ui.db import cached_query
from selstats.ui.frame import current_filters, page_title
from selstats.ui.i18n import current_lang, t
from selstats.ui.table import metric, show_table

COUNTS = ("applicants", "tested", "laureates")

filters = current_filters()
page_title("overview")
lang = current_lang()
figures = catalogue()

totals = cached_query("overview_totals", **filters.params()).row(0, named=True)
if totals["procedures"] == 0:
    st.info(t("common.empty_selection"))
    st.stop()

st.caption(t("overview.intro"))
# the second row's labels and values are longer: three columns, widest where they are longest
first, second = st.columns(4), st.columns([0.9, 1.2, 1.1])
for container, name in zip(first, ("applicants", "tested", "laureates", "procedures"), strict=True):
    metric(container, name, totals[name])
for container, name in zip(
    second, ("laureates_per_tested", "laureates_per_applicant", "median_lead_days"), strict=False
):
    metric(container, name, totals[name])

st.subheader(t("overview.per_year"))
per_year = cached_query("overview", **filters.params())
# BOSA's series whatever the period: the years it published are context for the selection's
national = cached_query("national_figures", year_from=None, year_to=None)
st.caption(t("overview.national_note"))
if per_year["year"].is_null().all():
    st.info(t("overview.no_dated"))
else:
    volume_column, ratio_column = st.columns(2)
    volume_column.markdown(f"**{t('overview.volume_title')}**")
    volume_labels = VolumeLabels(
        year=figures.label("year", lang),
        candidates=t("overview.candidates"),
        measure=t("overview.measure"),
        measures={c: figures.label(c, lang) for c in COUNTS},
    )
    volume_column.altair_chart(volume_chart(per_year, volume_labels, lang))
    ratio_column.markdown(f"**{t('overview.ratio_title')}**")
    ratio_labels = RatioLabels(
        year=figures.label("year", lang),
        ratio=figures.label("laureates_per_tested", lang),
        source=t("overview.source"),
        selection=t("overview.selection"),
        national=t("overview.national"),
    )
    ratio_column.altair_chart(
        ratio_chart(
            per_year,
            national,
            "laureates_per_tested",
            "national_laureates_per_tested",
            ratio_labels,
            lang,
        )
    )
    published = national.filter(national["national_laureates_per_tested"].is_not_null())
    years = published["year"].to_list()
    if years and not set(years) & set(per_year["year"].drop_nulls().to_list()):
        # said, so that a reader does not look for BOSA's bar beside the selection's
        ratio_column.caption(t("overview.national_years", first=min(years), last=max(years)))
    words = per_year_in_words(per_year, lang)
    if words is not None:
        st.caption(words)

show_table(per_year, key="overview", download="overview", detail=filters.params())

with st.expander(t("overview.sources_title")):
    st.caption(t("overview.sources_intro"))
    show_table(
        national_sources(load_reference(), filters.year_from, filters.year_to),
        key="overview_sources",
        download="bosa_key_figures",
    )
