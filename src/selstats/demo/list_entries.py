"""What became of the laureates: hired, declined, withdrawn or still available.

The best `places` laureates of a list are hired a few weeks after the list date; of the
others about one in ten declined an offer and a few accepted and then withdrew; the rest are
available. Some Flemish reserves are extended by a year. A permanently open procedure's
reserve runs per laureate (selstats.rules.validity): of its laureates still available whose
reserve ends before the demo's today or within two months of it, some are extended by a year
at the organisation's request and the others' reserves lapse. Dates that would lie after the
demo's today are not known yet, so those laureates are still available.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

from selstats.domain.enums import ListStatus
from selstats.rules.derive import Derivation
from selstats.rules.validity import PERMANENTLY_OPEN

DECLINED_SHARE = 0.10
WITHDRAWN_SHARE = 0.03
EXTENDED_SHARE = 0.3  # Flemish reserves extended by a year
# Permanently open procedures: the share of the laureates whose reserve ends (or nearly ends)
# by the demo's today that is extended, and how far ahead an extension is known.
OPEN_EXTENDED_SHARE = 0.4
OPEN_EXTENSION_NOTICE_DAYS = 60


def list_entries(
    derivation: Derivation,
    procedures: pl.DataFrame,
    governments: dict[str, str],
    rng: np.random.Generator,
    today: date,
) -> pl.DataFrame:
    """procedure_code, candidate_ref, status, status_date, extended_until per laureate."""
    key = ["procedure_code", "candidate_ref"]
    # valid_until: the laureate's own reserve end before any extension (the rules engine's)
    laureates = derivation.laureates.select(*key, "final_score", "valid_until").sort(key)
    if laureates.is_empty():
        return pl.DataFrame(
            schema={
                "procedure_code": pl.String,
                "candidate_ref": pl.String,
                "status": pl.String,
                "status_date": pl.Date,
                "extended_until": pl.Date,
            }
        )
    n = laureates.height
    # Open procedures have no list date: a laureate's own last result stands in for it.
    last_result = derivation.results.group_by(key).agg(pl.col("result_date").max().alias("last"))
    procs = procedures.select(
        "procedure_code",
        "places",
        "list_date",
        "validity_months",
        pl.col("org_id").replace_strict(governments, default=None).alias("government"),
        PERMANENTLY_OPEN.alias("permanently_open"),
    ).sort("procedure_code")
    extended = rng.random(procs.height) < EXTENDED_SHARE
    procs = procs.with_columns(
        extended_until=pl.when(
            pl.Series(extended)
            & (pl.col("government") == "flemish")
            & pl.col("list_date").is_not_null()
        ).then(
            # valid until = list date - 1 day + validity; extended by 12 months more
            (pl.col("list_date") - pl.duration(days=1)).dt.offset_by(
                pl.format("{}mo", pl.col("validity_months").fill_null(12) + 12)
            )
        )
    )
    frame = (
        laureates.with_columns(
            u=pl.Series(rng.random(n)),
            tiebreak=pl.Series(rng.random(n)),
            hired_after=pl.Series(rng.integers(14, 121, size=n)),
            declined_after=pl.Series(rng.integers(7, 91, size=n)),
            withdrawn_after=pl.Series(rng.integers(30, 241, size=n)),
            extend_key=pl.Series(rng.random(n)),
        )
        .join(procs, on="procedure_code", how="left")
        .join(last_result, on=key, how="left")
        .sort(
            ["procedure_code", "final_score", "tiebreak"],
            descending=[False, True, False],
            nulls_last=True,
        )
        .with_columns(position=pl.int_range(pl.len()).over("procedure_code"))
        .with_columns(base=pl.coalesce("list_date", "last"))
    )
    hired = pl.col("position") < pl.col("places").fill_null(1)
    status = (
        pl.when(hired)
        .then(pl.lit(ListStatus.HIRED.value))
        .when(pl.col("u") < DECLINED_SHARE)
        .then(pl.lit(ListStatus.DECLINED.value))
        .when(pl.col("u") < DECLINED_SHARE + WITHDRAWN_SHARE)
        .then(pl.lit(ListStatus.WITHDRAWN.value))
        .otherwise(pl.lit(ListStatus.AVAILABLE.value))
    )
    after = (
        pl.when(pl.col("status") == ListStatus.HIRED.value)
        .then(pl.col("hired_after"))
        .when(pl.col("status") == ListStatus.DECLINED.value)
        .then(pl.col("declined_after"))
        .when(pl.col("status") == ListStatus.WITHDRAWN.value)
        .then(pl.col("withdrawn_after"))
    )
    entries = (
        frame.with_columns(status=status)
        .with_columns(status_date=pl.col("base") + pl.duration(days=after))
        .with_columns(
            # What happens after today is not known yet.
            status=pl.when(pl.col("status_date") > pl.lit(today))
            .then(pl.lit(ListStatus.AVAILABLE.value))
            .otherwise(pl.col("status")),
        )
        .with_columns(
            status_date=pl.when(pl.col("status") == ListStatus.AVAILABLE.value)
            .then(None)
            .otherwise(pl.col("status_date"))
        )
    )
    return _extend_open_reserves(entries, today).select(
        *key, "status", "status_date", "extended_until"
    )


def _extend_open_reserves(entries: pl.DataFrame, today: date) -> pl.DataFrame:
    """In a permanently open procedure, the laureates still available whose own reserve ends
    at most OPEN_EXTENSION_NOTICE_DAYS after today: about OPEN_EXTENDED_SHARE of them (at
    least one, and never all when there are two or more) are extended by 12 months after
    their own end; the others' reserves lapse."""
    notice = today + timedelta(days=OPEN_EXTENSION_NOTICE_DAYS)
    due = (
        pl.col("permanently_open").fill_null(False)
        & (pl.col("status") == ListStatus.AVAILABLE.value)
        & (pl.col("valid_until") <= pl.lit(notice))
    )
    n_due = due.sum().over("procedure_code")
    # about the share of them, at least one, and never all of two or more
    wanted = pl.min_horizontal(
        (n_due * OPEN_EXTENDED_SHARE).round().cast(pl.Int64).clip(lower_bound=1),
        (n_due - 1).clip(lower_bound=1),
    )
    order = pl.col("extend_key").rank(method="ordinal").over("procedure_code", due)
    extended = due & (order <= wanted)
    return entries.with_columns(
        extended_until=pl.when(extended)
        .then(pl.col("valid_until").dt.offset_by("12mo"))
        .otherwise(pl.col("extended_until"))
    )
