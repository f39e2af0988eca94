"""The catalogues: the same keys and placeholders in every language, every enum value named."""

from __future__ import annotations

import pytest

from selstats.domain.enums import Certification, Government, Outcome, StepState
from selstats.i18n import DEFAULT_LANG, LANGUAGES, catalogue, placeholders, translate
from selstats.ui.i18n import current_lang, t


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != DEFAULT_LANG])
def test_every_catalogue_has_the_keys_of_the_dutch_one(lang: str) -> None:
    dutch, other = catalogue(DEFAULT_LANG), catalogue(lang)
    assert sorted(set(dutch) - set(other)) == [], f"missing in {lang}.toml"
    assert sorted(set(other) - set(dutch)) == [], f"only in {lang}.toml"


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != DEFAULT_LANG])
def test_every_text_has_the_placeholders_of_the_dutch_one(lang: str) -> None:
    dutch, other = catalogue(DEFAULT_LANG), catalogue(lang)
    differ = {
        key: (sorted(placeholders(dutch[key])), sorted(placeholders(other[key])))
        for key in dutch.keys() & other.keys()
        if placeholders(dutch[key]) != placeholders(other[key])
    }
    assert differ == {}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_text_is_empty(lang: str) -> None:
    assert [key for key, text in catalogue(lang).items() if not text.strip()] == []


@pytest.mark.parametrize(
    ("table", "values"),
    [
        ("outcome", [o.value for o in Outcome]),
        ("step_state", [s.value for s in StepState]),
        ("government", [g.value for g in Government]),
        ("certification", [c.value for c in Certification]),
        ("lang", list(LANGUAGES)),
    ],
)
def test_every_enum_value_has_a_name(table: str, values: list[str]) -> None:
    for lang in LANGUAGES:
        texts = catalogue(lang)
        assert [v for v in values if f"{table}.{v}" not in texts] == [], lang


@pytest.mark.parametrize(
    "page",
    ["overview", "funnel", "pass_rates", "salaries", "certification", "reserve_lists", "explore"],
)
def test_every_page_has_a_title(page: str) -> None:
    for lang in LANGUAGES:
        assert f"page.{page}" in catalogue(lang)


def test_domain_words() -> None:
    assert [translate("nl", f"outcome.{o.value}") for o in Outcome] == [
        "geslaagd",
        "niet geslaagd",
        "afwezig",
        "teruggetrokken",
        "niet ingeschreven",
        "afgevallen (top-N)",
    ]
    assert [translate("fr", f"outcome.{o.value}") for o in Outcome] == [
        "réussi",
        "échoué",
        "absent",
        "désisté",
        "non inscrit",
        "écarté (top N)",
    ]
    assert translate("nl", "common.empty_selection") == (
        "Geen gegevens voor deze selectie. Verruim de filters."
    )


def test_placeholders_are_filled() -> None:
    assert translate("en", "error.db_missing", path="/x.duckdb") == (
        "No database found at /x.duckdb. Import data first or set SELSTATS_DB."
    )


def test_a_missing_key_shows_the_key_and_a_missing_placeholder_the_text() -> None:
    assert translate("fr", "no.such.key") == "no.such.key"
    assert translate("en", "error.db_missing") == catalogue("en")["error.db_missing"]


def test_an_unknown_language_falls_back_to_dutch() -> None:
    assert translate("de", "page.overview") == "Overzicht"


def test_t_outside_streamlit_is_dutch() -> None:
    assert current_lang() == "nl"
    assert t("page.funnel") == "Selectietrechter"


def test_placeholders_of_a_text() -> None:
    assert placeholders("{a} en {b.c} of {d[0]} maar {{niet}}") == {"a", "b", "d"}
