"""The export formats and the CSV dialects: names, media types, file suffixes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

Format = Literal["csv", "xlsx", "parquet"]
FORMATS: tuple[Format, ...] = get_args(Format)

_MEDIA_TYPES: dict[str, str] = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}


@dataclass(frozen=True)
class CsvDialect:
    """How a CSV file is spelled.

    `separator` is one character; `decimal_comma` writes floats and decimals as `78,75`;
    `bom` starts the file with the UTF-8 byte order mark (Excel then reads it as UTF-8).
    A decimal comma needs a separator other than `,`.
    """

    separator: str = ","
    decimal_comma: bool = False
    bom: bool = False

    def __post_init__(self) -> None:
        if len(self.separator) != 1 or self.separator in "\"'\r\n":
            raise ValueError(
                f"CSV separator must be one character other than quotes and "
                f"line breaks, got {self.separator!r}"
            )
        if self.decimal_comma and self.separator == ",":
            raise ValueError("a decimal comma needs a separator other than ','")


PLAIN_CSV = CsvDialect()
"""The default: UTF-8 without BOM, `,` separator, decimal point."""

EXCEL_CSV = CsvDialect(separator=";", decimal_comma=True, bom=True)
"""For Excel users in Belgium (regional list separator `;`, decimal comma, UTF-8 with BOM)."""


def check_format(fmt: str) -> Format:
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return fmt


def media_type(fmt: Format) -> str:
    """The MIME type, e.g. for `st.download_button(mime=...)`."""
    return _MEDIA_TYPES[check_format(fmt)]


def file_suffix(fmt: Format) -> str:
    """The file suffix with its dot (`.csv`, `.xlsx`, `.parquet`), as `Path.with_suffix` wants."""
    return "." + check_format(fmt)
