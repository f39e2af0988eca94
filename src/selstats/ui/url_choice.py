"""A page's own choice (a procedure, a view, procedures to compare) kept in the URL by its
plain value (`/funnel?procedure=CNG24004&view=compare`), while the widget shows a label.

Streamlit's `bind="query-params"` writes the widget's *label* (`format_func(option)`) into
the URL, so a translated or decorated label would make the link depend on the language and
the titles; this keeps the option itself, through the frame's URL mechanism
(`selstats.ui.state.UrlBinding`, the same rules as the sidebar filters: the URL is read on
the session's first run and when it carries news, written back on every run; a value equal
to the default is left out).

    choice = UrlChoice(key="funnel_procedure", param="procedure")
    choice.seed(codes, default=codes[:1])      # before drawing the widget, without index
    code = st.selectbox(..., codes, key=choice.key, format_func=label)
    choice.keep([code], default=codes[:1])     # after it

Values the options do not hold are ignored. The key must not start with `filter_` (the
frame's) and the parameter must not be one of the frame's (`lang`, the filters').
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import streamlit as st

from selstats.ui.state import UrlBinding, flush_url


@dataclass(frozen=True)
class UrlChoice:
    key: str  # the widget's session-state key
    param: str  # the URL query parameter
    multi: bool = False  # a list of values (a multiselect) or one value

    def _binding(self) -> UrlBinding:
        return UrlBinding(f"page:{self.key}", (self.param,))

    def seed(
        self, options: Sequence[str], default: Sequence[str], max_values: int | None = None
    ) -> None:
        """Give the widget its value before it is drawn (so draw it without a default or
        index): the URL's when it carries news, else the widget's own; a value the options
        no longer hold is dropped, and the widget falls back to `default`."""
        binding = self._binding()
        current = st.session_state.get(self.key)
        if binding.takes_over():
            asked = [v for v in binding.incoming().get(self.param, []) if v in options]
            if asked:
                current = list(dict.fromkeys(asked))[:max_values] if self.multi else asked[-1]
        if self.multi:
            valid = [v for v in current if v in options] if isinstance(current, list) else []
            st.session_state[self.key] = valid if isinstance(current, list) else list(default)
        else:
            st.session_state[self.key] = current if current in options else default[0]

    def keep(self, values: Sequence[str], default: Sequence[str]) -> None:
        """Write the widget's value(s) to the URL (nothing when they are the default)."""
        chosen = [str(v) for v in values]
        self._binding().write({} if chosen == list(default) else {self.param: chosen})
        flush_url()
