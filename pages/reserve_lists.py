"""Reserve lists: every list of laureates / recruitment reserve in the filter, its validity
on a chosen date, the lists that lapse soon, what became of their laureates, and the
laureates of one list."""

import polars as pl
import streamlit as st

from selstats.access.identity import note_once
from selstats.access.roles import Permission
from selstats.domain.enums import Government, ListStatus
from selstats.ui.charts.reserve_lists import (
    localised,
    status_bars,
    timeline_rows,
    validity_timeline,
)
from selstats.ui.db import cached_query
from selstats.ui.download import download_buttons
from selstats.ui.format import fmt_date, fmt_int
from selstats.ui.frame import current_access, current_filters, page_title
from selstats.ui.i18n import current_lang, t

filters = current_filters()
page_title("reserve_lists")
lang = current_lang()
DATE_FORMAT = "YYYY-MM-DD" if lang == "en" else "DD/MM/YYYY"


def count(value: object) -> str:
    """A count, or the "<5" of small-cell suppression as it is (selstats.access)."""
    return value if isinstance(value, str) else fmt_int(value, lang)


as_of = st.date_input(
    t("reserve_lists.as_of"),
    value="today",
    key="as_of",
    bind="query-params",
    format=DATE_FORMAT,
    help=t("reserve_lists.as_of_help"),
    width=220,
)
summary = cached_query("reserve_lists_summary", **filters.params(), as_of=as_of).row(0, named=True)
lists = cached_query("reserve_lists", **filters.params(), as_of=as_of)
if lists.is_empty():
    st.info(t("reserve_lists.empty"))
    st.stop()

# ---- key figures -----------------------------------------------------------------------
cols = st.columns(5)
cols[0].metric(t("reserve_lists.metric_lists"), count(summary["lists"]))
cols[1].metric(
    t("reserve_lists.metric_valid", date=fmt_date(as_of, lang)),
    count(summary["valid"]),
    help=t("reserve_lists.metric_valid_help"),
)
cols[2].metric(t("reserve_lists.metric_expiring_30"), count(summary["expiring_30"]))
cols[3].metric(t("reserve_lists.metric_expiring_90"), count(summary["expiring_90"]))
cols[4].metric(
    t("reserve_lists.metric_available"),
    count(summary["available"]),
    help=t("reserve_lists.metric_available_help", laureates=count(summary["laureates"])),
)
# The laureates with status available on every list, expired ones too: a figure of its own.
st.caption(
    t(
        "reserve_lists.available_all_lists",
        count=count(summary["available_all_lists"]),
        date=fmt_date(as_of, lang),
    )
)

STATUS_LABELS = {s.value: t(f"reserve_lists.status.{s.value}") for s in ListStatus}
GOVERNMENT_LABELS = {g.value: t(f"government.{g.value}") for g in Government}
VALIDITY_LABELS = {
    v: t(f"reserve_lists.validity.{v}") for v in ("valid", "expired", "open", "not_started")
}
COLUMNS = {
    "procedure_code": st.column_config.TextColumn(t("reserve_lists.col.procedure_code")),
    "title": st.column_config.TextColumn(t("reserve_lists.col.title")),
    "org_id": st.column_config.TextColumn(t("reserve_lists.col.org_id")),
    "org_name": st.column_config.TextColumn(t("reserve_lists.col.organisation")),
    "government": st.column_config.SelectboxColumn(
        t("reserve_lists.col.government"),
        options=list(GOVERNMENT_LABELS),
        format_func=lambda g: GOVERNMENT_LABELS.get(g, g),
    ),
    "level": st.column_config.TextColumn(t("reserve_lists.col.level")),
    # counts: a plain column, as they may be "<5" text for a role with suppression
    "size": st.column_config.Column(t("reserve_lists.col.size")),
    "laureates_valid": st.column_config.Column(t("reserve_lists.col.laureates_valid")),
    "available_not_valid": st.column_config.Column(t("reserve_lists.col.available_not_valid")),
    "ranked": st.column_config.CheckboxColumn(t("reserve_lists.col.ranked")),
    "permanently_open": st.column_config.CheckboxColumn(t("reserve_lists.col.permanently_open")),
    "valid_from": st.column_config.DateColumn(
        t("reserve_lists.col.valid_from"), format=DATE_FORMAT
    ),
    "list_date": st.column_config.DateColumn(t("reserve_lists.col.list_date"), format=DATE_FORMAT),
    "validity_months": st.column_config.NumberColumn(t("reserve_lists.col.validity_months")),
    "valid_until": st.column_config.DateColumn(
        t("reserve_lists.col.valid_until"), format=DATE_FORMAT
    ),
    "extended_until": st.column_config.DateColumn(
        t("reserve_lists.col.extended_until"), format=DATE_FORMAT
    ),
    "extended": st.column_config.CheckboxColumn(t("reserve_lists.col.extended")),
    "valid_through": st.column_config.DateColumn(
        t("reserve_lists.col.valid_through"), format=DATE_FORMAT
    ),
    "validity": st.column_config.SelectboxColumn(
        t("reserve_lists.col.validity"),
        options=list(VALIDITY_LABELS),
        format_func=lambda v: VALIDITY_LABELS.get(v, v),
    ),
    "days_left": st.column_config.NumberColumn(t("reserve_lists.col.days_left")),
    "within_30": st.column_config.CheckboxColumn(t("reserve_lists.col.within_30")),
    **{s: st.column_config.Column(label) for s, label in STATUS_LABELS.items()},
    "candidate_ref": st.column_config.TextColumn(t("reserve_lists.col.candidate_ref")),
    "rank": st.column_config.NumberColumn(t("reserve_lists.col.rank"), format="%d"),
    "status": st.column_config.SelectboxColumn(
        t("reserve_lists.col.status"),
        options=list(STATUS_LABELS),
        format_func=lambda s: STATUS_LABELS.get(s, s),
    ),
    "status_date": st.column_config.DateColumn(
        t("reserve_lists.col.status_date"), format=DATE_FORMAT
    ),
    "final_score": st.column_config.NumberColumn(t("reserve_lists.col.final_score")),
}

# ---- every list ------------------------------------------------------------------------
st.subheader(t("reserve_lists.all_lists"))
st.dataframe(lists, hide_index=True, column_config=COLUMNS, placeholder="—")
download_buttons(lists, "reserve_lists", key="reserve_lists_all")

# ---- timeline --------------------------------------------------------------------------
st.subheader(t("reserve_lists.timeline"))
drawn = timeline_rows(lists)
CHART_LABELS = {
    "list": t("reserve_lists.col.procedure_code"),
    "organisation": t("reserve_lists.col.organisation"),
    "title": t("reserve_lists.col.title"),
    "list_date": t("reserve_lists.col.list_date"),
    "valid_until": t("reserve_lists.col.valid_until"),
    "extended_until": t("reserve_lists.col.extended_until"),
    "validity": t("reserve_lists.col.validity"),
    "as_of": t("reserve_lists.chart_as_of", date=fmt_date(as_of, lang)),
    "laureates": t("reserve_lists.chart_laureates"),
    "status": t("reserve_lists.col.status"),
    "valid_from": t("reserve_lists.col.valid_from"),
    "laureates_valid": t("reserve_lists.col.laureates_valid"),
    "available_not_valid": t("reserve_lists.col.available_not_valid"),
    **VALIDITY_LABELS,
    **STATUS_LABELS,
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
    st.info(t("reserve_lists.expiring_none", date=fmt_date(as_of, lang)))
else:
    st.dataframe(expiring, hide_index=True, column_config=COLUMNS, placeholder="—")
    download_buttons(expiring, "reserve_lists_expiring", key="reserve_lists_expiring")

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
cols = st.columns(4)
cols[0].metric(t("reserve_lists.col.size"), count(chosen["size"]))
cols[1].metric(t("reserve_lists.col.valid_through"), fmt_date(chosen["valid_through"], lang))
cols[2].metric(
    t("reserve_lists.col.extended_until"),
    fmt_date(chosen["extended_until"], lang) if chosen["extended"] else t("reserve_lists.no"),
)
cols[3].metric(
    t("reserve_lists.validity_on", date=fmt_date(as_of, lang)), VALIDITY_LABELS[chosen["validity"]]
)
if chosen["permanently_open"]:
    st.info(
        t(
            "reserve_lists.permanently_open",
            months=chosen["validity_months"] if chosen["validity_months"] is not None else "—",
            date=fmt_date(as_of, lang),
            valid=count(chosen["laureates_valid"]),
            size=count(chosen["size"]),
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
    st.dataframe(laureates, hide_index=True, column_config=COLUMNS, placeholder="—")
    download_buttons(laureates, f"laureates_{code}", key="reserve_lists_laureates")
