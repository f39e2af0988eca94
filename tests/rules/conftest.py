"""Helpers that build the rules engine's input frames for the four reference procedures.

The step parameters below are typed in from the seed notices (never read at run time), as
docs/DOMAIN.md#the-four-reference-procedures summarises them:

- CNG23032 (Belnet): 1 diploma screening, 2 experience screening (both pass/fail),
  3 written test "ten minste 9 punten op 18", "enkel de eerste 6 geslaagden", held as a
  separate step "indien er na de vorige stap meer dan 6 kandidaten overblijven",
  4 interview + PC test "ten minste 55 punten op 110"; "een lijst van maximum 6
  geslaagden", ranked.
- CNG24004 (POD MI): 1 diploma screening, 2 info session + MCQ "tenminste 50/100",
  3 experience screening (pass/fail) where "enkel de 50 geslaagden na de
  meerkeuzevragenlijst met de hoogste score én die over de vereiste ervaring beschikken"
  go on, 4 interview with case "ten minste 50 punten op 100"; list of "maximum 50
  geslaagden", ranked.
- MAASEIK-DBK-2026 (Stad Maaseik): 1 application check, 2 written (max 100, 50 %),
  3 oral (max 100, 50 %) and "60% in totaliteit (schriftelijk en mondeling)"; ranked
  ("rangschikking van de geslaagde kandidaten"), no list maximum.
- req16131 (Opgroeien Regie): 1 CV screening, 2 telephone pre-screening (max 100,
  "minstens 50% ... op het geheel van de criteria"), 3 competency screening and 4 jury
  interview (pass/fail); reserve "zonder rangschikking" by default, a ranked variant too.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from selstats.rules.derive import Derivation, derive

BELNET = "CNG23032"
POD_MI = "CNG24004"
MAASEIK = "MAASEIK-DBK-2026"
OPGROEIEN = "req16131"

OUTCOME_COLUMNS = ["passed", "failed", "absent", "withdrawn", "not_registered", "cut_off"]

STEP_COLUMNS: dict[str, Any] = {
    "procedure_code": pl.String,
    "step_no": pl.Int64,
    "name": pl.String,
    "max_score": pl.Float64,
    "pass_mark": pl.Float64,
    "pass_unit": pl.String,
    "top_n": pl.Int64,
    "rank_by_step": pl.Int64,
    "held_if_more_than": pl.Int64,
    "total_of_steps": pl.String,
    "total_pass_percent": pl.Float64,
}

RESULT_COLUMNS: dict[str, Any] = {
    "procedure_code": pl.String,
    "candidate_ref": pl.String,
    "step_no": pl.Int64,
    "score": pl.Float64,
    "outcome_given": pl.String,
}

PROCEDURE_COLUMNS: dict[str, Any] = {
    "procedure_code": pl.String,
    "list_max": pl.Int64,
    "ranked": pl.Boolean,
}


def _frame(rows: list[dict[str, Any]], schema: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(
        [{name: row.get(name) for name in schema} for row in rows], schema=schema, orient="row"
    )


def step(code: str, step_no: int, name: str, **params: Any) -> dict[str, Any]:
    return {"procedure_code": code, "step_no": step_no, "name": name, **params}


def steps_frame(*rows: dict[str, Any]) -> pl.DataFrame:
    return _frame(list(rows), STEP_COLUMNS)


# --- the four reference procedures (docs/DOMAIN.md#the-four-reference-procedures) -------


def belnet_steps() -> pl.DataFrame:
    return steps_frame(
        step(BELNET, 1, "diploma screening"),
        step(BELNET, 2, "experience screening"),
        step(
            BELNET,
            3,
            "written test",
            max_score=18,
            pass_mark=9,
            pass_unit="points",
            top_n=6,
            held_if_more_than=6,
        ),
        step(BELNET, 4, "interview + PC test", max_score=110, pass_mark=55, pass_unit="points"),
    )


def pod_mi_steps() -> pl.DataFrame:
    return steps_frame(
        step(POD_MI, 1, "diploma screening"),
        step(POD_MI, 2, "info session + MCQ", max_score=100, pass_mark=50, pass_unit="points"),
        step(POD_MI, 3, "experience screening", top_n=50, rank_by_step=2),
        step(POD_MI, 4, "interview with case", max_score=100, pass_mark=50, pass_unit="points"),
    )


def maaseik_steps() -> pl.DataFrame:
    return steps_frame(
        step(MAASEIK, 1, "application check"),
        step(MAASEIK, 2, "written test", max_score=100, pass_mark=50, pass_unit="percent"),
        step(
            MAASEIK,
            3,
            "oral test",
            max_score=100,
            pass_mark=50,
            pass_unit="percent",
            total_of_steps="2,3",
            total_pass_percent=60,
        ),
    )


def opgroeien_steps() -> pl.DataFrame:
    return steps_frame(
        step(OPGROEIEN, 1, "CV screening"),
        step(
            OPGROEIEN,
            2,
            "telephone pre-screening",
            max_score=100,
            pass_mark=50,
            pass_unit="percent",
        ),
        step(OPGROEIEN, 3, "competency screening"),
        step(OPGROEIEN, 4, "jury interview with case"),
    )


def procedures_frame(*rows: tuple[str, int | None, bool | None]) -> pl.DataFrame:
    """Rows of (procedure_code, list_max, ranked)."""
    return _frame(
        [{"procedure_code": c, "list_max": m, "ranked": r} for c, m, r in rows],
        PROCEDURE_COLUMNS,
    )


def belnet_procedure() -> pl.DataFrame:
    return procedures_frame((BELNET, 6, True))


def pod_mi_procedure() -> pl.DataFrame:
    return procedures_frame((POD_MI, 50, True))


def maaseik_procedure() -> pl.DataFrame:
    return procedures_frame((MAASEIK, None, True))


def opgroeien_procedure(*, ranked: bool = False) -> pl.DataFrame:
    return procedures_frame((OPGROEIEN, None, ranked))


# --- results ------------------------------------------------------------------------------


def res(
    code: str, cand: str, step_no: int, score: float | None = None, outcome: str | None = None
) -> dict[str, Any]:
    return {
        "procedure_code": code,
        "candidate_ref": cand,
        "step_no": step_no,
        "score": None if score is None else float(score),
        "outcome_given": outcome,
    }


def results_frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    return _frame(rows, RESULT_COLUMNS)


def passes(code: str, step_no: int, cands: list[str]) -> list[dict[str, Any]]:
    """Pass/fail rows where every candidate is given 'passed'."""
    return [res(code, c, step_no, outcome="passed") for c in cands]


def refs(prefix: str, first: int, last: int) -> list[str]:
    """prefix01 .. prefixNN (inclusive, zero-padded to 2 digits)."""
    return [f"{prefix}{i:02d}" for i in range(first, last + 1)]


# --- running and reading the derivation ----------------------------------------------------


def check_funnel(step_states: pl.DataFrame) -> None:
    """reached = passed + failed + absent + withdrawn + not_registered + cut_off on every
    step (docs/DOMAIN.md#the-funnel)."""
    for row in step_states.iter_rows(named=True):
        total = sum(row[c] for c in OUTCOME_COLUMNS)
        assert row["reached"] == total, f"funnel identity broken at {row}"


def run(
    steps: pl.DataFrame,
    rows: list[dict[str, Any]],
    procedures: pl.DataFrame,
    *,
    funnel: bool = True,
) -> Derivation:
    """derive() on these frames; checks the funnel identity on every step by default."""
    d = derive(steps, results_frame(rows), procedures)
    if funnel:
        check_funnel(d.step_states)
    return d


def outcomes(d: Derivation, code: str, step_no: int) -> dict[str, str | None]:
    """candidate_ref -> derived outcome at one step."""
    rows = d.results.filter(
        (pl.col("procedure_code") == code) & (pl.col("step_no") == step_no)
    ).select("candidate_ref", "outcome")
    out = dict(rows.iter_rows())
    assert len(out) == rows.height, "one result row per candidate and step"
    return out


def state(d: Derivation, code: str, step_no: int) -> dict[str, Any]:
    """The state and counts of one step (other columns, if any, left out)."""
    rows = d.step_states.filter((pl.col("procedure_code") == code) & (pl.col("step_no") == step_no))
    assert rows.height == 1, f"expected one state row for {code} step {step_no}"
    row = rows.row(0, named=True)
    return {k: row[k] for k in ["state", "reached", *OUTCOME_COLUMNS]}


def counts(
    state_name: str,
    reached: int,
    *,
    passed: int = 0,
    failed: int = 0,
    absent: int = 0,
    withdrawn: int = 0,
    not_registered: int = 0,
    cut_off: int = 0,
) -> dict[str, Any]:
    """The expected step_states row (without keys)."""
    return {
        "state": state_name,
        "reached": reached,
        "passed": passed,
        "failed": failed,
        "absent": absent,
        "withdrawn": withdrawn,
        "not_registered": not_registered,
        "cut_off": cut_off,
    }


def laureates(d: Derivation, code: str) -> dict[str, tuple[float | None, int | None]]:
    """candidate_ref -> (final_score, rank)."""
    rows = d.laureates.filter(pl.col("procedure_code") == code)
    out = {r["candidate_ref"]: (r["final_score"], r["rank"]) for r in rows.iter_rows(named=True)}
    assert len(out) == rows.height, "a candidate is on a list at most once"
    return out


def ranks(d: Derivation, code: str) -> dict[str, int | None]:
    return {c: rank for c, (_, rank) in laureates(d, code).items()}


def problems(d: Derivation, code: str | None = None) -> list[tuple[str | None, int | None, str]]:
    """Sorted (candidate_ref, step_no, code) of the problems, optionally of one procedure."""
    p = d.problems
    if code is not None:
        p = p.filter(pl.col("procedure_code") == code)
    return sorted(
        p.select("candidate_ref", "step_no", "code").iter_rows(),
        key=lambda t: (t[0] or "", t[1] or 0, t[2]),
    )
