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
    """Where every reference value comes from, one row per file and item: the salary files'
    own source columns (scales, postings, coefficients per government, rounding, diploma
    levels) and, for the files without one, data/reference/sources.csv."""

    def file(name: str) -> str:
        return f"data/reference/{name}"

    rows: list[tuple[str, str, str, str | None, str | None]] = [
        *(
            (
                file("salary_scales.csv"),
                _scale_item(s.scale, s.government, s.org_id),
                s.source,
                None,
                s.note,
            )
            for s in reference.salary_scales
        ),
        *(
            (file("salary_postings.csv"), f"{p.posting} ({p.bound or '-'})", p.source, None, p.note)
            for p in reference.salary_postings
        ),
        *(
            (
                file("index_coefficients.csv"),
                f"{c.government.value} {c.in_force_from.isoformat()} {c.coefficient:.4f}",
                c.source,
                None,
                c.note,
            )
            for c in reference.coefficients
        ),
        *(
            (file("salary_rounding.csv"), r.government.value, r.source, None, r.note)
            for r in reference.rounding
        ),
        *(
            (
                file("diploma_levels.csv"),
                f"{d.government.value}{' ' + d.org_id if d.org_id else ''}: {d.pattern} "
                f"-> {d.diploma_level}",
                d.source,
                None,
                d.note,
            )
            for d in reference.diploma_levels
        ),
        *((file(s.file), s.item, s.source, s.url, s.note) for s in reference.sources),
    ]
    return pl.DataFrame(rows, schema=SOURCE_SCHEMA, orient="row")


def _scale_item(scale: str, government: object, org_id: str | None) -> str:
    where = org_id or getattr(government, "value", str(government))
    return f"{scale} ({where})"
