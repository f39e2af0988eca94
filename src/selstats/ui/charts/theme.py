"""The one theme of every chart: colours, and numbers, percentages, months and dates the way
the reader's language writes them (as `selstats.i18n.format` does), so no chart localises an
axis its own way.

    chart = localised(alt.Chart(...).encode(x=alt.X("n:Q", axis=count_axis())), lang)

- Colours: fixed per meaning, so an outcome looks the same on every chart; colour-blind-safe
  (Okabe-Ito based): green/orange/vermillion are told apart by lightness as well as hue.
- `localised(chart, lang)`: Vega's number and time locale of `lang` as the chart's
  top-level configuration ("12.951", "30 %", "maart" in Dutch; English is Vega's own).
  Every chart builder returns its chart through it; axes then only say what they show
  (`count_axis()`, `percent_axis()`), never how to write it.
- `date_format(lang)`, `month_format(lang)`: the time formats of tooltips and axes, from
  `selstats.i18n.format.DATE_PATTERNS` (the one definition of how a date is written).
- Labels are translated by the page (`t(...)`) and handed to a chart builder in one
  frozen object of texts per chart (`FunnelLabels`, `PassRateTexts`, ...) or a mapping.
"""

from __future__ import annotations

from typing import Final, TypeVar, cast

import altair as alt

from selstats.i18n.format import DATE_PATTERNS, MONTH_PATTERNS

OUTCOME_COLOURS: dict[str, str] = {
    "passed": "#009E73",  # bluish green
    "failed": "#D55E00",  # vermillion
    "absent": "#7F7F7F",  # grey
    "withdrawn": "#BDBDBD",  # light grey
    "not_registered": "#E6D8AD",  # beige
    "cut_off": "#E69F00",  # orange
}
OUTCOME_ORDER: tuple[str, ...] = tuple(OUTCOME_COLOURS)

GOVERNMENT_COLOURS: dict[str, str] = {
    "federal": "#0072B2",
    "flemish": "#F0E442",
    "local": "#CC79A7",
}

LINE_COLOUR = "#000000"  # pass marks, the 80 % line, cut-offs
ACCENT = "#0072B2"
MUTED = "#9E9E9E"


# ---- numbers, months and dates -----------------------------------------------------------

# Vega's number locale per language (d3-format): separators, euro and percent signs as
# selstats.i18n.format writes them. English is Vega's default ("1,234.5", "30%").
_NUMBERS: Final = {
    "nl": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["€ ", ""],
           "percent": " %"},
    "fr": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " €"],
           "percent": " %"},
}  # fmt: skip
_MONTHS: Final = {
    "nl": (
        [
            "januari",
            "februari",
            "maart",
            "april",
            "mei",
            "juni",
            "juli",
            "augustus",
            "september",
            "oktober",
            "november",
            "december",
        ],
        ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
        ["zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"],
        ["zo", "ma", "di", "wo", "do", "vr", "za"],
    ),
    "fr": (
        [
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ],
        [
            "janv.",
            "févr.",
            "mars",
            "avr.",
            "mai",
            "juin",
            "juil.",
            "août",
            "sept.",
            "oct.",
            "nov.",
            "déc.",
        ],
        ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
        ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
    ),
}


def vega_locale(lang: str) -> alt.Locale | None:
    """The chart locale of `lang` (numbers and months); None for English (Vega's own)."""
    if lang not in _MONTHS:
        return None
    months, short_months, days, short_days = _MONTHS[lang]
    time = {
        "dateTime": "%A %e %B %Y %X",
        "date": date_format(lang),
        "time": "%H:%M:%S",
        "periods": ["AM", "PM"],
        "days": days,
        "shortDays": short_days,
        "months": months,
        "shortMonths": short_months,
    }
    return alt.Locale(number=_NUMBERS[lang], time=time)


Chart = TypeVar("Chart", bound=alt.TopLevelMixin)


def localised(chart: Chart, lang: str) -> Chart:
    """`chart` with the number and time locale of `lang` (a top-level configuration: apply
    it to the chart as drawn, after any layering)."""
    locale = vega_locale(lang)
    return chart if locale is None else cast(Chart, chart.configure(locale=locale))


def count_axis() -> alt.Axis:
    """An axis of whole numbers (people): no fractional ticks, thousands grouped."""
    return alt.Axis(format=",d", tickMinStep=1)


def percent_axis() -> alt.Axis:
    """An axis of fractions shown as percentages ("30 %" in Dutch, with `localised`)."""
    return alt.Axis(format="%")


def date_format(lang: str) -> str:
    """A date in tooltips and axes: "30/05/2023" (nl, fr), "2023-05-30" (en)."""
    return DATE_PATTERNS.get(lang, DATE_PATTERNS["nl"])


def month_format(lang: str) -> str:
    """A month on a time axis: "05/2023" (nl, fr), "2023-05" (en)."""
    return MONTH_PATTERNS.get(lang, MONTH_PATTERNS["nl"])
