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


def _open_store() -> None:
    """Open the store the pages will read, as the first run would (st.cache_resource)."""
    from selstats.store.connection import db_path
    from selstats.ui.db import get_connection

    if db_path().is_file():
        get_connection()


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
