"""Widget values kept in the URL's query parameters, across reruns and page switches.

Streamlit's navigation clears the query string when the user switches pages (checked with
Streamlit 1.67 in Chromium: a parameter the app wrote is gone after a click in the page
menu), while the frame's widgets keep their values. So the URL is written back from the
widgets on every run, and read into the widgets only when it carries news:

- on the session's first run (a deep link such as `/funnel?orgs=BELNET&lang=fr`);
- when it carries values of the group that differ from what the app last wrote
  (the browser's back and forward buttons, a `st.page_link(..., query_params=...)`).

An empty query string on a later run is a page switch, not a request to reset: the widgets
keep their values and the URL gets them back.

`st.query_params` and `st.session_state` are the only Streamlit objects used; the decision
itself is the pure `url_takes_over`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import streamlit as st

# Session-state key: {group: {param: [values]}} as last written to the URL by each group.
_LAST_WRITTEN: Final = "_selstats_url_written"
# Session-state key: {param: [values]} staged by `UrlBinding.write` for `flush_url`.
_PENDING: Final = "_selstats_url_pending"

UrlValues = dict[str, list[str]]


def url_takes_over(last_written: Mapping[str, Sequence[str]] | None, incoming: UrlValues) -> bool:
    """Whether the URL's values (`incoming`, empty values left out) should replace the
    widgets' values. `last_written` is None before the group's first run."""
    if last_written is None:
        return True
    return bool(incoming) and incoming != {k: list(v) for k, v in last_written.items() if v}


@dataclass(frozen=True)
class UrlBinding:
    """A group of query parameters written together from a group of widgets."""

    group: str
    names: tuple[str, ...]

    def incoming(self) -> UrlValues:
        """The group's parameters as the URL has them now; blank values left out."""
        values: UrlValues = {}
        for name in self.names:
            found = [v for v in st.query_params.get_all(name) if v.strip()]
            if found:
                values[name] = found
        return values

    def _last_written(self) -> dict[str, list[str]] | None:
        record = st.session_state.get(_LAST_WRITTEN)
        if not isinstance(record, dict):
            return None
        last = record.get(self.group)
        return last if isinstance(last, dict) else None

    def takes_over(self) -> bool:
        """Whether the widgets should take their values from the URL on this run."""
        return url_takes_over(self._last_written(), self.incoming())

    def write(self, values: Mapping[str, Sequence[str]]) -> None:
        """Stage the group's values for the URL (an empty sequence removes the parameter);
        `flush_url` puts every staged group in the URL at once."""
        written = {name: [str(v) for v in values.get(name, ())] for name in self.names}
        pending = st.session_state.get(_PENDING)
        pending = dict(pending) if isinstance(pending, dict) else {}
        pending.update(written)
        st.session_state[_PENDING] = pending
        record = st.session_state.get(_LAST_WRITTEN)
        record = dict(record) if isinstance(record, dict) else {}
        record[self.group] = {name: v for name, v in written.items() if v}
        st.session_state[_LAST_WRITTEN] = record


def flush_url() -> None:
    """Put the staged values in the URL, touching no other parameter.

    Every change of the query string is a new entry in the browser's history, so the
    values are set in one `update` and nothing is sent when the URL already has them."""
    pending = st.session_state.pop(_PENDING, None)
    if not isinstance(pending, dict):
        return
    changed = {n: v for n, v in pending.items() if v and st.query_params.get_all(n) != v}
    if changed:
        st.query_params.update(changed)
    for name, values in pending.items():
        if not values and name in st.query_params:
            del st.query_params[name]


# ---- values that outlive their widgets -------------------------------------------------
#
# Streamlit drops a widget's value from session state after a run that did not draw it (a
# run cut short by `st.rerun`, as in `selstats.ui.frame.run_through_frame`, or a page that
# stops early). So each frame widget shows a value kept under a key of its own: the value
# is put in the widget before it is drawn, and copied back when the user changes it.

_KEPT_PREFIX: Final = "_selstats_kept_"


def kept_value(key: str, default: object = None) -> object:
    """The value kept for the widget `key`."""
    return st.session_state.get(_KEPT_PREFIX + key, default)


def keep_value(key: str, value: object) -> None:
    st.session_state[_KEPT_PREFIX + key] = value


def remember(key: str) -> None:
    """The widgets' `on_change`: keep the value the user gave the widget `key`."""
    keep_value(key, st.session_state[key])


def show_kept(key: str, value: object) -> None:
    """Keep `value` for the widget `key` and put it in the widget, before it is drawn with
    `key=key, on_change=remember, args=(key,)`."""
    keep_value(key, value)
    st.session_state[key] = value
