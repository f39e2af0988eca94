"""XLSX: xlsxwriter in constant-memory mode, typed cells, nothing ever evaluated.

Every text is written with `write_string` into a workbook opened with strings_to_formulas,
strings_to_urls and strings_to_numbers off, so `=cmd|' /C calc'!A0` is a plain string cell
(no `'` prefix is added in XLSX). Numbers are numbers, booleans booleans, dates and times
Excel serial numbers with a date/time format, nulls empty cells.

A sheet holds at most 1,048,576 rows (header included). Longer exports continue on further
sheets named `selstats (2)`, `selstats (3)`, ..., each with the header repeated.
NaN and infinities become Excel's #NUM! and #DIV/0! error cells (xlsxwriter writes these as
constant formulas; they are the only formula cells this writer can produce). Dates before
1900-01-01, which Excel cannot represent, are written as ISO text.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, BinaryIO

import polars as pl
import xlsxwriter
from xlsxwriter.format import Format as CellFormat
from xlsxwriter.worksheet import Worksheet

from selstats.export.safe import is_text
from selstats.export.sources import check_flat

log = logging.getLogger(__name__)

EXCEL_MAX_ROWS = 1_048_576
DATA_ROWS_PER_SHEET = EXCEL_MAX_ROWS - 1  # one row for the header
SHEET_NAME_MAX = 31
EXCEL_MAX_TEXT = 32_767  # UTF-16 code units per cell; xlsxwriter truncates longer texts

WORKBOOK_OPTIONS: dict[str, Any] = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "nan_inf_to_errors": True,
    "remove_timezone": True,
}

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
TIME_FORMAT = "hh:mm:ss"
DURATION_FORMAT = "[h]:mm:ss"

# Excel's serial numbers count days from 1899-12-31 as day 0 and keep Lotus' phantom
# 1900-02-29 (serial 60): from 1900-03-01 on, serial = days since 1970-01-01 + 25569.
_UNIX_EPOCH_SERIAL = 25_569
_FIRST_DATE = dt.date(1900, 1, 1)
_LEAP_BUG_DATE = dt.date(1900, 3, 1)
_US_PER_DAY = 86_400_000_000
_NS_PER_DAY = 86_400_000_000_000


def sheet_title(base: str, number: int) -> str:
    """`base` for the first sheet, then `base (2)`, `base (3)`, ... within 31 characters."""
    if number == 1:
        return base
    suffix = f" ({number})"
    return base[: SHEET_NAME_MAX - len(suffix)] + suffix


Writer = Callable[[int, int, Any, CellFormat | None], Any]


@dataclass(frozen=True)
class _Column:
    values: list[Any]
    write: Writer
    cell_format: CellFormat | None


class _Formats:
    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self.header = workbook.add_format({"bold": True})
        self.date = workbook.add_format({"num_format": DATE_FORMAT})
        self.datetime = workbook.add_format({"num_format": DATETIME_FORMAT})
        self.time = workbook.add_format({"num_format": TIME_FORMAT})
        self.duration = workbook.add_format({"num_format": DURATION_FORMAT})

    def for_dtype(self, dtype: pl.DataType) -> CellFormat | None:
        if isinstance(dtype, pl.Date):
            return self.date
        if isinstance(dtype, pl.Datetime):
            return self.datetime
        if isinstance(dtype, pl.Time):
            return self.time
        if isinstance(dtype, pl.Duration):
            return self.duration
        return None


def _width(dtype: pl.DataType) -> float | None:
    """Wide enough that Excel shows the value instead of `####`."""
    if isinstance(dtype, pl.Date):
        return 11
    if isinstance(dtype, pl.Datetime):
        return 20
    return None


def _serial_days(day: pl.Expr, fraction: pl.Expr) -> pl.Expr:
    """Excel serial for a date/datetime; null before 1900-01-01 (not representable)."""
    return (
        pl.when(day >= _LEAP_BUG_DATE)
        .then(fraction + _UNIX_EPOCH_SERIAL)
        .when(day >= _FIRST_DATE)
        .then(fraction + (_UNIX_EPOCH_SERIAL - 1))
        .otherwise(None)
    )


def _temporal_serials(series: pl.Series) -> pl.Series:
    dtype = series.dtype
    col = pl.col(series.name)
    if isinstance(dtype, pl.Date):
        expr = _serial_days(col, col.cast(pl.Int32))
    elif isinstance(dtype, pl.Datetime):
        if dtype.time_zone is not None:
            col = col.dt.replace_time_zone(None)  # wall-clock time in its own zone
        expr = _serial_days(col.dt.date(), col.dt.epoch("us") / _US_PER_DAY)
    elif isinstance(dtype, pl.Time):
        expr = col.cast(pl.Int64) / _NS_PER_DAY
    else:  # Duration
        expr = col.dt.total_microseconds() / _US_PER_DAY
    return series.to_frame().select(expr.alias(series.name)).to_series()


class _SheetWriter:
    def __init__(self, workbook: xlsxwriter.Workbook, schema: pl.Schema, base_name: str) -> None:
        self.workbook = workbook
        self.schema = schema
        self.base_name = base_name
        self.formats = _Formats(workbook)
        self.sheets = 0
        self.row = 1
        self.sheet: Worksheet = self._new_sheet()

    def _new_sheet(self) -> Worksheet:
        self.sheets += 1
        sheet = self.workbook.add_worksheet(sheet_title(self.base_name, self.sheets))
        if self.sheets > 1:
            log.warning(
                "sheet %r is full: continuing on sheet %r",
                sheet_title(self.base_name, self.sheets - 1),
                sheet.get_name(),
            )
        for col, (name, dtype) in enumerate(self.schema.items()):
            width = _width(dtype)
            if width is not None:
                sheet.set_column(col, col, width)
            sheet.write_string(0, col, name, self.formats.header)
        sheet.freeze_panes(1, 0)
        self.row = 1
        return sheet

    def write(self, frame: pl.DataFrame, rows_per_sheet: int) -> None:
        offset = 0
        while offset < frame.height:
            if self.row > rows_per_sheet:
                self.sheet = self._new_sheet()
            take = min(frame.height - offset, rows_per_sheet - self.row + 1)
            self._write_rows(frame.slice(offset, take))
            self.row += take
            offset += take

    def _column(self, series: pl.Series) -> _Column:
        sheet = self.sheet
        dtype = series.dtype
        if is_text(dtype):
            text = series.cast(pl.String)
            longest = text.str.len_chars().max()
            if isinstance(longest, int) and longest > EXCEL_MAX_TEXT // 2:  # UTF-16 units
                log.warning(
                    "column %r: texts over %d characters are cut by Excel's limit",
                    series.name,
                    EXCEL_MAX_TEXT,
                )
            return _Column(text.to_list(), sheet.write_string, None)
        if isinstance(dtype, pl.Boolean):
            return _Column(series.to_list(), sheet.write_boolean, None)
        if isinstance(dtype, pl.Decimal):
            return _Column(series.cast(pl.Float64).to_list(), sheet.write_number, None)
        if dtype.is_numeric():
            return _Column(series.to_list(), sheet.write_number, None)
        if dtype.is_temporal():
            serials = _temporal_serials(series)
            values = serials.to_list()
            unrepresentable = series.is_not_null() & serials.is_null()
            if unrepresentable.any():
                log.warning("column %r: dates before 1900 written as text", series.name)
                iso = series.cast(pl.String).to_list()
                values = [
                    t if bad else v for v, t, bad in zip(values, iso, unrepresentable, strict=True)
                ]
                return _Column(values, self._write_number_or_text, self.formats.for_dtype(dtype))
            return _Column(values, sheet.write_number, self.formats.for_dtype(dtype))
        # pl.Null: every cell empty
        return _Column([None] * series.len(), sheet.write_blank, None)

    def _write_number_or_text(self, row: int, col: int, value: Any, fmt: Any) -> None:
        if isinstance(value, str):
            self.sheet.write_string(row, col, value)
        else:
            self.sheet.write_number(row, col, value, fmt)

    def _write_rows(self, frame: pl.DataFrame) -> None:
        columns = [self._column(series) for series in frame.get_columns()]
        writers = [(col, column.write, column.cell_format) for col, column in enumerate(columns)]
        row = self.row
        # Row by row, left to right: constant_memory mode flushes a row once the next begins.
        for cells in zip(*(column.values for column in columns), strict=True):
            for (col, write, fmt), value in zip(writers, cells, strict=True):
                if value is not None:
                    write(row, col, value, fmt)
            row += 1


def write_xlsx_frames(
    frames: Iterable[pl.DataFrame],
    schema: pl.Schema,
    out: BinaryIO | str,
    sheet_name: str,
    rows_per_sheet: int = DATA_ROWS_PER_SHEET,
) -> None:
    """Write every frame in order, starting a new sheet after `rows_per_sheet` data rows."""
    check_flat(schema, "xlsx")
    workbook = xlsxwriter.Workbook(out, WORKBOOK_OPTIONS)
    try:
        writer = _SheetWriter(workbook, schema, sheet_name)
        for frame in frames:
            writer.write(frame, rows_per_sheet)
    except BaseException:
        with contextlib.suppress(Exception):
            workbook.close()  # removes constant_memory's temporary files
        raise
    workbook.close()
