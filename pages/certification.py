"""Certification and Q-checks: organisations by certification level, those at risk first,
those whose client certification hangs on one person, the yearly reviews due, every
organisation against the 80 % line; then one organisation in detail (conditions, what it
lacks for the next level, its Q-check trend, consultants, Q-checks and a what-if), and who
does what per level. Every Q-check figure names the averaging mode it uses."""

from datetime import date

import polars as pl
import streamlit as st

from selstats.domain.enums import Certification, QcheckMode
from selstats.figures import catalogue
from selstats.i18n.format import fmt_date, fmt_int, fmt_num
from selstats.reference import load_reference
from selstats.rules.certification import (
    LEVEL_RANK,
    REASON_CODES,
    REVIEW_HORIZON_DAYS,
    level_above,
)
from selstats.rules.certification_advice import what_if_without_table
from selstats.settings import settings
from selstats.ui.certification_text import advice_messages, client_conditions, task_split
from selstats.ui.charts.certification import (
    qcheck_average_chart,
    qcheck_trend_chart,
    task_matrix_chart,
)
from selstats.ui.db import cached_query
from selstats.ui.frame import current_filters, page_title
from selstats.ui.i18n import current_lang, t
from selstats.ui.table import date_format, metric, show_table
from selstats.ui.url_choice import UrlChoice

filters = current_filters()
page_title("certification")
lang = current_lang()
figures = catalogue()
reference = load_reference()
thresholds = reference.thresholds


UNKNOWN = t("certification.unknown")


def number(value: object) -> str:
    """A count, or a percentage with as many decimals as it needs, up to 2 (80, 77,5, 81,25)."""
    if not isinstance(value, float):
        return fmt_int(value, lang)
    return fmt_num(value, lang, next(d for d in (0, 1, 2) if round(value, d) == round(value, 2)))


def percent(value: object) -> str:
    return UNKNOWN if value is None else t("certification.percent", value=number(value))


# ---- the averaging mode and the reference date -----------------------------------------
MODES = [m.value for m in QcheckMode]
DEFAULT_MODE = settings().qcheck_mode.value
left, right = st.columns([3, 1])
mode_choice = UrlChoice(key="cert_mode", param="mode")
mode_choice.seed(MODES, default=[DEFAULT_MODE])
mode = left.radio(
    t("certification.mode_label"),
    MODES,
    format_func=lambda m: t(f"certification.mode.{m}"),
    horizontal=True,
    key=mode_choice.key,
    help=t("certification.mode_help"),
)
mode_choice.keep([mode], default=[DEFAULT_MODE])
as_of = right.date_input(
    t("certification.as_of"),
    value="today",
    key="as_of",
    bind="query-params",
    format=date_format(lang),
    help=t("certification.as_of_help"),
)
MODE = t(f"certification.mode.{mode}")
figure_label = f"{figures.label('qcheck_figure', lang)} ({MODE})"
left.caption(
    t("certification.mode_caption", default=t(f"certification.mode.{DEFAULT_MODE}"), mode=MODE)
)
params = {
    **filters.params(),
    "mode": mode,
    "as_of": as_of,
    "review_horizon_days": REVIEW_HORIZON_DAYS,
}

statuses = cached_query("certification", **params)
if statuses.is_empty():
    st.info(t("certification.empty"))
    st.stop()

LEVELS = {c.value: t(f"certification.{c.value}") for c in Certification}
REASONS = {code: t(f"certification.reason.{code}") for code in REASON_CODES}
STAKES = {code: t(f"certification.stake.{code}") for code in REASON_CODES}


def table(frame: pl.DataFrame, columns: list[str], name: str) -> None:
    """`frame`'s `columns` as a table (labels, formats and definitions from the figure
    catalogue), and the same table for download."""
    detail = {**filters.params(), "mode": mode}
    show_table(frame.select(columns), key=name, download=name, detail=detail)


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

# ---- one organisation ------------------------------------------------------------------
st.subheader(t("certification.organisation_title"))
names = dict(zip(statuses["org_id"], statuses["org_name"], strict=True))
org_choice = UrlChoice(key="cert_org", param="org")
org_choice.seed(list(names), default=list(names)[:1])  # at risk first, then by level held
org_id = st.selectbox(
    t("certification.organisation_pick"),
    list(names),
    format_func=lambda o: f"{names.get(o, o)} ({o})",
    key=org_choice.key,
    help=t("certification.organisation_help"),
)
org_choice.keep([org_id], default=list(names)[:1])
org = statuses.filter(pl.col("org_id") == org_id).row(0, named=True)
cols = st.columns(2)
metric(cols[0], "certification", org["certification"])
metric(cols[1], "qualifies_for", org["qualifies_for"])
cols = st.columns([2, 1, 1])
metric(cols[0], "qcheck_figure", org["qcheck_figure"], label=figure_label)
metric(cols[1], "qcheck_count", org["qcheck_count"])
metric(cols[2], "next_review", org["next_review"])

left, right = st.columns(2)
left.markdown(f"**{t('certification.conditions_title')}**")
for condition in client_conditions(org, thresholds):
    state = t("certification.condition.met" if condition.met else "certification.condition.not_met")
    text = t(
        f"certification.condition.{condition.code}",
        required=number(condition.required),
        present=number(condition.present) if condition.present is not None else UNKNOWN,
    )
    icon = ":green[:material/check_circle:]" if condition.met else ":red[:material/cancel:]"
    left.markdown(f"{icon} {text} — {state}")

target = level_above(org["qualifies_for"])
title = t("certification.advice_title", target=LEVELS[target]) if target else ""
right.markdown(f"**{title or t('certification.advice_top')}**")
for message in advice_messages(org, thresholds):
    values = {name: number(value) for name, value in message.params.items()}
    right.markdown(f"- {t(f'certification.advice.{message.key}', **values)}")
right.caption(t("certification.advice_note"))

st.markdown(f"**{t('certification.trend_title', mode=MODE)}**")
trend = cached_query("qchecks_trend", **params, org=org_id)
if trend.is_empty():
    st.info(t("certification.no_trend"))
else:
    st.altair_chart(
        qcheck_trend_chart(
            trend,
            threshold=thresholds.qcheck_threshold_percent,
            labels={
                "year": figures.label("check_year", lang),
                "average": f"{figures.label('qcheck_year_average', lang)} ({MODE})",
                "axis": t("certification.trend_axis"),
                "checks": figures.label("qchecks_in_year", lang),
                "consultants": figures.label("consultants_in_year", lang),
                "line": t("certification.line"),
            },
        ),
        width="stretch",
    )
    st.caption(t("certification.trend_caption"))

consultants = cached_query("certification_consultants", **params, org=org_id)
checks = cached_query("qchecks_organisation", **params, org=org_id)
st.markdown(f"**{t('certification.consultants_title')}**")
if consultants.is_empty():
    st.info(t("certification.no_consultants"))
else:
    table(
        consultants,
        [
            "consultant_ref",
            "language_role",
            "az_certified",
            "tests_certified",
            "assessment_certified",
            "chair_certified",
            "pro_partner",
            "qchecks_counted",
            "own_average",
            "stakes",
        ],
        f"certification_consultants_{org_id}",
    )

st.markdown(f"**{t('certification.qchecks_title')}**")
if checks.is_empty():
    st.info(t("certification.no_qchecks"))
else:
    if org["window_start"] is not None:
        st.caption(
            t(
                "certification.qchecks_caption",
                start=fmt_date(org["window_start"], lang),
                last=fmt_date(org["last_qcheck_date"], lang),
            )
        )
    else:
        st.caption(t("certification.qchecks_caption_none"))
    table(
        checks,
        [
            "check_date",
            "consultant_ref",
            "language_role",
            "procedure_code",
            "score_percent",
            "counted",
            "why",
        ],
        f"qchecks_{org_id}",
    )

# ---- what if a consultant leaves --------------------------------------------------------
st.markdown(f"**{t('certification.whatif_title')}**")
if consultants.is_empty():
    st.info(t("certification.no_consultants"))
else:
    # "" is nobody: the status as it is
    refs = ["", *consultants.get_column("consultant_ref").to_list()]
    leaving_choice = UrlChoice(key="cert_without", param="without")
    leaving_choice.seed(refs, default=[""])
    leaving = st.selectbox(
        t("certification.whatif_pick"),
        refs,
        format_func=lambda ref: ref or t("certification.whatif_placeholder"),
        key=leaving_choice.key,
        help=t("certification.whatif_help"),
    )
    leaving_choice.keep([leaving], default=[""])
    if leaving:
        org_frame = statuses.filter(pl.col("org_id") == org_id)
        after = what_if_without_table(
            leaving, org_frame, consultants, checks, QcheckMode(mode), thresholds
        ).row(0, named=True)
        cols = st.columns(2)
        cols[0].metric(t("certification.whatif_level"), LEVELS[after["qualifies_for"]])
        cols[1].metric(t("certification.whatif_figure", mode=MODE), percent(after["qcheck_figure"]))
        before, now = org["qualifies_for"], after["qualifies_for"]
        if before == now:
            st.info(t("certification.whatif_same", level=LEVELS[now]))
        elif LEVEL_RANK[Certification(now)] < LEVEL_RANK[Certification(before)]:
            st.warning(t("certification.whatif_falls", before=LEVELS[before], after=LEVELS[now]))
        else:
            st.info(t("certification.whatif_rises", before=LEVELS[before], after=LEVELS[now]))
        missing = [code for code in after["reasons"].split(",") if code]
        if missing:
            st.markdown(
                t("certification.whatif_missing")
                + "\n"
                + "\n".join(f"- {REASONS[code]}" for code in missing)
            )

# ---- who does what, per level -----------------------------------------------------------
st.subheader(t("certification.tasks_title"))
tasks = task_split(reference.tasks, lang)
RESPONSIBLE = {
    r: t(f"certification.responsible.{r}")
    for r in ("dgro", "organisation", "organisation_if_certified", "shared")
}
st.altair_chart(
    task_matrix_chart(
        tasks,
        highlight=org["certification"],
        level_labels=LEVELS,
        responsible_labels=RESPONSIBLE,
        labels={
            "task": figures.label("task", lang),
            "level": figures.label("certification", lang),
            "responsible": t("certification.responsible_title"),
        },
    ),
    width="stretch",
)
st.caption(t("certification.tasks_caption", level=LEVELS[org["certification"]]))
shown_tasks = tasks.select(
    "task",
    *(pl.col(level).alias(f"responsible_{level}") for level in LEVELS),
    pl.col("note").alias("task_condition"),
)
show_table(shown_tasks, key="certification_tasks", download="certification_tasks")
