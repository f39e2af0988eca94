"""Definitions: every figure of the figure catalogue (selstats.figures) with its label,
definition, unit, where it is computed and its small-cell rule, searchable and downloadable;
then the sources of the reference data (national figures, procedures, certification
rules, scales and coefficients)."""

import polars as pl
import streamlit as st

from selstats.figures.glossary import glossary
from selstats.i18n.format import fmt_int
from selstats.reference import load_reference
from selstats.reference.sources import national_sources, reference_sources
from selstats.ui.frame import current_filters, page_title
from selstats.ui.i18n import current_lang, t
from selstats.ui.table import show_table

current_filters()  # the frame's filters do not apply here: every figure is listed
page_title("definitions")
lang = current_lang()
st.markdown(t("definitions.intro"))

figures = glossary(lang)
areas = figures.get_column("figure_area").unique(maintain_order=True).to_list()
left, right = st.columns([2, 1])
search = left.text_input(
    t("definitions.search"), key="search", bind="query-params", help=t("definitions.search_help")
)
area = right.selectbox(
    t("definitions.subject"),
    ["", *areas],
    format_func=lambda a: t(f"figure_area.{a}") if a else t("definitions.all_subjects"),
    key="definitions_subject",
)
shown = figures
if area:
    shown = shown.filter(pl.col("figure_area") == area)
if search.strip():
    needle = search.strip().lower()
    shown = shown.filter(
        pl.any_horizontal(
            pl.col(c).str.to_lowercase().str.contains(needle, literal=True)
            for c in ("figure", "figure_label", "figure_definition")
        )
    )
st.caption(
    t("definitions.count", shown=fmt_int(shown.height, lang), total=fmt_int(figures.height, lang))
)
if shown.is_empty():
    st.info(t("definitions.none_found"))
else:
    show_table(shown, key="definitions", download="definitions")

st.subheader(t("definitions.sources_title"))
st.caption(t("definitions.sources_intro"))
reference = load_reference()
st.markdown(f"**{t('definitions.national_title')}**")
show_table(national_sources(reference), key="national_sources", download="bosa_key_figures_sources")
st.markdown(f"**{t('definitions.other_title')}**")
show_table(reference_sources(reference), key="reference_sources", download="reference_sources")
