"""The tables a user can export: each is one query in queries/, the same the dashboard runs,
so an export always equals what the page shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import polars as pl

from selstats import query
from selstats.rules.certification import REVIEW_HORIZON_DAYS
from selstats.settings import settings


@dataclass(frozen=True)
class Scope:
    """What the caller may and wants to see: the sidebar/CLI filter and the access scope.
    The sidebar's filters are this same class (`selstats.ui.filters.Filters`).

    Empty tuples mean "all"; `allowed` None means every organisation. Plain values only,
    so that the parameters are exact cache keys. `levels` are DIPLOMA levels (A, B, C, D),
    derived from each procedure's level, class, rank or scale (view `level_diplomas`).
    """

    year_from: int | None = None
    year_to: int | None = None
    govs: tuple[str, ...] = ()
    orgs: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    procs: tuple[str, ...] = ()
    allowed: tuple[str, ...] | None = None

    def params(self) -> dict[str, int | tuple[str, ...] | None]:
        """The named SQL parameters every scoped query takes."""
        return {
            "year_from": self.year_from,
            "year_to": self.year_to,
            "govs": self.govs,
            "orgs": self.orgs,
            "levels": self.levels,
            "procs": self.procs,
            "allowed": self.allowed,
        }


# table name -> query file (without .sql). The four of the data contract come first.
EXPORT_TABLES: dict[str, str] = {
    "funnel": "funnel",
    "laureates": "laureates",
    "certification": "certification",
    "salaries": "salaries",
    "reserve_lists": "reserve_lists",
    "reserve_lists_expiring": "reserve_lists_expiring",
    "pass_rates": "pass_rates_by_group",
    "salary_postings": "salary_postings",
    "certification_levels": "certification_levels",
    "certification_reviews": "certification_reviews",
    "certification_fragility": "certification_fragility",
    "overview": "overview",
    "funnel_aggregate": "funnel_aggregate",
    "national_figures": "national_figures",
}


def table_params(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    *,
    as_of: date | None = None,
    mode: str | None = None,
    coefficient: float | None = None,
) -> dict[str, Any]:
    """Every named parameter an exportable query may use, with the deployment's defaults.

    `as_of` (default today): the day lists are valid on, and the day whose index coefficient
    each salary scale is paid at (each government's own, see queries/salaries.sql).
    `coefficient`: one coefficient for every scale instead (a what-if); None by default."""
    del con  # the defaults need nothing from the store
    return {
        **scope.params(),
        "as_of": as_of or date.today(),
        "mode": mode or settings().qcheck_mode.value,
        "coefficient": coefficient,
        "review_horizon_days": REVIEW_HORIZON_DAYS,
    }


def export_table(
    con: duckdb.DuckDBPyConnection, table: str, params: dict[str, Any]
) -> pl.DataFrame:
    return query.run(con, EXPORT_TABLES[table], **params)


def export_relation(
    con: duckdb.DuckDBPyConnection, table: str, params: dict[str, Any]
) -> duckdb.DuckDBPyRelation:
    """The same query as a relation, to stream large exports batch by batch."""
    return query.relation(con, EXPORT_TABLES[table], **params)
