"""Small-cell suppression: counts of people below a threshold are shown as "<5", and rates
computed from them are hidden, wherever figures span organisations beyond the user's own.

Each query declares its own columns in a header comment (the leading `--` lines of the
.sql file), read here from the same text `selstats.query` runs:

    -- suppress: counts=applicants,tested rates=laureates_per_applicant(applicants)
    -- access: candidates

- `counts=`: columns that count people. Below the threshold ($SELSTATS_MIN_CELL, default 5;
  zero included) they become the text "<5"; a suppressed frame holds every declared count
  column as text (the exact number, or "<5"), so that its type does not depend on the data.
- `rates=`: columns computed from counts, set to null in the rows where a count they depend
  on was suppressed. `rate(a,b)` names those counts; a bare `rate` depends on every declared
  count of its row.
- `access: candidates`: the query returns candidate-level rows (one row per person); only
  roles with `Permission.VIEW_CANDIDATES` get them, for their organisations only.
- `access: audit`: the query reads something of no organisation in particular that only
  those who import or audit may see (the import log); anyone else gets no rows.
  Without an `access:` line a query returns figures, scoped by its `$allowed`.

`suppress` is pure; `selstats.ui.db.cached_query` applies it when the user's role asks for
it (`Access.suppression_applies`). Known limit: suppression is per cell, not complementary;
a total shown next to suppressed parts can reveal a part by subtraction.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Final

import polars as pl

from selstats import query

MIN_CELL_ENV: Final = "SELSTATS_MIN_CELL"
DEFAULT_MIN_CELL: Final = 5

ACCESS_LEVELS: Final = ("figures", "candidates", "audit")

_DIRECTIVE = re.compile(r"--\s*(suppress|access)\s*:\s*(.*)$")
_RATE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\(([^)]*)\))?")

_log = logging.getLogger(__name__)


def min_cell() -> int:
    """The suppression threshold: counts below it are hidden ($SELSTATS_MIN_CELL)."""
    raw = os.environ.get(MIN_CELL_ENV, "")
    if not raw.strip():
        return DEFAULT_MIN_CELL
    try:
        value = int(raw)
    except ValueError:
        _log.warning("%s=%r is not an integer; using %d", MIN_CELL_ENV, raw, DEFAULT_MIN_CELL)
        return DEFAULT_MIN_CELL
    return max(value, 0)


def small_label(threshold: int) -> str:
    return f"<{threshold}"


@dataclass(frozen=True)
class QueryPolicy:
    """What a query's header declares. `rates`: rate column -> the counts it depends on
    (empty tuple: every declared count)."""

    counts: tuple[str, ...] = ()
    rates: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    level: str = "figures"  # one of ACCESS_LEVELS

    @property
    def suppressible(self) -> bool:
        return bool(self.counts)

    @property
    def candidate_level(self) -> bool:
        return self.level == "candidates"


class PolicyError(ValueError):
    """A header line that cannot be read."""


def _names(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _parse_suppress(text: str) -> tuple[tuple[str, ...], dict[str, tuple[str, ...]]]:
    counts: tuple[str, ...] = ()
    rates: dict[str, tuple[str, ...]] = {}
    # "counts=a,b rates=r(a,b),s": split on the keywords, not on blanks inside parentheses.
    found = re.findall(r"(counts|rates)\s*=\s*((?:[^\s(]|\([^)]*\))+)", text)
    if not found:
        raise PolicyError(f"suppress line without counts= or rates=: {text!r}")
    for key, value in found:
        if key == "counts":
            counts += _names(value)
        else:
            for match in _RATE.finditer(value):
                rates[match.group(1)] = _names(match.group(2) or "")
    return counts, rates


def parse_policy(sql: str) -> QueryPolicy:
    """The directives in the leading comment lines of a query text. Several `suppress:`
    lines add up (for long lists)."""
    counts: tuple[str, ...] = ()
    rates: dict[str, tuple[str, ...]] = {}
    level = "figures"
    for line in sql.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("--"):
            break  # the header ends at the first line of code
        directive = _DIRECTIVE.match(stripped)
        if directive is None:
            continue
        kind, text = directive.group(1), directive.group(2).strip()
        if kind == "suppress":
            more_counts, more_rates = _parse_suppress(text)
            counts += more_counts
            rates.update(more_rates)
        elif text in ACCESS_LEVELS:
            level = text
        else:
            raise PolicyError(f"unknown access level {text!r} (expected one of {ACCESS_LEVELS})")
    if rates and not counts:
        raise PolicyError("rates= without counts=: a rate is hidden when its counts are small")
    unknown = sorted({dep for deps in rates.values() for dep in deps} - set(counts))
    if unknown:
        raise PolicyError(f"rates depend on counts not declared in counts=: {unknown}")
    return QueryPolicy(counts=tuple(dict.fromkeys(counts)), rates=rates, level=level)


@cache
def query_policy(name: str) -> QueryPolicy:
    """The declared policy of `queries/<name>.sql`."""
    return parse_policy(query.load_sql(name))


def suppress(
    frame: pl.DataFrame,
    count_columns: Sequence[str],
    rate_columns: Sequence[str] | Mapping[str, Sequence[str]] = (),
    threshold: int = DEFAULT_MIN_CELL,
) -> pl.DataFrame:
    """`frame` with small counts shown as "<threshold" and the rates computed from them hidden.

    Count columns become text: the exact number, or "<5" for values below `threshold`
    (zero included); nulls stay null. A rate column is set to null in each row where one of
    the counts it depends on is below the threshold (`rate_columns` as a mapping names
    them; as a sequence, each rate depends on every count column). Columns the frame does not
    have are skipped."""
    counts = [c for c in count_columns if c in frame.columns]
    if not counts:
        return frame
    deps: dict[str, Sequence[str]] = (
        {name: tuple(on) for name, on in rate_columns.items()}
        if isinstance(rate_columns, Mapping)
        else dict.fromkeys(rate_columns, ())
    )
    small = {c: pl.col(c).is_not_null() & (pl.col(c) < threshold) for c in counts}
    label = small_label(threshold)
    exprs: list[pl.Expr] = []
    for rate, on in deps.items():
        if rate not in frame.columns:
            continue
        hidden = [small[c] for c in (on or counts) if c in small]
        if hidden:
            exprs.append(
                pl.when(pl.any_horizontal(hidden))
                .then(pl.lit(None, dtype=frame.schema[rate]))
                .otherwise(pl.col(rate))
                .alias(rate)
            )
    exprs.extend(
        pl.when(small[c]).then(pl.lit(label)).otherwise(pl.col(c).cast(pl.String)).alias(c)
        for c in counts
    )
    return frame.with_columns(exprs)


def apply_policy(frame: pl.DataFrame, policy: QueryPolicy, threshold: int) -> pl.DataFrame:
    return suppress(frame, policy.counts, policy.rates, threshold)


def is_suppressed_value(value: object) -> bool:
    """True for a count shown as "<5" (for pages that format counts themselves)."""
    return isinstance(value, str) and value.startswith("<")


def as_numbers(frame: pl.DataFrame, columns: Sequence[str]) -> pl.DataFrame:
    """For charts and sums: the given count columns as numbers again, a suppressed "<5" as
    null (so it is left out rather than drawn as a figure). Numeric columns are unchanged,
    so a page may call it on every frame, suppressed or not."""
    exprs = [
        pl.col(c).cast(pl.Int64, strict=False)
        for c in columns
        if c in frame.columns and frame.schema[c] == pl.String
    ]
    return frame.with_columns(exprs) if exprs else frame
