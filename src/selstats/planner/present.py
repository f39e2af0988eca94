"""A `Forecast` as the page and `selstats plan` show it: frames of catalogue figures and
sentences in nl, fr or en (values written by the figure catalogue). No Streamlit."""

from __future__ import annotations

import polars as pl

from selstats.access.suppression import min_cell
from selstats.figures.present import value_text
from selstats.i18n import translate
from selstats.i18n.format import fmt_num
from selstats.planner.forecast import Forecast, Plan, PlanError


def expected_text(value: float | None, lang: str) -> str:
    """The expected number of laureates, with one decimal (49,3)."""
    return fmt_num(value, lang, 1)


def error_text(error: PlanError, lang: str) -> str:
    return translate(lang, f"planner.error.{error.code}", **error.params)


def _kind(kind: str, lang: str) -> str:
    return value_text("kind", kind, lang)


def plan_text(plan: Plan, lang: str) -> str:
    steps = ", ".join(
        translate(lang, "planner.cut", kind=_kind(s.kind, lang), n=s.top_n)
        if s.top_n
        else _kind(s.kind, lang)
        for s in plan.steps
    )
    government = (
        value_text("government", plan.government, lang)
        if plan.government
        else translate(lang, "planner.government_any")
    )
    return translate(
        lang,
        "planner.plan",
        level=plan.level,
        government=government,
        steps=steps,
        places=plan.places,
    )


def basis_frame(result: Forecast) -> pl.DataFrame:
    """One row per planned step: its kind and cut, what it was compared with, on how many
    past procedures, and the pooled success rate."""
    return pl.DataFrame(
        {
            "step_no": [b.step_no for b in result.steps],
            "kind": [b.kind for b in result.steps],
            "top_n": [b.top_n for b in result.steps],
            "basis": [b.pool.basis for b in result.steps],
            "past_procedures": [b.pool.procedures for b in result.steps],
            "reached": [b.pool.reached for b in result.steps],
            "qualified": [b.pool.qualified for b in result.steps],
            "step_rate": [b.pool.pooled_rate for b in result.steps],
        },
        schema={
            "step_no": pl.Int64,
            "kind": pl.String,
            "top_n": pl.Int64,
            "basis": pl.String,
            "past_procedures": pl.Int64,
            "reached": pl.Int64,
            "qualified": pl.Int64,
            "step_rate": pl.Float64,
        },
    )


def needed_frame(result: Forecast) -> pl.DataFrame:
    """Applicants needed per confidence (empty when out of reach)."""
    return pl.DataFrame(
        {
            "confidence": [c * 100 for c in result.needed_applicants],
            "needed_applicants": list(result.needed_applicants.values()),
        },
        schema={"confidence": pl.Float64, "needed_applicants": pl.Int64},
    )


def forecast_lines(result: Forecast, lang: str, suppressed: int = 0) -> list[str]:
    """The forecast as sentences (what `selstats plan` prints)."""

    def tr(key: str, **params: object) -> str:
        return translate(lang, f"planner.{key}", **params)

    plan = result.plan
    lines = [plan_text(plan, lang)]
    for basis in result.steps:
        lines.append(
            tr(
                "step_line",
                no=basis.step_no,
                kind=_kind(basis.kind, lang),
                rate=value_text("step_rate", basis.pool.pooled_rate, lang),
                basis=translate(lang, f"planner.basis.{basis.pool.basis}"),
                procedures=value_text("past_procedures", basis.pool.procedures, lang),
            )
        )
    if result.missing_kinds:
        kinds = ", ".join(_kind(k, lang) for k in result.missing_kinds)
        return [*lines, tr("missing", kinds=kinds)]
    values = "; ".join(
        tr(
            "needed_value",
            confidence=value_text("confidence", c * 100, lang),
            applicants=value_text("needed_applicants", n, lang)
            if n is not None
            else tr("needed_none"),
        )
        for c, n in result.needed_applicants.items()
    )
    lines.append(tr("needed_line", places=plan.places, values=values))
    if plan.applicants is not None and result.expected_laureates is not None:
        lines.append(
            tr(
                "expected_line",
                applicants=value_text("applicants", plan.applicants, lang),
                expected=expected_text(result.expected_laureates, lang),
                low=value_text("laureates_low", result.laureates_low, lang),
                high=value_text("laureates_high", result.laureates_high, lang),
            )
        )
    lead = result.lead
    if lead.median is None:
        lines.append(tr("lead_none"))
    else:
        lines.append(
            tr(
                "lead_line",
                median=value_text("lead_median", lead.median, lang),
                low=value_text("lead_low", lead.low, lang),
                high=value_text("lead_high", lead.high, lang),
                procedures=value_text("past_procedures", lead.pool.procedures, lang),
                basis=translate(lang, f"planner.lead_basis.{lead.pool.basis}"),
            )
        )
    how = tr("exact") if result.exact else tr("drawn", seed=result.seed)
    lines.append(tr("based_on", procedures=result.procedures, draws=result.draws, how=how))
    if suppressed:
        lines.append(tr("suppressed", count=suppressed, n=min_cell()))
    return lines
