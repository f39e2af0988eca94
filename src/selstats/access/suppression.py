"""Small-cell suppression: counts of people below a threshold are shown as "<5", and rates
computed from them are hidden, wherever figures span organisations beyond the user's own.
Person-level references never reach a role that does not see candidates.

What a column is comes from the figure catalogue (`selstats.figures`), where every figure
declares its small-cell rule once, whichever query returns it:

- `privacy = "count"`: counts people. Below the threshold ($SELSTATS_MIN_CELL, default 5;
  zero included) the value becomes the text "<5"; a suppressed frame holds every such
  column as text (the exact number, or "<5"), so that its type does not depend on the data.
- `privacy = "rate"`: a ratio of two figures (`ratio = [numerator, denominator]`), set to
  null in the rows where either was suppressed.
- `privacy = "exact"`: detail from which a small count follows (the gaps to the next
  certification level: "too_few_certified=2" with 4 needed says 2 are certified): null
  wherever small counts are hidden.
- `privacy = "person"`: names a person (candidate_ref, consultant_ref, the consultants a
  condition hangs on); dropped from every frame for a role without
  `Permission.VIEW_CANDIDATES` (`personal_columns`).

What a query returns as a whole is declared in its header comment (the leading `--` lines):
- `access: candidates`: one row per person; only roles with `Permission.VIEW_CANDIDATES`
  get the rows, for their organisations only.
- `access: audit`: something of no organisation in particular that only those who import or
  audit may see (the import log); anyone else gets no rows.
- `access: reference`: published reference data of no organisation (BOSA's national figures,
  index coefficients): the same for everyone, so it has no `$allowed` scope.
  Without an `access:` line a query returns figures, scoped by its `$allowed`.

`suppress` and `suppress_small_cells` are pure; `selstats.ui.db.cached_query` applies them
when the user's role asks for it (`Access.suppression_applies`). Known limit: suppression is
per cell, not complementary; a total shown next to suppressed parts can reveal a part by
subtraction.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Final

import polars as pl

from selstats import query
from selstats.figures import Catalogue, Privacy, catalogue
from selstats.settings import settings

DEFAULT_MIN_CELL: Final = 5

ACCESS_LEVELS: Final = ("figures", "candidates", "audit", "reference")

_DIRECTIVE = re.compile(r"--\s*access\s*:\s*(.*)$")

_log = logging.getLogger(__name__)


def min_cell() -> int:
    """The suppression threshold: counts below it are hidden ($SELSTATS_MIN_CELL)."""
    return settings().min_cell


def small_label(threshold: int) -> str:
    return f"<{threshold}"


@dataclass(frozen=True)
class QueryPolicy:
    """What a query's header declares: what it returns as a whole."""

    level: str = "figures"  # one of ACCESS_LEVELS

    @property
    def candidate_level(self) -> bool:
        return self.level == "candidates"


class PolicyError(ValueError):
    """A header line that cannot be read."""


def parse_policy(sql: str) -> QueryPolicy:
    """The `access:` directive in the leading comment lines of a query text."""
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
        text = directive.group(1).strip()
        if text not in ACCESS_LEVELS:
            raise PolicyError(f"unknown access level {text!r} (expected one of {ACCESS_LEVELS})")
        level = text
    return QueryPolicy(level=level)


@cache
def query_policy(name: str) -> QueryPolicy:
    """The declared policy of `queries/<name>.sql`."""
    return parse_policy(query.load_sql(name))


def small_cell_rules(
    columns: Sequence[str], figures: Catalogue | None = None
) -> tuple[list[str], dict[str, tuple[str, str]]]:
    """The count columns among `columns` and their rates (rate -> (numerator,
    denominator)), as the catalogue declares them."""
    figures = figures or catalogue()
    counts = figures.with_privacy(columns, Privacy.COUNT)
    rates = {}
    for name in figures.with_privacy(columns, Privacy.RATE):
        ratio = figures[name].ratio
        if ratio is not None:
            rates[name] = ratio
    return counts, rates


def personal_columns(columns: Sequence[str], figures: Catalogue | None = None) -> list[str]:
    """The columns among `columns` that name a person."""
    return (figures or catalogue()).with_privacy(columns, Privacy.PERSON)


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


def suppress_small_cells(frame: pl.DataFrame, threshold: int) -> pl.DataFrame:
    """`suppress` with the counts and rates the catalogue declares for `frame`'s columns;
    the columns of exact detail (`privacy = "exact"`) left out (null) altogether."""
    counts, rates = small_cell_rules(frame.columns)
    exact = catalogue().with_privacy(frame.columns, Privacy.EXACT)
    hidden = frame.with_columns(pl.lit(None, dtype=frame.schema[c]).alias(c) for c in exact)
    return suppress(hidden, counts, rates, threshold)
