"""Writes the committed test files in tests/data/good, tests/data/bad and
tests/data/national_numbers.

Run `.venv/bin/python tests/ingest/corpus.py` after changing a case. Text files are
written byte for byte here (BOMs, CRLF, Windows-1252) so their quirks are visible in
review; workbooks and Parquet files need a library to write. Large and bomb files are
not committed: the tests generate them in a temporary folder.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import polars as pl
import xlsxwriter

DATA = Path(__file__).resolve().parents[1] / "data"
GOOD = DATA / "good"
BAD = DATA / "bad"
NATIONAL = DATA / "national_numbers"

BOM = b"\xef\xbb\xbf"


def _text(path: Path, text: str, encoding: str = "utf-8", bom: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((BOM if bom else b"") + text.encode(encoding))


def crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


def good() -> None:
    _text(
        GOOD / "results.csv",
        crlf(
            "procedure_code;candidate_ref;step_no;score;outcome;result_date\n"
            "P-2024-001;C001;1;12,5;geslaagd;05/03/2024\n"
            "P-2024-001;C002;1;7,25;Niet geslaagd;5/3/2024\n"
            "P-2024-001;C003;1;;afwezig;2024-03-05\n"
            "P-2024-001;85.07.30-033.28;1;1.234,5;réussi;05.03.2024\n"
            "P-2024-001;C001;2;15;passed;06-03-2024\n"
        ),
        bom=True,
    )
    _text(
        GOOD / "organisations.csv",
        crlf(
            "Org_ID ; Name ;Government;certification;review_date\n"
            "ORG1;Federale Overheidsdienst Financiën;federal;client;15/01/2024\n"
            "ORG2;Stad Gent – € budgetdienst;Vlaams;individueel;\n"
            "ORG3;Commune d'Ixelles;local;none;01/12/2023\n"
        ),
        encoding="cp1252",
    )
    _text(
        GOOD / "steps.csv",
        "procedure_code,step_no,name,kind,max_score,pass_mark,pass_unit,top_n,"
        "total_of_steps,total_pass_percent,,\n"
        "P1,1,Screening,screening,,,,,,,,\n"
        'P1,2,Schriftelijke proef,written,20,10,points,,"2,3",60,,\n'
        'P1,3,Interview,Interview,100,50,percent,10,"2,3",60 %,,\n'
        ",,,,,,,,,,,\n"
        "Totaal,3,,,,,,,,,,\n",
    )
    _text(
        GOOD / "consultants.csv",
        "consultant_ref;org_id;language_role;az_certified;tests_certified;pro_partner;"
        "assessment_certified\n"
        "K1;ORG1;nl;ja;nee;WAAR;0\n"
        "K2;ORG1;FR;oui;non;faux;1\n"
        "K3;ORG2;Nederlands;TRUE;false;yes;no\n",
    )
    _text(
        GOOD / "qchecks.csv",
        "consultant_ref,procedure_code,check_date,score_percent\n"
        "K1,P1,05/03/2024,85.5\n"
        'K2,P1,2024-03-06,"92,5"\n'
        "K3,P1,7.3.2024,100\n",
    )
    _text(GOOD / "list_entries.csv", "procedure_code;candidate_ref;status;status_date\n")

    wb = xlsxwriter.Workbook(str(GOOD / "results.xlsx"))
    ws = wb.add_worksheet("Resultaten")
    wb.add_worksheet("Notes").write(0, 0, "ignored: only the first sheet is read")
    date_format = wb.add_format({"num_format": "dd/mm/yyyy"})
    ws.write_row(0, 0, ["Procedure_Code", "Candidate_Ref", "Step_No", "Score", "Outcome"])
    ws.write(0, 5, "Result Date")
    ws.write_row(1, 0, ["P-2024-002", "C101", 1, 14.5, "geslaagd"])
    ws.write_datetime(1, 5, dt.datetime(2024, 3, 5), date_format)  # a real date cell
    ws.write_row(2, 0, ["P-2024-002", 85073003328, 1])  # a national number typed as a number
    ws.write_formula(2, 3, "=10+2.5", None, 12.5)  # cached value 12.5
    ws.write(2, 4, "Échoué")
    ws.write_number(2, 5, 45357)  # serial day number: 2024-03-06
    ws.write_row(3, 0, ["P-2024-002", "C103", 2, None, "afwezig", "07/03/2024"])
    ws.write(5, 0, "Totaal")
    ws.write_formula(5, 3, "=SUM(D2:D4)", None, 27)
    wb.close()

    pl.DataFrame(
        {
            "procedure_code": ["P-2024-001", "P-2024-002"],
            "org_id": ["ORG1", "ORG2"],
            "title": ["Attaché financiën", "Deskundige HR"],
            "level": ["A2", "b"],
            "places": pl.Series([2, None], dtype=pl.Int32),
            "ranked": [True, False],
            "list_date": [dt.date(2024, 4, 30), None],
            "validity_months": pl.Series([24, 12], dtype=pl.Int64),
            "comment": ["not in the contract", None],
        }
    ).write_parquet(GOOD / "procedures.parquet")


def bad() -> None:
    results_header = "procedure_code;candidate_ref;step_no;score;outcome;result_date\n"
    cases = {
        "ragged_row/results.csv": results_header
        + "P1;C1;1;12,5;geslaagd;05/03/2024\n"
        + "P1;C2;1;10;geslaagd;05/03/2024;oeps\n"
        + "P1;C3;1;9;geslaagd;05/03/2024;;\n",
        "score_not_a_number/results.csv": results_header
        + "P1;C1;1;12,5;geslaagd;05/03/2024\n"
        + "P1;C2;1;afwezig;;05/03/2024\n"
        + "P1;C3;1;twaalf;;05/03/2024\n",
        "negative_score/results.csv": results_header + "P1;C1;1;-2,5;niet geslaagd;05/03/2024\n",
        "score_out_of_range/qchecks.csv": "consultant_ref;procedure_code;check_date;score_percent\n"
        + "K1;P1;05/03/2024;85\n"
        + "K1;P2;06/03/2024;120\n"
        + "K2;P1;05/03/2024;-1\n",
        "bad_date/results.csv": results_header
        + "P1;C1;1;12;;31/02/2024\n"
        + "P1;C2;1;12;;05/03/24\n"
        + "P1;C3;1;12;;gisteren\n"
        + "P1;C4;1;12;;05/03/0224\n",
        "bad_bool/consultants.csv": "consultant_ref;org_id;language_role;az_certified\n"
        + "K1;ORG1;nl;ja\n"
        + "K2;ORG1;fr;misschien\n",
        "unknown_outcome/results.csv": results_header
        + "P1;C1;1;;geslaagd;\n"
        + "P1;C2;1;;gebuisd;\n",
        "missing_required_column/results.csv": "procedure_code;candidate_ref;score\n"
        + "P1;C1;12\n",
        "missing_value/results.csv": results_header + "P1;;1;12;;\n" + ";C2;;12;;\n",
        "duplicate_key/steps.csv": "procedure_code;step_no;name\n"
        + "P1;1;Screening\n"
        + "P1;2;Test\n"
        + "P1;1;Screening bis\n"
        + "P1;2,0;Test bis\n",
        "empty_file/results.csv": "",
        "blank_lines_only/results.csv": "\n  \n;;;\n",
        "unknown_table/resultaten.csv": results_header + "P1;C1;1;12;;\n",
        "text_renamed/results.xlsx": results_header + "P1;C1;1;12;;\n",
        "not_parquet/procedures.parquet": "procedure_code;org_id\nP1;ORG1\n",
        "bad_quotes/results.csv": results_header
        + "P1;C1;1;12;;\n"
        + 'P1;"C2;1;12;;\n'
        + "P1;C3;1;12;;\n",
        "unnamed_column/organisations.csv": "org_id;;name\nO1;x;Naam\nO2;;Naam 2\n",
        "duplicate_column/organisations.csv": "org_id;name;Name\nO1;A;B\n",
        "bad_procedure/procedures.csv": "procedure_code;org_id;level;places;list_max;"
        "application_deadline;ranked\n"
        + "P1;ORG1;A2;2;10;01/02/2024;ja\n"
        + "P2;ORG1;Z9;2,5;0;2024-13-01;soms\n",
        "bad_steps/steps.csv": "procedure_code;step_no;name;kind;max_score;pass_unit;"
        "total_of_steps;total_pass_percent\n"
        + "P1;0;Screening;screening;;;;\n"
        + "P1;2;Test;quiz;0;punten;2.3;150\n"
        + "P1;3;Interview;interview;20;procent;2,3;60\n",
        "bad_list_entries/list_entries.csv": "procedure_code;candidate_ref;status;extended_until\n"
        + "P1;C1;hired;01/01/2025\n"
        + "P1;C2;ontslagen;1/1/2025\n",
    }
    for name, text in cases.items():
        _text(BAD / name, text)
    # Windows-1252 with a euro sign and accents, and one bad value in it
    _text(
        BAD / "cp1252_bad_value/organisations.csv",
        "org_id;name;government;review_date\n"
        "ORG1;Financiën – € 2024;federal;15/01/2024\n"
        "ORG2;Société wallonne;wallonië;15/01/2024\n",
        encoding="cp1252",
    )
    (BAD / "binary_junk").mkdir(parents=True, exist_ok=True)
    (BAD / "binary_junk/results.csv").write_bytes(bytes(range(256)) * 4)
    bad_bytes()

    # a real workbook (a ZIP) given a .csv name
    zip_path = BAD / "zip_renamed/results.csv"
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")

    path = BAD / "formula_error/results.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["procedure_code", "candidate_ref", "step_no", "score"])
    ws.write_row(1, 0, ["P1", "C1", 1, 12])
    ws.write_row(2, 0, ["P1", "C2", 1])
    ws.write_formula(2, 3, "=D2/0", None, "#DIV/0!")
    ws.write_row(3, 0, ["P1", "C3"])
    ws.write_formula(3, 2, "=#REF!+1", None, "#REF!")
    ws.write(3, 3, 9)
    wb.close()

    path = BAD / "formula_no_value/organisations.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["org_id", "name"])
    sheet.append(["ORG1", '=CONCATENATE("Stad ", "Gent")'])  # openpyxl stores no result
    sheet.append(["ORG2", "Stad Brugge"])
    book.save(path)


def bad_bytes() -> None:
    """Bytes that are not one text (issue 13, item 9); each case names its line."""
    # Two exports pasted together: line 2 in UTF-8, line 3 in Windows-1252 ("è" is C3 A8
    # in one, E8 in the other). One line each: the tie goes to UTF-8, line 3 is named.
    path = BAD / "mixed_encoding" / "organisations.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes("org_id;name\nORG1;Liège\n".encode() + "ORG2;Liège Centre\n".encode("cp1252"))
    # A NUL byte on line 402, past the first 8 KB the guard sniffs: the header (line 1) and
    # 400 lines of 28 bytes ("P1;C0001;1;12,5;;05/03/2024" and its newline) come first,
    # 63 + 400 x 28 = 11,263 bytes.
    lines = ["procedure_code;candidate_ref;step_no;score;outcome;result_date"]
    lines += [f"P1;C{i:04};1;12,5;;05/03/2024" for i in range(1, 401)]
    lines.append("P1;C\x000401;1;12,5;;05/03/2024")
    lines.append("P1;C0402;1;12,5;;05/03/2024")
    _text(BAD / "nul_after_8k" / "results.csv", "\n".join(lines) + "\n")
    # A valid quoted cell over two lines, 20,000 + 1 (the line break) + 20,000 = 40,001
    # characters: more than the 32,767 a cell may hold, said as such on row 2, column name.
    text = ("Een heel lange omschrijving. " * 1400)[:40_000]
    paragraphs = text[:20_000] + "\n" + text[20_000:]
    _text(
        BAD / "long_cell" / "organisations.csv",
        f'org_id;name\nORG1;"{paragraphs}"\nORG2;Kort\n',
    )


def national_numbers() -> None:
    """One national number per row in each form a person, a spreadsheet or a typed column
    writes it, in list_entries files (one procedure per row, so no row repeats a key).
    tests/ingest/test_ingest_pseudonym.py lists what each row must read as."""
    header = "procedure_code;candidate_ref;status\n"
    _text(
        NATIONAL / "csv" / "list_entries.csv",
        header
        + "P1;85073003328.0;available\n"  # a float written to text
        + "P2;8.5073003328E10;available\n"  # Excel's scientific display
        + "P3;8,5073003328E+10;available\n"  # the same in a Belgian locale
        + "P4;85,07,30-033,28;available\n"  # commas as separators
        + "P5;'85073003328;available\n"  # Excel's text apostrophe
        + "P6;85.07.30-033.28;available\n"
        + "P7;85073003328;available\n"
        + "P8; 85 07 30 033 28 ;available\n"
        + 'P9;="85073003328";available\n'  # Excel's text formula
        + "P10;85073003328,00;available\n"  # a float with a decimal comma
        + "P11;1020312345.0;available\n"  # born 2001, leading zero lost, as a float
        + "P12;111512318;available\n"  # born 2000, two leading zeros lost
        + "P13;85073003329.0;available\n"  # check number wrong: an opaque reference
        + "P14;8.5073003329E10;available\n"  # the same, in scientific notation
        + "P15;C-0042;available\n",
    )

    path = NATIONAL / "xlsx" / "list_entries.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["procedure_code", "candidate_ref", "status"])
    ws.write_row(1, 0, ["P1", 85073003328, "available"])  # a number cell (integer)
    ws.write_row(2, 0, ["P2", 85073003328.0, "available"])  # a number cell (float)
    ws.write_row(3, 0, ["P3", 1020312345, "available"])  # born 2001: leading zero lost
    ws.write_row(4, 0, ["P4", 51512373, "available"])  # born 2000: three zeros lost
    ws.write_string(5, 0, "P5")
    ws.write_string(5, 1, "8.5073003328E10")  # pasted as text from a display
    ws.write_string(5, 2, "available")
    ws.write_row(6, 0, ["P6", 85073003329, "available"])  # check number wrong: kept
    wb.close()

    path = NATIONAL / "parquet" / "list_entries.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    pl.DataFrame(
        {
            "procedure_code": ["P1", "P2", "P3", "P4"],
            # a float column: the text of each value is 85073003328.0 and so on
            "candidate_ref": pl.Series(
                [85073003328.0, 1020312345.0, 111512318.0, 85073003329.0], dtype=pl.Float64
            ),
            "status": ["available"] * 4,
        }
    ).write_parquet(path)

    path = NATIONAL / "parquet_int" / "list_entries.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    pl.DataFrame(
        {
            "procedure_code": ["P1", "P2"],
            "candidate_ref": pl.Series([85073003328, 85073003329], dtype=pl.Int64),
            "status": ["available"] * 2,
        }
    ).write_parquet(path)


if __name__ == "__main__":
    good()
    bad()
    national_numbers()
