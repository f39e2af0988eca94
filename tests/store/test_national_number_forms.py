"""A national number in any form a file or a spreadsheet writes it never reaches the store
nor an export (issue 13, item 3): CSV cells as floats, in scientific notation, with comma
separators or Excel's apostrophe; XLSX number cells; Parquet float and integer columns.

Each candidate below is a different person with a valid number (check numbers worked out
by hand), written in one form. They sit the Maaseik reference procedure (steps /100 at
50 %, 60 % on the total of steps 2 and 3): screening passed, 60 and 70 -> 130 >= 120, so
every one of them is a laureate and shows up in the laureates export. A plain reference
rides along, so that the grep of the store's bytes is shown not to be vacuous.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import zipfile
from pathlib import Path

import polars as pl
import xlsxwriter

from . import TEST_KEY_HEX, read_table, run_cli, text, write_text

PROCEDURE = "MAASEIK-DBK-2026"
CONTROL = "KANDIDAAT-ZICHTBAAR"

# (the 11 digits, how the file writes them). YYMMDDSSS mod 97 by hand; check = 97 - rest:
CSV_FORMS = [
    # 850730033 = 97 x 8,770,412 + 69 -> 28
    ("85073003328", "85073003328.0"),
    # 751205123 = 97 x 7,744,382 + 69 (97 x 7,744,382 = 751,205,054) -> 28
    ("75120512328", "7.5120512328E10"),
    # 880101001 = 97 x 9,073,206 + 19 (97 x 9,073,206 = 880,100,982) -> 78
    ("88010100178", "88,01,01-001,78"),
    # 920630245 = 97 x 9,491,033 + 44 (97 x 9,491,033 = 920,630,201) -> 53
    ("92063024553", "'92063024553"),
    # 660315087 = 97 x 6,807,372 + 3 (97 x 6,807,372 = 660,315,084) -> 94
    ("66031508794", "66.03.15-087.94"),
    # 450101011 = 97 x 4,640,216 + 59 (97 x 4,640,216 = 450,100,952) -> 38
    ("45010101138", "45010101138"),
    # 830912456 = 97 x 8,566,107 + 77 (97 x 8,566,107 = 830,912,379) -> 20
    ("83091245620", "83 09 12 456 20"),
    # born 2001: 2010203123 = 97 x 20,723,743 + 52 -> 45; the float lost the leading zero
    ("01020312345", "1020312345.0"),
]
# 771231999 = 97 x 7,950,845 + 34 (97 x 7,950,845 = 771,231,965) -> 63
XLSX_INT = "77123199963"
# 930405321 = 97 x 9,591,807 + 42 (97 x 9,591,807 = 930,405,279) -> 55
XLSX_FLOAT = "93040532155"
# 900214123 = 97 x 9,280,557 + 94 -> 03
PARQUET_FLOAT = "90021412303"
# born 15 November 2000: 2001115123 = 97 x 20,630,052 + 79 -> 18; as a number 111512318
PARQUET_FLOAT_2000 = "00111512318"
# 660315088 = 97 x 6,807,372 + 4 (one more than 660315087's rest of 3) -> 93
PARQUET_INT = "66031508893"

ALL_DIGITS = sorted(
    {d for d, _ in CSV_FORMS}
    | {XLSX_INT, XLSX_FLOAT, PARQUET_FLOAT, PARQUET_FLOAT_2000}
    | {PARQUET_INT}
)


def _pseudonym(digits: str) -> str:
    key = bytes.fromhex(TEST_KEY_HEX)
    return "nn-" + hmac.new(key, digits.encode(), hashlib.sha256).hexdigest()[:16]


def _rows(ref: str) -> list[tuple[str, int, float | None, str | None]]:
    return [(ref, 1, None, "geslaagd"), (ref, 2, 60.0, None), (ref, 3, 70.0, None)]


def _forbidden(digits: str) -> list[bytes]:
    """What must never be in a file: the digits, the birth date and serial, the number as a
    float and in the usual dotted form, with the leading zeros a number loses."""
    short = digits.lstrip("0")
    forms = {
        digits,
        digits[:9],
        short,
        f"{int(digits)}.0",
        f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}-{digits[6:9]}.{digits[9:]}",
        f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}",
    }
    return [f.encode() for f in forms]


def _assert_nowhere(blob: bytes, where: str) -> None:
    for digits in ALL_DIGITS:
        for form in _forbidden(digits):
            assert form not in blob, f"{form!r} of {digits} found in {where}"
            assert form.decode().encode("utf-16-le") not in blob, f"{form!r} (UTF-16) in {where}"
    for _, written in CSV_FORMS:
        assert written.strip().encode() not in blob, f"{written!r} found in {where}"


def _import(tmp: Path, db: Path, path: Path) -> bytes:
    done = run_cli(["import", path, "--db", db, "--lang", "en"], tmp)
    assert done.returncode == 0, text(done.stderr)
    return done.stdout + done.stderr


def test_no_form_of_a_national_number_reaches_the_store_or_an_export(tmp_path: Path) -> None:
    db = tmp_path / "store" / "selstats.duckdb"
    output = b""

    csv_rows = [r for _, form in CSV_FORMS for r in _rows(form)] + _rows(CONTROL)
    lines = ["procedure_code;candidate_ref;step_no;score;outcome"] + [
        f"{PROCEDURE};{ref};{step};{'' if score is None else int(score)};{outcome or ''}"
        for ref, step, score, outcome in csv_rows
    ]
    output += _import(tmp_path, db, write_text(tmp_path / "csv" / "results.csv", "\n".join(lines)))

    xlsx = tmp_path / "xlsx" / "results.xlsx"
    xlsx.parent.mkdir()
    book = xlsxwriter.Workbook(str(xlsx))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["procedure_code", "candidate_ref", "step_no", "score", "outcome"])
    row = 1
    for number in (int(XLSX_INT), float(XLSX_FLOAT)):  # number cells, as Excel keeps them
        for _, step, score, outcome in _rows(""):
            sheet.write_string(row, 0, PROCEDURE)
            sheet.write_number(row, 1, number)
            sheet.write_number(row, 2, step)
            if score is not None:
                sheet.write_number(row, 3, score)
            if outcome:
                sheet.write_string(row, 4, outcome)
            row += 1
    book.close()
    output += _import(tmp_path, db, xlsx)

    floats = [r for d in (PARQUET_FLOAT, PARQUET_FLOAT_2000) for r in _rows(d)]
    parquet = tmp_path / "parquet" / "results.parquet"
    parquet.parent.mkdir()
    pl.DataFrame(
        {
            "procedure_code": [PROCEDURE] * len(floats),
            "candidate_ref": pl.Series([float(r[0]) for r in floats], dtype=pl.Float64),
            "step_no": [r[1] for r in floats],
            "score": [r[2] for r in floats],
            "outcome": [r[3] for r in floats],
        }
    ).write_parquet(parquet)
    output += _import(tmp_path, db, parquet)

    ints = _rows(PARQUET_INT)
    parquet_int = tmp_path / "parquet_int" / "results.parquet"
    parquet_int.parent.mkdir()
    pl.DataFrame(
        {
            "procedure_code": [PROCEDURE] * len(ints),
            "candidate_ref": pl.Series([int(r[0]) for r in ints], dtype=pl.Int64),
            "step_no": [r[1] for r in ints],
            "score": [r[2] for r in ints],
            "outcome": [r[3] for r in ints],
        }
    ).write_parquet(parquet_int)
    output += _import(tmp_path, db, parquet_int)

    # What is stored: the pseudonym of each person, the control as it came.
    refs = set(read_table(db, "results")["candidate_ref"])
    assert refs == {_pseudonym(d) for d in ALL_DIGITS} | {CONTROL}

    # The store's bytes (the file and anything beside it), and the commands' output.
    store_bytes = b"".join(p.read_bytes() for p in sorted(db.parent.iterdir()) if p.is_file())
    assert CONTROL.encode() in store_bytes, "plain text must be visible: the grep means something"
    _assert_nowhere(store_bytes, "the store")
    _assert_nowhere(output, "the import output")

    # Every export format of the laureates, read as the text a user gets.
    export = run_cli(["export", "laureates", "--db", db, "--procedure", PROCEDURE], tmp_path)
    assert export.returncode == 0, text(export.stderr)
    laureate_refs = {line.split(b",")[1].decode() for line in export.stdout.splitlines()[1:]}
    assert laureate_refs == {_pseudonym(d) for d in ALL_DIGITS} | {CONTROL}
    _assert_nowhere(export.stdout + export.stderr, "the CSV export")
    for fmt in ("xlsx", "parquet"):
        out = tmp_path / f"laureates.{fmt}"
        done = run_cli(
            ["export", "laureates", "--db", db, "--procedure", PROCEDURE, "--format", fmt,
             "--out", out],
            tmp_path,
        )  # fmt: skip
        assert done.returncode == 0, text(done.stderr)
        if fmt == "xlsx":  # a ZIP: grep the XML inside, not the compressed bytes
            with zipfile.ZipFile(out) as archive:
                blob = b"".join(archive.read(name) for name in archive.namelist())
            assert _pseudonym(PARQUET_INT).encode() in blob
        else:  # compressed columns: read back every cell as text
            frame = pl.read_parquet(io.BytesIO(out.read_bytes()))
            blob = "\n".join(
                str(v) for column in frame.columns for v in frame[column].to_list()
            ).encode()
            assert _pseudonym(PARQUET_INT).encode() in blob
        _assert_nowhere(blob + out.read_bytes(), f"the {fmt} export")
