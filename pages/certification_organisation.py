"""Certification and Q-checks of one organisation (`?org=<org_id>`): its level, what it
qualifies for and its Q-check figure on top, then in tabs (`?section=`): the conditions of
client certification met or not and what it lacks for the next level (where the page
opens), its Q-check trend, its consultants and Q-checks, a what-if (`?without=<ref>`: the
status without one consultant; a link naming one opens on this tab) and who does what per
level. Every Q-check figure names the averaging mode it uses."""

import polars as pl
import streamlit as st

from selstats.domain.enums import Certification, QcheckMode
from selstats.i18n.format import fmt_date
from selstats.reference import load_reference
from selstats.rules.certification import LEVEL_RANK, REASON_CODES, level_above
from selstats.rules.certification_advice import what_if_without_table
from selstats.ui.certification_text import (
    advice_messages,
    client_conditions,
    task_split,
    trend_in_words,
)
from selstats.ui.certification_view import MONITORING_PAGE, controls
from selstats.ui.charts.certification import qcheck_trend_chart, task_matrix_chart
from selstats.ui.db import cached_query
from selstats.ui.frame import current_filters, page_title
from selstats.ui.i18n import t
from selstats.ui.sections import page_tabs
from selstats.ui.table import metric, show_table
from selstats.ui.url_choice import UrlChoice

filters = current_filters()
page_title("certification_organisation")
st.page_link(MONITORING_PAGE, label=t("certification.back_link"), icon=":material/arrow_back:")
view = controls(filters)
lang, figures, thresholds = view.lang, view.figures, view.thresholds
MODE, figure_label, params, table = view.mode_label, view.figure_label, view.params, view.table
number, percent, LEVELS = view.number, view.percent, view.levels
UNKNOWN = t("certification.unknown")
REASONS = {code: t(f"certification.reason.{code}") for code in REASON_CODES}
mode = view.mode

statuses = cached_query("certification", **params)
if statuses.is_empty():
    st.info(t("certification.empty"))
    st.stop()

# ---- the organisation ------------------------------------------------------------------
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
# the key figures in a row that wraps: a level's name or a date is never cut at 1024 px
figures_row = st.container(horizontal=True, gap="medium")
metric(figures_row, "certification", org["certification"], width="content")
metric(figures_row, "qualifies_for", org["qualifies_for"], width="content")
metric(figures_row, "qcheck_figure", org["qcheck_figure"], label=figure_label, width="content")
metric(figures_row, "qcheck_count", org["qcheck_count"], width="content")
metric(figures_row, "next_review", org["next_review"], width="content")

consultants = cached_query("certification_consultants", **params, org=org_id)
checks = cached_query("qchecks_organisation", **params, org=org_id)

# ---- the detail in tabs: it opens on the conditions, or on the what-if when the link names
# a consultant who leaves ------------------------------------------------------------------
SECTIONS = ("conditions", "trend", "consultants", "whatif", "tasks")
tabs = page_tabs(
    "cert_org_section",
    "section",
    {s: t(f"certification.tab_{s}") for s in SECTIONS},
    default="whatif" if st.query_params.get("without") else "conditions",
)
with tabs["conditions"]:
    left, right = st.columns(2)
    left.markdown(f"**{t('certification.conditions_title')}**")
    for condition in client_conditions(org, thresholds):
        state = t(
            "certification.condition.met" if condition.met else "certification.condition.not_met"
        )
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

with tabs["trend"]:
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
        st.caption(trend_in_words(trend, thresholds, MODE, lang))

with tabs["consultants"]:
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

with tabs["whatif"]:
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
            cols[1].metric(
                t("certification.whatif_figure", mode=MODE), percent(after["qcheck_figure"])
            )
            before, now = org["qualifies_for"], after["qualifies_for"]
            if before == now:
                st.info(t("certification.whatif_same", level=LEVELS[now]))
            elif LEVEL_RANK[Certification(now)] < LEVEL_RANK[Certification(before)]:
                st.warning(
                    t("certification.whatif_falls", before=LEVELS[before], after=LEVELS[now])
                )
            else:
                st.info(t("certification.whatif_rises", before=LEVELS[before], after=LEVELS[now]))
            missing = [code for code in after["reasons"].split(",") if code]
            if missing:
                st.markdown(
                    t("certification.whatif_missing")
                    + "\n"
                    + "\n".join(f"- {REASONS[code]}" for code in missing)
                )

with tabs["tasks"]:
    st.subheader(t("certification.tasks_title"))
    tasks = task_split(load_reference().tasks, lang)
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
