"""Reserve lists: every list of laureates / recruitment reserve in the filter, its validity
on a chosen date, the lists that lapse soon, what became of their laureates, and the
laureates of one list. Labels, formats and definitions from the figure catalogue: a
laureate is available when their status is available AND their own reserve is valid on the
chosen date; the laureates with status available on every list are a figure of their own."""

import polars as pl
import streamlit as st

from selstats.access.roles import Permission
from selstats.figures import catalogue
from selstats.figures.present import value_text
from selstats.i18n.format import fmt_date, fmt_int
from selstats.ui.calendar import calendar_download
from selstats.ui.charts.reserve_lists import (
    STATUS_ORDER,
    status_bars,
    timeline_rows,
    validity_timeline,
)
from selstats.ui.charts.theme import localised
from selstats.ui.db import cached_query
from selstats.ui.frame import current_access, current_filters, page_title
from selstats.ui.i18n import current_lang, t
from selstats.ui.reserve_lists_text import statuses_in_words
from selstats.ui.session import note_once
from selstats.ui.table import date_format, metric, show_table

filters = current_filters()
page_title("reserve_lists")
lang = current_lang()
figures = catalogue()

as_of = st.date_input(
    t("reserve_lists.as_of"),
    value="today",
    key="as_of",
    bind="query-params",
    format=date_format(lang),
    help=t("reserve_lists.as_of_help"),
    width=220,
)
on_date = fmt_date(as_of, lang)
summary = cached_query("reserve_lists_summary", **filters.params(), as_of=as_of).row(0, named=True)
lists = cached_query("reserve_lists", **filters.params(), as_of=as_of)
if lists.is_empty():
    st.info(t("reserve_lists.empty"))
    st.stop()

# ---- key figures -----------------------------------------------------------------------
# in a row that wraps: labels carry the date and are never cut at 1024 px
figures_row = st.container(horizontal=True, gap="medium")
metric(figures_row, "lists", summary["lists"], width="content")
for name in ("valid", "expiring_30", "expiring_90", "available"):
    label = f"{figures.label(name, lang)} ({on_date})"
    metric(figures_row, name, summary[name], label=label, width="content")
# The laureates with status available on every list, expired ones too: a figure of its own.
st.caption(
    t(
        "reserve_lists.available_all_lists",
        count=value_text("available_all_lists", summary["available_all_lists"], lang),
        date=on_date,
    )
)
VALIDITY_LABELS = {
    v: t(f"reserve_lists.validity.{v}") for v in ("valid", "expired", "open", "not_started")
}

# ---- every list ------------------------------------------------------------------------
st.subheader(t("reserve_lists.all_lists"))
show_table(lists, key="reserve_lists_all", download="reserve_lists", detail=filters.params())

# ---- timeline --------------------------------------------------------------------------
st.subheader(t("reserve_lists.timeline"))
drawn = timeline_rows(lists)
CHART_LABELS = {
    "list": figures.label("procedure_code", lang),
    "organisation": figures.label("org_name", lang),
    **{
        name: figures.label(name, lang)
        for name in (
            "title",
            "list_date",
            "list_valid_until",
            "extended_until",
            "validity",
            "valid_from",
            "laureates_valid",
            "status",
            *STATUS_ORDER,
        )
    },
    "as_of": t("reserve_lists.chart_as_of", date=on_date),
    "laureates": t("reserve_lists.chart_laureates"),
    **VALIDITY_LABELS,
}
if drawn.is_empty():
    st.info(t("reserve_lists.timeline_empty"))
else:
    timeline = validity_timeline(drawn, as_of, CHART_LABELS, lang)
    holder = st.container(height=560) if drawn.height > 25 else st.container()
    holder.altair_chart(localised(timeline, lang), width="stretch")
    st.caption(t("reserve_lists.timeline_caption"))
if drawn.height < lists.height:
    st.caption(t("reserve_lists.open_lists", count=fmt_int(lists.height - drawn.height, lang)))

# ---- lists that lapse soon -------------------------------------------------------------
st.subheader(t("reserve_lists.expiring"))
expiring = cached_query("reserve_lists_expiring", **filters.params(), as_of=as_of)
if expiring.is_empty():
    st.info(t("reserve_lists.expiring_none", date=on_date))
else:
    show_table(
        expiring,
        key="reserve_lists_expiring",
        download="reserve_lists_expiring",
        detail=filters.params(),
    )

# ---- what became of the laureates ------------------------------------------------------
st.subheader(t("reserve_lists.statuses"))
suppressed = lists.schema["size"] == pl.String
with_laureates = lists if suppressed else lists.filter(pl.col("size") > 0)
if suppressed:
    st.info(t("reserve_lists.statuses_suppressed"))
elif with_laureates.is_empty():
    st.info(t("reserve_lists.statuses_empty"))
else:
    bars = status_bars(with_laureates, CHART_LABELS)
    holder = st.container(height=560) if with_laureates.height > 25 else st.container()
    holder.altair_chart(localised(bars, lang), width="stretch")
    st.caption(statuses_in_words(with_laureates, on_date, lang))

# ---- the user's calendar of list ends and reviews (before the laureates, which stop the
# page for roles without candidate rows) --------------------------------------------------
calendar_download(key="reserve_lists")

# ---- the laureates of one list ---------------------------------------------------------
st.subheader(t("reserve_lists.laureates"))
titles = dict(zip(lists["procedure_code"], lists["title"], strict=True))
code = st.selectbox(
    t("reserve_lists.choose_list"),
    list(titles),
    format_func=lambda c: f"{c} — {titles[c]}" if titles.get(c) else c,
    key="reserve_list",
)
chosen = lists.filter(lists["procedure_code"] == code).row(0, named=True)
list_row = st.container(horizontal=True, gap="medium")  # wraps rather than cut a date
for name in ("size", "valid_through", "extended_until"):
    metric(list_row, name, chosen[name], width="content")
label = f"{figures.label('validity', lang)} ({on_date})"
metric(list_row, "validity", chosen["validity"], label=label, width="content")
if chosen["permanently_open"]:
    st.info(
        t(
            "reserve_lists.permanently_open",
            months=chosen["validity_months"] if chosen["validity_months"] is not None else "—",
            date=on_date,
            valid=value_text("laureates_valid", chosen["laureates_valid"], lang),
            size=value_text("size", chosen["size"], lang),
        )
    )
if not chosen["ranked"]:
    st.info(t("reserve_lists.unranked"))
if not current_access().may(Permission.VIEW_CANDIDATES):
    note_once("access.no_candidates")  # candidate rows are not for this role
    st.stop()
laureates = cached_query("laureates", **{**filters.params(), "procs": (code,)}, as_of=as_of)
if laureates.is_empty():
    st.info(t("reserve_lists.no_laureates"))
else:
    detail = {**filters.params(), "procedure": code}
    show_table(
        laureates, key="reserve_lists_laureates", download=f"laureates_{code}", detail=detail
    )
