"""`selstats check`: what is wrong in the store and the reference data.

The store keeps facts as imported, even when a given outcome contradicts the rules (the
contract asks to import it and report it); this is where such things are reported. The check
re-derives every procedure from its facts and compares, so a stale derived table shows too.
"""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb
import polars as pl
from pydantic import ValidationError

from selstats.domain.models import Step
from selstats.ingest.problems import Code, Problem
from selstats.reference import ReferenceError, load_reference
from selstats.rules.derive import derive
from selstats.rules.score_range import expected_range, format_score, scores_out_of_range
from selstats.store.connection import open_reader
from selstats.store.migrations import SCHEMA_VERSION, schema_version

log = logging.getLogger(__name__)

STORE = "store"


def check_store(db: Path) -> list[Problem]:
    problems = _check_reference()
    if not db.exists():
        problems.append(Problem(file=str(db), code="store_missing", params={}))
        return problems
    con = open_reader(db)
    try:
        version = schema_version(con)
        if version != SCHEMA_VERSION:
            problems.append(
                Problem(
                    file=STORE,
                    code="schema_version",
                    params={"found": version, "expected": SCHEMA_VERSION},
                )
            )
            return problems
        steps = con.sql("select * from steps").pl()
        problems.extend(_check_steps(steps))
        problems.extend(_check_scores(con, steps))
        problems.extend(_check_derivation(con))
    finally:
        con.close()
    return problems


def _check_reference() -> list[Problem]:
    try:
        load_reference()
    except ReferenceError as error:
        return [
            Problem(file="data/reference", code="reference_error", params={"detail": text})
            for text in error.problems
        ]
    return []


def _check_steps(steps: pl.DataFrame) -> list[Problem]:
    problems = []
    for record in steps.iter_rows(named=True):
        try:
            Step.model_validate({k: v for k, v in record.items() if v is not None})
        except ValidationError as error:
            for item in error.errors():
                problems.append(
                    Problem(
                        file=STORE,
                        code="invalid_step",
                        params={
                            "procedure": record["procedure_code"],
                            "step": record["step_no"],
                            "detail": item["msg"],
                        },
                    )
                )
    return problems


def _check_scores(con: duckdb.DuckDBPyConnection, steps: pl.DataFrame) -> list[Problem]:
    """Stored scores outside their step's range: stores written before the import refused
    them (a score of 19 on a step out of 18)."""
    stored = con.sql(
        "select procedure_code, candidate_ref, step_no, score from results where score is not null"
    ).pl()
    return [
        Problem(
            file=STORE,
            value=format_score(rec["score"]),
            code=Code.SCORE_OUT_OF_RANGE,
            params={
                "variant": "stored",
                "procedure": rec["procedure_code"],
                "candidate": rec["candidate_ref"],
                "step": rec["step_no"],
                "expected": expected_range(rec["max_score"]),
            },
        )
        for rec in scores_out_of_range(stored, steps)
        .sort("procedure_code", "step_no", "candidate_ref")
        .iter_rows(named=True)
    ]


def _check_derivation(con: duckdb.DuckDBPyConnection) -> list[Problem]:
    steps = con.sql("select * from steps").pl()
    procedures = con.sql(
        "select procedure_code, list_max, ranked, list_date, validity_months from procedures"
    ).pl()
    stored = con.sql(
        "select procedure_code, candidate_ref, step_no, score, outcome_given, result_date, "
        "outcome from results"
    ).pl()
    derived = derive(steps, stored.drop("outcome"), procedures)
    problems = [
        Problem(
            file=STORE,
            code=rec["code"],
            params={
                "procedure": rec["procedure_code"],
                "candidate": rec["candidate_ref"] or "",
                "step": rec["step_no"],
                "expected": rec["expected"] or "",
                "found": rec["found"] or "",
            },
        )
        for rec in derived.problems.iter_rows(named=True)
    ]
    stale = stored.join(
        derived.results.select("procedure_code", "candidate_ref", "step_no", "outcome"),
        on=["procedure_code", "candidate_ref", "step_no"],
        how="left",
        suffix="_now",
    ).filter(pl.col("outcome") != pl.col("outcome_now").fill_null(""))
    problems.extend(
        Problem(
            file=STORE,
            code="stale_outcome",
            params={
                "procedure": rec["procedure_code"],
                "candidate": rec["candidate_ref"],
                "step": rec["step_no"],
                "expected": rec["outcome_now"] or "",
                "found": rec["outcome"],
            },
        )
        for rec in stale.iter_rows(named=True)
    )
    return problems
