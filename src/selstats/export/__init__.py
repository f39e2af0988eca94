"""Export writers for `selstats export` and the dashboard's download buttons.

CSV, XLSX and Parquet, spreadsheet-safe (see `safe`), streaming in bounded memory
(`write_batches`). Values are exactly the frame's values, in the frame's column order; with
a `Presentation` (the dashboard's downloads, `selstats export --labels`) as the reader
reads them: labels, translated codes, XLSX cells formatted per figure (`presented`).
"""

from selstats.export.api import check_exportable, to_bytes, write_batches, write_frame
from selstats.export.formats import (
    EXCEL_CSV,
    PLAIN_CSV,
    CsvDialect,
    Format,
    file_suffix,
    media_type,
)
from selstats.export.presented import Presentation, about_lines

__all__ = [
    "EXCEL_CSV",
    "PLAIN_CSV",
    "CsvDialect",
    "Format",
    "Presentation",
    "about_lines",
    "check_exportable",
    "file_suffix",
    "media_type",
    "to_bytes",
    "write_batches",
    "write_frame",
]
