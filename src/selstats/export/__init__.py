"""Export writers for `selstats export` and the dashboard's download buttons.

CSV, XLSX and Parquet, spreadsheet-safe (see `safe`), streaming in bounded memory
(`write_batches`). Values are exactly the frame's values, in the frame's column order.
"""

from selstats.export.api import to_bytes, write_batches, write_frame
from selstats.export.formats import (
    EXCEL_CSV,
    PLAIN_CSV,
    CsvDialect,
    Format,
    file_suffix,
    media_type,
)

__all__ = [
    "EXCEL_CSV",
    "PLAIN_CSV",
    "CsvDialect",
    "Format",
    "file_suffix",
    "media_type",
    "to_bytes",
    "write_batches",
    "write_frame",
]
