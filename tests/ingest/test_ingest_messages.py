"""The message catalogue: every code in every language, and sentences that name the place."""

from __future__ import annotations

import pytest

from selstats.i18n import LANGUAGES, catalogue
from selstats.ingest.messages import PROBLEM, render, render_warning, warnings_summary
from selstats.ingest.problems import MAX_VALUE_CHARS, Code, Problem


def _codes_in_catalogue(lang: str) -> set[str]:
    return {
        key.removeprefix(PROBLEM).split(".")[0]
        for key in catalogue(lang)
        if key.startswith(PROBLEM)
    }


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_code_has_a_template_and_every_template_a_code(lang: str) -> None:
    # the import's words are in the pages' catalogues (import.problem.<code>[.<variant>]);
    # that every language has the same keys and placeholders is tests/i18n's
    assert _codes_in_catalogue(lang) == {c.value for c in Code}


@pytest.mark.parametrize("where", ["cell", "row", "column", "file"])
def test_every_location_is_in_every_language(where: str) -> None:
    for lang in LANGUAGES:
        assert f"import.location.{where}" in catalogue(lang)


def test_dutch_is_the_default_and_str() -> None:
    problem = Problem(
        file="results.csv", row=7, column="score", value="abc", code=Code.NOT_A_NUMBER
    )
    assert str(problem) == problem.message() == problem.message("nl")
    assert problem.message() == (
        "results.csv, rij 7, kolom score: 'abc' is geen getal (verwacht: een getal zoals 12,5)"
    )
    assert problem.message("fr") == (
        "results.csv, ligne 7, colonne score: 'abc' n'est pas un nombre "
        "(attendu : un nombre comme 12,5)"
    )
    assert problem.message("en").startswith("results.csv, row 7, column score: 'abc' is not")
    assert problem.message("de") == problem.message("nl")  # unknown language: Dutch


def test_location_prefix_follows_what_is_known() -> None:
    assert render(Problem(file="a.csv", code=Code.EMPTY_FILE), "en").startswith("a.csv: ")
    assert render(Problem(file="a.csv", row=3, code=Code.RAGGED_ROW), "en").startswith(
        "a.csv, row 3: "
    )
    assert render(
        Problem(file="a.csv", column="step_no", code=Code.MISSING_REQUIRED_COLUMN), "en"
    ).startswith("a.csv, column step_no: ")


def test_variants_and_format_names_are_translated() -> None:
    p = Problem(
        file="r.xlsx",
        code=Code.FILE_TOO_LARGE,
        params={"variant": "ratio", "size": "900:1", "limit": "100:1"},
    )
    assert "gecomprimeerd" in p.message("nl") and "900:1" in p.message("nl")
    w = Problem(file="r.csv", code=Code.WRONG_FORMAT, params={"expected": "CSV", "found": "zip"})
    assert "ZIP-archief" in w.message("nl") and "archive ZIP" in w.message("fr")


def test_values_are_truncated_and_missing_params_never_raise() -> None:
    p = Problem(file="f.csv", row=2, column="name", value="x" * 500, code=Code.BAD_LEVEL)
    assert p.value is not None and len(p.value) == MAX_VALUE_CHARS and p.value.endswith("…")
    bare = Problem(file="f.csv", code=Code.UNKNOWN_VALUE)  # no 'allowed' given
    assert "?" in bare.message("en")


def test_problem_is_frozen_and_code_is_plain_text() -> None:
    p = Problem(file="f.csv", code=Code.EMPTY_FILE)
    assert p.code == "empty_file" and type(p.code) is str
    with pytest.raises(AttributeError):
        p.row = 3  # type: ignore[misc]


def test_an_unknown_code_still_renders_with_its_parameters() -> None:
    p = Problem(file="store", code="brand_new_check", params={"procedure": "P1", "step": 2})
    assert p.message("en") == "store: problem 'brand_new_check' (procedure=P1, step=2)"


def test_store_and_rule_codes_render_in_three_languages() -> None:
    p = Problem(
        file="results.csv",
        row=5,
        column="step_no",
        value="3",
        code="unreachable_step",
        params={"procedure": "P1", "candidate": "C7", "step": 3, "detail": "..."},
    )
    assert p.message("nl") == (
        "results.csv, rij 5, kolom step_no: kandidaat C7 heeft een resultaat voor stap 3 van "
        "procedure P1, maar slaagde niet voor de vorige stap"
    )
    assert "C7" in p.message("fr") and "C7" in p.message("en")


def test_warnings_are_marked_in_each_language() -> None:
    warning = Problem(
        file="consultants.csv",
        column="test_certified",
        code=Code.UNKNOWN_COLUMN,
        params={"variant": "suggestion", "suggestion": "tests_certified", "expected": "..."},
    )
    assert render_warning(warning, "nl") == (
        "WAARSCHUWING: consultants.csv, kolom test_certified: onbekende kolom, wordt "
        "genegeerd; bedoelde u tests_certified? (gekende kolommen: ...)"
    )
    assert render_warning(warning, "fr").startswith("AVERTISSEMENT : consultants.csv, colonne")
    assert render_warning(warning, "en").startswith("WARNING: consultants.csv, column")
    assert render_warning(warning, "de") == render_warning(warning, "nl")
    assert warnings_summary(2, "en") == "2 warnings; they do not stop the import"
    assert warnings_summary(1, "nl") == "1 waarschuwing; ze houdt de import niet tegen"
    # French: 0 and 1 take the singular
    assert warnings_summary(1, "fr") == "1 avertissement ; il n'empêche pas l'import"


def test_a_count_inside_a_sentence_takes_its_plural_form() -> None:
    def sentence(count: int, lang: str) -> str:
        params = {"step": 2, "procedure": "P1", "found": "18", "count": count}
        return Problem(
            file="steps.csv",
            row=3,
            column="max_score",
            value="10",
            code=Code.MAX_SCORE_BELOW_SCORES,
            params=params,
        ).message(lang)

    assert "(hoogste: 18, in 1 resultaat)" in sentence(1, "nl")
    assert "(hoogste: 18, in 2 resultaten)" in sentence(2, "nl")
    assert "dans 1 résultat)" in sentence(1, "fr")
    assert "in 2 results)" in sentence(2, "en")
