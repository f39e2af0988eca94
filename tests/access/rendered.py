"""Everything an AppTest run sent to the browser, as text to search.

Each element's protobuf message is what the browser receives: its serialised bytes hold every
text verbatim (titles, captions, widget labels and options, chart specs, and the Arrow data of
tables and charts, which stores strings as plain UTF-8). Dataframes are added once more as
CSV, in case their Arrow data was dictionary-encoded.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd
from streamlit.testing.v1 import AppTest


def _walk(node: Any) -> Iterator[Any]:
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _walk(child)


def rendered_elements(at: AppTest) -> Iterator[Any]:
    """Every element and block of the last run."""
    return _walk(at._tree)


def rendered_text(at: AppTest, typed: frozenset[str] = frozenset()) -> str:
    """`typed`: values the test itself typed into the page's text boxes (through the URL);
    a text box showing back what was typed into it discloses nothing, so it is left out."""
    parts: list[str] = []
    for node in rendered_elements(at):
        if getattr(node, "type", None) == "text_input" and getattr(node, "value", None) in typed:
            continue
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "SerializeToString"):
            parts.append(proto.SerializeToString().decode("utf-8", errors="replace"))
        if getattr(node, "type", None) in {"arrow_data_frame", "dataframe", "table"}:
            value = getattr(node, "value", None)
            if isinstance(value, pd.DataFrame):
                parts.append(value.to_csv())
    return "\n".join(parts)


def found(text: str, markers: tuple[str, ...]) -> list[str]:
    return [m for m in markers if m in text]
