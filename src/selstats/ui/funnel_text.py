"""The funnel page's words and the tables it shows, built from the rows of queries/funnel*.sql.

- `rule_text`: a step's rule in words (pass mark in points or %, top-N, conditional step,
  total rule, non-eliminating), e.g. "min. 10/20; de 3 besten gaan door (gelijke stand:
  allen)".
- `state_text`: what a step's state means ("niet gehouden — te weinig kandidaten over").
- `funnel_table`, `aggregate_table`, `compare_table`: the frames the page shows and offers
  for download (codes still codes: `selstats.ui.table.show_table` names them), the
  decisive figures first; `chart_steps` and `aggregate_chart_steps`: the frames the funnel
  chart draws, with the lost candidates and the largest loss
  (`selstats.rules.funnel.largest_loss`).
- `largest_loss_text`, `funnel_summary`, `share_summary`: the largest loss in one sentence,
  and the charts' text alternatives (their key figures in words).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

import polars as pl

from selstats.domain.enums import Outcome, PassUnit, StepState
from selstats.i18n import translate
from selstats.i18n.format import UNKNOWN, fmt_int, fmt_num, fmt_pct
from selstats.rules.funnel import largest_loss
from selstats.ui.cell_counts import as_numbers, count_text

OUTCOMES: Final = tuple(o.value for o in Outcome)
# The columns of the export contract (docs/CLI.md#export-tables, table `funnel`), in order.
CONTRACT_COLUMNS: Final = (
    "procedure_code",
    "step_no",
    "step_name",
    "held",
    "reached",
    *OUTCOMES,
)
# What the single-procedure table shows: the decisive figures first (who reached each step,
# who went on, the advance rate and conversion, who was lost), so that they are on screen
# without scrolling sideways at 1024 px; then the outcomes, the state and rule in words.
FUNNEL_TABLE_COLUMNS: Final = (
    "step_no",
    "step_name",
    "reached",
    "passed",
    "advance_rate",
    "conversion",
    "lost",
    "lost_share",
    "failed",
    "absent",
    "withdrawn",
    "not_registered",
    "cut_off",
    "share_reached",
    "held",
    "state",
    "rule",
    "procedure_code",
)
COMPARE_TABLE_COLUMNS: Final = (
    "procedure_code",
    "step_no",
    "step_name",
    "state",
    "reached",
    "passed",
    "applicants",
    "share_reached",
    "conversion",
)
AGGREGATE_TABLE_COLUMNS: Final = (
    "step_no",
    "reached",
    "passed",
    "advance_rate",
    "conversion",
    "lost",
    "lost_share",
    "procedures_with_step",
    "held_in",
    "not_held_in",
    "pending_in",
    "failed",
    "absent",
    "withdrawn",
    "not_registered",
    "cut_off",
    "share_reached",
    "applicants",
    "kinds",
)


def _number(x: float, lang: str) -> str:
    """A pass mark or maximum: no decimals when it is whole ("10"), else one ("27,5")."""
    return fmt_num(x, lang, 0 if x.is_integer() else 1)


def _float(step: Mapping[str, object], name: str) -> float | None:
    """The column as a number; None when it is missing, null or NaN."""
    value = step.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return None
    return float(value)


def _pass_mark(step: Mapping[str, object], lang: str) -> str:
    mark, maximum = _float(step, "pass_mark"), _float(step, "max_score")
    if mark is None:
        if maximum is not None:
            return translate(lang, "funnel.rule.scored", max=_number(maximum, lang))
        return translate(lang, "funnel.rule.pass_fail")
    if step.get("pass_unit") == PassUnit.PERCENT:
        return translate(lang, "funnel.rule.min_percent", pct=fmt_pct(mark / 100, lang, 0))
    if maximum is not None:
        return translate(
            lang,
            "funnel.rule.min_points_of",
            mark=_number(mark, lang),
            max=_number(maximum, lang),
        )
    return translate(lang, "funnel.rule.min_points", mark=_number(mark, lang))


def steps_list(total_of_steps: str) -> str:
    """'2,3' -> '2 + 3'."""
    return " + ".join(part.strip() for part in total_of_steps.split(",") if part.strip())


def rule_text(step: Mapping[str, object], lang: str) -> str:
    """The step's rule in words, from its columns in queries/funnel.sql (max_score,
    pass_mark, pass_unit, top_n, rank_by_step, held_if_more_than, total_of_steps,
    total_pass_percent, eliminating); parts joined by "; "."""
    parts = [_pass_mark(step, lang)]
    top_n, ranked_by = _float(step, "top_n"), _float(step, "rank_by_step")
    if top_n is not None:
        parts.append(translate(lang, "funnel.rule.top_n", n=fmt_int(top_n, lang)))
        if ranked_by is not None and ranked_by != _float(step, "step_no"):
            parts.append(translate(lang, "funnel.rule.ranked_by", step=fmt_int(ranked_by, lang)))
    head_count = _float(step, "held_if_more_than")
    if head_count is not None:
        parts.append(translate(lang, "funnel.rule.conditional", n=fmt_int(head_count, lang)))
    total_pct, total_of = _float(step, "total_pass_percent"), step.get("total_of_steps")
    if total_pct is not None and isinstance(total_of, str) and total_of.strip():
        parts.append(
            translate(
                lang,
                "funnel.rule.total",
                pct=fmt_pct(total_pct / 100, lang, 0),
                steps=steps_list(total_of),
            )
        )
    if step.get("eliminating") is False:
        parts.append(translate(lang, "funnel.rule.not_eliminating"))
    return "; ".join(parts)


def state_text(state: str, lang: str) -> str:
    """What a step's state means: "afgenomen", "niet gehouden — te weinig kandidaten over",
    "nog geen resultaten" (the names of the `state` figure's values)."""
    return translate(lang, f"step_state.{state}")


def guard_lost(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` (queries/funnel*.sql after small-cell suppression) with lost and lost_share
    shown only where reached and passed are both shown. lost = reached − passed, so a lost
    shown next to a hidden passed would give passed back by subtraction (reached 9, passed
    "<5", lost 6: passed = 3); where both are shown, lost tells nothing new. Exact counts
    (no suppression) pass unchanged."""
    if frame.schema.get("reached") != pl.String:
        return frame
    exact = pl.col("reached").str.contains(r"^\d+$") & pl.col("passed").str.contains(r"^\d+$")
    return frame.with_columns(
        pl.when(exact).then(pl.col(name)).otherwise(pl.lit(None, frame.schema[name])).alias(name)
        for name in ("lost", "lost_share")
    )


def funnel_table(funnel: pl.DataFrame, lang: str) -> pl.DataFrame:
    """The single-procedure table: one row per step, the decisive figures first (reached,
    passed, advance rate, conversion, lost), then the outcomes, the state and the rule in
    words. This frame is what the page shows and what the download holds."""
    rules = pl.Series("rule", [rule_text(row, lang) for row in funnel.iter_rows(named=True)])
    return funnel.with_columns(rules.cast(pl.String)).select(FUNNEL_TABLE_COLUMNS)


def compare_table(funnel: pl.DataFrame) -> pl.DataFrame:
    """The side-by-side table: per procedure and step, who reached it and the share of the
    procedure's applicants that did."""
    return funnel.select(COMPARE_TABLE_COLUMNS)


def kinds_text(kinds: Sequence[str] | None, lang: str) -> str:
    """The step kinds behind a step number, in words: "schriftelijke proef, screening"."""
    return ", ".join(translate(lang, f"step_kind.{kind}") for kind in kinds or ())


def aggregate_table(aggregate: pl.DataFrame) -> pl.DataFrame:
    """The table of the funnel summed over the filter (the kinds of step stay codes: the
    table translates them, as every category)."""
    return aggregate.select(AGGREGATE_TABLE_COLUMNS)


def _loss_columns(counted: pl.DataFrame) -> list[pl.Series]:
    """lost (a number; null where unknown or hidden), lost_share, and `largest`: true on the
    step that lost the most candidates (`selstats.rules.funnel.largest_loss`)."""
    lost = counted["lost"].cast(pl.Int64)
    largest = largest_loss(lost.to_list())
    return [
        lost,
        counted["lost_share"].cast(pl.Float64),
        pl.Series("largest", [i == largest for i in range(counted.height)], pl.Boolean),
    ]


def _step_label(step_no: int, name: str) -> str:
    return f"{step_no}. {name}"


def _chart_note(state: str, reached: int | None, lang: str) -> str | None:
    """What the chart writes on a step without a bar: not held, no results yet, or counts
    hidden by small-cell suppression (a held step whose count arrived as "<5")."""
    if state != StepState.HELD:
        return state_text(state, lang)
    return translate(lang, "funnel.counts_hidden") if reached is None else None


def chart_steps(funnel: pl.DataFrame, lang: str) -> pl.DataFrame:
    """The frame `selstats.ui.charts.funnel.funnel_chart` draws for one procedure:
    step_label ("2. Schriftelijk"), the rule in words, the outcome counts, reached, top_n
    (of held steps) and a note for a step that was not held, has no results yet, or whose
    counts small-cell suppression hid ("<5" becomes null: not drawn)."""
    labels = [
        _step_label(no, name)
        for no, name in zip(funnel["step_no"], funnel["step_name"], strict=True)
    ]
    counted = as_numbers(funnel, ("reached", *OUTCOMES, "lost"))
    notes = [
        _chart_note(state, reached, lang)
        for state, reached in zip(counted["state"], counted["reached"], strict=True)
    ]
    rules = [rule_text(row, lang) for row in funnel.iter_rows(named=True)]
    return counted.select(
        pl.Series("step_label", labels, pl.String),
        pl.Series("rule", rules, pl.String),
        "reached",
        *OUTCOMES,
        # the top-N cut only where the step was held: it marks who went on
        pl.when(pl.col("state") == StepState.HELD.value)
        .then(pl.col("top_n").cast(pl.Int64))
        .alias("top_n"),
        pl.Series("note", notes, pl.String),
        *_loss_columns(counted),
    )


def aggregate_chart_steps(aggregate: pl.DataFrame, lang: str) -> pl.DataFrame:
    """The frame the funnel chart draws for the summed funnel: one bar per step number,
    labelled with the number of procedures that have it, the kinds of step in place of a
    rule; no top-N marks."""
    labels = [
        translate(lang, "funnel.aggregate.step_label", step=fmt_int(no, lang), n=fmt_int(n, lang))
        for no, n in zip(aggregate["step_no"], aggregate["procedures_with_step"], strict=True)
    ]
    counted = as_numbers(aggregate, ("reached", *OUTCOMES, "lost"))
    states = [
        "held" if held else "not_held" if not_held else "pending"
        for held, not_held in zip(aggregate["held_in"], aggregate["not_held_in"], strict=True)
    ]
    notes = [
        _chart_note(state, reached, lang)
        for state, reached in zip(states, counted["reached"], strict=True)
    ]
    kinds = [kinds_text(k, lang) for k in aggregate["kinds"].to_list()]
    return counted.select(
        pl.Series("step_label", labels, pl.String),
        pl.Series("rule", kinds, pl.String),
        "reached",
        *OUTCOMES,
        pl.lit(None, pl.Int64).alias("top_n"),
        pl.Series("note", notes, pl.String),
        *_loss_columns(counted),
    )


# ---- the largest loss and the charts' text alternatives ---------------------------------


_MARKDOWN: Final = str.maketrans({c: f"\\{c}" for c in "\\`*_{}[]()#+-.!|<>~$"})


def markdown_literal(text: str) -> str:
    """`text` (data: a step's name) escaped so that Markdown shows it as it is."""
    return text.translate(_MARKDOWN)


def largest_loss_text(steps: pl.DataFrame, applicants: object, lang: str) -> str | None:
    """The largest loss in one Markdown sentence ("**Grootste verlies: 2. Schriftelijk** —
    3 van de 8 sollicitanten (37,5 %) gingen bij deze stap niet verder."), from a frame of
    `chart_steps` or `aggregate_chart_steps`; None when no step lost anyone whose count is
    shown."""
    chosen = steps.filter(pl.col("largest"))
    if chosen.is_empty():
        return None
    row = chosen.row(0, named=True)
    share = row["lost_share"]
    return translate(
        lang,
        "funnel.largest_loss",
        step=markdown_literal(row["step_label"]),
        lost=fmt_int(row["lost"], lang),
        applicants=count_text(applicants, lang),
        share=fmt_pct(share, lang) if share is not None else UNKNOWN,
    )


def _step_summary(label: str, note: str | None, row: Mapping[str, object], lang: str) -> str:
    if note is not None:
        return translate(lang, "funnel.summary.step_note", step=label, note=note)
    return translate(
        lang,
        "funnel.summary.step",
        step=label,
        reached=count_text(row["reached"], lang),
        passed=count_text(row["passed"], lang),
        lost=count_text(row["lost"], lang),
    )


def funnel_summary(steps: pl.DataFrame, source: pl.DataFrame, applicants: object, lang: str) -> str:
    """The funnel chart's text alternative: after the applicants, each step's reached,
    passed and lost in words ("8 sollicitanten. 1. Screening: 8 bereikt, 6 geslaagd, 2
    verloren; ..."). `steps` is the chart's frame, `source` the query's rows it was made
    from (in the same order), whose counts a hidden cell keeps as "<5"."""
    parts = [
        _step_summary(label, note, row, lang)
        for label, note, row in zip(
            steps["step_label"], steps["note"], source.iter_rows(named=True), strict=True
        )
    ]
    return translate(
        lang, "funnel.summary.text", applicants=count_text(applicants, lang), steps="; ".join(parts)
    )


def share_summary(funnel: pl.DataFrame, lang: str) -> str:
    """The comparison chart's text alternative: per procedure, the share of its applicants
    that reached each held step ("P-A1: stap 1 100,0 %, stap 2 75,0 %, ...")."""
    held = funnel.filter(pl.col("share_reached").is_not_null())
    per_procedure: dict[str, list[str]] = {}
    for code, step_no, share in held.select(
        "procedure_code", "step_no", "share_reached"
    ).iter_rows():
        per_procedure.setdefault(code, []).append(
            translate(
                lang,
                "funnel.summary.share",
                step=fmt_int(step_no, lang),
                share=fmt_pct(share, lang),
            )
        )
    parts = [f"{code}: {', '.join(shares)}" for code, shares in per_procedure.items()]
    return translate(lang, "funnel.summary.compare", procedures="; ".join(parts))
