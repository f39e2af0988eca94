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
    national_digits,
    pseudonymise,
    pseudonymise_column,
)

from .conftest import DATA, TEST_KEY, TEST_KEY_HEX

NATIONAL = DATA / "national_numbers"

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
# Born 15 November 2000, serial 123: 2001115123 = 97 x 20,630,052 + 79
#   (97 x 20,630,052 = 2,063,005,200 - 61,890,156 = 2,001,115,044; 2,001,115,123 - ... = 79)
#   check = 97 - 79 = 18 -> 00111512318, which a number column holds as 111512318.
BORN_2000_NOV = "00111512318"
# Born 15 May 2000, serial 123: 2000515123 = 97 x 20,623,867 + 24
#   (97 x 20,623,867 = 2,062,386,700 - 61,871,601 = 2,000,515,099; ... + 24)
#   check = 97 - 24 = 73 -> 00051512373, held as the number 51512373.
BORN_2000_MAY = "00051512373"


def expected_pseudonym(digits: str, key: bytes = TEST_KEY) -> str:
    return "nn-" + hmac.new(key, digits.encode(), hashlib.sha256).hexdigest()[:16]


@pytest.mark.parametrize(
    "text",
    [BORN_1985, "85.07.30-033.28", " 85 07 30 033 28 ", BORN_2001, "01.02.03-123.45"],
)
def test_valid_national_numbers(text: str) -> None:
    assert is_national_number(text)


# Every form a file or a spreadsheet writes 85073003328 in (issue 13, item 3).
FORMS_OF_BORN_1985 = [
    "85073003328.0",  # a float column of a Parquet file, or a CSV written from one
    "85073003328,00",  # the same with a decimal comma
    "8.5073003328E10",  # Excel's display of a long number, copied as text
    "8,5073003328E+10",  # the same in a Belgian locale
    "8.5073003328e+10",
    "85,07,30-033,28",  # commas between the groups
    "'85073003328",  # Excel's apostrophe that keeps a number as text
    "’85073003328",
    '="85073003328"',  # Excel's text formula in a CSV export
    "85.07.30-033.28",
    "85073003328",
    " 85 07 30 033 28 ",
]


@pytest.mark.parametrize("text", FORMS_OF_BORN_1985)
def test_every_written_form_is_the_same_national_number(text: str) -> None:
    assert national_digits(text) == BORN_1985
    assert is_national_number(text)
    assert pseudonymise(text, TEST_KEY) == expected_pseudonym(BORN_1985)


@pytest.mark.parametrize(
    "text",
    [
        "85073003329.0",  # the wrong check number stays wrong in every form
        "8.5073003329E10",
        "'85073003329",
        "85,07,30-033,29",
        "85073003328.5",  # not a whole number: 850730033285 has 12 digits
        "8.50730033285E10",  # 85073003328.5
        "8.5073003328E11",  # 850730033280: 12 digits
        "1e300",
        "C-0042",
    ],
)
def test_other_forms_that_are_not_national_numbers(text: str) -> None:
    assert national_digits(text, lost_leading_zero=True) is None


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("1020312345", BORN_2001),  # one zero lost (as before)
        ("1020312345.0", BORN_2001),
        ("1.020312345E9", BORN_2001),
        ("111512318", BORN_2000_NOV),  # two zeros lost
        ("111512318.0", BORN_2000_NOV),
        ("51512373", BORN_2000_MAY),  # three zeros lost
        ("5.1512373E7", BORN_2000_MAY),
    ],
)
def test_numbers_that_lost_their_leading_zeros(text: str, digits: str) -> None:
    assert national_digits(text, lost_leading_zero=True) == digits
    assert national_digits(text) is None  # only where a spreadsheet can have dropped them


@pytest.mark.parametrize(
    "text",
    [
        # 9 digits by the 1900 rule only: 001115123 = 97 x 11,496 + 11 (97 x 11,496 =
        # 1,115,112), check 97 - 11 = 86: 111512386 would be valid for someone born in 1900,
        # which no candidate is; the short forms count only for births in 2000.
        "111512386",
        # a right 2000 check number but month 13: 0013151231x; 2001315123 = 97 x 20,632,114
        # + 65 (97 x 20,632,114 = 2,001,315,058), check 32 -> 131512332 is no birth date.
        "131512332",
    ],
)
def test_short_numbers_need_the_2000_rule_and_a_possible_date(text: str) -> None:
    assert national_digits(text, lost_leading_zero=True) is None


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
    assert mask_national_numbers("a 85073003328.0 b 8.5073003328E10 c 85,07,30-033,28 d") == (
        "a *********** b *********** c *********** d"
    )
    assert mask_national_numbers("ValueError: '1020312345.0'") == "ValueError: '***********'"
    assert mask_national_numbers("rows 12 and 13, 8.5073003329E10") == (
        "rows 12 and 13, 8.5073003329E10"
    )


def _nn(digits: str) -> str:
    return expected_pseudonym(digits)


def test_csv_corpus_every_form_becomes_the_pseudonym() -> None:
    """tests/data/national_numbers/csv: P1-P10 are 85073003328 in ten forms, P11 born 2001
    as a float without its leading zero, P12 born 2000 without two; P13-P15 are opaque."""
    read = read_table_file(NATIONAL / "csv" / "list_entries.csv")
    assert read.problems == []
    assert read.frame.select("procedure_code", "candidate_ref").rows() == [
        *[(f"P{i}", _nn(BORN_1985)) for i in range(1, 11)],
        ("P11", _nn(BORN_2001)),
        ("P12", _nn(BORN_2000_NOV)),
        ("P13", "85073003329.0"),
        ("P14", "8.5073003329E10"),
        ("P15", "C-0042"),
    ]


def test_xlsx_corpus_number_cells_become_the_pseudonym() -> None:
    """Number cells (integer and float), numbers that lost leading zeros, a pasted
    scientific display; P6 has the wrong check number and stays."""
    read = read_table_file(NATIONAL / "xlsx" / "list_entries.xlsx")
    assert read.problems == []
    assert read.frame.select("procedure_code", "candidate_ref").rows() == [
        ("P1", _nn(BORN_1985)),
        ("P2", _nn(BORN_1985)),
        ("P3", _nn(BORN_2001)),
        ("P4", _nn(BORN_2000_MAY)),
        ("P5", _nn(BORN_1985)),
        ("P6", WRONG_CHECK),
    ]


def test_parquet_corpus_float_and_integer_columns_become_the_pseudonym() -> None:
    floats = read_table_file(NATIONAL / "parquet" / "list_entries.parquet")
    assert floats.problems == []
    assert floats.frame["candidate_ref"].to_list() == [
        _nn(BORN_1985),
        _nn(BORN_2001),
        _nn(BORN_2000_NOV),
        "85073003329.0",  # the float column's text of a wrong number: kept as it came
    ]
    integers = read_table_file(NATIONAL / "parquet_int" / "list_entries.parquet")
    assert integers.problems == []
    assert integers.frame["candidate_ref"].to_list() == [_nn(BORN_1985), WRONG_CHECK]


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
