"""The reference values with their sources, as tables a page can show (the Overview's BOSA
figures, the Definitions page)."""

from __future__ import annotations

import polars as pl

from selstats.reference.loader import Reference

NATIONAL_SOURCE_SCHEMA = {
    "year": pl.Int32,
    "national_figure": pl.String,
    "national_value": pl.Int64,
    "source": pl.String,
    "source_url": pl.String,
    "source_note": pl.String,
}


def national_sources(
    reference: Reference, year_from: int | None = None, year_to: int | None = None
) -> pl.DataFrame:
    """One row per published national value (within the years given): the year, what it
    counts, the value, and the publication it appeared in."""
    rows = [
        (v.year, v.figure.value, v.value, v.source, v.url, v.note)
        for v in reference.national_values
        if (year_from is None or v.year >= year_from) and (year_to is None or v.year <= year_to)
    ]
    return pl.DataFrame(rows, schema=NATIONAL_SOURCE_SCHEMA, orient="row")


SOURCE_SCHEMA = {
    "reference_file": pl.String,
    "source_item": pl.String,
    "source": pl.String,
    "source_url": pl.String,
    "source_note": pl.String,
}


def reference_sources(reference: Reference) -> pl.DataFrame:
    """The publications the reference files without a source column of their own rest on
    (data/reference/sources.csv), one row per file and item."""
    rows = [
        (f"data/reference/{s.file}", s.item, s.source, s.url, s.note) for s in reference.sources
    ]
    return pl.DataFrame(rows, schema=SOURCE_SCHEMA, orient="row")
