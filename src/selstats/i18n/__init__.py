"""Texts and number formats in Dutch (the default), French and English, without Streamlit:
the figure catalogue, the exports, the access policy and the dashboard all write through
these. `translate(lang, key, **params)` and the catalogues in `texts`; `fmt_*` in `format`.
The dashboard's `t(key)` (the session's language) is `selstats.ui.i18n`."""

from selstats.i18n.texts import (
    CATALOGUE_DIR,
    DEFAULT_LANG,
    LANGUAGES,
    catalogue,
    choose_plurals,
    placeholders,
    plural_form,
    translate,
)

__all__ = [
    "CATALOGUE_DIR",
    "DEFAULT_LANG",
    "LANGUAGES",
    "catalogue",
    "choose_plurals",
    "placeholders",
    "plural_form",
    "translate",
]
