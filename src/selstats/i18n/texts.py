"""Translations of the interface: Dutch (the default), French and English.

Each language has a TOML catalogue `catalogues/<lang>.toml` for the frame and shared words,
plus one file per page in `catalogues/<lang>/<page>.toml` (its keys under `[<page>]`), merged
into one flat catalogue; a key defined twice is an error. Keys are dotted,
"<table>.<name>" (`page.funnel`, `filter.government`, `outcome.cut_off`); tables named after
an enum use the enum's values as names, so `t(f"outcome.{outcome}")` works for every value.
Texts may hold `{placeholders}` filled from the keyword arguments of `t`.

Plurals: a count's word is written as `{name:plural:one|other}`, both forms in full, next
to the number itself: `"{count} {count:plural:probleem|problemen}"` reads "1 probleem",
"3 problemen". The form follows the language's rule (`plural_form`: Dutch and English
take "one" for exactly 1, French for 0 and 1: "0 problème"). A selector may stand
anywhere in a sentence and a sentence may hold several, each for its own count; never
write "probleem/problemen" or "problème(s)" (a test over the catalogues refuses them).

`translate(lang, key)` takes the language explicitly and needs no Streamlit, so the
figure catalogue, the exports and the access policy can use it; `selstats.ui.i18n.t` reads
the language the user chose in the dashboard (session state) and calls it.
A missing key is logged and shown as the key itself, never an exception: a page must not
fail because one text is missing.
"""

from __future__ import annotations

import logging
import re
import string
import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Final, Literal

LANGUAGES: Final = ("nl", "fr", "en")
DEFAULT_LANG: Final = "nl"

CATALOGUE_DIR: Final = Path(__file__).parent / "catalogues"

_log = logging.getLogger(__name__)


def _flatten(table: Mapping[str, object], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for name, value in table.items():
        key = f"{prefix}{name}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{key}."))
        elif isinstance(value, str):
            flat[key] = value
        else:
            raise ValueError(f"catalogue key {key!r} is not text: {value!r}")
    return flat


@cache
def catalogue(lang: str) -> Mapping[str, str]:
    """The flat {dotted key: text} catalogue of one language."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {LANGUAGES}")
    files = [CATALOGUE_DIR / f"{lang}.toml", *sorted((CATALOGUE_DIR / lang).glob("*.toml"))]
    merged: dict[str, str] = {}
    for path in files:
        with path.open("rb") as f:
            flat = _flatten(tomllib.load(f))
        twice = merged.keys() & flat.keys()
        if twice:
            raise ValueError(f"{path.name}: keys defined twice: {sorted(twice)}")
        merged.update(flat)
    return merged


def placeholders(text: str) -> frozenset[str]:
    """The names of the `{placeholders}` in a text."""
    return frozenset(
        field.split(".")[0].split("[")[0]
        for _, field, _, _ in string.Formatter().parse(text)
        if field is not None and field != ""
    )


# `{name:plural:one form|other form}`; the forms hold no braces and no bar.
PLURAL_SELECTOR: Final = re.compile(r"\{(\w+):plural:([^{}|]*)\|([^{}|]*)\}")


def plural_form(lang: str, count: float) -> Literal["one", "other"]:
    """The plural form a number takes in `lang` (CLDR's rule for whole numbers and the
    plain reading of fractions): French says "0 problème, 1 problème, 1,5 jour, 2 problèmes",
    Dutch and English say "1 probleem" but "0 problemen", "1,5 dagen"."""
    if lang == "fr":
        return "one" if 0 <= abs(count) < 2 else "other"
    return "one" if abs(count) == 1 else "other"


def _as_count(value: object) -> float | None:
    """A count given as a number, or as text that starts with one ("1.234", "3 s")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):  # as the fmt_* functions write it: 1.234 / 1 234 / 27,5
        found = re.match(r"\s*(-?)(\d[\d.\u00a0\u202f ]*\d|\d)(,\d+)?", value)
        if found:
            sign, whole, fraction = found.groups()
            number = float(re.sub(r"\D", "", whole) + (fraction or "").replace(",", "."))
            return -number if sign else number
    return None


def choose_plurals(text: str, lang: str, params: Mapping[str, object]) -> str:
    """`text` with each `{name:plural:one|other}` replaced by the form `params[name]` takes
    in `lang`; a selector whose count is missing or no number keeps its "other" form."""

    def form(match: re.Match[str]) -> str:
        name, one, other = match.groups()
        count = _as_count(params.get(name))
        if count is None:
            return other
        return one if plural_form(lang, count) == "one" else other

    return PLURAL_SELECTOR.sub(form, text)


def translate(lang: str, key: str, /, **params: object) -> str:
    """The text of `key` in `lang`, with its placeholders filled from `params`.

    Falls back to Dutch, then to the key itself, when the text is missing."""
    texts = catalogue(lang if lang in LANGUAGES else DEFAULT_LANG)
    text = texts.get(key)
    if text is None:
        _log.warning("no %s text for %r", lang, key)
        text = catalogue(DEFAULT_LANG).get(key, key)
    text = choose_plurals(text, lang if lang in LANGUAGES else DEFAULT_LANG, params)
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        _log.warning("cannot fill %r (%s) with %s", key, lang, sorted(params))
        return text
