"""Charts of the certification page: the Q-check average per organisation and per year
against the 80 % line, and the task split per certification level."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import altair as alt
import polars as pl

from selstats.rules.certification_standing import STANDINGS, standing
from selstats.ui.charts.theme import LINE_COLOUR, MUTED, OUTCOME_COLOURS

# An organisation's standing by its reason (selstats.rules.certification_standing), in
# Okabe-Ito colours told apart by hue and lightness: qualifies = passed; at risk by its
# Q-checks = failed (vermillion), at risk for a missing consultant or role = orange; without
# client certification: Q-checks below the line grey, only staff missing sky blue.
STANDING_COLOURS: dict[str, str] = {
    "qualifies": OUTCOME_COLOURS["passed"],
    "at_risk_qcheck": OUTCOME_COLOURS["failed"],
    "at_risk_staff": "#E69F00",
    "below_qcheck": MUTED,
    "below_staff": "#56B4E9",
}
assert tuple(STANDING_COLOURS) == STANDINGS

# Who does a task (Okabe-Ito: told apart by hue and lightness).
RESPONSIBLE_COLOURS: dict[str, str] = {
    "dgro": "#0072B2",  # blue
    "organisation": "#009E73",  # bluish green
    "organisation_if_certified": "#E69F00",  # orange
    "shared": "#CC79A7",  # reddish purple
}
LEVELS: tuple[str, ...] = ("none", "individual", "client")


def _line(value: float, axis: str, label: str) -> alt.LayerChart:
    """The rule at `value` (the 80 % line), with its label beside it."""
    data = alt.Data(values=[{"value": value, "label": label}])
    encoding = {axis: alt.X("value:Q") if axis == "x" else alt.Y("value:Q")}
    rule = (
        alt.Chart(data)
        .mark_rule(color=LINE_COLOUR, strokeDash=[6, 3], size=2)
        .encode(**encoding, tooltip=[alt.Tooltip("label:N", title=label)])
    )
    text_mark = (
        alt.Chart(data).mark_text(align="left", dx=4, dy=-6, color=LINE_COLOUR)
        if axis == "y"
        else alt.Chart(data).mark_text(align="left", dx=4, baseline="top", color=LINE_COLOUR)
    )
    text = text_mark.encode(**encoding, text=alt.Text("label:N"))
    text = text.encode(x=alt.XValue(0)) if axis == "y" else text.encode(y=alt.YValue(0))
    return alt.LayerChart(layer=[rule, text])


def standings(frame: pl.DataFrame) -> pl.Series:
    """Each row's standing (`selstats.rules.certification_standing.standing`) from the
    `certification` query's at_risk, qualifies_client and reasons."""
    return pl.Series(
        "standing",
        [
            standing(bool(risk), bool(qualifies), reasons)
            for risk, qualifies, reasons in frame.select(
                "at_risk", "qualifies_client", "reasons"
            ).iter_rows()
        ],
        pl.String,
    )


def qcheck_average_chart(
    frame: pl.DataFrame,
    *,
    threshold: float,
    labels: Mapping[str, str],
    standing_labels: Mapping[str, str],
    value_text: Callable[[str, object], str] = lambda _name, value: str(value),
) -> alt.LayerChart:
    """Each organisation's Q-check figure (`qcheck_figure`, the mode's average) as a bar,
    coloured by standing (by its reason), against the line at `threshold`. `frame` is the
    `certification` query; organisations without a figure are left out. `value_text(name,
    value)` writes a figure as the page's tables do ("78,53 %"), for the tooltips
    (`selstats.figures.present.value_text`).

    labels: organisation, average (naming the mode), count, standing, line."""
    shown_rows = frame.filter(pl.col("qcheck_figure").is_not_null())
    data = (
        shown_rows.with_columns(standings(shown_rows))
        .with_columns(
            standing_label=pl.col("standing").replace_strict(dict(standing_labels)),
            label=pl.concat_str(pl.col("org_name"), pl.lit(" ("), pl.col("org_id"), pl.lit(")")),
            figure_text=pl.Series(
                [value_text("qcheck_figure", v) for v in shown_rows["qcheck_figure"]],
                dtype=pl.String,
            ),
            count_text=pl.Series(
                [value_text("qcheck_count", v) for v in shown_rows["qcheck_count"]],
                dtype=pl.String,
            ),
        )
        .select(
            "label",
            "qcheck_figure",
            "qcheck_count",
            "figure_text",
            "count_text",
            "standing",
            "standing_label",
        )
    )
    shown = [s for s in STANDINGS if s in data.get_column("standing").to_list()] or list(STANDINGS)
    bars = (
        alt.Chart(alt.Data(values=data.to_dicts()))
        .mark_bar()
        .encode(
            y=alt.Y(
                "label:N",
                title=labels["organisation"],
                sort="-x",
                axis=alt.Axis(labelLimit=260, labelOverlap=False),
            ),
            x=alt.X("qcheck_figure:Q", title=labels["average"], scale=alt.Scale(domain=[0, 100])),
            color=alt.Color(
                "standing_label:N",
                title=labels["standing"],
                scale=alt.Scale(
                    domain=[standing_labels[s] for s in shown],
                    range=[STANDING_COLOURS[s] for s in shown],
                ),
                # one standing a line: the reasons are long, and none may be cut off
                legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=400),
            ),
            tooltip=[
                alt.Tooltip("label:N", title=labels["organisation"]),
                alt.Tooltip("figure_text:N", title=labels["average"]),
                alt.Tooltip("count_text:N", title=labels["count"]),
                alt.Tooltip("standing_label:N", title=labels["standing"]),
            ],
        )
    )
    return alt.LayerChart(layer=[bars, _line(threshold, "x", labels["line"])]).properties(
        height=alt.Step(22)
    )


def qcheck_trend_chart(
    frame: pl.DataFrame, *, threshold: float, labels: Mapping[str, str]
) -> alt.LayerChart:
    """One organisation's Q-check average per year (the `qchecks_trend` query), a line with
    points, against the line at `threshold`. labels: year, average (naming the mode, for
    the tooltip), axis (the y axis), checks, consultants, line."""
    columns = ("check_year", "qcheck_year_average", "qchecks_in_year", "consultants_in_year")
    data = frame.select(columns).to_dicts()
    base = alt.Chart(alt.Data(values=data)).encode(
        x=alt.X("check_year:O", title=labels["year"], axis=alt.Axis(labelAngle=0)),
        y=alt.Y("qcheck_year_average:Q", title=labels["axis"], scale=alt.Scale(domain=[0, 100])),
        tooltip=[
            alt.Tooltip("check_year:O", title=labels["year"]),
            alt.Tooltip("qcheck_year_average:Q", title=labels["average"], format=".2f"),
            alt.Tooltip("qchecks_in_year:Q", title=labels["checks"]),
            alt.Tooltip("consultants_in_year:Q", title=labels["consultants"]),
        ],
    )
    line = base.mark_line(color=STANDING_COLOURS["qualifies"], strokeWidth=2)
    points = base.mark_point(filled=True, size=70, color=STANDING_COLOURS["qualifies"])
    return alt.LayerChart(layer=[line, points, _line(threshold, "y", labels["line"])]).properties(
        height=260
    )


def task_matrix_chart(
    frame: pl.DataFrame,
    *,
    highlight: str | None,
    level_labels: Mapping[str, str],
    responsible_labels: Mapping[str, str],
    labels: Mapping[str, str],
) -> alt.Chart:
    """Who does each task under each level: tasks × levels, a cell coloured by who does it.
    `frame` is wide (task, none, individual, client: responsible codes, see
    `selstats.ui.certification_text.task_split`); the `highlight` level (the selected
    organisation's) is drawn in full colour, the others faded. labels: task, level,
    responsible."""
    order: Sequence[str] = frame.get_column("task").to_list()
    long = frame.unpivot(index="task", on=list(LEVELS), variable_name="level", value_name="who")
    data = long.with_columns(
        level_label=pl.col("level").replace_strict(dict(level_labels)),
        who_label=pl.col("who").replace_strict(dict(responsible_labels)),
        mine=pl.lit(highlight is None) | (pl.col("level") == (highlight or "")),
    ).to_dicts()
    return (
        alt.Chart(alt.Data(values=data))
        .mark_rect(stroke="white", strokeWidth=2)
        .encode(
            x=alt.X(
                "level_label:N",
                title=labels["level"],
                sort=[level_labels[level] for level in LEVELS],
                axis=alt.Axis(orient="top", labelAngle=0, labelLimit=240),
            ),
            y=alt.Y(
                "task:N",
                title=None,
                sort=list(order),
                axis=alt.Axis(labelLimit=460, labelOverlap=False),
            ),
            color=alt.Color(
                "who_label:N",
                title=labels["responsible"],
                scale=alt.Scale(
                    domain=[responsible_labels[r] for r in RESPONSIBLE_COLOURS],
                    range=list(RESPONSIBLE_COLOURS.values()),
                ),
                legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=600),
            ),
            opacity=alt.condition(alt.datum.mine, alt.value(1.0), alt.value(0.3)),
            tooltip=[
                alt.Tooltip("task:N", title=labels["task"]),
                alt.Tooltip("level_label:N", title=labels["level"]),
                alt.Tooltip("who_label:N", title=labels["responsible"]),
            ],
        )
        .properties(height=alt.Step(30))
    )
