"""Charts of the funnel page.

- `funnel_chart`: one horizontal bar per step, stacked by outcome in the fixed outcome
  colours, the number who reached the step at the bar's end and, after it, how many were
  lost there ("−3 · 37,5 %" of the applicants; the largest loss in bold, in the failed
  colour), a black tick at the top-N cut (only that many go on) and a note on a
  step that was not held or has no results yet.
- `share_chart`: several procedures side by side, normalised: the share of each
  procedure's applicants that reached each step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import altair as alt
import polars as pl

from selstats.i18n.format import fmt_int, fmt_pct
from selstats.ui.cell_counts import count_text
from selstats.ui.charts.theme import (
    LINE_COLOUR,
    OUTCOME_COLOURS,
    OUTCOME_ORDER,
    count_axis,
    localised,
    percent_axis,
)

# Okabe-Ito colours for up to eight procedures side by side, with a shape each.
PROCEDURE_COLOURS: Final = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)
PROCEDURE_SHAPES: Final = (
    "circle",
    "square",
    "triangle-up",
    "diamond",
    "cross",
    "triangle-down",
    "triangle-right",
    "triangle-left",
)
_ROW_STEP: Final = 34  # pixels per step (a band of the y scale)
# Room right of the plot for the totals and losses written after the bars ("52 −30 · 50,0 %"):
# Vega does not clip a text mark, but the chart's width ends there.
_RIGHT_ROOM: Final = 110


@dataclass(frozen=True)
class FunnelLabels:
    """The funnel chart's words, already translated."""

    outcomes: Mapping[str, str]  # outcome value -> its word
    step: str
    candidates: str
    outcome: str
    share: str  # tooltip: share of those who reached the step
    top_n: str  # tooltip: the top-N cut
    rule: str  # tooltip: the step's rule
    lost: str = "lost"  # tooltip: lost at the step
    lost_share: str = "lost (% of applicants)"  # tooltip: lost / applicants


def _outcome_rows(steps: pl.DataFrame, labels: FunnelLabels, lang: str) -> pl.DataFrame:
    """One row per step and outcome with candidates, in the stacking order."""
    rank = {outcome: i for i, outcome in enumerate(OUTCOME_ORDER)}
    long = steps.select("step_label", "rule", "reached", *OUTCOME_ORDER).unpivot(
        index=["step_label", "rule", "reached"], variable_name="outcome", value_name="count"
    )
    long = long.filter(pl.col("count") > 0)
    return long.with_columns(
        pl.col("outcome").replace_strict(labels.outcomes, return_dtype=pl.String).alias("label"),
        pl.col("outcome").replace_strict(rank, return_dtype=pl.Int64).alias("order"),
        pl.Series("count_text", [fmt_int(c, lang) for c in long["count"]], pl.String),
        pl.Series(
            "share_text",
            # an analyst's reached may be hidden ("x"): the share is then unknown
            [
                fmt_pct(c / r if r else None, lang)
                for c, r in zip(long["count"], long["reached"], strict=True)
            ],
            pl.String,
        ),
    )


def funnel_chart(steps: pl.DataFrame, labels: FunnelLabels, lang: str) -> alt.LayerChart:
    """The funnel of `steps` (columns step_label, rule, reached, the six outcome counts,
    top_n, note; steps in the frame's order, top to bottom)."""
    order = steps["step_label"].to_list()
    # An explicit band scale: a tick layer alone would make the shared y scale a point
    # scale, and the bars would lose their height. The domain keeps the steps in order.
    y = alt.Y(
        "step_label:N",
        title=None,
        scale=alt.Scale(type="band", domain=order),  # every step, even one with no mark
        axis=alt.Axis(labelLimit=260),
    )
    domain = [labels.outcomes[o] for o in OUTCOME_ORDER]
    colours = [OUTCOME_COLOURS[o] for o in OUTCOME_ORDER]
    step_title = alt.Tooltip("step_label:N", title=labels.step)

    bars = (
        alt.Chart(_outcome_rows(steps, labels, lang))
        .mark_bar()
        .encode(
            y=y,
            x=alt.X("count:Q", stack="zero", title=labels.candidates, axis=count_axis()),
            color=alt.Color(
                "label:N",
                scale=alt.Scale(domain=domain, range=colours),
                legend=alt.Legend(title=labels.outcome, orient="bottom", columns=3),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                step_title,
                alt.Tooltip("label:N", title=labels.outcome),
                alt.Tooltip("count_text:N", title=labels.candidates),
                alt.Tooltip("share_text:N", title=labels.share),
                alt.Tooltip("rule:N", title=labels.rule),
            ],
        )
    )
    held = steps.filter(pl.col("reached") > 0)
    reached_text = pl.Series("reached_text", [fmt_int(r, lang) for r in held["reached"]], pl.String)
    totals = (
        alt.Chart(held.with_columns(reached_text))
        .mark_text(align="left", dx=4, fontWeight="bold")
        .encode(y=y, x=alt.X("reached:Q"), text=alt.Text("reached_text:N"))
    )
    cuts = (
        alt.Chart(steps.filter(pl.col("top_n").is_not_null()))
        .mark_tick(color=LINE_COLOUR, thickness=3)
        .encode(
            y=y,
            x=alt.X("top_n:Q"),
            tooltip=[step_title, alt.Tooltip("top_n:Q", title=labels.top_n)],
        )
    )
    losses = _loss_layer(
        held, y, labels, lang, offset=8 + 8 * max(map(len, reached_text), default=1)
    )
    notes = (
        alt.Chart(steps.filter(pl.col("note").is_not_null()))
        .mark_text(align="left", dx=4, fontStyle="italic", color=LINE_COLOUR)
        .encode(y=y, x=alt.XDatum(0), text=alt.Text("note:N"))
    )
    chart = alt.LayerChart(
        layer=[bars, cuts, totals, losses, notes],
        height=alt.Step(_ROW_STEP),
        padding={"left": 5, "top": 5, "bottom": 5, "right": _RIGHT_ROOM},
    )
    return localised(chart, lang)


def _loss_layer(
    held: pl.DataFrame, y: alt.Y, labels: FunnelLabels, lang: str, offset: int
) -> alt.LayerChart:
    """After each bar's total, who was lost at the step ("−3 · 37,5 %"): the largest loss
    in bold, in the failed colour (the page names it in a sentence above the chart)."""
    lost = held.filter(pl.col("lost").is_not_null() & (pl.col("lost") > 0))
    texts = [
        " · ".join(
            part
            for part in (
                f"−{fmt_int(n, lang)}",
                fmt_pct(share, lang) if share is not None else None,
            )
            if part
        )
        for n, share in lost.select("lost", "lost_share").iter_rows()
    ]
    share_texts = [fmt_pct(s, lang) if s is not None else "" for s in lost["lost_share"]]
    data = lost.select("step_label", "reached", "largest").with_columns(
        pl.Series("loss_text", texts, pl.String),
        pl.Series("lost_text", [fmt_int(n, lang) for n in lost["lost"]], pl.String),
        pl.Series("lost_share_text", share_texts, pl.String),
    )
    tooltip = [
        alt.Tooltip("step_label:N", title=labels.step),
        alt.Tooltip("lost_text:N", title=labels.lost),
        alt.Tooltip("lost_share_text:N", title=labels.lost_share),
    ]
    encoding = {"y": y, "x": alt.X("reached:Q"), "text": alt.Text("loss_text:N")}
    others = (
        alt.Chart(data.filter(~pl.col("largest")))
        .mark_text(align="left", dx=offset, color=LINE_COLOUR)
        .encode(**encoding, tooltip=tooltip)
    )
    largest = (
        alt.Chart(data.filter(pl.col("largest")))
        .mark_text(align="left", dx=offset, color=OUTCOME_COLOURS["failed"], fontWeight="bold")
        .encode(**encoding, tooltip=tooltip)
    )
    return alt.LayerChart(layer=[others, largest])


@dataclass(frozen=True)
class ShareLabels:
    """The normalised chart's words, already translated."""

    procedure: str
    step_no: str
    step_name: str
    reached: str
    share: str


def share_chart(funnel: pl.DataFrame, labels: ShareLabels, lang: str) -> alt.Chart:
    """One line per procedure through its held steps: share_reached (the share of its
    applicants that reached the step) by step number. Columns of queries/funnel.sql."""
    held = funnel.filter(pl.col("share_reached").is_not_null()).select(
        "procedure_code", "step_no", "step_name", "reached", "share_reached"
    )
    held = held.with_columns(
        pl.Series("reached_text", [count_text(r, lang) for r in held["reached"]], pl.String),
        pl.Series("share_text", [fmt_pct(s, lang) for s in held["share_reached"]], pl.String),
    )
    codes = list(dict.fromkeys(funnel["procedure_code"].to_list()))
    n = len(PROCEDURE_COLOURS)
    chart = (
        alt.Chart(held)
        .mark_line(point=alt.OverlayMarkDef(size=80, filled=True))
        .encode(
            x=alt.X("step_no:O", title=labels.step_no, axis=alt.Axis(labelAngle=0)),
            y=alt.Y(
                "share_reached:Q",
                title=labels.share,
                scale=alt.Scale(domain=[0, 1]),
                axis=percent_axis(),
            ),
            color=alt.Color(
                "procedure_code:N",
                title=labels.procedure,
                scale=alt.Scale(domain=codes, range=list(PROCEDURE_COLOURS[: min(len(codes), n)])),
                legend=alt.Legend(orient="bottom"),
            ),
            shape=alt.Shape(
                "procedure_code:N",
                scale=alt.Scale(domain=codes, range=list(PROCEDURE_SHAPES[: min(len(codes), n)])),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip("procedure_code:N", title=labels.procedure),
                alt.Tooltip("step_no:O", title=labels.step_no),
                alt.Tooltip("step_name:N", title=labels.step_name),
                alt.Tooltip("reached_text:N", title=labels.reached),
                alt.Tooltip("share_text:N", title=labels.share),
            ],
        )
        .properties(height=320)
    )
    return localised(chart, lang)
