"""Warming up the serving process while Streamlit starts (`selstats serve`, `make run`).

Under a plain `streamlit run app.py` the first script run imports what the pages need:
pandas, pyarrow, polars, DuckDB, altair and selstats' own modules, about 2.5 s of the 6 s the
first page took at scale L (issue 6), all of it after the first browser had connected.
`start()` does that work on a thread of its own from the moment the process starts, while
Streamlit imports itself, starts its server and the browser loads the frontend.

`wait()` is the first thing app.py does: a run that started early waits for the warm-up
instead of importing the same modules beside it. Imports of one module by two threads are
safe (the second waits for the first), but altair, narwhals and polars look modules up in
`sys.modules` without importing them and would find one the other thread is half-way
through ("partially initialized module 'pandas' has no attribute ...").

Besides the imports, the warm-up does what a profile of the first run on a fresh server at
scale L showed Streamlit and the pages doing once per process (issue 16; seconds under a
load average of 10, the note gives the quiet-machine figures):

- `streamlit.emojis`, a 0.5 MB regular expression compiled the first time a text with a
  non-ASCII character is checked for a leading emoji (the demo switcher's "DEMO — ..."):
  0.9 s; Material icon names likewise;
- Streamlit's check, at the first element of the process, whether it runs in a REPL
  (`inspect.stack()`, which resolves the file of every loaded module): 0.9 s. `selstats
  serve` runs through `streamlit run` by construction, so the check is marked done;
- the nl/fr/en catalogues (27 TOML files): 0.15 s;
- the sidebar's queries, whose first run reads the store's pages from disk (DuckDB starts
  with an empty buffer pool): 0.1-0.2 s.

The collector is off while the warm-up runs; then `gc.freeze()`: everything allocated so far
(the modules, altair's Vega-Lite schema and its validator) is left out of every later
garbage collection. A full collection of the warmed process otherwise walks all of it,
~100 ms with the GIL held, stalling every session.
"""

from __future__ import annotations

import ast
import gc
import importlib
import logging
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Final

from selstats.paths import PROJECT_ROOT

APP: Final = PROJECT_ROOT / "app.py"
PAGES_DIR: Final = PROJECT_ROOT / "pages"
# The warm-up takes ~3 s; a run waits no longer than this for it, whatever hangs it.
WAIT_LIMIT_S: Final = 120.0
# queries/filter_options_*.sql: every run's sidebar (selstats.ui.filters).
SIDEBAR_QUERIES: Final = (
    "filter_options_years",
    "filter_options_organisations",
    "filter_options_levels",
    "filter_options_procedures",
)

_log = logging.getLogger(__name__)
_done = threading.Event()
_started = False
_start_lock = threading.Lock()


def imported_modules(scripts: Iterable[Path]) -> list[str]:
    """The modules the scripts import at their top level, in order, without duplicates:
    `import a.b` gives "a.b"; `from a import b` gives "a" and "a.b" (b may be a module)."""
    names: dict[str, None] = {}
    for script in scripts:
        tree = ast.parse(script.read_text(encoding="utf-8"), filename=str(script))
        for node in tree.body:
            if isinstance(node, ast.Import):
                names.update(dict.fromkeys(alias.name for alias in node.names))
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names[node.module] = None
                names.update(dict.fromkeys(f"{node.module}.{a.name}" for a in node.names))
    return list(names)


def app_scripts() -> list[Path]:
    """app.py and every page script: what the first runs will import."""
    return [APP, *sorted(PAGES_DIR.glob("*.py"))]


def _import_all(names: Iterable[str]) -> Iterator[str]:
    """Import each module; yield the names that are not modules (`from a import function`)."""
    for name in names:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:  # a module that is there but fails to import
                raise
            yield name


def _exercise() -> None:
    """What a first chart and a first table do besides importing: narwhals' polars backend,
    jsonschema's validator for the Vega-Lite schema, pyarrow's pandas conversion."""
    import altair as alt
    import polars as pl

    frame = pl.DataFrame({"n": [1], "label": ["a"]})
    alt.Chart(frame).mark_bar().encode(x=alt.X("n:Q"), y=alt.Y("label:N")).to_dict()
    frame.to_pandas()


def _streamlit_once() -> None:
    """What Streamlit does once per process in the first run (see the module's notes)."""
    from streamlit import delta_generator, string_util

    string_util.extract_leading_emoji("— warm-up")  # not ASCII: loads and compiles the table
    string_util.validate_icon_or_emoji(":material/check_circle:")
    # The "use `streamlit run`" hint is for scripts started without it; serve uses it.
    if hasattr(delta_generator, "_use_warning_has_been_displayed"):
        delta_generator._use_warning_has_been_displayed = True


def _catalogues() -> None:
    from selstats.i18n import LANGUAGES, catalogue

    for lang in LANGUAGES:
        catalogue(lang)


def _open_store() -> None:
    """Open the store the pages will read, as the first run would (st.cache_resource), and
    run the sidebar's option queries on it once, unfiltered: the first reads of its tables
    come from disk."""
    from selstats import query
    from selstats.store.connection import db_path
    from selstats.tables import Scope
    from selstats.ui.db import get_connection

    if not db_path().is_file():
        return
    con = get_connection()
    params = Scope().params()
    for name in SIDEBAR_QUERIES:
        query.run(con, name, **params)


def _warm_up() -> None:
    started = time.perf_counter()
    # The imports allocate millions of objects that all stay; collecting during them would
    # only walk them again and again (~0.4 s of the warm-up). They are frozen below.
    collecting = gc.isenabled()
    gc.disable()
    try:
        # pyarrow and pandas first: they are the ones others look up in sys.modules.
        list(_import_all(["pyarrow", "pandas", *imported_modules(app_scripts())]))
        _exercise()
        _streamlit_once()
        _catalogues()
        _open_store()
    except Exception:
        # Not fatal: the first run imports what is missing and shows what is wrong there.
        _log.exception("warm-up failed")
    else:
        _log.info("warm-up done in %.2f s", time.perf_counter() - started)
    finally:
        gc.freeze()
        if collecting:
            gc.enable()
        _done.set()


def start() -> None:
    """Start warming up on a background thread (once per process)."""
    global _started
    with _start_lock:
        if _started:
            return
        _started = True
    threading.Thread(target=_warm_up, name="selstats-warmup", daemon=True).start()


def wait() -> None:
    """Return once the warm-up is over; at once when none was started (`streamlit run`,
    AppTest)."""
    if _started and not _done.wait(WAIT_LIMIT_S):
        _log.warning("warm-up still running after %.0f s; going on without it", WAIT_LIMIT_S)
