"""Fixed colours, so that an outcome looks the same on every chart. Colour-blind-safe
(Okabe-Ito based): green/orange/vermillion are told apart by lightness as well as hue."""

from __future__ import annotations

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
