"""From a raw grid to named text columns: find the header, map its names onto the
contract, and drop what is layout rather than data (empty rows, a "Totaal" footer,
empty trailing columns).

People build these files by hand in Excel, so the header may be `Procedure Code`,
columns come in any order, extra columns appear, and a sum row sits at the bottom;
none of that should stop an import, while data in a column nobody named should.
"""

from __future__ import annotations

import difflib
import logging
from dataclasses import dataclass, field

import polars as pl

from selstats.ingest.columns import TableSpec, header_key
from selstats.ingest.grid import ROW, RawGrid
from selstats.ingest.problems import MAX_PROBLEMS_PER_KIND, Code, Problem, too_many

log = logging.getLogger(__name__)

FOOTER_WORDS = ("totaal", "total", "totaux")
_FOOTER = rf"(?i)^(?:{'|'.join(FOOTER_WORDS)})\s*:*$"
# How alike (difflib's ratio, 0-1) an unknown header and a column name must be for the
# warning to suggest the column: a letter left out or doubled (`test_certified`,
# `az_certifed`) or a word left off (`candidate` for candidate_ref) is above it; unrelated
# names (`comment`, `opmerking`) are far below.
SUGGESTION_CUTOFF = 0.75


@dataclass
class Laid:
    """Named text columns (canonical names, trimmed, empty = null) plus `_row`."""

    frame: pl.DataFrame
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    present_columns: list[str] = field(default_factory=list)


def _trimmed(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """Trim every cell; an empty or blank cell is null. (Two passes: trimming once and
    testing the trimmed text is half the work of an expression that trims twice.)"""
    stripped = frame.with_columns(pl.col(c).str.strip_chars() for c in columns)
    return stripped.with_columns(pl.when(pl.col(c) != "").then(pl.col(c)).alias(c) for c in columns)


def _drop_layout_rows(
    frame: pl.DataFrame, columns: list[str], header_row: int | None = None
) -> pl.DataFrame:
    """Without completely empty rows, "Totaal"/"Total"/"Totaux" footer rows, and the
    header row and those above it (one pass over a million rows, not two)."""
    below = pl.col(ROW) > header_row if header_row is not None else pl.lit(True)
    if not columns:
        return frame.filter(below)
    non_empty = pl.any_horizontal([pl.col(c).is_not_null() for c in columns])
    # The first filled cell (trimmed already), lower-cased, without trailing colons and
    # then blanks, is one of the footer words: one pattern, no million lower-cased copies.
    first = pl.coalesce([pl.col(c) for c in columns])
    footer = first.str.contains(_FOOTER).fill_null(False)
    return frame.filter(below & non_empty & ~footer)


def lay_out(grid: RawGrid, spec: TableSpec, file: str) -> Laid | Problem:
    """The table's text columns, or the one problem that makes the file unusable."""
    columns = grid.data_columns
    frame = grid.frame if grid.trimmed else _trimmed(grid.frame, columns)

    if grid.names is not None:  # Parquet: names from the schema
        header: list[str | None] = list(grid.names)
        header_row: int | None = None
        data = frame
    else:
        if not columns:
            return Problem(file=file, code=Code.EMPTY_FILE)
        non_empty = pl.any_horizontal([pl.col(c).is_not_null() for c in columns])
        # The header is near the top: the first rows are looked at before all of them.
        found = frame.head(64).filter(non_empty).head(1)
        if found.height == 0:
            found = frame.filter(non_empty).head(1)
        if found.height == 0:
            return Problem(file=file, code=Code.EMPTY_FILE)
        header_row = int(found[ROW][0])
        header = [found[c][0] for c in columns]
        data = frame
    data = _drop_layout_rows(data, columns, header_row)

    laid = Laid(frame=data)
    keys = [header_key(h) if h else "" for h in header]
    named = [i for i, k in enumerate(keys) if k]
    last_named = max(named, default=-1)

    mapping: dict[str, str] = {}  # grid column -> canonical name
    unknown: list[tuple[str, str]] = []  # (header as written, its key) of unknown columns
    for i, (column, key) in enumerate(zip(columns, keys, strict=True)):
        if not key:
            if i < last_named:
                _unnamed(laid, data, column, grid.labels[i], file)
            continue
        if key in spec.by_name:
            if key in mapping.values():
                laid.problems.append(
                    Problem(file=file, row=header_row, column=key, code=Code.DUPLICATE_COLUMN)
                )
            else:
                mapping[column] = key
        else:
            unknown.append((str(header[i]), key))
    laid.ignored_columns = [raw for raw, _ in unknown]
    laid.warnings = [
        _unknown_column(file, raw, key, spec, set(mapping.values())) for raw, key in unknown
    ]
    laid.problems.extend(_ragged(data, columns[last_named + 1 :], last_named + 1, file))

    for name in spec.required:
        if name not in mapping.values():
            laid.problems.append(Problem(file=file, column=name, code=Code.MISSING_REQUIRED_COLUMN))

    kept_rows = set(data[ROW].to_list()) if grid.issues else set()
    for issue in grid.issues:
        canonical = mapping.get(columns[issue.col])
        if canonical and issue.row in kept_rows:
            laid.problems.append(
                Problem(
                    file=file,
                    row=issue.row,
                    column=canonical,
                    value=issue.value,
                    code=Code.XLSX_FORMULA_ERROR,
                    params={"variant": issue.variant, "cell": issue.cell},
                )
            )
    for index, dtype in grid.bad_types.items():
        canonical = mapping.get(columns[index])
        if canonical:
            laid.problems.append(
                Problem(
                    file=file, column=canonical, code=Code.UNSUPPORTED_TYPE, params={"dtype": dtype}
                )
            )

    laid.frame = data.select([pl.col(c).alias(n) for c, n in mapping.items()] + [pl.col(ROW)])
    laid.present_columns = [c.name for c in spec.columns if c.name in mapping.values()]
    return laid


def suggest_column(key: str, candidates: list[str]) -> str | None:
    """The known column a header was most likely meant to be (`test_certified` ->
    `tests_certified`), or None when none is close enough to be worth saying."""
    found = difflib.get_close_matches(key, candidates, n=1, cutoff=SUGGESTION_CUTOFF)
    return found[0] if found else None


def _unknown_column(file: str, raw: str, key: str, spec: TableSpec, present: set[str]) -> Problem:
    """A warning: the column is not used. The suggestion is among the table's columns the
    file does not have already (one that is there is not what was meant)."""
    params: dict[str, object] = {"expected": ", ".join(c.name for c in spec.columns)}
    suggestion = suggest_column(key, [c.name for c in spec.columns if c.name not in present])
    if suggestion is not None:
        params.update(variant="suggestion", suggestion=suggestion)
    return Problem(file=file, column=raw, code=Code.UNKNOWN_COLUMN, params=params)


def _unnamed(laid: Laid, data: pl.DataFrame, column: str, label: str, file: str) -> None:
    """Data under a blank header cell between named ones: a forgotten name, most likely."""
    filled = data.filter(pl.col(column).is_not_null()).head(1)
    if filled.height:
        laid.problems.append(
            Problem(
                file=file,
                row=int(filled[ROW][0]),
                value=filled[column][0],
                code=Code.UNNAMED_COLUMN,
                params={"position": label},
            )
        )


def _ragged(data: pl.DataFrame, extra: list[str], width: int, file: str) -> list[Problem]:
    """Rows with values right of the last named header cell: more cells than the header.
    Empty extra cells (`a;b;c;;`, as Excel writes them) are fine."""
    if not extra:
        return []
    filled = [pl.col(c).is_not_null() for c in extra]
    cells = pl.max_horizontal([pl.when(f).then(width + 1 + i) for i, f in enumerate(filled)]).alias(
        "cells"
    )
    bad = data.filter(pl.any_horizontal(filled)).select(
        pl.col(ROW), pl.coalesce([pl.col(c) for c in extra]).alias("value"), cells
    )
    more = bad.height - MAX_PROBLEMS_PER_KIND
    tail = [too_many(file, Code.RAGGED_ROW, None, more)] if more > 0 else []
    return tail + [
        Problem(
            file=file,
            row=row,
            value=value,
            code=Code.RAGGED_ROW,
            params={"cells": n, "expected": width},
        )
        for row, value, n in bad.head(MAX_PROBLEMS_PER_KIND).iter_rows()
    ]
