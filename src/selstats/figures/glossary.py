"""The catalogue as a table, for the Definitions page and its download: one row per figure
with its label, definition, unit, where it is computed, its small-cell rule and the reference
file whose rows cite the sources of its values."""

from __future__ import annotations

import polars as pl

from selstats.figures.catalogue import Catalogue, Figure, catalogue

GLOSSARY_SCHEMA = {
    "figure_label": pl.String,
    "figure_definition": pl.String,
    "figure_unit": pl.String,
    "computed_in": pl.String,
    "small_cell_rule": pl.String,
    "reference_file": pl.String,
    "figure": pl.String,
    "figure_area": pl.String,
}
# The subjects in the order a reader meets them on the pages; a definitions file not named
# here comes after them.
AREA_ORDER = (
    "overview",
    "funnel",
    "pass_rates",
    "reserve_lists",
    "certification",
    "salaries",
    "procedures",
    "imports",
    "references",
    "glossary",
)


def computed_in(figure: Figure) -> str:
    """Where the figure is computed: its query files, or the module that derives it."""
    if figure.queries:
        return ", ".join(f"queries/{name}.sql" for name in figure.queries)
    return figure.derived_in or ""


def glossary(lang: str, figures: Catalogue | None = None) -> pl.DataFrame:
    """Every figure, by subject (as the pages meet them) and label in `lang`."""
    figures = figures or catalogue()

    def order(f: Figure) -> tuple[int, str]:
        rank = AREA_ORDER.index(f.area) if f.area in AREA_ORDER else len(AREA_ORDER)
        return rank, f.label(lang).lower()

    rows = [
        (
            f.label(lang),
            f.definition(lang),
            f.unit.value,
            computed_in(f),
            f.privacy.value,
            f"data/reference/{f.reference}" if f.reference else None,
            f.name,
            f.area,
        )
        for f in sorted(figures.values(), key=order)
    ]
    return pl.DataFrame(rows, schema=GLOSSARY_SCHEMA, orient="row")
