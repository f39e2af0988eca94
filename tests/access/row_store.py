"""A store with one procedure whose funnel row gives a small count away by subtraction when
only the small cell is hidden (`tests/access/test_subtraction.py`, attack (a)).

ORG-X "Dienst X", federal. P-X1 (level A2, deadline 2025-03-01, no list yet):
  step 1 screening: X01..X28 passed              -> reached 28, passed 28
  step 2 written /20, pass mark 10 points, top 6 (pass/fail by score, then the best 6):
    X01..X11 score 20, 19, ..., 10 (all meet the mark; the best 6 pass, 14..10 are cut off)
    X12, X13 score 5 and 4 (below the mark: failed)
    X14..X18 absent, X19..X23 withdrawn, X24..X28 not registered
                                                 -> reached 28, passed 6, cut_off 5,
                                                    failed 2, absent 5, withdrawn 5,
                                                    not_registered 5
  With only "<5" for the small cell, the row gives it back:
    failed = reached - passed - cut_off - absent - withdrawn - not_registered
           = 28 - 6 - 5 - 5 - 5 - 5 = 2
  and so do sat - met_mark = (6 + 5 + 2) - (6 + 5) = 2 (pass rates) and the summed funnel
  (one procedure: its rows are P-X1's).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from selstats.store.writer import write_store

ORGANISATIONS = pl.DataFrame(
    {
        "org_id": ["ORG-X"],
        "name": ["Dienst X"],
        "government": ["federal"],
        "certification": ["none"],
        "review_date": [None],
    },
    schema_overrides={"review_date": pl.Date},
)

PROCEDURES = pl.DataFrame(
    {
        "procedure_code": ["P-X1"],
        "org_id": ["ORG-X"],
        "title": ["Attaché"],
        "level": ["A2"],
        "language": ["nl"],
        "application_deadline": [date(2025, 3, 1)],
        "places": [1],
        "list_max": [None],
        "ranked": [True],
        "validity_months": [12],
        "list_date": [None],
    },
    schema_overrides={"list_max": pl.Int64, "list_date": pl.Date},
)

STEPS = pl.DataFrame(
    {
        "procedure_code": ["P-X1", "P-X1"],
        "step_no": [1, 2],
        "name": ["Screening", "Schriftelijk"],
        "kind": ["screening", "written"],
        "max_score": [None, 20.0],
        "pass_mark": [None, 10.0],
        "pass_unit": [None, "points"],
        "top_n": [None, 6],
        "total_of_steps": [None, None],
        "total_pass_percent": [None, None],
    },
    schema_overrides={"total_of_steps": pl.String, "total_pass_percent": pl.Float64},
)


def _results() -> pl.DataFrame:
    refs = [f"X{i:02d}" for i in range(1, 29)]
    rows: list[tuple[str, str, int, float | None, str | None]] = [
        ("P-X1", r, 1, None, "passed") for r in refs
    ]
    rows += [("P-X1", refs[i], 2, 20.0 - i, None) for i in range(11)]  # 20 .. 10
    rows += [("P-X1", "X12", 2, 5.0, None), ("P-X1", "X13", 2, 4.0, None)]
    for outcome, first in (("absent", 14), ("withdrawn", 19), ("not_registered", 24)):
        rows += [("P-X1", f"X{i:02d}", 2, None, outcome) for i in range(first, first + 5)]
    return pl.DataFrame(
        rows,
        schema={
            "procedure_code": pl.String,
            "candidate_ref": pl.String,
            "step_no": pl.Int64,
            "score": pl.Float64,
            "outcome_given": pl.String,
        },
        orient="row",
    )


def build_row_store(path: Path) -> Path:
    with write_store(path, fresh=True) as writer:
        writer.upsert("organisations", ORGANISATIONS)
        writer.upsert("procedures", PROCEDURES)
        writer.upsert("steps", STEPS)
        writer.upsert_results(_results())
    return path
