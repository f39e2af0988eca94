"""Charts of the step pass rates page (pages/pass_rates.py).

Each function takes rows of `queries/pass_rates_by_group.sql` (or of
`queries/score_distribution.sql` and `queries/pass_rates_step_marks.sql`) as a polars frame,
texts already translated (`PassRateTexts`) and the language for the numbers in tooltips, and
returns an altair chart. Rates are fractions (0.8 = 80 %). Nothing here imports Streamlit.

Also here, for both of this module's pages: `fmt_count` and `fmt_score`.

Counts may arrive as text: for a role under small-cell suppression `selstats.ui.db` turns
the counts the queries declare into text ("12", or "<5") and hides the rates computed from
small counts (null); the charts draw what is left and show "<5" as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

import altair as alt
import polars as pl

from selstats.domain.enums import StepKind
from selstats.figures import catalogue
from selstats.i18n.format import fmt_int, fmt_num, fmt_pct
from selstats.ui.charts.theme import LINE_COLOUR, OUTCOME_COLOURS, OUTCOME_ORDER, localised

KIND_ORDER: Final = tuple(kind.value for kind in StepKind)

# Okabe-Ito, colour-blind-safe; the kinds of step cycle through it (shapes tell them apart
# too). "All steps" is drawn in black on top.
KIND_COLOURS: Final = (
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
    "#999999",
    "#882255",
    "#44AA99",
)
ALL_KINDS: Final = "__all__"

# The two measures of the page, coloured like the outcomes they count.
PASS_RATE_COLOUR: Final = OUTCOME_COLOURS["passed"]
NO_SHOW_COLOUR: Final = OUTCOME_COLOURS["absent"]

_BAR_HEIGHT: Final = 22  # pixels per category on a horizontal chart
_GRID_ROW: Final = 20  # pixels per organisation on the grid


# ---- shared helpers ---------------------------------------------------------------------


def fmt_count(n: object, lang: str) -> str:
    """A count of people; a count hidden by small-cell suppression (the text "<5") is shown
    as it is."""
    return n if isinstance(n, str) and n.startswith("<") else fmt_int(n, lang)


def fmt_score(x: object, lang: str) -> str:
    """A score or pass mark: whole points without decimals ("10"), else one ("9,5")."""
    whole = isinstance(x, int | float) and float(x).is_integer()
    return fmt_num(x, lang, 0 if whole else 1)


def _texts_of(frame: pl.DataFrame, column: str, writer: Callable[[object], str]) -> pl.Series:
    return pl.Series([writer(v) for v in frame.get_column(column).to_list()], dtype=pl.String)


# ---- texts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PassRateTexts:
    """The translated words the charts show."""

    pass_rate: str
    no_show_rate: str
    measure: str
    kind: str
    year: str
    organisation: str
    score: str
    candidates: str
    outcome: str
    pass_mark: str
    cut: str  # with {n}
    all_kinds: str
    sat: str
    met_mark: str
    reached: str
    kinds: Mapping[str, str]  # StepKind value -> name
    outcomes: Mapping[str, str]  # Outcome value -> name

    @classmethod
    def from_catalogue(cls, t: Callable[..., str], lang: str) -> PassRateTexts:
        """Build from a `t(key, **placeholders)` function (`selstats.ui.i18n.t`, or
        `translate` bound to a language) for the chart's own words, and the figure
        catalogue for the figures' labels in `lang`."""
        figures = catalogue()
        return cls(
            pass_rate=figures.label("pass_rate", lang),
            no_show_rate=figures.label("no_show_rate", lang),
            measure=t("pass_rates.axis_measure"),
            kind=figures.label("kind", lang),
            year=figures.label("year", lang),
            organisation=figures.label("org_name", lang),
            score=t("pass_rates.axis_score"),
            candidates=figures.label("candidates", lang),
            outcome=figures.label("outcome", lang),
            pass_mark=figures.label("pass_mark", lang),
            cut=t("pass_rates.rule_cut", n="{n}"),  # filled in by the chart
            all_kinds=t("pass_rates.all_kinds"),
            sat=figures.label("sat", lang),
            met_mark=figures.label("met_mark", lang),
            reached=figures.label("reached", lang),
            kinds={kind: t(f"step_kind.{kind}") for kind in KIND_ORDER},
            outcomes={outcome: t(f"outcome.{outcome}") for outcome in OUTCOME_ORDER},
        )

    def kind_name(self, kind: object) -> str:
        return self.kinds.get(str(kind), str(kind))


def _kind_names(frame: pl.DataFrame, texts: PassRateTexts) -> list[str]:
    """The kinds present, in the order of the enum, by name."""
    present = set(frame.get_column("kind").drop_nulls().to_list())
    known = [k for k in KIND_ORDER if k in present]
    return [texts.kind_name(k) for k in known + sorted(present - set(known))]


# ---- charts -----------------------------------------------------------------------------


def pass_rate_by_kind(frame: pl.DataFrame, texts: PassRateTexts, lang: str) -> alt.Chart:
    """Pass rate and no-show rate per kind of step, side by side: horizontal bars.
    `frame`: the 'kind' rows (kind, pass_rate, no_show_rate, sat, met_mark, reached)."""
    base = frame.select(
        _texts_of(frame, "kind", texts.kind_name).alias("kind_name"),
        "pass_rate",
        "no_show_rate",
    ).with_columns(
        _texts_of(frame, "sat", lambda n: fmt_count(n, lang)).alias("sat"),
        _texts_of(frame, "met_mark", lambda n: fmt_count(n, lang)).alias("met_mark"),
        _texts_of(frame, "reached", lambda n: fmt_count(n, lang)).alias("reached"),
    )
    long = pl.concat(
        [
            base.select(
                "kind_name",
                "sat",
                "met_mark",
                "reached",
                pl.lit(name).alias("measure"),
                pl.col(column).alias("rate"),
            )
            for column, name in (
                ("pass_rate", texts.pass_rate),
                ("no_show_rate", texts.no_show_rate),
            )
        ]
    )
    long = long.with_columns(_texts_of(long, "rate", lambda x: fmt_pct(x, lang)).alias("rate_text"))
    kinds = _kind_names(frame, texts)
    measures = [texts.pass_rate, texts.no_show_rate]
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("kind_name:N", title=texts.kind, sort=kinds, axis=alt.Axis(labelLimit=220)),
            yOffset=alt.YOffset("measure:N", sort=measures),
            x=alt.X(
                "rate:Q",
                title=None,
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%"),
            ),
            color=alt.Color(
                "measure:N",
                title=texts.measure,
                scale=alt.Scale(domain=measures, range=[PASS_RATE_COLOUR, NO_SHOW_COLOUR]),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=[
                alt.Tooltip("kind_name:N", title=texts.kind),
                alt.Tooltip("measure:N", title=texts.measure),
                alt.Tooltip("rate_text:N", title="%"),
                alt.Tooltip("met_mark:N", title=texts.met_mark),
                alt.Tooltip("sat:N", title=texts.sat),
                alt.Tooltip("reached:N", title=texts.reached),
            ],
        )
        .properties(height=alt.Step(_BAR_HEIGHT / 2))
    )
    return localised(chart, lang)


def pass_rate_over_time(
    by_year_kind: pl.DataFrame, by_year: pl.DataFrame, texts: PassRateTexts, lang: str
) -> alt.Chart:
    """Pass rate per year: one line per kind of step and one, black, for all steps.
    `by_year_kind`: the 'year_kind' rows; `by_year`: the 'year' rows. Rows without a year
    (permanently open procedures) are left out."""
    lines = pl.concat(
        [
            by_year_kind.select("year", "kind", "pass_rate", "sat"),
            by_year.select("year", pl.lit(ALL_KINDS).alias("kind"), "pass_rate", "sat").cast(
                {"kind": pl.String}
            ),
        ]
    ).filter(pl.col("year").is_not_null())
    names = {**texts.kinds, ALL_KINDS: texts.all_kinds}
    lines = lines.with_columns(
        pl.col("kind").replace_strict(names, default=pl.col("kind")).alias("kind_name"),
        pl.col("year").cast(pl.String).alias("year_text"),
    )
    lines = lines.with_columns(
        _texts_of(lines, "pass_rate", lambda x: fmt_pct(x, lang)).alias("rate_text"),
        _texts_of(lines, "sat", lambda n: fmt_count(n, lang)).alias("sat_text"),
    )
    kinds = [*_kind_names(by_year_kind, texts), texts.all_kinds]
    colours = [KIND_COLOURS[i % len(KIND_COLOURS)] for i in range(len(kinds) - 1)]
    chart = (
        alt.Chart(lines)
        .mark_line(point=alt.OverlayMarkDef(filled=True, size=60))
        .encode(
            x=alt.X("year_text:O", title=texts.year, axis=alt.Axis(labelAngle=0)),
            y=alt.Y(
                "pass_rate:Q",
                title=texts.pass_rate,
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%"),
            ),
            color=alt.Color(
                "kind_name:N",
                title=texts.kind,
                sort=kinds,
                scale=alt.Scale(domain=kinds, range=[*colours, LINE_COLOUR]),
            ),
            shape=alt.Shape("kind_name:N", title=texts.kind, sort=kinds),
            strokeWidth=alt.condition(alt.datum.kind == ALL_KINDS, alt.value(3.5), alt.value(1.5)),
            tooltip=[
                alt.Tooltip("year_text:N", title=texts.year),
                alt.Tooltip("kind_name:N", title=texts.kind),
                alt.Tooltip("rate_text:N", title=texts.pass_rate),
                alt.Tooltip("sat_text:N", title=texts.sat),
            ],
        )
        .properties(height=320)
    )
    return localised(chart, lang)


def pass_rate_by_organisation(
    frame: pl.DataFrame, texts: PassRateTexts, lang: str
) -> alt.TopLevelMixin:
    """A grid of pass rates: organisations down, kinds of step across, darker = higher.
    `frame`: the 'organisation_kind' rows (org_name, kind, pass_rate, sat)."""
    cells = frame.select(
        pl.col("org_name"),
        _texts_of(frame, "kind", texts.kind_name).alias("kind_name"),
        "pass_rate",
        "sat",
    )
    cells = cells.with_columns(
        _texts_of(cells, "pass_rate", lambda x: fmt_pct(x, lang, 0)).alias("rate_text"),
        _texts_of(cells, "sat", lambda n: fmt_count(n, lang)).alias("sat_text"),
    )
    organisations = sorted(set(cells.get_column("org_name").to_list()), key=str.lower)
    kinds = _kind_names(frame, texts)
    base = alt.Chart(cells).encode(
        x=alt.X(
            "kind_name:N",
            title=texts.kind,
            sort=kinds,
            axis=alt.Axis(labelAngle=-30, labelOverlap=False, labelLimit=180),
        ),
        y=alt.Y(
            "org_name:N",
            title=texts.organisation,
            sort=organisations,
            axis=alt.Axis(labelLimit=260, labelOverlap=False),
        ),
    )
    tiles = base.mark_rect().encode(
        color=alt.Color(
            "pass_rate:Q",
            title=texts.pass_rate,
            scale=alt.Scale(scheme="viridis", domain=[0, 1]),
            legend=alt.Legend(format="%"),
        ),
        tooltip=[
            alt.Tooltip("org_name:N", title=texts.organisation),
            alt.Tooltip("kind_name:N", title=texts.kind),
            alt.Tooltip("rate_text:N", title=texts.pass_rate),
            alt.Tooltip("sat_text:N", title=texts.sat),
        ],
    )
    labels = base.mark_text(fontSize=11).encode(
        text=alt.Text("rate_text:N"),
        color=alt.condition(alt.datum.pass_rate > 0.55, alt.value("black"), alt.value("white")),
    )
    chart = alt.layer(tiles, labels).properties(height=alt.Step(_GRID_ROW))
    return localised(chart, lang)


def score_histogram(
    bins: pl.DataFrame, marks: Mapping[str, Any], texts: PassRateTexts, lang: str
) -> alt.TopLevelMixin:
    """The score distribution of one step, stacked by outcome, with its pass mark (a solid
    rule) and, where a top-N cut candidates off, the cut-off score (a dashed rule).

    `bins`: rows of score_distribution (bin_start, bin_end, outcome, candidates); `marks`:
    the row of pass_rates_step_marks (pass_points, max_score, cut_score, top_n)."""
    outcomes = [o for o in OUTCOME_ORDER if o in set(bins.get_column("outcome").to_list())]
    names = [texts.outcomes.get(o, o) for o in outcomes]
    bars_data = bins.with_columns(
        pl.col("outcome").replace_strict(texts.outcomes, default=pl.col("outcome")).alias("name"),
        # a bin hidden by small-cell suppression ("<5") is not drawn
        pl.col("candidates").cast(pl.Float64, strict=False).alias("height"),
        _texts_of(bins, "candidates", lambda n: fmt_count(n, lang)).alias("candidates_text"),
    )
    bars_data = bars_data.with_columns(
        (
            _texts_of(bars_data, "bin_start", lambda x: fmt_num(x, lang, 0))
            + " – "
            + _texts_of(bars_data, "bin_end", lambda x: fmt_num(x, lang, 0))
        ).alias("bin_text")
    )
    ends = [marks.get("max_score"), bins.get_column("bin_end").max()]
    upper = max((float(end) for end in ends if isinstance(end, int | float)), default=1.0)
    x_scale = alt.Scale(domain=[0, upper], nice=False)
    bars = (
        alt.Chart(bars_data)
        .mark_bar(stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X("bin_start:Q", title=texts.score, scale=x_scale),
            x2=alt.X2("bin_end:Q"),
            y=alt.Y("sum(height):Q", title=texts.candidates, stack=True),
            color=alt.Color(
                "name:N",
                title=texts.outcome,
                sort=names,
                scale=alt.Scale(domain=names, range=[OUTCOME_COLOURS[o] for o in outcomes]),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=[
                alt.Tooltip("bin_text:N", title=texts.score),
                alt.Tooltip("name:N", title=texts.outcome),
                alt.Tooltip("candidates_text:N", title=texts.candidates),
            ],
        )
    )
    layers: list[alt.Chart] = [bars]
    rules: list[tuple[float, str, list[int]]] = []
    if marks.get("pass_points") is not None:
        rules.append((float(marks["pass_points"]), texts.pass_mark, []))
    if marks.get("cut_score") is not None:
        cut_label = texts.cut.format(n=marks.get("top_n") or "N")
        rules.append((float(marks["cut_score"]), cut_label, [6, 4]))
    for score, label, dash in rules:
        rule_data = pl.DataFrame(
            {"score": [score], "label": [label], "score_text": [fmt_score(score, lang)]}
        )
        rule = alt.Chart(rule_data).encode(
            x=alt.X("score:Q", scale=x_scale),
            tooltip=[
                alt.Tooltip("label:N", title=" "),
                alt.Tooltip("score_text:N", title=texts.score),
            ],
        )
        layers.append(rule.mark_rule(color=LINE_COLOUR, strokeWidth=2, strokeDash=dash))
        layers.append(
            rule.mark_text(align="left", dx=4, baseline="top", color=LINE_COLOUR).encode(
                text=alt.Text("label:N"), y=alt.YValue(4 + 16 * (len(layers) // 2 - 1))
            )
        )
    chart = alt.layer(*layers).properties(height=360)
    return localised(chart, lang)
