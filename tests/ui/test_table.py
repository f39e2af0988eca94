"""The table helper writes numbers and dates as the chosen language does, whatever the
browser's locale (a Styler's display texts over unchanged values), from the catalogue."""

from __future__ import annotations

from datetime import date

import polars as pl

from selstats.ui.table import STYLED_CELLS, column_config, needs_styler, styled


def _frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "year": [2023, None],
            "applicants": [1234, 8],
            "advance_rate": [0.275, None],
            "annual_min": [33072.0, None],
            "list_date": [date(2023, 5, 30), None],
        }
    )


def test_dutch_french_and_english_formats() -> None:
    nl = styled(_frame(), "nl").to_html()
    # 1234 -> 1.234; 0.275 -> 27,5 %; 33,072 -> € 33.072,00; a null year: permanently open
    for text in ("1.234", "27,5 %", "€ 33.072,00", "30/05/2023", "permanent open"):
        assert text in nl, text
    assert "2.023" not in nl  # a year is not a count
    fr = styled(_frame(), "fr").to_html()
    for text in ("1.234", "27,5 %", "33.072,00 €", "ouverte en permanence"):
        assert text in fr, text
    en = styled(_frame(), "en").to_html()
    for text in ("1,234", "27.5%", "€33,072.00", "2023-05-30", "permanently open"):
        assert text in en, text


def test_the_values_underneath_stay_numbers() -> None:
    data = styled(_frame(), "nl").data
    assert data["applicants"].tolist() == [1234, 8]  # sorting goes by value
    assert data["advance_rate"].iloc[0] == 0.275


def test_styled_columns_carry_no_format_of_their_own() -> None:
    # a format in the column configuration would override the Styler's texts
    config = column_config(_frame(), "nl", styled=True)
    assert config["applicants"]["type_config"].get("format") is None
    plain = column_config(_frame(), "nl", styled=False)
    assert plain["applicants"]["type_config"]["format"] == "localized"
    assert plain["applicants"]["label"] == "Sollicitanten"


def test_only_tables_with_numbers_dates_or_highlights_pay_for_a_styler() -> None:
    text = pl.DataFrame({"title": ["Attaché", None], "org_name": ["Dienst Alfa", "Stad Beta"]})
    assert not needs_styler(text)  # nothing to write the language's way: shown as it is
    assert needs_styler(text, highlight=[False, True])  # a row in bold needs the Styler
    assert needs_styler(_frame())  # counts, rates, euros, dates
    # 20,000 cells at most: 4,000 rows x 5 columns is the limit, one row more is not
    rows = STYLED_CELLS // 5
    at_limit = pl.concat([_frame()] * (rows // 2))
    assert at_limit.shape == (rows, 5)
    assert needs_styler(at_limit)
    assert not needs_styler(pl.concat([at_limit, _frame().head(1)]))
