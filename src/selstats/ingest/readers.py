"""Read one import file into a clean typed table, or into the full list of its problems.

This is the one function the store and the CLI call per file. It runs the steps in
order - name, pre-open checks, raw grid, layout, types, pseudonyms, duplicate keys - and
turns anything that goes wrong into `Problem`s instead of exceptions, because a person
fixing a file wants every mistake at once, not one per attempt.
"""

from __future__ import annotations

import hashlib
import logging
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from selstats.ingest import guard
from selstats.ingest.columns import SUPPORTED_EXTENSIONS, TABLES, TableSpec, table_for
from selstats.ingest.csvtext import read_csv_grid
from selstats.ingest.duplicates import duplicate_keys
from selstats.ingest.grid import ROW, RawGrid, ReadError
from selstats.ingest.layout import lay_out
from selstats.ingest.ordering import finish, masked
from selstats.ingest.parquetfile import read_parquet_grid
from selstats.ingest.problems import MAX_PROBLEMS_PER_KIND, Code, Problem, too_many
from selstats.ingest.pseudonym import (
    has_national_numbers,
    load_key,
    mask_national_numbers,
    pseudonymise_column,
)
from selstats.ingest.validate import DTYPES, validate
from selstats.ingest.xlsx import read_xlsx_grid

log = logging.getLogger(__name__)

# The most characters a cell may hold: what a spreadsheet cell holds at most (Excel's
# limit). Names, titles and references are far shorter; a longer cell is a mistake (a
# whole document pasted in, or a quote that closes much later than meant).
MAX_CELL_CHARS = 32_767


@dataclass
class TableRead:
    """What reading one file gave.

    `frame` has every column of `table` (typed, canonical names; columns the file lacks
    are null) plus `_row`, the file row of each record. When `problems` is not empty the
    frame is only a best effort (bad cells are null) and must not be stored.
    `warnings` (unknown columns, a file without data rows) do not block an import.
    """

    table: str | None
    frame: pl.DataFrame
    problems: list[Problem]
    sha256: str
    rows: int
    file_name: str = ""
    ignored_columns: list[str] = field(default_factory=list)
    present_columns: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def empty_frame(table: str | None) -> pl.DataFrame:
    """A zero-row frame with the table's schema (only `_row` for an unknown table)."""
    schema: dict[str, pl.DataType | type[pl.DataType]] = {ROW: pl.Int64}
    if table in TABLES:
        schema.update({c.name: DTYPES[c.kind] for c in TABLES[table].columns})
    return pl.DataFrame(schema=schema)


def _sha256(path: Path, data: bytes | None) -> str:
    if data is not None:
        return hashlib.sha256(data).hexdigest()
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def read_table_file(
    path: Path, display_name: str | None = None, *, key: bytes | None = None
) -> TableRead:
    """Read `path` as the table its name says; never raises for a bad file.

    `display_name` is how problems name the file (default: its name). `key` is the
    pseudonym key (default: `load_key()`, loaded only when a national number is seen).
    """
    file = display_name or path.name
    table = table_for(path)

    def failed(
        code: Code,
        params: Mapping[str, object] | None = None,
        sha: str = "",
        row: int | None = None,
    ) -> TableRead:
        problem = Problem(file=file, row=row, code=code, params=dict(params or {}))
        log.info("%s: %s", file, code.value)
        return TableRead(table, empty_frame(table), [problem], sha, 0, file_name=file)

    extension = path.suffix.lower()
    if not path.is_file():
        return failed(Code.FILE_NOT_FOUND)
    if extension not in SUPPORTED_EXTENSIONS:
        return failed(Code.UNSUPPORTED_EXTENSION, {"extension": path.suffix or path.name})
    try:
        refusal = guard.check_file(path, extension)
        if refusal is not None:
            return failed(refusal.code, refusal.params)
        data = path.read_bytes() if extension == ".csv" else None
        sha = _sha256(path, data)
        if table is None:
            params = {"stem": path.stem, "tables": ", ".join(TABLES)}
            return failed(Code.UNKNOWN_TABLE, params, sha)
        return _read(path, extension, data, sha, TABLES[table], file, key)
    except ReadError as exc:
        return failed(exc.code, exc.params, row=exc.row)
    except OSError as exc:
        log.warning("%s: cannot read: %s", file, type(exc).__name__)
        return failed(Code.UNREADABLE_FILE, {"detail": type(exc).__name__})
    except MemoryError:  # the process ran out, which is no fact about the file: let it rise
        raise
    except Exception as exc:  # a parser bug must not stop a batch import
        trace = "".join(traceback.format_exception(exc))
        log.error("%s: unexpected error while reading\n%s", file, mask_national_numbers(trace))
        return failed(Code.UNREADABLE_FILE, {"detail": type(exc).__name__})
    except BaseException as exc:
        if type(exc).__name__ == "PanicException":  # a Rust panic inside a parser
            log.error("%s: parser panicked: %s", file, exc)
            return failed(Code.UNREADABLE_FILE, {"detail": "PanicException"})
        raise


def too_long_cells(frame: pl.DataFrame, file: str) -> list[Problem]:
    """A problem for each cell longer than MAX_CELL_CHARS, with its length and the limit."""
    problems: list[Problem] = []
    for column in (c for c in frame.columns if c != ROW):
        length = pl.col(column).str.len_chars()
        # A cell has at least as many bytes as characters: the byte length, which a string
        # column keeps per cell, rules out nearly every cell before any is counted.
        found = (
            frame.filter(pl.col(column).str.len_bytes() > MAX_CELL_CHARS)
            .filter(length > MAX_CELL_CHARS)
            .select(ROW, column, length.alias("n"))
        )
        if found.height > MAX_PROBLEMS_PER_KIND:
            more = found.height - MAX_PROBLEMS_PER_KIND
            problems.append(too_many(file, Code.CELL_TOO_LONG, column, more))
        problems.extend(
            Problem(
                file=file,
                row=row,
                column=column,
                value=value,
                code=Code.CELL_TOO_LONG,
                params={"length": n, "limit": MAX_CELL_CHARS},
            )
            for row, value, n in found.head(MAX_PROBLEMS_PER_KIND).iter_rows()
        )
    return problems


def read_grid(path: Path, extension: str, data: bytes | None, file: str) -> RawGrid:
    """Dispatch on the (already checked) extension; `data` is the file's bytes for CSV."""
    if extension == ".csv":
        if data is None:
            data = path.read_bytes()
        return read_csv_grid(data, file)
    if extension == ".xlsx":
        return read_xlsx_grid(path)
    if extension == ".parquet":
        return read_parquet_grid(path)
    raise ReadError(Code.UNSUPPORTED_EXTENSION, extension=extension)


def _read(
    path: Path,
    extension: str,
    data: bytes | None,
    sha: str,
    spec: TableSpec,
    file: str,
    key: bytes | None,
) -> TableRead:
    grid = read_grid(path, extension, data, file)
    laid = lay_out(grid, spec, file)
    if isinstance(laid, Problem):
        return TableRead(spec.name, empty_frame(spec.name), [laid], sha, 0, file_name=file)
    long_cells = too_long_cells(laid.frame, file)
    frame, cell_problems = validate(laid.frame, spec, grid.source, file)
    if long_cells:  # one problem per cell: its length, not what the long text fails to be
        where = {(p.row, p.column) for p in long_cells}
        cell_problems = [*long_cells, *(p for p in cell_problems if (p.row, p.column) not in where)]
    for column in (c.name for c in spec.columns if c.pseudonymise):
        if has_national_numbers(frame, column):
            frame = pseudonymise_column(frame, column, key if key is not None else load_key())
    problems = [*grid.problems, *laid.problems, *cell_problems, *duplicate_keys(frame, spec, file)]
    problems = finish(problems, spec)
    warnings = masked(laid.warnings)
    if frame.height == 0 and not problems:  # a header and nothing under it: imports nothing
        warnings.append(Problem(file=file, code=Code.NO_DATA_ROWS))
    log.info("%s: %d rows, %d problems", file, frame.height, len(problems))
    return TableRead(
        table=spec.name,
        frame=frame,
        problems=problems,
        sha256=sha,
        rows=frame.height,
        file_name=file,
        ignored_columns=laid.ignored_columns,
        present_columns=laid.present_columns,
        warnings=warnings,
    )
