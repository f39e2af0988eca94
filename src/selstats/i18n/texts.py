"""Translations of the interface: Dutch (the default), French and English.

Each language has a TOML catalogue `catalogues/<lang>.toml` for the frame and shared words,
plus one file per page in `catalogues/<lang>/<page>.toml` (its keys under `[<page>]`), merged
into one flat catalogue; a key defined twice is an error. Keys are dotted,
"<table>.<name>" (`page.funnel`, `filter.government`, `outcome.cut_off`); tables named after
an enum use the enum's values as names, so `t(f"outcome.{outcome}")` works for every value.
Texts may hold `{placeholders}` filled from the keyword arguments of `t`.

`translate(lang, key)` takes the language explicitly and needs no Streamlit, so the
figure catalogue, the exports and the access policy can use it; `selstats.ui.i18n.t` reads
the language the user chose in the dashboard (session state) and calls it.
A missing key is logged and shown as the key itself, never an exception: a page must not
fail because one text is missing.
"""

from __future__ import annotations

import logging
import string
import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Final

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


def translate(lang: str, key: str, /, **params: object) -> str:
    """The text of `key` in `lang`, with its placeholders filled from `params`.

    Falls back to Dutch, then to the key itself, when the text is missing."""
    texts = catalogue(lang if lang in LANGUAGES else DEFAULT_LANG)
    text = texts.get(key)
    if text is None:
        _log.warning("no %s text for %r", lang, key)
        text = catalogue(DEFAULT_LANG).get(key, key)
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        _log.warning("cannot fill %r (%s) with %s", key, lang, sorted(params))
        return text
