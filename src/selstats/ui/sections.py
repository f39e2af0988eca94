"""A long page in tabs, the chosen tab kept in the URL by a plain code.

    tabs = page_tabs("pass_rates_section", "section", {"by_kind": t(...), ...})
    with tabs["by_kind"]:
        ...

The page opens on its first section (or `default`: the one the user came for, e.g. the
score distribution when the link names a procedure in it). Switching tabs reruns the page
and writes `?section=<code>` (nothing for the default), so a link opens on the same tab in
any language: Streamlit's own `bind="query-params"` would write the translated label.
Every tab's content still runs (the tabs do not skip hidden ones), so the page's widgets
and their keys stay what they were and the page tests see every table.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from selstats.ui.state import UrlBinding, flush_url


def page_tabs(
    key: str, param: str, labels: Mapping[str, str], *, default: str | None = None
) -> dict[str, Any]:
    """The tabs of `labels` (code -> translated label, in order), the container of each
    by its code; the chosen one from the URL's `param` when it carries news, else the
    session's, else `default` (the first)."""
    codes = list(labels)
    default = default if default is not None and default in labels else codes[0]
    binding = UrlBinding(f"page:{key}", (param,))
    by_label = {label: code for code, label in labels.items()}
    remembered = f"_{key}_code"  # the code survives a change of language; the label not
    # the tab just clicked (its label, in this language), else the one of the last run
    found = by_label.get(str(st.session_state.get(key)), st.session_state.get(remembered))
    if binding.takes_over():
        asked = [v for v in binding.incoming().get(param, []) if v in labels]
        if asked:
            found = asked[-1]
    current: str = found if isinstance(found, str) and found in labels else default
    st.session_state[key] = labels[current]
    tabs = st.tabs(list(labels.values()), key=key, on_change="rerun")
    chosen = by_label.get(str(st.session_state.get(key)), current)
    st.session_state[remembered] = chosen
    binding.write({} if chosen == default else {param: [chosen]})
    flush_url()
    return dict(zip(codes, tabs, strict=True))
