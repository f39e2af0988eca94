"""What went wrong in an import file, said precisely enough for a person to fix it.

A `Problem` names the file, the row as the user sees it (header = row 1), the column and
the raw value, and carries a stable machine `code` plus `params`: the words are rendered
later from `selstats.ingest.messages` in the reader's language, so tests and the CLI can
match on codes while people read sentences.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

MAX_VALUE_CHARS = 60
MAX_PROBLEMS_PER_KIND = 1000  # per (code, column) and file; the rest are counted


class Code(StrEnum):
    """The stable problem codes. Renaming one breaks users' scripts and the catalogue."""

    # the file as a whole
    FILE_NOT_FOUND = "file_not_found"
    UNSUPPORTED_EXTENSION = "unsupported_extension"
    UNKNOWN_TABLE = "unknown_table"
    EMPTY_FILE = "empty_file"
    WRONG_FORMAT = "wrong_format"
    BAD_ENCODING = "bad_encoding"
    FILE_TOO_LARGE = "file_too_large"
    UNREADABLE_FILE = "unreadable_file"
    MIXED_ENCODING = "mixed_encoding"  # names the first line in the other encoding
    NUL_BYTE = "nul_byte"  # names the line
    # the header
    MISSING_REQUIRED_COLUMN = "missing_required_column"
    DUPLICATE_COLUMN = "duplicate_column"
    UNNAMED_COLUMN = "unnamed_column"
    UNKNOWN_COLUMN = "unknown_column"  # a warning: the column is ignored
    NO_DATA_ROWS = "no_data_rows"  # a warning: a header and no rows, nothing to import
    UNSUPPORTED_TYPE = "unsupported_type"
    # a row
    RAGGED_ROW = "ragged_row"
    BAD_QUOTES = "bad_quotes"
    CELL_TOO_LONG = "cell_too_long"
    DUPLICATE_KEY = "duplicate_key"
    # a cell
    MISSING_VALUE = "missing_value"
    NOT_A_NUMBER = "not_a_number"
    NOT_AN_INTEGER = "not_an_integer"
    OUT_OF_RANGE = "out_of_range"
    BAD_DATE = "bad_date"
    BAD_BOOL = "bad_bool"
    UNKNOWN_OUTCOME = "unknown_outcome"
    UNKNOWN_VALUE = "unknown_value"
    BAD_LEVEL = "bad_level"
    BAD_STEP_LIST = "bad_step_list"
    XLSX_FORMULA_ERROR = "xlsx_formula_error"
    # bookkeeping
    TOO_MANY_PROBLEMS = "too_many_problems"
    # raised by the store (import across files, `selstats check`) and the rules engine;
    # listed here so that their messages live in the same catalogue
    DUPLICATE_TABLE = "duplicate_table"
    UNKNOWN_ORGANISATION = "unknown_organisation"
    UNKNOWN_PROCEDURE = "unknown_procedure"
    UNKNOWN_CONSULTANT = "unknown_consultant"
    UNKNOWN_STEP = "unknown_step"
    NOT_ON_LIST = "not_on_list"
    UNREACHABLE_STEP = "unreachable_step"
    NO_OUTCOME = "no_outcome"
    STEP_SHOULD_NOT_BE_HELD = "step_should_not_be_held"
    STEP_MISSING = "step_missing"
    OUTCOME_CONTRADICTS_RULES = "outcome_contradicts_rules"
    STALE_OUTCOME = "stale_outcome"
    STORE_MISSING = "store_missing"
    SCHEMA_VERSION = "schema_version"
    REFERENCE_ERROR = "reference_error"
    INVALID_STEP = "invalid_step"
    SCORE_OUT_OF_RANGE = "score_out_of_range"  # above the step's max_score (or below 0)
    MAX_SCORE_BELOW_SCORES = "max_score_below_scores"  # a new maximum under stored scores
    # the write as a whole (selstats.store.writer, selstats.store.import_process)
    STORE_BUSY = "store_busy"
    DISK_FULL = "disk_full"
    IMPORT_STOPPED = "import_stopped"


def truncate(text: str, limit: int = MAX_VALUE_CHARS) -> str:
    """Shorten a raw value for display; a whole pasted paragraph helps nobody."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """One thing wrong with one file, row or cell.

    `row` is the row number the user sees (header = 1, first data row = 2), None for a
    problem with the whole file; `column` is the canonical column name, None for row and
    file problems; `value` is the raw text, shortened, None when there is no cell.
    """

    file: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    code: str
    params: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", str(self.code))  # a Code member reads as its text
        if self.value is not None and len(self.value) > MAX_VALUE_CHARS:
            object.__setattr__(self, "value", truncate(self.value))

    def message(self, lang: str = "nl") -> str:
        """The sentence for a person, in `lang` (nl, fr or en; nl when unknown)."""
        from selstats.ingest.messages import render  # late: messages imports this module

        return render(self, lang)

    def __str__(self) -> str:
        return self.message("nl")

    @property
    def where(self) -> tuple[str, int | None, str | None]:
        """(file, row, column): handy for sorting and for tests."""
        return (self.file, self.row, self.column)


def too_many(file: str, code: str, column: str | None, count: int) -> Problem:
    """Stands for `count` further problems of one kind that are not listed one by one."""
    return Problem(
        file=file, column=column, code=Code.TOO_MANY_PROBLEMS, params={"count": count, "kind": code}
    )
