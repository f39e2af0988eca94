"""The file layer of `selstats import`: users' CSV, XLSX and Parquet files into clean,
typed polars frames, or a complete list of problems naming file, row, column and value.

Modules, one job each: files (which files), guard (safe to open?), csvtext / xlsx /
parquetfile (bytes to a raw grid of text), layout (header, footer, empty rows),
normalise (text to values), validate (typed columns and bad cells), duplicates (repeated
keys), pseudonym (national numbers), ordering (the final problem list), readers (the
whole read of one file), columns (the contract), problems and messages (what went
wrong, in nl/fr/en).
"""

from selstats.ingest.columns import TABLES, table_for
from selstats.ingest.files import collect_files
from selstats.ingest.problems import Code, Problem
from selstats.ingest.readers import TableRead, read_table_file

__all__ = [
    "TABLES",
    "Code",
    "Problem",
    "TableRead",
    "collect_files",
    "read_table_file",
    "table_for",
]
