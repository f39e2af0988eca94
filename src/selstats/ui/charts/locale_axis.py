"""Chart axes whose labels follow the page's language, not Vega's English default:
"12.951" and "30 %" in Dutch and French, "12,951" and "30%" in English (as
`selstats.i18n.format` writes them)."""

from __future__ import annotations

import altair as alt

# Vega writes "12,951", "2.5" and "30%": swap the separators for nl/fr.
_SWAP_SEPARATORS = (
    "replace(replace(replace(datum.label, regexp(',', 'g'), '_'), regexp('[.]', 'g'), ','),"
    " regexp('_', 'g'), '.')"
)


def count_axis(lang: str) -> alt.Axis:
    """An axis of whole numbers (people): no fractional ticks, thousands grouped."""
    if lang == "en":
        return alt.Axis(format=",d", tickMinStep=1)
    return alt.Axis(format=",d", tickMinStep=1, labelExpr=_SWAP_SEPARATORS)


def percent_axis(lang: str) -> alt.Axis:
    """An axis of fractions shown as percentages: "30 %" (nl, fr), "30%" (en)."""
    if lang == "en":
        return alt.Axis(format="%")
    label = f"replace({_SWAP_SEPARATORS}, '%', ' %')"
    return alt.Axis(format="%", labelExpr=label)
