"""The first sheet of an XLSX workbook, into a raw grid of text cells.

Values are read with fastexcel (calamine, in Rust) as the cached results Excel stored,
so formulas count as what they showed the user. What fastexcel cannot say is which
cells hold a formula with no stored result (a file written by a script and never opened
in Excel); those are found by scanning the sheet's XML, so they are reported instead of
silently read as empty.
"""

from __future__ import annotations

import logging
import posixpath
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import fastexcel
import polars as pl

from selstats.ingest.grid import ROW, CellIssue, RawGrid, ReadError, column_letter
from selstats.ingest.problems import Code

log = logging.getLogger(__name__)

# calamine's names for Excel's error values
_ERRORS = {
    "Div0": "#DIV/0!",
    "NA": "#N/A",
    "Name": "#NAME?",
    "Null": "#NULL!",
    "Num": "#NUM!",
    "Ref": "#REF!",
    "Value": "#VALUE!",
    "GettingData": "#GETTING_DATA",
}
_ERROR_DETAIL = re.compile(r"Error\((\w+)\)")

_P = rb"(?:[A-Za-z_][\w.-]*:)?"  # an optional namespace prefix, as some writers emit
_FORMULA_WITHOUT_VALUE = re.compile(
    rb"<" + _P + rb"c\b([^>]*[^/>])?>\s*"
    rb"<" + _P + rb"f\b[^>]*?(?:/>|>[^<]*</" + _P + rb"f>)\s*"
    rb"(?:<" + _P + rb"v\s*/>|<" + _P + rb"v>\s*</" + _P + rb"v>)?\s*"
    rb"</" + _P + rb"c>"
)
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')


def _letters_to_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def first_sheet_part(archive: zipfile.ZipFile) -> str | None:
    """The ZIP member holding the workbook's first sheet, from workbook.xml and its rels."""
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return None
    rel_id = None
    for el in workbook.iter():
        if _local(el.tag) == "sheet":
            rel_id = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
            break
    for el in rels.iter():
        if _local(el.tag) == "Relationship" and el.attrib.get("Id") == rel_id:
            target = el.attrib.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else "xl/" + target
            return posixpath.normpath(path)
    return None


def formulas_without_value(path: Path) -> list[tuple[int, int]]:
    """(row, column index) of first-sheet cells with a formula but no cached result."""
    try:
        with zipfile.ZipFile(path) as archive:
            part = first_sheet_part(archive)
            if part is None:
                return []
            xml = archive.read(part)
    except (KeyError, zipfile.BadZipFile, OSError) as exc:
        log.info("could not scan the sheet XML for formulas: %s", type(exc).__name__)
        return []
    if b"<f" not in xml and b":f" not in xml:
        return []
    found = []
    for match in _FORMULA_WITHOUT_VALUE.finditer(xml):
        ref = _CELL_REF.search(match.group(1) or b"")
        if ref:
            found.append((int(ref.group(2)), _letters_to_index(ref.group(1).decode())))
    return found


def read_xlsx_grid(path: Path) -> RawGrid:
    """The raw grid of the first sheet, rows numbered as in Excel."""
    try:
        reader = fastexcel.read_excel(path)
        if not reader.sheet_names:
            raise ReadError(Code.EMPTY_FILE)
        sheet = reader.load_sheet(0, header_row=None, dtypes="string", skip_rows=0)
        batch, errors = sheet.to_arrow_with_errors()
        absolute = [c.absolute_index for c in sheet.selected_columns]
    except fastexcel.FastExcelError as exc:
        log.info("fastexcel could not read the workbook: %s", exc)
        raise ReadError(Code.WRONG_FORMAT, expected="XLSX", found="unknown") from exc
    raw = pl.from_arrow(batch)
    assert isinstance(raw, pl.DataFrame)
    names = [f"c{i}" for i in range(raw.width)]
    frame = raw.rename(dict(zip(raw.columns, names, strict=True))).with_columns(
        pl.int_range(1, raw.height + 1, dtype=pl.Int64).alias(ROW)
    )
    labels = [column_letter(i) for i in absolute]

    issues: list[CellIssue] = []
    for err in errors.errors if errors else []:
        row0, col = err.position
        detail = _ERROR_DETAIL.search(err.detail)
        value = _ERRORS.get(detail.group(1), "#" + detail.group(1)) if detail else err.detail
        issues.append(CellIssue(row0 + 1, col, value, "error", f"{labels[col]}{row0 + 1}"))
    by_absolute = {a: i for i, a in enumerate(absolute)}
    for row, abs_col in formulas_without_value(path):
        index = by_absolute.get(abs_col)
        if index is not None and row <= frame.height and frame[names[index]][row - 1] is None:
            issues.append(CellIssue(row, index, None, "no_value", f"{labels[index]}{row}"))
    return RawGrid(frame=frame, labels=labels, source="xlsx", issues=issues)
