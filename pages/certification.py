"""Certification and Q-checks, for every organisation in the filter: organisations at risk
first, those whose client certification hangs on one person, the yearly reviews due, the
organisations by level, every organisation against the 80 % line; each organisation opens
in detail (pages/certification_organisation.py). Every Q-check figure names the averaging
mode it uses."""

from datetime import date

import polars as pl
import streamlit as st

from selstats.i18n.format import fmt_date
from selstats.rules.certification import REVIEW_HORIZON_DAYS
from selstats.ui.calendar import calendar_download
from selstats.ui.certification_view import DETAIL_PAGE, controls
from selstats.ui.charts.certification import qcheck_average_chart
from selstats.ui.db import cached_query
from selstats.ui.frame import current_filters, page_title
from selstats.ui.i18n import t
from selstats.ui.table import metric

filters = current_filters()
if "org" in st.query_params:  # a link from before the detail had a page of its own
    st.switch_page(DETAIL_PAGE, query_params=st.query_params.to_dict())
page_title("certification")
view = controls(filters)
lang, figures, thresholds = view.lang, view.figures, view.thresholds
MODE, figure_label, params, table = view.mode_label, view.figure_label, view.params, view.table
as_of = view.as_of

statuses = cached_query("certification", **params)
if statuses.is_empty():
    st.info(t("certification.empty"))
    st.stop()

# ---- the key figures -------------------------------------------------------------------
levels = cached_query("certification_levels", **params)
fragile = cached_query("certification_fragility", **params)
reviews = cached_query("certification_reviews", **params)
at_risk = statuses.filter(pl.col("at_risk"))

cols = st.columns(3)
# both depend on the averaging mode: the label says which one
for container, name, value in (
    (cols[0], "organisations_at_risk", at_risk.height),
    (cols[1], "organisations_fragile", statuses.get_column("fragile").sum()),
):
    metric(container, name, value, label=f"{figures.label(name, lang)} ({MODE})")
metric(cols[2], "reviews_due", reviews.height)
# ---- at risk, first --------------------------------------------------------------------
st.subheader(t("certification.at_risk_title"))
if at_risk.is_empty():
    st.success(t("certification.none_at_risk", mode=MODE))
else:
    st.caption(t("certification.at_risk_caption", mode=MODE))
    table(
        at_risk,
        [
            "org_name",
            "org_id",
            "qualifies_for",
            "qcheck_figure",
            "qcheck_count",
            "reasons",
            "next_review",
        ],
        "certification_at_risk",
    )

# ---- fragile: one person away from falling back ----------------------------------------
st.subheader(t("certification.fragile_title"))
if not statuses.get_column("fragile").any():
    st.info(t("certification.none_fragile", mode=MODE))
elif not fragile.is_empty():  # empty: a role without person-level rows (said above)
    st.caption(t("certification.fragile_caption", mode=MODE))
    table(
        fragile,
        ["org_name", "stake", "consultant_ref", "language_role", "org_id"],
        "certification_fragility",
    )

# ---- yearly reviews --------------------------------------------------------------------
st.subheader(t("certification.reviews_title"))
horizon = date.fromordinal(as_of.toordinal() + REVIEW_HORIZON_DAYS)
if reviews.is_empty():
    st.info(t("certification.no_reviews", date=fmt_date(horizon, lang)))
else:
    st.caption(t("certification.reviews_caption", mode=MODE))
    table(
        reviews,
        [
            "org_name",
            "certification",
            "next_review",
            "days_to_review",
            "would_fail_review",
            "reasons",
            "org_id",
        ],
        "certification_reviews",
    )

# ---- organisations by level ------------------------------------------------------------
st.subheader(t("certification.levels_title"))
st.caption(t("certification.levels_caption", mode=MODE))
table(
    levels,
    ["certification", "organisations", "meeting_conditions", "failing_conditions", "qualifying"],
    "certification_levels",
)

# ---- every organisation against the 80 % line -------------------------------------------
st.subheader(t("certification.all_title"))
if statuses.get_column("qcheck_figure").is_null().all():
    st.info(t("certification.no_chart"))
else:
    chart = qcheck_average_chart(
        statuses,
        threshold=thresholds.qcheck_threshold_percent,
        labels={
            "organisation": figures.label("org_name", lang),
            "average": figure_label,
            "count": figures.label("qcheck_count", lang),
            "standing": t("certification.standing_title"),
            "line": t("certification.line"),
        },
        standing_labels={
            s: t(f"certification.standing.{s}") for s in ("qualifies", "at_risk", "below")
        },
    )
    st.altair_chart(chart, width="stretch")
    st.caption(t("certification.chart_caption", mode=MODE))
table(
    statuses,
    [
        "org_name",
        "org_id",
        "government",
        "certification",
        "qualifies_for",
        "qcheck_figure",
        "qcheck_count",
        "az_per_role_met",
        "tests_per_role_met",
        "certified_staff_met",
        "pro_partner_met",
        "qcheck_met",
        "at_risk",
        "reasons",
        "next_review",
        "review_due",
    ],
    "certification",
)

# ---- one organisation in detail ---------------------------------------------------------
st.subheader(t("certification.detail_title"))
st.caption(t("certification.detail_caption"))
names = dict(zip(statuses["org_id"], statuses["org_name"], strict=True))
org_id = st.selectbox(
    t("certification.organisation_pick"),
    list(names),  # at risk first, then by level held
    format_func=lambda o: f"{names.get(o, o)} ({o})",
    key="cert_detail_pick",
    help=t("certification.organisation_help"),
)
st.page_link(
    DETAIL_PAGE,
    label=t("certification.detail_link", name=names.get(org_id, org_id)),
    icon=":material/arrow_forward:",
    query_params={"org": org_id, "mode": view.mode, "as_of": as_of.isoformat()},
)

# ---- the user's calendar of reviews and list ends ---------------------------------------
calendar_download(key="certification")
