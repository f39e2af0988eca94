"""Every figure selstats shows, defined once: `catalogue()[name]` gives its unit, where it is
computed, its small-cell rule, and its label and definition in Dutch, French and English.
See `selstats.figures.catalogue`."""

from selstats.figures.catalogue import (
    LANGUAGES,
    LIST_UNITS,
    Catalogue,
    CatalogueError,
    Figure,
    Privacy,
    Unit,
    UnknownFigure,
    catalogue,
    load_catalogue,
)

__all__ = [
    "LANGUAGES",
    "LIST_UNITS",
    "Catalogue",
    "CatalogueError",
    "Figure",
    "Privacy",
    "Unit",
    "UnknownFigure",
    "catalogue",
    "load_catalogue",
]
