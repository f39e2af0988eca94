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

log = logging.getLogger(__name__)

KEY_ENV = "SELSTATS_PSEUDONYM_KEY"
KEY_FILE_ENV = "SELSTATS_KEY_FILE"
DEFAULT_KEY_FILE = DATA_DIR / ".pseudonym.key"
PREFIX = "nn-"
MASK = "***********"  # what a problem shows instead of a national number

_PUNCTUATION = r"[\s.\-/]"
_HEX_KEY = re.compile(r"(?:[0-9a-fA-F]{2}){16,}")
# 11 digits, optionally written as 85.07.30-033.28 or with spaces
_IN_TEXT = re.compile(r"(?<![\d])\d{2}(?:[\s.\-/]?\d){9}(?![\d])")


def _digits(text: str) -> str:
    return re.sub(_PUNCTUATION, "", text.strip())


def _checksum_ok(digits: str) -> bool:
    """YYMMDDSSS CC: CC = 97 - (YYMMDDSSS mod 97), or with 2 prefixed for births from
    2000 on (97 - (2YYMMDDSSS mod 97))."""
    base, check = int(digits[:9]), int(digits[9:])
    return 97 - base % 97 == check or 97 - (2_000_000_000 + base) % 97 == check


def is_national_number(text: str) -> bool:
    """True when `text` is 11 digits (punctuation allowed) with a valid check number."""
    digits = _digits(text)
    return len(digits) == 11 and digits.isascii() and digits.isdigit() and _checksum_ok(digits)


def pseudonymise(text: str, key: bytes) -> str:
    """`nn-` + the first 16 hex characters of HMAC-SHA256(key, the 11 digits).

    Raises ValueError for anything that is not a national number, so a caller cannot
    believe a value was protected when it was not.
    """
    if not is_national_number(text):
        raise ValueError("not a national number")
    return _hash(_digits(text), key)


def _hash(digits: str, key: bytes) -> str:
    return PREFIX + hmac.new(key, digits.encode("ascii"), hashlib.sha256).hexdigest()[:16]


def _national_digits(column: str, lost_leading_zero: bool) -> tuple[pl.Expr, pl.Expr]:
    """(the 11 digits, is-a-national-number) as expressions over `column`.

    With `lost_leading_zero`, 10 digits count when a leading 0 makes them valid: Excel
    stores 01020312345 as the number 1020312345, so people born 2000-2009 come out short.
    """
    digits = pl.col(column).str.replace_all(_PUNCTUATION, "")
    if lost_leading_zero:
        digits = pl.when(digits.str.contains(r"^\d{10}$")).then("0" + digits).otherwise(digits)
    base = digits.str.slice(0, 9).cast(pl.Int64, strict=False)
    check = digits.str.slice(9, 2).cast(pl.Int64, strict=False)
    ok = (97 - base % 97 == check) | (97 - (base + 2_000_000_000) % 97 == check)
    is_nn = (digits.str.contains(r"^\d{11}$") & ok).fill_null(False)
    return digits, is_nn


def has_national_numbers(frame: pl.DataFrame, column: str, lost_leading_zero: bool = True) -> bool:
    _, is_nn = _national_digits(column, lost_leading_zero)
    # A candidate has a row per step: test each distinct value once.
    return bool(frame.select(pl.col(column).unique()).select(is_nn.any()).item())


def pseudonymise_column(
    frame: pl.DataFrame, column: str, key: bytes, lost_leading_zero: bool = True
) -> pl.DataFrame:
    """`frame` with every national number in `column` replaced by its pseudonym; other
    values are left as they are. Detection is vectorised; only the distinct numbers found
    are hashed one by one."""
    digits, is_nn = _national_digits(column, lost_leading_zero)
    found = frame.select(digits.filter(is_nn).unique().alias("d"))["d"].to_list()
    if not found:
        return frame
    mapping = {d: _hash(d, key) for d in found}
    log.info("pseudonymised %d distinct national numbers in %s", len(mapping), column)
    return frame.with_columns(
        pl.when(is_nn)
        .then(digits.replace_strict(mapping, default=None, return_dtype=pl.String))
        .otherwise(pl.col(column))
        .alias(column)
    )


def mask_national_numbers(text: str) -> str:
    """`text` with any national number in it blanked out, for messages and logs."""
    return _IN_TEXT.sub(lambda m: MASK if is_national_number(m.group(0)) else m.group(0), text)


def _parse_key(raw: bytes) -> bytes:
    text = raw.strip()
    try:
        decoded = text.decode("ascii")
    except UnicodeDecodeError:
        return raw
    return bytes.fromhex(decoded) if _HEX_KEY.fullmatch(decoded) else text


def key_file() -> Path:
    return Path(os.environ.get(KEY_FILE_ENV) or DEFAULT_KEY_FILE)


def load_key() -> bytes:
    """The pseudonym key: `SELSTATS_PSEUDONYM_KEY` (hex or plain text), else the key file
    (`SELSTATS_KEY_FILE`, default data/.pseudonym.key), created on first use with 32
    random bytes, readable by its owner only (0600).

    Losing the key means new imports no longer match earlier pseudonyms: back it up.
    """
    env = os.environ.get(KEY_ENV)
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
