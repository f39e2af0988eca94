"""Plural forms: the rule per language, the `{n:plural:one|other}` selectors, and no
"probleem/problemen" or "problème(s)" left in any catalogue."""

from __future__ import annotations

import re

import pytest

from selstats.i18n import LANGUAGES, catalogue, choose_plurals, plural_form, translate
from selstats.i18n.texts import PLURAL_SELECTOR


@pytest.mark.parametrize(
    ("lang", "count", "form"),
    [
        # Dutch and English: "one" for exactly 1 (1 probleem, 0 problemen, 2 problemen)
        ("nl", 0, "other"),
        ("nl", 1, "one"),
        ("nl", 2, "other"),
        ("nl", 1.5, "other"),
        ("en", 0, "other"),
        ("en", 1, "one"),
        ("en", 21, "other"),
        ("en", -1, "one"),
        # French: 0 and 1 take the singular (0 problème, 1 problème, 2 problèmes), and a
        # fraction under 2 too (1,5 jour)
        ("fr", 0, "one"),
        ("fr", 1, "one"),
        ("fr", 1.5, "one"),
        ("fr", 2, "other"),
        ("fr", 100, "other"),
    ],
)
def test_the_plural_rule_of_each_language(lang: str, count: float, form: str) -> None:
    assert plural_form(lang, count) == form


@pytest.mark.parametrize(
    ("lang", "count", "expected"),
    [
        ("nl", 1, "1 probleem"),
        ("nl", 3, "3 problemen"),
        ("nl", 0, "0 problemen"),
        ("fr", 1, "1 problème"),
        ("fr", 0, "0 problème"),
        ("fr", 3, "3 problèmes"),
        ("en", 1, "1 problem"),
        ("en", 3, "3 problems"),
        ("en", 0, "0 problems"),
    ],
)
def test_a_selector_picks_the_form_of_its_count(lang: str, count: int, expected: str) -> None:
    word = {"nl": "probleem|problemen", "fr": "problème|problèmes", "en": "problem|problems"}
    text = "{n} {n:plural:" + word[lang] + "}"
    assert choose_plurals(text, lang, {"n": count}).format(n=count) == expected


def test_counts_written_as_text_and_several_selectors_in_one_sentence() -> None:
    text = "{a:plural:x|xs} {b:plural:y|ys}"
    # "1.234" is one thousand two hundred and thirty-four in Dutch: plural
    assert choose_plurals(text, "nl", {"a": "1", "b": "1.234"}) == "x ys"
    # "1,5" in French is below 2: singular
    assert choose_plurals(text, "fr", {"a": "1,5", "b": "2"}) == "x ys"
    # a count that is missing keeps the general (other) form rather than fail
    assert choose_plurals(text, "en", {}) == "xs ys"


@pytest.mark.parametrize(
    ("lang", "files", "problems", "expected"),
    [
        ("nl", 1, 1, "Er is niets geïmporteerd: 1 probleem gevonden."),
        ("nl", 2, 3, "Er is niets geïmporteerd: 3 problemen gevonden."),
        ("fr", 1, 0, "Rien n'a été importé : 0 problème trouvé."),
        ("fr", 1, 2, "Rien n'a été importé : 2 problèmes trouvés."),
        ("en", 1, 1, "Nothing was imported: 1 problem found."),
        ("en", 1, 4, "Nothing was imported: 4 problems found."),
    ],
)
def test_the_page_says_how_many_problems_in_good_grammar(
    lang: str, files: int, problems: int, expected: str
) -> None:
    assert translate(lang, "explore.import_failed", count=problems).startswith(expected)


def test_verbs_agree_with_their_count() -> None:
    assert translate("nl", "reserve_lists.open_lists", count=1) == (
        "1 open lijst zonder lijstdatum of einddatum staat niet op de tijdlijn."
    )
    assert translate("nl", "reserve_lists.open_lists", count=2) == (
        "2 open lijsten zonder lijstdatum of einddatum staan niet op de tijdlijn."
    )
    assert translate("fr", "reserve_lists.open_lists", count=0) == (
        "0 liste ouverte sans date de liste ou de fin ne figure pas sur la ligne du temps."
    )
    assert translate("en", "reserve_lists.open_lists", count=1) == (
        "1 open list without a list date or end date is not on the timeline."
    )


# "probleem/problemen", "dag/dagen": two words on either side of a slash that start alike
_SLASH_PLURAL = re.compile(r"\b(\w{3})\w*/\1\w*\b", re.IGNORECASE)
# "problème(s)", "dag(en)", "collaborateur(s)": an ending in brackets glued to the word
_BRACKET_PLURAL = re.compile(r"\w\((?:s|en|n|e|es|x|e\)\(s)\)")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_text_writes_a_plural_as_both_forms(lang: str) -> None:
    hacks = {
        key: text
        for key, text in catalogue(lang).items()
        if _SLASH_PLURAL.search(text) or _BRACKET_PLURAL.search(text)
    }
    assert hacks == {}


def test_the_hack_finder_finds_hacks() -> None:
    for text in ("3 probleem/problemen", "2 dag/dagen", "problème(s)", "bestand(en)", "file(s)"):
        assert _SLASH_PLURAL.search(text) or _BRACKET_PLURAL.search(text), text
    for text in ("en/of", "(s)he", "Q-checks (EN)", "PDF/A", "jour/nuit"):
        assert not (_SLASH_PLURAL.search(text) or _BRACKET_PLURAL.search(text)), text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_selector_has_two_forms(lang: str) -> None:
    for key, text in catalogue(lang).items():
        for match in PLURAL_SELECTOR.finditer(text):
            _name, one, other = match.groups()
            assert one.strip() and other.strip(), key
        leftover = PLURAL_SELECTOR.sub("", text)
        assert ":plural:" not in leftover, f"{key}: a selector the rule cannot read"
