"""One entry point that turns raw results into the derived facts the store keeps.

The store calls `derive` for every procedure an import touches; the demo generator calls it
for the data it invents. Nothing else decides outcomes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from selstats.rules.lists import list_of_laureates
from selstats.rules.outcomes import (
    OUTCOME_COUNTS,
    STEP_SCHEMA,
    Candidates,
    conform,
    step_outcomes_by_candidate,
)
from selstats.rules.validity import PERMANENTLY_OPEN, laureate_reserves

PROCEDURE_RULES_SCHEMA: dict[str, type[pl.DataType] | pl.DataType] = {
    "procedure_code": pl.String,
    "list_max": pl.Int64,
    "ranked": pl.Boolean,
    "application_deadline": pl.Date,  # none (and no list date): permanently open
    "list_date": pl.Date,
    "validity_months": pl.Int64,
}


@dataclass(frozen=True)
class Derivation:
    results: pl.DataFrame  # raw columns + outcome
    step_states: pl.DataFrame  # procedure_code, step_no, state, reached, one count per outcome
    # procedure_code, candidate_ref, final_score, rank, and the laureate's own reserve:
    # list_date (its first day), valid_until (its last day before any extension)
    laureates: pl.DataFrame
    # procedure_code, list_date, validity_months, valid_until, ranked, size, permanently_open
    lists: pl.DataFrame
    procedure_stats: pl.DataFrame  # procedure_code, applicants, tested, laureates
    problems: pl.DataFrame  # procedure_code, candidate_ref, step_no, code, detail


def derive(steps: pl.DataFrame, results: pl.DataFrame, procedures: pl.DataFrame) -> Derivation:
    """Outcomes, step states and lists for the procedures in `steps`."""
    steps = conform(steps, STEP_SCHEMA)
    procedures = conform(procedures, PROCEDURE_RULES_SCHEMA)
    step_outcomes, candidates = step_outcomes_by_candidate(steps, results)
    lists = list_of_laureates(
        step_outcomes.results, step_outcomes.step_states, steps, procedures, candidates
    )
    # The list maximum can turn last-step passers into cut-offs: count after it.
    counted = lists.results.filter(pl.col("reachable") & pl.col("outcome").is_not_null())
    counts = counted.group_by("procedure_code", "step_no").agg(
        pl.len().alias("reached"),
        *[(pl.col("outcome") == o).sum().alias(o) for o in OUTCOME_COUNTS],
    )
    states = (
        step_outcomes.step_states.select("procedure_code", "step_no", "state")
        .join(counts, on=["procedure_code", "step_no"], how="left")
        .with_columns(pl.col(["reached", *OUTCOME_COUNTS]).fill_null(0).cast(pl.Int64))
        .sort("procedure_code", "step_no")
    )
    # Only a permanently open procedure dates its laureates' reserves by their own results.
    open_codes = procedures.filter(PERMANENTLY_OPEN).get_column("procedure_code")
    laureates = laureate_reserves(
        lists.laureates,
        lists.results.filter(pl.col("procedure_code").is_in(open_codes.implode())),
        procedures,
    )
    return Derivation(
        results=lists.results.drop("cid"),
        step_states=states,
        laureates=laureates,
        lists=_lists(procedures, laureates),
        procedure_stats=_procedure_stats(lists.laureates, candidates),
        problems=step_outcomes.problems,
    )


def _lists(procedures: pl.DataFrame, laureates: pl.DataFrame) -> pl.DataFrame:
    """One row per procedure that has a list: its dates and size. The list's own last day is
    the last of its laureates' own ends: the end of the list date's validity, which every
    laureate shares, or in a permanently open procedure the latest laureate's."""
    sizes = laureates.group_by("procedure_code").agg(
        pl.len().cast(pl.Int64).alias("size"), pl.col("valid_until").max()
    )
    return procedures.join(sizes, on="procedure_code", how="inner").select(
        "procedure_code",
        "list_date",
        "validity_months",
        "valid_until",
        pl.col("ranked").fill_null(True),
        "size",
        PERMANENTLY_OPEN.alias("permanently_open"),
    )


def _procedure_stats(laureates: pl.DataFrame, candidates: Candidates) -> pl.DataFrame:
    """Per procedure with results at its first step: applicants (those rows), tested (the
    candidates who sat a scored step: passed, failed or cut off there) and laureates."""
    applicants = candidates.applicants.select(
        "procedure_code", pl.col("rows").cast(pl.Int64).alias("applicants")
    )
    tested = pl.DataFrame(
        {
            "procedure_code": candidates.codes,
            "tested": np.bincount(
                candidates.procedure[candidates.sat_scored], minlength=len(candidates.codes)
            ).astype(np.int64),
        }
    ).filter(pl.col("tested") > 0)
    on_list = laureates.group_by("procedure_code").agg(pl.len().cast(pl.Int64).alias("laureates"))
    return (
        applicants.join(tested, on="procedure_code", how="left")
        .join(on_list, on="procedure_code", how="left")
        .with_columns(pl.col("tested", "laureates").fill_null(0))
    )
