"""The frame around every page (drawn by app.py) and what a page gets from it.

app.py draws it in this order: `choose_language()`, the gate
(`selstats.ui.login.require_access`), `st.navigation`, `publish(sidebar_filters(...))`, the
page. A page calls `current_filters()` first: it returns the sidebar's `Filters` of this run
(and draws the whole frame itself when the page runs alone, in an AppTest of its file).
The language is read by `selstats.ui.i18n.t` and `current_lang`. `current_access()` says who
is logged in and what they may do (`selstats.access`), e.g. to draw download buttons only
for `access.may(Permission.EXPORT)`; the data itself is scoped in `selstats.ui.db`.
"""

from __future__ import annotations

import logging
from typing import Final

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from selstats.access.scope import Access
from selstats.i18n import DEFAULT_LANG, LANGUAGES, translate
from selstats.ui import session
from selstats.ui.filters import Filters, sidebar_filters
from selstats.ui.i18n import LANG_KEY, t
from selstats.ui.login import require_access
from selstats.ui.state import UrlBinding, flush_url

# Session-state key of the Filters the frame drew on this run.
_FILTERS_KEY: Final = "_selstats_filters"
# Key of the language selectbox; the language itself is kept under LANG_KEY ("lang"),
# which outlives the widget (see `selstats.ui.state.show_kept`).
_LANG_WIDGET: Final = "lang_select"

_log = logging.getLogger(__name__)


def choose_language() -> str:
    """The language selector in the sidebar, kept in the URL as `lang` (left out for
    Dutch). Call it before anything that uses `t`, which reads `st.session_state["lang"]`."""
    binding = UrlBinding("lang", (LANG_KEY,))
    if binding.takes_over():
        asked = binding.incoming().get(LANG_KEY, [DEFAULT_LANG])[-1]
        st.session_state[LANG_KEY] = asked if asked in LANGUAGES else DEFAULT_LANG
    elif st.session_state.get(LANG_KEY) not in LANGUAGES:
        st.session_state[LANG_KEY] = DEFAULT_LANG
    st.session_state[_LANG_WIDGET] = st.session_state[LANG_KEY]
    st.sidebar.selectbox(
        t("app.language"),
        LANGUAGES,
        format_func=lambda code: translate(code, f"lang.{code}"),
        key=_LANG_WIDGET,
        on_change=_language_chosen,
    )
    lang: str = st.session_state[LANG_KEY]
    binding.write({} if lang == DEFAULT_LANG else {LANG_KEY: [lang]})
    document_language(lang)
    return lang


def document_language(lang: str) -> None:
    """Set `<html lang>` to the chosen language, for screen readers, hyphenation and the
    browser's translation offer. Streamlit 1.67 serves `<html lang="en">` whatever the app
    and has no option for it (streamlit/streamlit#15726), so a one-line script run by
    `st.html` in the page itself (not an iframe) sets it; it runs again when the language,
    and so its text, changes. `lang` is one of LANGUAGES, never user text."""
    if lang not in LANGUAGES:
        return
    with st.sidebar:
        st.html(
            f'<script>document.documentElement.lang = "{lang}";</script>',
            unsafe_allow_javascript=True,
            width="content",
        )


def _language_chosen() -> None:
    st.session_state[LANG_KEY] = st.session_state[_LANG_WIDGET]


def publish(filters: Filters) -> None:
    """Hand this run's filters to the page and update the URL (app.py, before
    `page.run()`)."""
    st.session_state[_FILTERS_KEY] = filters
    flush_url()


def run_through_frame() -> None:
    """Make sure the page runs inside app.py (the one place selstats touches Streamlit's
    internals; tests/ui/test_frame.py fails loudly when a Streamlit upgrade changes them).

    Streamlit treats an app whose entry point has a `pages/` folder beside it as an
    old-style multipage app (`PagesManager.uses_pages_directory`, decided once per process
    from the folder) until some session runs `st.navigation`: on a fresh server, a deep link
    such as `/funnel` runs pages/funnel.py alone, without the frame and its gate. No option
    or supported call turns that off while the folder is called `pages/` (checked with
    Streamlit 1.67: the only way is not to have the folder, which the project's layout keeps);
    so this clears the flag as `st.navigation` itself does, and reruns: the rerun runs
    app.py, which opens the same page (same url_path) inside the frame."""
    if PagesManager.uses_pages_directory:
        _log.info("page opened without the frame: rerunning through app.py")
        PagesManager.uses_pages_directory = False
        st.rerun()


def current_filters() -> Filters:
    """The sidebar filters of this run. Call it first thing in a page module.

    A page run on its own (an AppTest of the page file) draws the sidebar itself."""
    run_through_frame()
    filters = st.session_state.get(_FILTERS_KEY)
    if isinstance(filters, Filters):
        return filters
    choose_language()
    filters = sidebar_filters(require_access().allowed)
    publish(filters)
    return filters


def page_title(page: str) -> None:
    """The page's localised title: `page_title("funnel")` shows t("page.funnel")."""
    st.title(t(f"page.{page}"))


def current_access() -> Access:
    """Who is logged in, with which roles and organisations. The frame established it before
    the page ran (`current_filters()` first); a page never gets here without one."""
    access = session.current_access()
    if access is None:  # not through the frame: current_filters() establishes it
        current_filters()
        access = session.current_access()
    if access is None:
        st.stop()
    return access
