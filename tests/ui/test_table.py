"""The table helper writes numbers and dates as the chosen language does, whatever the
browser's locale (a Styler's display texts over unchanged values), from the catalogue."""

from __future__ import annotations

from datetime import date

import polars as pl

from selstats.ui.table import (
    STYLED_CELLS,
    WRAP_WIDTH,
    WRAPPING_ROW,
    column_config,
    needs_styler,
    row_height,
    styled,
)


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


# ---- a long list of reasons wraps (issue 15: the longest French reason was cut at 1024 px)
# Column: WRAP_WIDTH 300 px; a line holds (300 - 17 padding) // 6 px a character - 4 for the
# word ends = 47 - 4 = 43 characters; a row 19 px a line + 14, at least 66 (the grid wraps
# only in rows taller than 64 px), at most 3 lines.
FR_LONGEST = "pas de consultant tests de sélection, rôle linguistique néerlandais"  # 67


def _reasons(*texts: str) -> pl.DataFrame:
    return pl.DataFrame({"org_name": ["X"] * len(texts), "reasons": list(texts)})


def test_a_short_reason_keeps_one_line_and_the_grids_width() -> None:
    frame = _reasons("Q-checks sous 80 %", "geen selectietestconsultant, Nederlandse")  # 19, 40
    assert row_height(frame) is None
    assert column_config(frame, "fr")["reasons"]["width"] is None


def test_the_longest_french_reason_wraps_on_two_lines_in_view() -> None:
    frame = _reasons("Q-checks sous 80 %", FR_LONGEST)
    # 67 characters: ceil(67 / 43) = 2 lines -> 2 x 19 + 14 = 52, raised to 66 to wrap
    assert row_height(frame) == WRAPPING_ROW == 66
    assert column_config(frame, "fr")["reasons"]["width"] == WRAP_WIDTH == 300


def test_longer_lists_take_three_lines_at_most() -> None:
    two = f"{FR_LONGEST}, moins de 4 certifiés"  # 67 + 22 = 89: ceil(89 / 43) = 3 lines
    assert len(two) == 89
    assert row_height(_reasons(two)) == 3 * 19 + 14 == 71
    everything = ", ".join([FR_LONGEST] * 5)  # 343 characters: 8 lines, cut after 3
    assert row_height(_reasons(everything)) == 71
