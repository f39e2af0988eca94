"""XLSX: xlsxwriter in constant-memory mode, typed cells, nothing ever evaluated.
Long because the formats per unit and language and the filter sheet belong with the
constant-memory writing they configure (one pass, rows written once).

Every text is written with `write_string` into a workbook opened with strings_to_formulas,
strings_to_urls and strings_to_numbers off, so `=cmd|' /C calc'!A0` is a plain string cell
(no `'` prefix is added in XLSX). Numbers are numbers, booleans booleans, dates and times
Excel serial numbers with a date/time format, nulls empty cells.

A sheet holds at most 1,048,576 rows (header included). Longer exports continue on further
sheets named `selstats (2)`, `selstats (3)`, ..., each with the header repeated.
NaN and infinities become Excel's #NUM! and #DIV/0! error cells (xlsxwriter writes these as
constant formulas; they are the only formula cells this writer can produce). Dates before
1900-01-01, which Excel cannot represent, are written as ISO text.

With a `Presentation` (the dashboard's downloads, `selstats export --labels`), each column
of a figure gets the number format of its unit (`selstats.export.presented.excel_format`):
percent cells for rates and percentages (a percentage such as 78.53 is written as the
fraction 0.7853, as Excel's percent cells hold it), currency for euro, the language's date
format for dates, whole numbers for counts; a count hidden by small-cell suppression ("<5")
stays a text cell beside the number cells of the counts shown. Columns are as wide as their
header and values need (within limits), the header row is bold, wraps, is frozen and has an
autofilter, and a second sheet holds the `about` rows (the filter, when the file was made).
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

from selstats.export.presented import AboutValue, Presentation, excel_format
from selstats.export.safe import is_text
from selstats.export.sources import check_flat
from selstats.figures import Figure, Unit
from selstats.figures.present import figure_text

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
    def __init__(self, workbook: xlsxwriter.Workbook, wrap_header: bool = False) -> None:
        self.workbook = workbook
        header: dict[str, Any] = {"bold": True}
        if wrap_header:
            header.update({"text_wrap": True, "valign": "top"})
        self.header = workbook.add_format(header)
        self.date = workbook.add_format({"num_format": DATE_FORMAT})
        self.datetime = workbook.add_format({"num_format": DATETIME_FORMAT})
        self.time = workbook.add_format({"num_format": TIME_FORMAT})
        self.duration = workbook.add_format({"num_format": DURATION_FORMAT})
        self._by_code: dict[str, CellFormat] = {}

    def number(self, code: str) -> CellFormat:
        """One cell format per number format code (xlsxwriter wants them shared)."""
        if code not in self._by_code:
            self._by_code[code] = self.workbook.add_format({"num_format": code})
        return self._by_code[code]

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
    def __init__(
        self,
        workbook: xlsxwriter.Workbook,
        schema: pl.Schema,
        base_name: str,
        presentation: Presentation | None = None,
        sample: pl.DataFrame | None = None,
    ) -> None:
        self.workbook = workbook
        self.schema = schema
        self.base_name = base_name
        self.presentation = presentation
        self.formats = _Formats(workbook, wrap_header=presentation is not None)
        self.figures: list[Figure | None] = [
            presentation.figure(name) if presentation is not None else None for name in schema
        ]
        self.widths = _widths(schema, self.figures, presentation, sample)
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
            width = self.widths[col] if self.widths else _width(dtype)
            if width is not None:
                sheet.set_column(col, col, width)
            sheet.write_string(0, col, name, self.formats.header)
        sheet.freeze_panes(1, 0)
        self.row = 1
        return sheet

    def finish(self) -> None:
        """The last sheet's autofilter over its header and rows (presented files only)."""
        if self.presentation is not None and self.schema:
            self.sheet.autofilter(0, 0, max(self.row - 1, 0), len(self.schema) - 1)

    def write(self, frame: pl.DataFrame, rows_per_sheet: int) -> None:
        offset = 0
        while offset < frame.height:
            if self.row > rows_per_sheet:
                self.finish()
                self.sheet = self._new_sheet()
            take = min(frame.height - offset, rows_per_sheet - self.row + 1)
            self._write_rows(frame.slice(offset, take))
            self.row += take
            offset += take

    def _column(self, series: pl.Series, figure: Figure | None = None) -> _Column:
        sheet = self.sheet
        dtype = series.dtype
        shown = self.presentation
        code = excel_format(figure, shown.lang) if figure is not None and shown else None
        if figure is not None and code is not None:
            presented = self._presented(series, figure, code)
            if presented is not None:
                return presented
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

    def _presented(self, series: pl.Series, figure: Figure, code: str) -> _Column | None:
        """A figure's column with its number format; None: written as any column."""
        dtype, fmt = series.dtype, self.formats.number(code)
        if dtype.is_numeric() or isinstance(dtype, pl.Decimal):
            numbers = series.cast(pl.Float64) if isinstance(dtype, pl.Decimal) else series
            if figure.unit is Unit.PERCENT:  # 78.53 -> 0.7853, shown 78,53 %
                numbers = numbers.cast(pl.Float64) / 100
            return _Column(numbers.to_list(), self.sheet.write_number, fmt)
        if isinstance(dtype, pl.Date | pl.Datetime):
            serials = _temporal_serials(series)
            if (series.is_not_null() & serials.is_null()).any():
                return None  # before 1900: the ISO-text fallback below
            return _Column(serials.to_list(), self.sheet.write_number, fmt)
        if is_text(dtype) and figure.unit is Unit.COUNT:
            # small-cell suppression: "<5" beside "12"; the counts shown stay numbers
            values: list[Any] = [
                int(v) if isinstance(v, str) and v.strip().isdigit() else v
                for v in series.cast(pl.String).to_list()
            ]
            return _Column(values, self._write_number_or_text, fmt)
        return None

    def _write_number_or_text(self, row: int, col: int, value: Any, fmt: Any) -> None:
        if isinstance(value, str):
            self.sheet.write_string(row, col, value)
        else:
            self.sheet.write_number(row, col, value, fmt)

    def _write_rows(self, frame: pl.DataFrame) -> None:
        columns = [
            self._column(series, figure)
            for series, figure in zip(frame.get_columns(), self.figures, strict=True)
        ]
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
    presentation: Presentation | None = None,
) -> None:
    """Write every frame in order, starting a new sheet after `rows_per_sheet` data rows;
    with a `presentation`, formatted per figure and followed by its `about` sheet."""
    check_flat(schema, "xlsx")
    workbook = xlsxwriter.Workbook(out, WORKBOOK_OPTIONS)
    try:
        frames = iter(frames)
        first = next(frames, None) if presentation is not None else None
        writer = _SheetWriter(workbook, schema, sheet_name, presentation, first)
        if first is not None:
            writer.write(first, rows_per_sheet)
        for frame in frames:
            writer.write(frame, rows_per_sheet)
        writer.finish()
        if presentation is not None and presentation.about:
            _about_sheet(workbook, presentation, writer.formats)
    except BaseException:
        with contextlib.suppress(Exception):
            workbook.close()  # removes constant_memory's temporary files
        raise
    workbook.close()


# Column widths in characters (Excel's unit): at least MIN, at most MAX; a header counts up
# to HEADER_MAX (it wraps beyond).
MIN_WIDTH = 6
MAX_WIDTH = 60
HEADER_MAX = 24


def _widths(
    schema: pl.Schema,
    figures: list[Figure | None],
    presentation: Presentation | None,
    sample: pl.DataFrame | None,
) -> list[float] | None:
    """Each column's width from its header and the values of the first slice, as written
    for the reader (`figure_text`: "€ 33.072,00", "27,5 %"); None without a presentation."""
    if presentation is None:
        return None
    widths: list[float] = []
    for name, dtype, figure in zip(schema.names(), schema.dtypes(), figures, strict=True):
        content = _content_width(sample, name, dtype, figure, presentation.lang)
        header = min(max((len(word) for word in name.split()), default=0), HEADER_MAX)
        header = max(header, min(len(name), HEADER_MAX))
        widths.append(float(min(max(header, content, MIN_WIDTH - 2) + 2, MAX_WIDTH)))
    return widths


def _content_width(
    sample: pl.DataFrame | None, name: str, dtype: pl.DataType, figure: Figure | None, lang: str
) -> int:
    fixed = _width(dtype)
    if sample is None or sample.is_empty():
        return int(fixed or 0)
    series = sample.get_column(name).drop_nulls()
    if series.is_empty():
        return int(fixed or 0)
    if is_text(dtype):
        longest = series.cast(pl.String).str.len_chars().max()
        return int(longest) if isinstance(longest, int) else 0
    if figure is not None and (dtype.is_numeric() or dtype.is_temporal()):
        extremes = [series.min(), series.max()]
        return max(len(figure_text(figure, value, lang)) for value in extremes)
    if dtype.is_numeric():
        return max(len(str(series.min())), len(str(series.max())))
    return int(fixed or 0)


def _about_sheet(
    workbook: xlsxwriter.Workbook, presentation: Presentation, formats: _Formats
) -> None:
    """The second sheet: one row per `about` line, its words in column A (bold), its value
    in column B (a date and time typed as such)."""
    from selstats.export.presented import excel_date_format
    from selstats.i18n import translate

    lang = presentation.lang
    sheet = workbook.add_worksheet(translate(lang, "download.about_sheet")[:SHEET_NAME_MAX])
    label_width = max(len(label) for label, _ in presentation.about)
    value_width = max(len(str(value)) for _, value in presentation.about)
    sheet.set_column(0, 0, min(label_width + 2, MAX_WIDTH))
    sheet.set_column(1, 1, min(max(value_width, 16) + 2, MAX_WIDTH))
    bold = workbook.add_format({"bold": True})
    day = excel_date_format(lang)
    for row, (label, value) in enumerate(presentation.about):
        sheet.write_string(row, 0, label, bold)
        _write_about_value(sheet, row, value, formats, day)


def _write_about_value(
    sheet: Worksheet, row: int, value: AboutValue, formats: _Formats, day: str
) -> None:
    if isinstance(value, dt.datetime):
        sheet.write_datetime(row, 1, value, formats.number(day + " hh:mm"))
    elif isinstance(value, dt.date):
        sheet.write_datetime(row, 1, value, formats.number(day))
    elif isinstance(value, int):
        sheet.write_number(row, 1, value, formats.number("0"))
    else:
        sheet.write_string(row, 1, value)
