"""What one user may see, read from the store as the dashboard reads it.

`scoped_frame` runs a query of `queries/` for an `Access` the way
`selstats.ui.db.cached_query` does for the logged-in user, without Streamlit: `$allowed`
narrowed to the user's scope (candidate rows only for roles that see candidates, `audit`
queries only for those who import or audit), columns naming a person dropped for a role
without candidate rows, and small cells suppressed when the role asks for it, as the
figure catalogue declares them. An alert therefore never says more than the dashboard
shows the same user.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from selstats import query
from selstats.access.audit import audit_path, read_file_events
from selstats.access.roles import Permission
from selstats.access.scope import Access, intersect
from selstats.access.suppression import (
    min_cell,
    personal_columns,
    query_policy,
    suppress_small_cells,
)
from selstats.rules.certification import REVIEW_HORIZON_DAYS
from selstats.settings import settings
from selstats.tables import Scope

_log = logging.getLogger(__name__)


def scoped_frame(
    con: duckdb.DuckDBPyConnection, access: Access, name: str, **params: object
) -> pl.DataFrame:
    """`queries/<name>.sql` as `access` may see it (see the module's docstring)."""
    policy = query_policy(name)
    used = query.params_of(name)
    if policy.level == "audit":
        if not (access.may(Permission.VIEW_AUDIT) or access.may(Permission.IMPORT)):
            return query.run(con, name, **params).clear()
    elif "allowed" in used:
        needed = Permission.VIEW_CANDIDATES if policy.candidate_level else Permission.VIEW_FIGURES
        requested = params.get("allowed")
        params["allowed"] = intersect(
            requested if isinstance(requested, list | tuple) else None,
            access.allowed_for(needed),
        )
    frame = query.run(con, name, **params)
    personal = personal_columns(frame.columns)
    if personal and not access.may(Permission.VIEW_CANDIDATES):
        frame = frame.drop(personal)
    if access.suppression_applies({k: v for k, v in params.items() if k in used}):
        frame = suppress_small_cells(frame, min_cell())
    return frame


def scope_params(as_of: date) -> dict[str, Any]:
    """The parameters of a user's whole scope on `as_of` (no sidebar filter): every year,
    government, level and procedure; the deployment's Q-check mode and review horizon."""
    return {
        **Scope().params(),
        "as_of": as_of,
        "mode": settings().qcheck_mode.value,
        "review_horizon_days": REVIEW_HORIZON_DAYS,
    }


@dataclass(frozen=True)
class Facts:
    """What `selstats.alerts.due` reads for one user: the lists, the certification
    statuses and the reviews in the user's scope, and the failed imports they may see."""

    lists: pl.DataFrame
    statuses: pl.DataFrame
    reviews: pl.DataFrame
    imports: pl.DataFrame


def user_facts(con: duckdb.DuckDBPyConnection, access: Access, as_of: date, db: Path) -> Facts:
    """The frames of one user on `as_of`. Failed imports come from the store's audit file
    (`<db>.audit.jsonl`, where the dashboard records each import with its outcome), for
    users who import or audit."""
    params = scope_params(as_of)
    sees_imports = access.may(Permission.IMPORT) or access.may(Permission.VIEW_AUDIT)
    imports = read_file_events(audit_path(db)) if sees_imports else pl.DataFrame()
    return Facts(
        lists=scoped_frame(con, access, "reserve_lists", **params),
        statuses=scoped_frame(con, access, "certification", **params),
        reviews=scoped_frame(con, access, "certification_reviews", **params),
        imports=imports,
    )
