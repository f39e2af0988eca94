"""Codes paired with references (`category_refs`: the certification's `fragile_roles`) as the
reader reads them, on the pages and in every download format alike.

The value is ORG-A's of the hand-computed small store with all Q-checks averaged (its
derivation: tests/rules/test_certification_advisor.py::test_org_a_fragile_roles): each of
CA1-CA4 is the only holder of a role and one of exactly 4 certified staff, CA5 the only PRO
Partner, and without CA1 only CA2's 70 is left of the Q-checks. Each condition is named by
its stake (the i18n table `certification.stake`, as the fragility table and the consultants'
"hangs on them" column name it), once, with every consultant it hangs on:
too_few_certified hangs on CA1, CA2, CA3 and CA4.
"""

from __future__ import annotations

import io

import openpyxl
import polars as pl
import pytest

from selstats.export import EXCEL_CSV, Presentation, to_bytes
from selstats.figures import Unit, catalogue
from selstats.figures.present import translated, value_text

ORG_A = (
    "missing_az_nl:CA1,missing_az_fr:CA2,missing_tests_nl:CA3,missing_tests_fr:CA4,"
    "too_few_certified:CA1,too_few_certified:CA2,too_few_certified:CA3,"
    "too_few_certified:CA4,no_pro_partner:CA5,qcheck_below_80:CA1"
)
IN_WORDS = {
    "nl": (
        "AZ-consultant, Nederlandse taalrol: CA1; AZ-consultant, Franse taalrol: CA2; "
        "selectietestconsultant, Nederlandse taalrol: CA3; selectietestconsultant, Franse "
        "taalrol: CA4; 4 gecertificeerde medewerkers: CA1, CA2, CA3, CA4; PRO Partner: CA5; "
        "Q-check-gemiddelde van 80 %: CA1"
    ),
    # French sets a space before the colon
    "fr": (
        "consultant AZ, rôle linguistique néerlandais : CA1; consultant AZ, rôle linguistique "
        "français : CA2; consultant tests de sélection, rôle linguistique néerlandais : CA3; "
        "consultant tests de sélection, rôle linguistique français : CA4; 4 collaborateurs "
        "certifiés : CA1, CA2, CA3, CA4; PRO Partner : CA5; moyenne des Q-checks de 80 % : CA1"
    ),
    "en": (
        "AZ consultant, Dutch language role: CA1; AZ consultant, French language role: CA2; "
        "selection-tests consultant, Dutch language role: CA3; selection-tests consultant, "
        "French language role: CA4; 4 certified staff: CA1, CA2, CA3, CA4; PRO Partner: CA5; "
        "Q-check average of 80%: CA1"
    ),
}


def test_fragile_roles_are_declared_as_codes_with_references() -> None:
    figure = catalogue()["fragile_roles"]
    assert figure.unit is Unit.CATEGORY_REFS
    assert figure.values == "certification.stake"


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_each_condition_once_with_the_consultants_it_hangs_on(lang: str) -> None:
    assert value_text("fragile_roles", ORG_A, lang) == IN_WORDS[lang]


def test_nothing_fragile_and_unknown() -> None:
    assert value_text("fragile_roles", "", "nl") == ""  # nobody carries a condition alone
    assert value_text("fragile_roles", None, "nl") == "—"


def test_an_unknown_code_stays_a_code_and_a_code_alone_is_named() -> None:
    # a code the catalogue does not name is shown as it is (never lost); one without a
    # reference is named without a colon
    assert value_text("fragile_roles", "brand_new:CA9,no_pro_partner", "en") == (
        "brand_new: CA9; PRO Partner"
    )


def _certification_frame() -> pl.DataFrame:
    return pl.DataFrame({"org_id": ["ORG-A", "ORG-B"], "fragile_roles": [ORG_A, ""]})


def test_the_table_on_the_page_shows_the_words() -> None:
    shown = translated(_certification_frame(), "nl")
    assert shown["fragile_roles"].to_list() == [IN_WORDS["nl"], ""]


@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_every_download_format_holds_what_the_page_shows(lang: str) -> None:
    frame = _certification_frame()
    header = catalogue().label("fragile_roles", lang)
    shown = Presentation(lang)
    csv = pl.read_csv(io.BytesIO(to_bytes(frame, "csv", presentation=shown)))
    assert csv[header].to_list() == [IN_WORDS[lang], ""]
    # CSV for Excel: `;` separates the columns, so the cell holding "; " is quoted
    excel = to_bytes(frame, "csv", EXCEL_CSV, presentation=shown).decode("utf-8-sig")
    assert f'"{IN_WORDS[lang]}"' in excel
    book = openpyxl.load_workbook(io.BytesIO(to_bytes(frame, "xlsx", presentation=shown)))
    sheet = book.worksheets[0]
    column = [c.value for c in sheet[1]].index(header) + 1
    assert sheet.cell(2, column).value == IN_WORDS[lang]
    assert sheet.cell(2, column).data_type == "s"
    parquet = pl.read_parquet(io.BytesIO(to_bytes(frame, "parquet", presentation=shown)))
    assert parquet[header].to_list() == [IN_WORDS[lang], ""]
