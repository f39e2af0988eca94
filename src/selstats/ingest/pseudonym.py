"""Belgian national numbers (rijksregisternummers) never enter the store.

Candidate and consultant references are often national numbers because that is what HR
systems key on. They are replaced on import by a keyed hash (HMAC-SHA256): the same
person gets the same pseudonym in every file and every import, so joins and counts still
work, but nobody without the key can turn a pseudonym back into a number. The key lives
outside the database (environment or a 0600 key file) so that a copied database alone
reveals nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import secrets
from pathlib import Path

import polars as pl

from selstats.paths import DATA_DIR
from selstats.settings import settings

log = logging.getLogger(__name__)

KEY_ENV = "SELSTATS_PSEUDONYM_KEY"
DEFAULT_KEY_FILE = DATA_DIR / ".pseudonym.key"
PREFIX = "nn-"
MASK = "***********"  # what a problem shows instead of a national number

_HEX_KEY = re.compile(r"(?:[0-9a-fA-F]{2}){16,}")

# Separators people and spreadsheets put between the digits: 85.07.30-033.28, 85 07 30 033 28,
# 85,07,30-033,28 (a Belgian locale's grouping), 85/07/30.
_PUNCTUATION = r"[\s.,\-/]"
# A number as a float or in scientific notation, as a Parquet float column, a CSV cell written
# from a float (85073003328.0, 85073003328,00) or Excel's display of a long number
# (8.5073003328E10, 8,5073003328E+10) give it.
_WRITTEN_NUMBER = r"^[0-9]{1,11}(?:[.,][0-9]{1,15})?(?:[eE]\+?[0-9]{1,2})?$"
_FLOAT_OR_EXPONENT = r"[.,]0+$|[eE]"
# Excel's ways of keeping a number as text: a leading apostrophe ('85073003328, also typed
# as a typographic one) and a formula giving text (="85073003328").
_TEXT_FORMULA = r'^="(.*)"$'
_TEXT_MARKS = "'’‘`"
# Months a national number can hold: 00 (birth date unknown), 01-12, and +20 or +40 for
# bis numbers (BIS register).
_MONTHS = [f"{m:02d}" for m in (0, *range(1, 13), *range(20, 33), *range(40, 53))]

# National numbers inside free text (a message, a traceback), in the forms above.
_IN_TEXT = re.compile(
    r"(?<![0-9])(?:"
    r"[0-9]{1,11}[.,][0-9]{1,15}[eE]\+?[0-9]{1,2}"  # 8.5073003328E10
    r"|[0-9](?:[\s.,\-/]?[0-9]){7,10}(?:[.,]0+)?"  # 85073003328, 85.07.30-033.28, ...0
    r")(?![0-9])"
)


# Only text of digits and the marks numbers are written with can be a national number.
_MAYBE = r"^[\s'’‘`=\"]*[0-9][0-9.,\s\-/eE+\"]{6,}$"


def _cleaned(text: pl.Expr) -> pl.Expr:
    """The cell without surrounding blanks, Excel's apostrophe or ="..." formula."""
    trimmed = text.str.strip_chars().str.replace(_TEXT_FORMULA, "${1}")
    return trimmed.str.strip_chars_start(_TEXT_MARKS).str.strip_chars()


def _written_number(frame: pl.DataFrame) -> pl.Series:
    """Per `text`: the whole number a float or scientific form stands for, as digits
    (85073003328.0 and 8.5073003328E10 -> 85073003328); null for anything else. Eight to
    eleven digits: a national number that lost leading zeros as a number is shorter."""
    text = pl.col("text")
    number = text.str.contains(_WRITTEN_NUMBER) & text.str.contains(_FLOAT_OR_EXPONENT)
    value = pl.when(number).then(text.str.replace(",", ".", literal=True)).cast(pl.Float64)
    staged = frame.select(value.alias("value"))
    whole = pl.col("value").is_between(1e7, 1e11, closed="left") & (
        pl.col("value") == pl.col("value").floor()
    )
    written = pl.when(whole).then(pl.col("value").cast(pl.Int64).cast(pl.String))
    return staged.select(written.alias("written"))["written"]


def _valid(digits: pl.Series, lost_leading_zero: bool) -> pl.Series:
    """Per value of `digits`: its 11 digits when it is a national number, else null.

    YYMMDDSSS CC: CC = 97 - (YYMMDDSSS mod 97), or for births from 2000 on
    97 - (2YYMMDDSSS mod 97). With `lost_leading_zero`, shorter runs count when the zeros a
    number loses in a spreadsheet make them valid: 10 digits (born 2001-2009: Excel stores
    01020312345 as 1020312345) by either rule, as before; 9 or 8 digits (born in 2000:
    00111512345 becomes 111512345, 00051512345 becomes 51512345) only by the 2000 rule and
    with a possible month and day, which keeps opaque numeric references out.

    Computed in stages (one column at a time): one nested expression made polars repeat
    every shared part, 25 s for 200,000 references instead of a fraction of a second.
    """
    d = pl.col("d")
    frame = pl.DataFrame({"d": digits}).select(
        pl.when(d.str.contains(r"^[0-9]{8,11}$")).then(d).alias("d")
    )
    n = d.str.len_chars()
    full: pl.Expr = pl.when(n == 11).then(d)
    short: pl.Expr = pl.lit(None, dtype=pl.String)
    if lost_leading_zero:
        full = pl.when(n == 11).then(d).when(n == 10).then("0" + d)
        short = pl.when(n == 9).then("00" + d).when(n == 8).then("000" + d)
    frame = frame.select(full.alias("full"), short.alias("short"))
    frame = frame.with_columns(
        pl.col("full").str.slice(0, 9).cast(pl.Int64).alias("base"),
        pl.col("full").str.slice(9, 2).cast(pl.Int64).alias("check"),
        (pl.col("short").str.slice(0, 9).cast(pl.Int64) + 2_000_000_000).alias("short_base"),
        pl.col("short").str.slice(9, 2).cast(pl.Int64).alias("short_check"),
        pl.col("short").str.slice(2, 2).is_in(_MONTHS).alias("month_ok"),
        (pl.col("short").str.slice(4, 2).cast(pl.Int64) <= 31).alias("day_ok"),
    )
    base, check = pl.col("base"), pl.col("check")
    either = (97 - base % 97 == check) | (97 - (base + 2_000_000_000) % 97 == check)
    born_2000 = (
        (97 - pl.col("short_base") % 97 == pl.col("short_check"))
        & pl.col("month_ok")
        & pl.col("day_ok")
    )
    found = pl.coalesce(
        pl.when(either.fill_null(False)).then(pl.col("full")),
        pl.when(born_2000.fill_null(False)).then(pl.col("short")),
    )
    return frame.select(found.alias("digits"))["digits"]


def national_digits_of(values: pl.Series, *, lost_leading_zero: bool = True) -> pl.Series:
    """Per value: the 11 digits of the national number it is written as, else null.

    Every form a person or a spreadsheet writes a number in is tried: with separators
    (85.07.30-033.28, 85,07,30-033,28, spaces), as a float (85073003328.0), in scientific
    notation (8.5073003328E10), behind Excel's apostrophe ('85073003328) or ="...", and, with
    `lost_leading_zero`, without the leading zeros a number loses (see `_valid`). A value
    counts only when its check number is right: an opaque reference stays as it is.
    """
    # Only text of digits and the marks numbers are written with can be one: references
    # such as C0042 stop at this first cut, so the stages below see few values.
    value = pl.col("value")
    maybe = value.str.contains(_MAYBE)
    frame = pl.DataFrame({"value": values.cast(pl.String)}).select(
        pl.when(maybe).then(_cleaned(value)).alias("text")
    )
    plain = frame.select(pl.col("text").str.replace_all(_PUNCTUATION, ""))["text"]
    return (
        pl.DataFrame(
            {
                "written": _valid(_written_number(frame), lost_leading_zero),
                "plain": _valid(plain, lost_leading_zero),
            }
        )
        .select(pl.coalesce("written", "plain").alias(values.name))
        .to_series()
    )


def national_digits(text: str, *, lost_leading_zero: bool = False) -> str | None:
    """The 11 digits of the national number `text` is written as, else None."""
    return _digits_of([text], lost_leading_zero)[0]


def _digits_of(texts: list[str], lost_leading_zero: bool) -> list[str | None]:
    values = pl.Series("v", texts, dtype=pl.String)
    return national_digits_of(values, lost_leading_zero=lost_leading_zero).to_list()


def is_national_number(text: str) -> bool:
    """True when `text` is a national number in any written form (11 digits with a valid
    check number; separators, a float or scientific form, Excel's apostrophe allowed)."""
    return national_digits(text) is not None


def pseudonymise(text: str, key: bytes) -> str:
    """`nn-` + the first 16 hex characters of HMAC-SHA256(key, the 11 digits).

    Raises ValueError for anything that is not a national number, so a caller cannot
    believe a value was protected when it was not.
    """
    digits = national_digits(text)
    if digits is None:
        raise ValueError("not a national number")
    return _hash(digits, key)


def _hash(digits: str, key: bytes) -> str:
    return PREFIX + hmac.new(key, digits.encode("ascii"), hashlib.sha256).hexdigest()[:16]


def _found(frame: pl.DataFrame, column: str, lost_leading_zero: bool) -> pl.DataFrame:
    """The distinct values of `column` that are national numbers, with their digits.
    A candidate has a row per step: each distinct value is looked at once."""
    cells = frame.get_column(column)
    # The first cut of `national_digits_of`, on every cell before the distinct values are
    # found: a million references such as C0042 are then never grouped.
    values = cells.filter(cells.cast(pl.String).str.contains(_MAYBE).fill_null(False)).unique()
    digits = national_digits_of(values, lost_leading_zero=lost_leading_zero)
    return pl.DataFrame({"value": values, "digits": digits}).drop_nulls("digits")


def has_national_numbers(frame: pl.DataFrame, column: str, lost_leading_zero: bool = True) -> bool:
    return not _found(frame, column, lost_leading_zero).is_empty()


def pseudonymise_column(
    frame: pl.DataFrame, column: str, key: bytes, lost_leading_zero: bool = True
) -> pl.DataFrame:
    """`frame` with every national number in `column` replaced by its pseudonym; other
    values are left as they are. Detection is vectorised over the distinct values; only
    the distinct numbers found are hashed one by one."""
    found = _found(frame, column, lost_leading_zero)
    if found.is_empty():
        return frame
    hashes = {d: _hash(d, key) for d in found.get_column("digits").unique().to_list()}
    log.info("pseudonymised %d distinct national numbers in %s", len(hashes), column)
    pseudonyms = [hashes[d] for d in found.get_column("digits").to_list()]
    return frame.with_columns(
        pl.col(column).replace(found.get_column("value"), pl.Series(pseudonyms, dtype=pl.String))
    )


def mask_national_numbers(text: str) -> str:
    """`text` with any national number in it blanked out, for messages and logs; the
    forms a spreadsheet writes count too, and so do numbers short of their leading zeros."""
    found = list(_IN_TEXT.finditer(text))
    if not found:
        return text
    digits = _digits_of([m.group(0) for m in found], lost_leading_zero=True)
    out, last = [], 0
    for match, d in zip(found, digits, strict=True):
        if d is not None:
            out.append(text[last : match.start()] + MASK)
            last = match.end()
    out.append(text[last:])
    return "".join(out)


def _parse_key(raw: bytes) -> bytes:
    text = raw.strip()
    try:
        decoded = text.decode("ascii")
    except UnicodeDecodeError:
        return raw
    return bytes.fromhex(decoded) if _HEX_KEY.fullmatch(decoded) else text


def key_file() -> Path:
    return settings().key_file or DEFAULT_KEY_FILE


def load_key() -> bytes:
    """The pseudonym key: `SELSTATS_PSEUDONYM_KEY` (hex or plain text), else the key file
    (`SELSTATS_KEY_FILE`, default data/.pseudonym.key), created on first use with 32
    random bytes, readable by its owner only (0600).

    Losing the key means new imports no longer match earlier pseudonyms: back it up.
    """
    given = settings().pseudonym_key
    env = given.get_secret_value() if given is not None else ""
    if env:
        key = _parse_key(env.encode("utf-8"))
        if len(key) < 16:
            log.warning("%s is shorter than 16 bytes; use 32 random bytes", KEY_ENV)
        return key
    path = key_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # created meanwhile by another process: read theirs
        else:
            with os.fdopen(fd, "w", encoding="ascii") as f:
                f.write(secrets.token_hex(32) + "\n")
            os.chmod(path, 0o600)
            log.warning("created a new pseudonym key at %s: back it up", path)
    if path.stat().st_mode & 0o077:
        log.warning("pseudonym key file %s is readable by others; chmod 600 it", path)
    key = _parse_key(path.read_bytes())
    if not key:
        raise ValueError(f"the pseudonym key file {path} is empty")
    return key
