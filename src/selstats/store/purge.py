"""`selstats purge`: the retention rule. Candidate-level rows (results, laureates,
list_entries) of procedures whose list of laureates expired more than N months ago are removed;
the aggregated figures (step_states, procedure_stats, lists) stay, so the funnel and the
overview give the same numbers before and after.

N is `--months`, else `$SELSTATS_RETENTION_MONTHS`, else 24. A list's end is the rules' own
(`selstats.rules.validity.valid_until`: list date + validity, or a later extension of one of
its laureates); it expired the day after. A procedure is purged when that day plus N months
has come (`anniversary(expired_on, N) <= as_of`). A procedure without a list date or without
a validity has no end and is never purged.

Dry run by default: `plan_purge` reads the store (read-only, the file is not touched) and
says what would go, per procedure. `apply_purge` removes the rows in one store transaction
(`write_store`: all or nothing), records each procedure in `purges` (so that re-derivation on
a later import leaves its figures alone, see `StoreWriter.replace_derived`) and the run in
`audit_log`.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Final

import duckdb

from selstats.rules.validity import anniversary, valid_until
from selstats.settings import settings
from selstats.store.audit_log import record_in_store
from selstats.store.connection import open_reader
from selstats.store.writer import write_store

CANDIDATE_TABLES: Final = ("results", "laureates", "list_entries")

_log = logging.getLogger(__name__)


def retention_months() -> int:
    """Months after a list expired before its candidate rows go ($SELSTATS_RETENTION_MONTHS)."""
    return settings().retention_months


@dataclass(frozen=True)
class PurgeItem:
    """One procedure to purge and the rows it holds."""

    procedure_code: str
    org_id: str
    expired_on: date
    results: int
    laureates: int
    list_entries: int

    @property
    def rows(self) -> int:
        return self.results + self.laureates + self.list_entries


@dataclass(frozen=True)
class PurgePlan:
    months: int
    as_of: date
    items: tuple[PurgeItem, ...] = ()
    applied: bool = False

    @property
    def rows(self) -> dict[str, int]:
        return {
            "results": sum(i.results for i in self.items),
            "laureates": sum(i.laureates for i in self.items),
            "list_entries": sum(i.list_entries for i in self.items),
        }

    @property
    def codes(self) -> list[str]:
        return [i.procedure_code for i in self.items]

    def detail(self) -> dict[str, object]:
        """What the audit log keeps of the run."""
        return {
            "months": self.months,
            "as_of": self.as_of.isoformat(),
            "applied": self.applied,
            "rows": self.rows,
            "procedures": {i.procedure_code: i.rows for i in self.items},
        }


@dataclass
class _Counts:
    values: dict[str, dict[str, int]] = field(default_factory=dict)

    def of(self, table: str, code: str) -> int:
        return self.values.get(table, {}).get(code, 0)


def _has_table(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    rows = con.sql(
        "select count(*) from information_schema.tables where table_name = $t",
        params={"t": table},
    ).fetchall()
    return bool(rows[0][0])


def _counts(con: duckdb.DuckDBPyConnection) -> _Counts:
    counts = _Counts()
    for table in CANDIDATE_TABLES:
        rows = con.sql(
            f"select procedure_code, count(*) from {table} group by procedure_code"
        ).fetchall()
        counts.values[table] = {str(code): int(n) for code, n in rows}
    return counts


def plan_purge(con: duckdb.DuckDBPyConnection, months: int, as_of: date) -> PurgePlan:
    """What a purge with `months` of retention on `as_of` would remove (reads only)."""
    if months < 0:
        raise ValueError(f"months must not be negative, got {months}")
    purged = (
        {str(r[0]) for r in con.sql("select procedure_code from purges").fetchall()}
        if _has_table(con, "purges")
        else set()
    )
    rows = con.sql(
        "select p.procedure_code, p.org_id, p.list_date, p.validity_months, "
        "max(le.extended_until) as extended_until "
        "from procedures p left join list_entries le using (procedure_code) "
        "where p.list_date is not null and p.validity_months is not null "
        "group by all order by p.procedure_code"
    ).fetchall()
    counts = _counts(con)
    items = []
    for code, org_id, list_date, validity, extended in rows:
        if code in purged:
            continue
        end = valid_until(list_date, validity, extended)
        if end is None:
            continue
        expired_on = end + timedelta(days=1)
        if anniversary(expired_on, months) > as_of:
            continue
        items.append(
            PurgeItem(
                procedure_code=str(code),
                org_id=str(org_id),
                expired_on=expired_on,
                results=counts.of("results", code),
                laureates=counts.of("laureates", code),
                list_entries=counts.of("list_entries", code),
            )
        )
    return PurgePlan(months=months, as_of=as_of, items=tuple(items))


def dry_run(db: Path, months: int | None = None, as_of: date | None = None) -> PurgePlan:
    """The plan, read from the store without changing it."""
    months = retention_months() if months is None else months
    con = open_reader(db)
    try:
        return plan_purge(con, months, as_of or date.today())
    finally:
        con.close()


def apply_purge(
    db: Path, months: int | None = None, as_of: date | None = None, user: str | None = None
) -> PurgePlan:
    """Remove the candidate-level rows of the plan's procedures, in one store transaction."""
    months = retention_months() if months is None else months
    as_of = as_of or date.today()
    user = user or os.environ.get("USER") or "unknown"
    with write_store(db) as writer:
        con = writer.con
        plan = plan_purge(con, months, as_of)
        now = datetime.now()
        if plan.items:
            codes = {"codes": plan.codes}
            for table in CANDIDATE_TABLES:
                con.execute(
                    f"delete from {table} where list_contains($codes, procedure_code)", codes
                )
            for item in plan.items:
                con.execute(
                    "insert into purges (procedure_code, purged_at, expired_on, months, "
                    "results, laureates, list_entries) "
                    "values ($code, $at, $expired, $months, $r, $l, $e)",
                    {
                        "code": item.procedure_code,
                        "at": now,
                        "expired": item.expired_on,
                        "months": months,
                        "r": item.results,
                        "l": item.laureates,
                        "e": item.list_entries,
                    },
                )
        plan = PurgePlan(months=months, as_of=as_of, items=plan.items, applied=True)
        record_in_store(con, "retention", user=user, detail=plan.detail())
    _log.info("purge: %d procedure(s), rows %s", len(plan.items), plan.rows)
    return plan
