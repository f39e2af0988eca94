"""Certification and Q-checks, for every organisation in the filter, in tabs (`?section=`):
organisations at risk (where the page opens, the reason second), those whose client
certification hangs on one person, the yearly reviews due, the organisations by level,
every organisation against the 80 % line (coloured by the reason of its standing); each
organisation opens in detail (pages/certification_organisation.py). Every Q-check figure
names the averaging mode it uses."""

from datetime import date

import polars as pl
import streamlit as st

from selstats.figures.present import value_text
from selstats.i18n.format import fmt_date
from selstats.rules.certification import REVIEW_HORIZON_DAYS
from selstats.rules.certification_standing import STANDINGS
from selstats.ui.calendar import calendar_download
from selstats.ui.certification_text import standing_summary
from selstats.ui.certification_view import DETAIL_PAGE, controls
from selstats.ui.charts.certification import qcheck_average_chart
from selstats.ui.db import cached_query
from selstats.ui.frame import current_filters, page_title
from selstats.ui.i18n import t
from selstats.ui.sections import page_tabs
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
# both depend on the averaging mode: the radio above names it, and so does the tooltip
for container, name, value in (
    (cols[0], "organisations_at_risk", at_risk.height),
    (cols[1], "organisations_fragile", statuses.get_column("fragile").sum()),
):
    metric(container, name, value, help=f"{figures.definition(name, lang)} ({MODE})")
metric(cols[2], "reviews_due", reviews.height)

# ---- the monitor in tabs: it opens on the organisations at risk ------------------------
tabs = page_tabs(
    "cert_section",
    "section",
    {s: t(f"certification.tab_{s}") for s in ("at_risk", "fragile", "reviews", "levels", "all")},
)
with tabs["at_risk"]:
    st.subheader(t("certification.at_risk_title"))
    if at_risk.is_empty():
        st.success(t("certification.none_at_risk", mode=MODE))
    else:
        st.caption(t("certification.at_risk_caption", mode=MODE))
        # why first: the reason is the second column, wide enough never to be clipped
        table(
            at_risk,
            [
                "org_name",
                "reasons",
                "qcheck_figure",
                "qualifies_for",
                "qcheck_count",
                "next_review",
                "org_id",
            ],
            "certification_at_risk",
        )

# ---- fragile: one person away from falling back ----------------------------------------
with tabs["fragile"]:
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
with tabs["reviews"]:
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
                "reasons",
                "next_review",
                "days_to_review",
                "would_fail_review",
                "certification",
                "org_id",
            ],
            "certification_reviews",
        )

# ---- organisations by level ------------------------------------------------------------
with tabs["levels"]:
    st.subheader(t("certification.levels_title"))
    st.caption(t("certification.levels_caption", mode=MODE))
    table(
        levels,
        [
            "certification",
            "organisations",
            "meeting_conditions",
            "failing_conditions",
            "qualifying",
        ],
        "certification_levels",
    )

# ---- every organisation against the 80 % line -------------------------------------------
with tabs["all"]:
    st.subheader(t("certification.all_title"))
    if statuses.get_column("qcheck_figure").is_null().all():
        st.info(t("certification.no_chart"))
    else:
        standing_labels = {s: t(f"certification.standing.{s}") for s in STANDINGS}
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
            standing_labels=standing_labels,
            value_text=lambda name, value: value_text(name, value, lang),
        )
        st.altair_chart(chart, width="stretch")
        st.caption(t("certification.chart_caption", mode=MODE))
        st.caption(standing_summary(statuses, standing_labels, lang))
    table(
        statuses,
        [
            "org_name",
            "reasons",
            "qcheck_figure",
            "certification",
            "qualifies_for",
            "at_risk",
            "qcheck_count",
            "az_per_role_met",
            "tests_per_role_met",
            "certified_staff_met",
            "pro_partner_met",
            "qcheck_met",
            "next_review",
            "review_due",
            "government",
            "org_id",
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
