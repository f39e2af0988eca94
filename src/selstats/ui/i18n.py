"""The dashboard's texts: `t(key)` in the language the user chose, which the frame keeps in
session state under `LANG_KEY` (see `selstats.ui.frame.choose_language`).

The catalogues and `translate(lang, key)` are `selstats.i18n`, which needs no Streamlit.
"""

from __future__ import annotations

from typing import Final

from selstats.i18n import DEFAULT_LANG, LANGUAGES, translate

# Session-state key of the chosen language; also the name of the URL query parameter.
LANG_KEY: Final = "lang"


def current_lang() -> str:
    """The language of the current Streamlit session; Dutch outside a session."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if get_script_run_ctx(suppress_warning=True) is None:
        return DEFAULT_LANG
    import streamlit as st

    lang = st.session_state.get(LANG_KEY, DEFAULT_LANG)
    return lang if lang in LANGUAGES else DEFAULT_LANG


def t(key: str, /, **params: object) -> str:
    """The text of `key` in the session's language: `t("page.funnel")`,
    `t("error.db_missing", path=path)`."""
    return translate(current_lang(), key, **params)
