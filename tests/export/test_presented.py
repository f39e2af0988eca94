"""Files as their reader reads them (`selstats.export.Presentation`): the figures' labels as
headers, codes translated, XLSX cells typed and formatted per unit, a filter sheet; and
lists, which a CSV or spreadsheet cell cannot hold as such.

The figures come from a small catalogue built here (units, decimals and labels chosen for
the test), so each expected cell is derived by hand from the rules in
`selstats.export.presented.excel_format`; value names are the shipped i18n catalogues'
(outcome.not_registered = "niet ingeschreven", step_kind.written = "schriftelijke proef").
"""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import polars as pl
import pytest

from selstats.export import EXCEL_CSV, Presentation, about_lines, to_bytes, write_batches
from selstats.export.presented import excel_format
from selstats.figures import Catalogue, Figure, Unit
from selstats.figures.catalogue import Texts

MADE = dt.datetime(2026, 12, 7, 14, 5, 9)


def _figure(name: str, unit: Unit, nl: str, **extra: object) -> Figure:
    texts = {
        lang: Texts(f"{nl}" if lang == "nl" else f"{nl} ({lang})", "-")
        for lang in ["nl", "fr", "en"]
    }
    return Figure(name=name, unit=unit, queries=("q",), texts=texts, area="test", **extra)  # type: ignore[arg-type]


FIGURES = Catalogue(
    [
        _figure("procedure_code", Unit.CODE, "Procedure"),
        _figure("reached", Unit.COUNT, "Bereikt"),
        _figure("passed", Unit.COUNT, "Geslaagd"),
        _figure("advance_rate", Unit.RATE, "Doorstroom", ratio=("passed", "reached")),
        _figure("qcheck_average", Unit.PERCENT, "Q-checkgemiddelde"),
        _figure("annual_min", Unit.EURO, "Jaarwedde min."),
        _figure("list_date", Unit.DATE, "Datum van de lijst"),
        _figure("held", Unit.FLAG, "Afgenomen"),
        _figure("outcome", Unit.CATEGORY, "Uitslag", values="outcome"),
        _figure("kinds", Unit.CATEGORIES, "Soorten stap", values="step_kind"),
        _figure("lead_days", Unit.DAYS, "Doorlooptijd"),
        _figure("coefficient", Unit.COEFFICIENT, "Coëfficiënt"),
        _figure("year", Unit.YEAR, "Jaar"),
    ]
)


def frame() -> pl.DataFrame:
    """Two rows; `reached` as small-cell suppression leaves it (text, "<5" for 2)."""
    return pl.DataFrame(
        {
            "procedure_code": ["P-A1", "P-B1"],
            "reached": ["8", "<5"],
            "passed": [6, 1],
            "advance_rate": [0.75, None],
            "qcheck_average": [78.53, 81.25],
            "annual_min": [33072.0, 1234.5],
            "list_date": [dt.date(2024, 2, 1), None],
            "held": [True, False],
            "outcome": ["not_registered", "cut_off"],
            "kinds": [["written", "interview"], None],
            "lead_days": [32.5, 7.0],
            "coefficient": [2.1647, 2.1223],
            "year": [2024, 2025],
        },
        schema_overrides={"passed": pl.Int64, "year": pl.Int32},
    )


def shown(lang: str = "nl", about: bool = True) -> Presentation:
    detail = {
        "year_from": 2021,
        "year_to": 2024,
        "govs": ("federal", "local"),
        "orgs": (),
        "levels": ("A",),
        "procs": (),
        "allowed": ("ORG-A",),  # the access scope: not a filter the user set
        "procedure": "P-A1",
        "rows": 2,
    }
    lines = about_lines(detail, lang, MADE, file="funnel.xlsx") if about else ()
    return Presentation(lang, about=lines, figures=FIGURES)


HEADERS_NL = [
    "Procedure",
    "Bereikt",
    "Geslaagd",
    "Doorstroom",
    "Q-checkgemiddelde",
    "Jaarwedde min.",
    "Datum van de lijst",
    "Afgenomen",
    "Uitslag",
    "Soorten stap",
    "Doorlooptijd",
    "Coëfficiënt",
    "Jaar",
]


def _workbook(lang: str = "nl") -> openpyxl.Workbook:
    data = to_bytes(frame(), "xlsx", presentation=shown(lang), sheet_name="funnel")
    return openpyxl.load_workbook(io.BytesIO(data))


# ---- XLSX ---------------------------------------------------------------------------------


def test_xlsx_headers_are_the_labels_and_the_header_row_is_frozen() -> None:
    book = _workbook()
    assert book.sheetnames == ["funnel", "Filter"]
    sheet = book["funnel"]
    assert [c.value for c in sheet[1]] == HEADERS_NL
    assert sheet.freeze_panes == "A2"  # row 1 stays in view
    assert sheet.auto_filter.ref == "A1:M3"  # 13 columns, header + 2 rows
    assert all(c.font.b for c in sheet[1])


def test_xlsx_cells_are_typed_and_formatted_per_unit() -> None:
    sheet = _workbook()["funnel"]
    first = {h: c for h, c in zip(HEADERS_NL, sheet[2], strict=True)}
    second = {h: c for h, c in zip(HEADERS_NL, sheet[3], strict=True)}

    def cell(c: openpyxl.cell.Cell) -> tuple[object, str, str]:
        return c.value, c.data_type, c.number_format

    assert cell(first["Procedure"]) == ("P-A1", "s", "General")
    # a count shown: a whole number; "<5" (2 hidden by small-cell suppression) stays text
    assert cell(first["Bereikt"]) == (8, "n", "#,##0")
    assert cell(second["Bereikt"]) == ("<5", "s", "General")
    assert cell(first["Geslaagd"]) == (6, "n", "#,##0")
    # a rate 6 / 8 = 0.75 is kept and shown as a percent with one decimal: 75,0 %
    assert cell(first["Doorstroom"]) == (0.75, "n", "0.0%")
    assert second["Doorstroom"].value is None  # unknown stays empty, never 0
    # a percentage 78.53 is the fraction 0.7853 in a percent cell with 2 decimals: 78,53 %
    assert first["Q-checkgemiddelde"].value == pytest.approx(0.7853)
    assert first["Q-checkgemiddelde"].number_format == "0.00%"
    assert second["Q-checkgemiddelde"].value == pytest.approx(0.8125)
    # euro as currency, Dutch (Belgium): € 33.072,00
    assert cell(first["Jaarwedde min."]) == (33072, "n", "[$€-813] #,##0.00")
    # a date is a date cell, written as the pages write it (30/05/2023)
    assert first["Datum van de lijst"].is_date
    assert first["Datum van de lijst"].value == dt.datetime(2024, 2, 1)
    assert first["Datum van de lijst"].number_format == "dd/mm/yyyy"
    assert second["Datum van de lijst"].value is None
    # yes/no: boolean cells (Excel says WAAR / ONWAAR in Dutch)
    assert cell(first["Afgenomen"]) == (True, "b", "General")
    assert cell(second["Afgenomen"]) == (False, "b", "General")
    # codes named in Dutch; a list of codes joined by ", "
    assert first["Uitslag"].value == "niet ingeschreven"
    assert second["Uitslag"].value == "afgevallen (top-N)"
    assert first["Soorten stap"].value == "schriftelijke proef, interview"
    assert second["Soorten stap"].value is None
    # days: a number with the word in its format ("32,5 dagen"); common.days = "{days} dagen"
    assert cell(first["Doorlooptijd"]) == (32.5, "n", '0.0" dagen"')
    assert cell(first["Coëfficiënt"]) == (2.1647, "n", "0.0000")
    assert cell(first["Jaar"]) == (2024, "n", "0")  # 2024, never 2.024


def test_xlsx_columns_are_as_wide_as_their_header_or_values() -> None:
    sheet = _workbook()["funnel"]
    widths = {
        h: sheet.column_dimensions[c.column_letter].width
        for h, c in zip(HEADERS_NL, sheet[1], strict=True)
    }
    # width = max(header, widest value as the page writes it, 4) + 2, in characters; Excel
    # (and openpyxl) report xlsxwriter's width plus its 0.71 padding.
    # "Jaarwedde min." 14; "€ 33.072,00" 11 -> 16
    assert widths["Jaarwedde min."] == pytest.approx(16, abs=1)
    # "Soorten stap" 12; "schriftelijke proef, interview" 30 -> 32
    assert widths["Soorten stap"] == pytest.approx(32, abs=1)
    # "Jaar" 4; "2025" 4 -> 6
    assert widths["Jaar"] == pytest.approx(6, abs=1)
    # "Datum van de lijst" 18 (fits under HEADER_MAX 24); "01/02/2024" 10 -> 20
    assert widths["Datum van de lijst"] == pytest.approx(20, abs=1)


def test_xlsx_filter_sheet_says_the_filter_and_when_it_was_made() -> None:
    sheet = _workbook()["Filter"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows == [
        ["Bestand", "funnel.xlsx"],
        ["Gemaakt op", MADE.replace(second=9)],
        ["Periode", "2021 – 2024"],
        ["Overheid", "Federaal, Lokaal"],
        ["Organisatie", "Alle"],  # none chosen: all (the access scope is not a filter)
        ["Diplomaniveau", "A"],
        ["Procedure", "Alle"],
        ["Getoonde procedure", "P-A1"],
    ]
    assert sheet["B2"].is_date and sheet["B2"].number_format == "dd/mm/yyyy hh:mm"


def test_xlsx_in_french_and_english() -> None:
    fr = _workbook("fr")
    assert fr.sheetnames == ["funnel", "Filtre"]
    row = {c.column_letter: c for c in fr["funnel"][2]}
    assert fr["funnel"]["A1"].value == "Procedure (fr)"
    assert row["F"].number_format == "#,##0.00 [$€-80C]"  # 33.072,00 €
    assert row["G"].number_format == "dd/mm/yyyy"
    assert row["I"].value == "non inscrit"
    assert row["K"].number_format == '0.0" jours"'
    en = _workbook("en")
    row = {c.column_letter: c for c in en["funnel"][2]}
    assert row["F"].number_format == "[$€-1809]#,##0.00"  # €33,072.00
    assert row["G"].number_format == "yyyy-mm-dd"
    assert en["Filter"]["A2"].value == "Made on"


def test_excel_format_of_every_unit() -> None:
    formats = {f.name: excel_format(f, "nl") for f in FIGURES.values()}
    assert formats["procedure_code"] is None and formats["outcome"] is None
    assert formats["held"] is None


# ---- CSV ----------------------------------------------------------------------------------


def test_csv_for_excel_has_labels_semicolons_decimal_commas_and_words() -> None:
    data = to_bytes(frame(), "csv", EXCEL_CSV, presentation=shown())
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data[3:].decode("utf-8").splitlines()
    assert lines[0] == ";".join(HEADERS_NL)
    # values as stored, numbers with a decimal comma; yes/no and codes as words
    assert lines[1] == (
        "P-A1;8;6;0,75;78,53;33072,0;2024-02-01;ja;niet ingeschreven;"
        "schriftelijke proef, interview;32,5;2,1647;2024"
    )
    assert lines[2] == "P-B1;<5;1;;81,25;1234,5;;nee;afgevallen (top-N);;7,0;2,1223;2025"


def test_plain_csv_in_french() -> None:
    lines = to_bytes(frame(), "csv", presentation=shown("fr")).decode().splitlines()
    assert lines[0].split(",")[:2] == ["Procedure (fr)", "Bereikt (fr)"]
    # decimal point; "schriftelijke proef, interview" in French, quoted for its comma
    assert lines[1].startswith("P-A1,8,6,0.75,78.53,33072.0,2024-02-01,oui,non inscrit,")
    assert '"épreuve écrite, entretien"' in lines[1]


# ---- Parquet ------------------------------------------------------------------------------


def test_parquet_keeps_types_and_lists_under_the_labels() -> None:
    back = pl.read_parquet(io.BytesIO(to_bytes(frame(), "parquet", presentation=shown())))
    assert back.columns == HEADERS_NL
    assert back.schema["Doorstroom"] == pl.Float64
    assert back.schema["Datum van de lijst"] == pl.Date
    assert back.schema["Afgenomen"] == pl.Boolean
    assert back["Soorten stap"].to_list() == [["schriftelijke proef", "interview"], None]
    assert back["Uitslag"].to_list() == ["niet ingeschreven", "afgevallen (top-N)"]
    assert back["Q-checkgemiddelde"].to_list() == [78.53, 81.25]  # data: not / 100


def test_streamed_batches_give_the_same_file_as_the_frame() -> None:
    whole = to_bytes(frame(), "csv", EXCEL_CSV, presentation=shown())
    out = io.BytesIO()
    batches = frame().to_arrow().to_batches(max_chunksize=1)
    rows = write_batches(batches, out, "csv", EXCEL_CSV, presentation=shown())
    assert rows == 2
    assert out.getvalue() == whole


# ---- lists without a presentation (the Funnel's "all procedures" bug) --------------------


def test_a_list_column_is_written_in_every_format() -> None:
    """`TypeError: cannot export to csv: unsupported column type(s) kinds (List(String))`
    was the funnel's aggregate table: a list is now its elements joined by ", " in CSV and
    XLSX, and stays a list in Parquet."""
    kinds = pl.DataFrame(
        {"step_no": [1, 2, 3], "kinds": [["interview", "written"], [], None]},
        schema={"step_no": pl.Int64, "kinds": pl.List(pl.String)},
    )
    csv = to_bytes(kinds, "csv").decode()
    # an empty list: an empty text ("" as polars quotes it); no list: an empty cell
    assert csv.splitlines() == ["step_no,kinds", '1,"interview, written"', '2,""', "3,"]
    sheet = openpyxl.load_workbook(io.BytesIO(to_bytes(kinds, "xlsx"))).worksheets[0]
    assert [c.value for c in sheet["B"]] == ["kinds", "interview, written", "", None]
    back = pl.read_parquet(io.BytesIO(to_bytes(kinds, "parquet")))
    assert back["kinds"].to_list() == [["interview", "written"], [], None]


def test_a_struct_column_is_still_refused_with_its_name() -> None:
    nested = pl.DataFrame({"s": [{"a": 1}]})
    with pytest.raises(TypeError, match="cannot export to csv: unsupported column type"):
        to_bytes(nested, "csv")
