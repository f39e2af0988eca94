"""selstats: the Streamlit frame. Page config, language, shared sidebar filters, navigation;
nothing else. Run with `selstats serve` (`make run`; the same as `streamlit run app.py`, with
the process warmed up while it starts).

The page contract
-----------------
A page is a short script `pages/<name>.py`, listed in PAGES below with its `url_path`
(`/funnel`, ...). The frame has drawn the language selector and the filters before the
page runs; a page imports what it needs from the package and draws top to bottom:

    import streamlit as st

    from selstats.ui.db import cached_query             # cached run of queries/<name>.sql
    from selstats.i18n.format import fmt_int, fmt_pct      # fmt_*(value, current_lang())
    from selstats.ui.frame import current_filters, page_title
    from selstats.ui.i18n import current_lang, t

    filters = current_filters()     # first: the sidebar's Filters (frozen, plain values)
    page_title("funnel")            # st.title(t("page.funnel"))
    steps = cached_query("funnel", **filters.params())   # polars DataFrame
    if steps.is_empty():
        st.info(t("common.empty_selection"))
        st.stop()
    ...

- `current_filters()` must come first: on a fresh server a deep link runs the page without
  this frame (Streamlit's old `pages/` folder mode) and it reruns it through the frame.
- `filters.params()` holds $year_from, $year_to, $govs, $orgs, $levels, $procs, $allowed
  (semantics at the top of src/selstats/ui/filters.py); a query uses any subset of them.
- Texts go through `t("<table>.<name>", **placeholders)`; add a page's keys to all three
  catalogues in src/selstats/i18n/catalogues/ (a test checks they match).
- The store is missing: the frame shows the localised sentence and stops before the page.
- Session-state keys `lang`, `filter_*` and `_selstats_*` belong to the frame.
- The filters and `lang` live in the URL (`/funnel?orgs=BELNET&lang=fr` opens that page
  with those filters) and stay there across page switches; a page may bind its own
  widgets to the URL with `bind="query-params"` and a key of its own.
"""

import logging

import streamlit as st

from selstats.ui import warmup

# Served by `selstats serve`, the process imports the pages' modules while it starts: wait
# for that rather than import them beside it (see selstats.ui.warmup).
warmup.wait()

from selstats.access.roles import Permission  # noqa: E402
from selstats.settings import SettingsError, settings  # noqa: E402
from selstats.ui.filters import sidebar_filters  # noqa: E402
from selstats.ui.frame import choose_language, publish  # noqa: E402
from selstats.ui.i18n import t  # noqa: E402
from selstats.ui.login import require_access  # noqa: E402

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

# (file, url_path, catalogue key of the title under "page."), in menu order.
# Pages reached from another page (a link with its parameters), left out of the menu:
HIDDEN = {"certification_organisation"}
# Pages with something for a role that sees no figures (admin: imports, logs, definitions);
# the others tell such a user why they stay empty instead of "widen the filters".
WITHOUT_FIGURES = {"explore", "definitions"}
PAGES = [
    ("pages/overview.py", "", "overview"),
    ("pages/funnel.py", "funnel", "funnel"),
    ("pages/pass_rates.py", "pass_rates", "pass_rates"),
    ("pages/salaries.py", "salaries", "salaries"),
    ("pages/certification.py", "certification", "certification"),
    (
        "pages/certification_organisation.py",
        "certification_organisation",
        "certification_organisation",
    ),
    ("pages/reserve_lists.py", "reserve_lists", "reserve_lists"),
    ("pages/planner.py", "planner", "planner"),
    ("pages/explore.py", "explore", "explore"),
    ("pages/definitions.py", "definitions", "definitions"),
]

st.set_page_config(page_title="selstats", layout="wide")
try:  # every SELSTATS_* variable checked before anything is shown
    settings()
except SettingsError as error:
    st.error(str(error))
    st.stop()
choose_language()
# The gate: who is asking, before the pages are listed and before any query. It draws the
# login form or the demo switcher, and stops here for anyone without a role.
access = require_access()
page = st.navigation(
    [
        st.Page(
            path,
            url_path=url_path,
            title=t(f"page.{key}"),
            default=url_path == "",
            visibility="hidden" if url_path in HIDDEN else "visible",
        )
        for path, url_path, key in PAGES
    ]
)
publish(sidebar_filters(access.allowed))
if not access.may(Permission.VIEW_FIGURES) and page.url_path not in WITHOUT_FIGURES:
    roles = ", ".join(t(f"access.role.{role.value}") for role in access.roles)
    st.info(t("app.no_figures_page", roles=roles, explore=t("page.explore")))
    st.page_link("pages/explore.py", label=t("page.explore"))
    st.stop()
page.run()
