"""Plan: an HR manager describes a planned selection (diploma level, government, the kinds of
steps in order with their top-N cuts, places to fill, expected applicants) and sees, from
the finished procedures they may see, how many applicants fill the places with 50 / 80 /
95 % confidence, how many laureates the expected applicants give (80 % interval), the
lead time from deadline to list, and what every figure rests on. The arithmetic is
selstats.planner's; the widgets are kept in the URL (`/planner?plan_level=C&...`)."""

import streamlit as st

from selstats.access.suppression import min_cell
from selstats.domain.enums import Government, StepKind
from selstats.figures import catalogue
from selstats.figures.present import value_text
from selstats.planner import Plan, PlanError, PlannedStep, forecast
from selstats.planner.forecast import LEVELS
from selstats.planner.history import usable
from selstats.planner.present import basis_frame, error_text, expected_text, needed_frame
from selstats.tables import Scope
from selstats.ui.db import cached_query
from selstats.ui.frame import current_filters, page_title
from selstats.ui.i18n import current_lang, t
from selstats.ui.table import metric, show_table
from selstats.ui.url_choice import UrlChoice

filters = current_filters()
page_title("planner")
lang = current_lang()
st.caption(t("planner.intro"))

KINDS = [k.value for k in StepKind]
DEFAULT_STEPS = ("screening", "written", "interview")
MAX_STEPS = 8

# ---- the plan ----------------------------------------------------------------------------
cols = st.columns(4)
level = cols[0].selectbox(
    t("planner.level"), LEVELS, key="plan_level", bind="query-params", index=0
)
# Choices with translated labels keep their codes in the URL (UrlChoice), in every language.
GOVERNMENTS = ["", *(g.value for g in Government)]
government_choice = UrlChoice(key="plan_government", param="plan_government")
government_choice.seed(GOVERNMENTS, default=[""])
government = cols[1].selectbox(
    t("planner.government"),
    GOVERNMENTS,
    format_func=lambda g: value_text("government", g, lang) if g else t("planner.government_any"),
    key=government_choice.key,
)
government_choice.keep([government], default=[""])
places = cols[2].number_input(
    t("planner.places"),
    min_value=1,
    max_value=10_000,
    value=3,
    key="plan_places",
    bind="query-params",
)
applicants = cols[3].number_input(
    t("planner.applicants"),
    min_value=0,
    max_value=1_000_000,
    value=120,
    key="plan_applicants",
    bind="query-params",
)
count = st.number_input(
    t("planner.steps"),
    min_value=1,
    max_value=MAX_STEPS,
    value=len(DEFAULT_STEPS),
    key="plan_steps",
    bind="query-params",
)
planned = []
for i in range(1, int(count) + 1):
    left, right = st.columns([3, 1])
    default = DEFAULT_STEPS[i - 1] if i <= len(DEFAULT_STEPS) else "interview"
    kind_choice = UrlChoice(key=f"plan_kind_{i}", param=f"plan_kind_{i}")
    kind_choice.seed(KINDS, default=[default])
    kind = left.selectbox(
        t("planner.step_kind", no=i),
        KINDS,
        format_func=lambda k: value_text("kind", k, lang),
        key=kind_choice.key,
    )
    kind_choice.keep([kind], default=[default])
    top_n = right.number_input(
        t("planner.step_top_n", no=i),
        min_value=0,
        max_value=100_000,
        value=0,
        key=f"plan_top_{i}",
        bind="query-params",
        help=t("planner.step_top_n_help"),
    )
    planned.append(PlannedStep(kind, int(top_n) or None))

# ---- the history the user may see (not the sidebar's filter: the plan is the filter) ----
scope = Scope().params()
steps, hidden_steps = usable(cached_query("planner_steps", **scope), ["reached", "qualified"])
procedures = cached_query("planner_procedures", **scope)  # only its lead times are used
if steps.is_empty():
    st.info(t("planner.empty"))
    st.stop()
plan = Plan(level, tuple(planned), int(places), government or None, int(applicants))
try:
    result = forecast(plan, steps, procedures)
except PlanError as error:
    st.error(error_text(error, lang))
    st.stop()
if result.missing_kinds:
    kinds = ", ".join(value_text("kind", k, lang) for k in result.missing_kinds)
    st.warning(t("planner.missing", kinds=kinds))
    st.stop()

# ---- how many applicants -----------------------------------------------------------------
st.subheader(t("planner.needed_title"))
show_table(needed_frame(result), key="planner_needed", download="planner_needed")
if None in result.needed_applicants.values():
    st.caption(t("planner.needed_none_note"))

# ---- how many laureates ------------------------------------------------------------------
st.subheader(t("planner.expected_title"))
cols = st.columns(3)
metric(cols[0], "expected_laureates", expected_text(result.expected_laureates, lang))
metric(cols[1], "laureates_low", result.laureates_low)
metric(cols[2], "laureates_high", result.laureates_high)

# ---- how long ----------------------------------------------------------------------------
st.subheader(t("planner.lead_title"))
lead = result.lead
if lead.median is None:
    st.info(t("planner.lead_none"))
else:
    cols = st.columns(3)
    metric(cols[0], "lead_median", lead.median)
    metric(cols[1], "lead_low", lead.low)
    metric(cols[2], "lead_high", lead.high)
    st.caption(
        f"{catalogue()['basis'].label(lang)}: {t(f'planner.lead_basis.{lead.pool.basis}')}; "
        f"{catalogue()['past_procedures'].label(lang)}: "
        f"{value_text('past_procedures', lead.pool.procedures, lang)}"
    )

# ---- what it rests on --------------------------------------------------------------------
st.subheader(t("planner.basis_title"))
show_table(basis_frame(result), key="planner_basis", download="planner_basis")
how = t("planner.exact") if result.exact else t("planner.drawn", seed=result.seed)
st.caption(t("planner.based_on", procedures=result.procedures, draws=result.draws, how=how))
st.caption(t("planner.method"))
if hidden_steps:
    st.caption(t("planner.suppressed", count=hidden_steps, n=min_cell()))
