"""A small frame with every kind of cell the exports must get right, and file readers."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import openpyxl
import polars as pl
from openpyxl.worksheet.worksheet import Worksheet

# The OWASP CSV-injection starters, one per row, then ordinary and tricky text.
FORMULA_LIKE = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def sample_frame() -> pl.DataFrame:
    """Nine rows; column order on purpose not alphabetical."""
    return pl.DataFrame(
        {
            "name": [*FORMULA_LIKE, "a;b,c", 'say "hi"\nbye', None],
            "score": [-2.5, 78.75, 80.0, None, 0.5, 12.0, 1.25, 3.0, -0.5],
            "rank": [-7, 1, 2, 3, 4, 5, 6, None, 8],
            "passed": [True, False, None, True, False, True, False, True, False],
            "result_date": [
                dt.date(2024, 1, 2),
                None,
                dt.date(1999, 12, 31),
                dt.date(2024, 2, 29),
                dt.date(2024, 1, 2),
                dt.date(2024, 1, 2),
                dt.date(2024, 1, 2),
                dt.date(2024, 1, 2),
                dt.date(2024, 1, 2),
            ],
        },
        schema={
            "name": pl.String,
            "score": pl.Float64,
            "rank": pl.Int64,
            "passed": pl.Boolean,
            "result_date": pl.Date,
        },
    )


def load_sheets(data: bytes) -> dict[str, Worksheet]:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return {sheet.title: sheet for sheet in workbook.worksheets}


def sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(
            archive.read(name).decode()
            for name in archive.namelist()
            if name.startswith("xl/worksheets/")
        )


def ooxml_text(value: str) -> str:
    """Decode OOXML's `_xHHHH_` escapes (ECMA-376 ST_Xstring), which Excel and LibreOffice
    decode on reading but openpyxl leaves in inline strings: xlsxwriter stores `\\r` so."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), value)
