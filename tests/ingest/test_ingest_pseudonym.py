"""National numbers: check digits worked out by hand, keyed pseudonyms, the key's home."""

from __future__ import annotations

import hashlib
import hmac
import stat
from pathlib import Path

import polars as pl
import pytest

from selstats.ingest import pseudonym, read_table_file
from selstats.ingest.pseudonym import (
    is_national_number,
    load_key,
    mask_national_numbers,
    pseudonymise,
    pseudonymise_column,
)

from .conftest import TEST_KEY, TEST_KEY_HEX

# 85073003328, born 30 July 1985, serial 033:
#   850730033 = 97 x 8,770,412 + 69   (97 x 8,770,412 = 877,041,200 - 26,311,236
#                                      = 850,729,964; 850,730,033 - 850,729,964 = 69)
#   check = 97 - 69 = 28  -> valid
BORN_1985 = "85073003328"
# 01020312345, born 3 February 2001, serial 123: the 2000+ rule prefixes a 2:
#   2010203123 = 97 x 20,723,743 + 52  (97 x 20,723,743 = 2,072,374,300 - 62,171,229
#                                       = 2,010,203,071; 2,010,203,123 - ... = 52)
#   check = 97 - 52 = 45  -> valid (the 1900 rule would need 97 - (10203123 mod 97):
#   10203123 = 97 x 105,186 + 81, so 16, not 45)
BORN_2001 = "01020312345"
# 85073003329: 29 is neither 28 (1900 rule) nor 57 (2000 rule: 2,000,000,000 mod 97 = 68
# as 97 x 20,618,556 = 1,999,999,932; (68 + 69) mod 97 = 40; 97 - 40 = 57)
WRONG_CHECK = "85073003329"


def expected_pseudonym(digits: str, key: bytes = TEST_KEY) -> str:
    return "nn-" + hmac.new(key, digits.encode(), hashlib.sha256).hexdigest()[:16]


@pytest.mark.parametrize(
    "text",
    [BORN_1985, "85.07.30-033.28", " 85 07 30 033 28 ", BORN_2001, "01.02.03-123.45"],
)
def test_valid_national_numbers(text: str) -> None:
    assert is_national_number(text)


@pytest.mark.parametrize(
    "text",
    [
        WRONG_CHECK,
        "8507300332",
        "850730033280",
        "C001",
        "",
        "85O73003328",
        "８５０７３００３３２８",
    ],
)
def test_not_national_numbers(text: str) -> None:
    assert not is_national_number(text)


def test_pseudonym_is_keyed_hmac_of_the_digits_whatever_the_punctuation() -> None:
    assert pseudonymise(BORN_1985, TEST_KEY) == expected_pseudonym(BORN_1985)
    assert pseudonymise("85.07.30-033.28", TEST_KEY) == expected_pseudonym(BORN_1985)
    assert pseudonymise(BORN_1985, b"another key") != pseudonymise(BORN_1985, TEST_KEY)
    assert len(pseudonymise(BORN_1985, TEST_KEY)) == 3 + 16


def test_pseudonymise_refuses_what_is_not_a_national_number() -> None:
    with pytest.raises(ValueError):
        pseudonymise("C001", TEST_KEY)


def test_pseudonymise_column_only_touches_national_numbers() -> None:
    frame = pl.DataFrame(
        {"ref": ["C001", BORN_1985, "85.07.30-033.28", WRONG_CHECK, None, "1020312345"]}
    )
    out = pseudonymise_column(frame, "ref", TEST_KEY)
    assert out["ref"].to_list() == [
        "C001",
        expected_pseudonym(BORN_1985),
        expected_pseudonym(BORN_1985),
        WRONG_CHECK,
        None,
        expected_pseudonym(BORN_2001),  # Excel dropped the leading zero
    ]
    strict = pseudonymise_column(frame, "ref", TEST_KEY, lost_leading_zero=False)
    assert strict["ref"][5] == "1020312345"


def test_mask_national_numbers_in_text() -> None:
    assert mask_national_numbers(f"dubbel: P1, {BORN_1985}, 1") == "dubbel: P1, ***********, 1"
    assert mask_national_numbers("85.07.30-033.28") == "***********"
    assert mask_national_numbers(WRONG_CHECK) == WRONG_CHECK


def test_read_table_file_never_returns_or_reports_a_raw_national_number(tmp_path: Path) -> None:
    path = tmp_path / "list_entries.csv"
    path.write_text(
        "procedure_code;candidate_ref;status\n"
        f"P1;{BORN_1985};hired\n"
        f"P1;85.07.30-033.28;ontslagen\n"  # the same person again, and a bad status
        f"P1;{BORN_2001};available\n",
        encoding="utf-8",
    )
    read = read_table_file(path)
    assert read.frame["candidate_ref"].to_list() == [
        expected_pseudonym(BORN_1985),
        expected_pseudonym(BORN_1985),
        expected_pseudonym(BORN_2001),
    ]
    assert [(p.code, p.row) for p in read.problems] == [
        ("unknown_value", 3),
        ("duplicate_key", 3),
    ]
    everything = repr(read.problems) + " ".join(
        p.message(lang) for p in read.problems for lang in ("nl", "fr", "en")
    )
    assert BORN_1985 not in everything and "85.07.30" not in everything


def test_load_key_from_environment_hex_or_text(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_key() == bytes.fromhex(TEST_KEY_HEX)
    monkeypatch.setenv("SELSTATS_PSEUDONYM_KEY", "a long enough passphrase for tests")
    assert load_key() == b"a long enough passphrase for tests"


def test_load_key_creates_a_private_key_file_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("SELSTATS_PSEUDONYM_KEY")
    key_path = tmp_path / "sub" / ".pseudonym.key"
    monkeypatch.setenv("SELSTATS_KEY_FILE", str(key_path))
    first = load_key()
    assert len(first) == 32
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    assert load_key() == first  # read back, not regenerated


def test_default_key_file_is_under_the_data_dir() -> None:
    from selstats.paths import DATA_DIR

    assert pseudonym.DEFAULT_KEY_FILE == DATA_DIR / ".pseudonym.key"


def test_key_is_not_loaded_when_no_national_number_is_seen(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("SELSTATS_PSEUDONYM_KEY")
    key_path = tmp_path / "k.key"
    monkeypatch.setenv("SELSTATS_KEY_FILE", str(key_path))
    path = tmp_path / "results.csv"
    path.write_text("procedure_code;candidate_ref;step_no\nP1;C1;1\n", encoding="utf-8")
    assert read_table_file(path).problems == []
    assert not key_path.exists()
