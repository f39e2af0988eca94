"""Turn named text columns into typed ones and list every cell that does not fit.

All columns are parsed and checked column-wise by polars; only the bad cells are then
turned into `Problem`s, so a clean million-row file costs a few column scans and a file
with one bad value at row 900,000 still gets that value reported with its row.
"""

from __future__ import annotations

import logging

import polars as pl

from selstats.ingest import normalise as nz
from selstats.ingest.columns import (
    INT32_MAX,
    OUTCOME_CHOICES,
    ColumnSpec,
    Kind,
    TableSpec,
    choice_key,
)
from selstats.ingest.grid import ROW
from selstats.ingest.problems import MAX_PROBLEMS_PER_KIND, Code, Problem, too_many

log = logging.getLogger(__name__)

DTYPES: dict[Kind, type[pl.DataType]] = {
    Kind.TEXT: pl.String,
    Kind.INT: pl.Int64,
    Kind.NUMBER: pl.Float64,
    Kind.DATE: pl.Date,
    Kind.BOOL: pl.Boolean,
    Kind.ENUM: pl.String,
    Kind.LEVEL: pl.String,
    Kind.STEP_LIST: pl.String,
}

_PARSE_CODE = {
    Kind.INT: Code.NOT_A_NUMBER,
    Kind.NUMBER: Code.NOT_A_NUMBER,
    Kind.DATE: Code.BAD_DATE,
    Kind.BOOL: Code.BAD_BOOL,
    Kind.ENUM: Code.UNKNOWN_VALUE,
    Kind.LEVEL: Code.BAD_LEVEL,
    Kind.STEP_LIST: Code.BAD_STEP_LIST,
}


def _fmt(x: float) -> str:
    return f"{x:g}"


def _in_range(spec: ColumnSpec, value: pl.Expr) -> pl.Expr | None:
    """True where a parsed number respects the column's limits; None if it has none."""
    conditions = []
    if spec.minimum is not None:
        conditions.append(value > spec.minimum if spec.min_exclusive else value >= spec.minimum)
    if spec.maximum is not None:
        conditions.append(value <= spec.maximum)
    if not conditions:
        return None
    return pl.all_horizontal(conditions)


def expected_range(spec: ColumnSpec, value: float | None = None) -> str:
    """The limits in signs every language reads: `≥ 0`, `> 0`, `0–100`."""
    if spec.kind is Kind.DATE:
        return f"{nz.FIRST_DATE:%d/%m/%Y} – {nz.LAST_DATE:%d/%m/%Y}"
    low, high = spec.minimum, spec.maximum
    if high is not None and (high != INT32_MAX or (value is not None and value > high)):
        if low is None:
            return f"≤ {_fmt(high)}"
        return f"{_fmt(low)}–{_fmt(high)}"
    if low is not None:
        return f"{'>' if spec.min_exclusive else '≥'} {_fmt(low)}"
    return "?"


def parse(spec: ColumnSpec, text: pl.Expr, source: str) -> pl.Expr:
    """The parsed value of a present column (null where the text does not fit)."""
    kind = spec.kind
    if kind is Kind.TEXT:
        return text
    if kind in (Kind.INT, Kind.NUMBER):
        return nz.parse_number(text, percent=spec.percent)
    if kind is Kind.DATE:
        return nz.parse_date(text, serials=source == "xlsx")
    if kind is Kind.BOOL:
        return nz.parse_bool(text)
    if kind is Kind.ENUM:
        assert spec.choices is not None
        return nz.parse_choice(text, spec.choices)
    if kind is Kind.LEVEL:
        return nz.parse_level(text)
    return nz.parse_step_list(text)


def check(spec: ColumnSpec, text: pl.Expr, value: pl.Expr) -> pl.Expr:
    """The problem code of each cell (null when fine), from its text and parsed value."""
    kind = spec.kind
    rules: list[tuple[pl.Expr, Code]] = []  # in order of precedence
    if spec.required:
        rules.append((text.is_null(), Code.MISSING_VALUE))
    if kind is not Kind.TEXT:
        parse_code = _PARSE_CODE[kind]
        if kind is Kind.ENUM and spec.choices is OUTCOME_CHOICES:
            parse_code = Code.UNKNOWN_OUTCOME
        rules.append((text.is_not_null() & value.is_null(), parse_code))
    if kind is Kind.INT:
        rules.append((value.floor() != value, Code.NOT_AN_INTEGER))
    if kind in (Kind.INT, Kind.NUMBER):
        ok = _in_range(spec, value)
        if ok is not None:
            rules.append((~ok, Code.OUT_OF_RANGE))
    if kind is Kind.DATE:
        rules.append((~nz.date_in_range(value), Code.OUT_OF_RANGE))
    if not rules:
        return pl.lit(None, dtype=pl.String)
    return pl.coalesce([pl.when(cond.fill_null(False)).then(pl.lit(c.value)) for cond, c in rules])


def _parsed_and_checked(
    frame: pl.DataFrame, spec: ColumnSpec, source: str
) -> tuple[pl.Series, pl.Series | None]:
    """The parsed value and the problem code (null when fine) of each cell of a present
    column; the codes are None when no cell has one, the usual case, so that a clean column
    costs nothing more. Both depend on the cell's text alone, so each distinct text is
    parsed and checked once and the answers are looked up per cell: a million results
    hold a few hundred distinct scores and dates, and the date and number parsers are
    regular expressions."""
    name = spec.name
    text = frame.get_column(name)
    if spec.kind is Kind.TEXT:  # nothing to parse: the checks are about empty cells
        if not (spec.required and text.has_nulls()):
            return text, None
        codes = text.to_frame().select(check(spec, pl.col(name), pl.col(name))).to_series()
        return text, codes
    lookup = (
        text.unique()
        .to_frame()
        .with_columns(parse(spec, pl.col(name), source).alias("value"))
        .with_columns(check(spec, pl.col(name), pl.col("value")).alias("code"))
    )
    distinct, codes = lookup.get_column(name), lookup.get_column("code")
    values = text.replace_strict(distinct, lookup.get_column("value"), default=None)
    if codes.null_count() == len(codes):
        return values, None
    # An empty cell's code (a required value missing) is looked up apart: nulls match nothing.
    empty = lookup.filter(pl.col(name).is_null()).get_column("code")
    found = text.replace_strict(distinct, codes, default=None)
    if len(empty) and empty[0] is not None:
        found = (
            found.to_frame()
            .select(pl.when(text.is_null()).then(pl.lit(empty[0])).otherwise(pl.col(name)))
            .to_series()
        )
    return values, found


def validate(
    frame: pl.DataFrame, spec: TableSpec, source: str, file: str
) -> tuple[pl.DataFrame, list[Problem]]:
    """(typed frame with every column of the table, problems of its cells).

    Columns the file lacks come back as typed nulls so callers see one schema per
    table; a bad cell comes back null, and the problems say why. Column by column: parse
    and check each distinct text once; only a column with a bad cell is looked at again.
    """
    columns: list[pl.Series] = [frame.get_column(ROW)]
    problems: list[Problem] = []
    for col in spec.columns:
        dtype = DTYPES[col.kind]
        if col.name not in frame.columns:
            columns.append(pl.repeat(None, frame.height, dtype=dtype, eager=True).alias(col.name))
            continue
        value, code = _parsed_and_checked(frame, col, source)
        if code is not None:
            coded = pl.DataFrame(
                [
                    frame.get_column(ROW),
                    code.alias("code"),
                    frame.get_column(col.name).alias("text"),
                    value.alias("value"),
                ]
            )
            value = coded.select(pl.when(pl.col("code").is_null()).then("value")).to_series()
            problems.extend(_cell_problems(coded, col, spec, file))
        columns.append(value.cast(dtype, strict=False).alias(col.name))
    return pl.DataFrame(columns), problems


def _cell_problems(
    coded: pl.DataFrame, col: ColumnSpec, spec: TableSpec, file: str
) -> list[Problem]:
    """A problem per cell with a code (at most MAX_PROBLEMS_PER_KIND per code, and a count of
    the rest). `coded`: _row, code, the cell's text, its parsed value."""
    bad = coded.filter(pl.col("code").is_not_null())
    problems: list[Problem] = []
    counts = bad.group_by("code", maintain_order=True).len()
    for code, count in counts.iter_rows():
        if count > MAX_PROBLEMS_PER_KIND:
            problems.append(too_many(file, code, col.name, count - MAX_PROBLEMS_PER_KIND))
    bad = bad.filter(pl.int_range(pl.len()).over("code") < MAX_PROBLEMS_PER_KIND)
    numeric = col.kind in (Kind.INT, Kind.NUMBER)
    for row, code, value, parsed_value in bad.iter_rows():
        number = parsed_value if numeric else None
        problems.append(_problem(file, spec, col, row, value, code, number))
    return problems


def _problem(
    file: str,
    spec: TableSpec,
    col: ColumnSpec,
    row: int,
    value: str | None,
    code: str,
    number: float | None,
) -> Problem:
    params: dict[str, object] = {}
    if code == Code.OUT_OF_RANGE:
        params["expected"] = expected_range(col, number)
    elif code == Code.UNKNOWN_VALUE and col.choices is not None:
        params["allowed"] = ", ".join(dict.fromkeys(col.choices.values()))
    elif (
        code == Code.NOT_A_NUMBER
        and value is not None
        and "outcome" in spec.by_name
        and choice_key(value) in OUTCOME_CHOICES
    ):
        params["hint"] = "outcome_word"
    return Problem(
        file=file,
        row=row,
        column=col.name,
        value=None if code == Code.MISSING_VALUE else value,
        code=code,
        params=params,
    )
