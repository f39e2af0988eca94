"""The rules engine numbers candidates (procedure_code, candidate_ref) by a hash of their key
and checks every row against its number's key; these tests break the hash on purpose."""

from __future__ import annotations

import polars as pl
import pytest

from selstats.rules import outcomes
from selstats.rules.outcomes import _number_candidates

from .conftest import BELNET, belnet_procedure, belnet_steps, res, run
from .conftest import outcomes as outcomes_at


def _results(keys: list[tuple[str, str | None]]) -> pl.DataFrame:
    return pl.DataFrame(
        {"procedure_code": [p for p, _ in keys], "candidate_ref": [c for _, c in keys]},
        schema={"procedure_code": pl.String, "candidate_ref": pl.String},
    )


PROCS = pl.DataFrame({"procedure_code": ["P1", "P2"]}).with_row_index("pid")
# rows 0-5: P1/A, P2/A, P1/B, P1/A, (P2, no candidate), P2/A
KEYS = [("P1", "A"), ("P2", "A"), ("P1", "B"), ("P1", "A"), ("P2", None), ("P2", "A")]


def _check(cid: list[int], cand_pid: list[int], row_pid: list[int]) -> None:
    # Three candidates: P1/A (rows 0, 3), P2/A (rows 1, 5), P1/B (row 2); the row without a
    # candidate gets number 3 (= the number of candidates). Numbers are arbitrary, so compare
    # the partition: rows 0 and 3 share a number, 1 and 5 share another, 2 has a third.
    assert len(set(cid[:4]) | {cid[5]}) == 3
    assert cid[0] == cid[3] and cid[1] == cid[5] and len({cid[0], cid[1], cid[2]}) == 3
    assert cid[4] == 3
    # procedures: P1 is 0, P2 is 1 (the order of PROCS)
    assert [cand_pid[cid[i]] for i in (0, 1, 2)] == [0, 1, 0]
    assert row_pid == [0, 1, 0, 0, 1, 1]


def test_candidates_are_numbered_by_procedure_and_reference() -> None:
    cid, cand_pid, row_pid = _number_candidates(_results(KEYS), PROCS)
    _check(cid.tolist(), cand_pid.tolist(), row_pid.tolist())


def test_keys_sharing_a_hash_stay_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every key hashing to the same value (as two colliding keys would): the check against
    each number's key finds it, and the rows are numbered by their keys instead."""
    monkeypatch.setattr(
        outcomes, "key_hash", lambda keyed, keys: pl.Series("hash", [7] * keyed.height, pl.UInt64)
    )
    cid, cand_pid, row_pid = _number_candidates(_results(KEYS), PROCS)
    _check(cid.tolist(), cand_pid.tolist(), row_pid.tolist())


def test_a_collision_does_not_merge_two_candidates_outcomes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Belnet steps 1 and 2 are pass/fail screenings (see conftest): K01 passes step 1, K02
    fails it, and both have a "passed" row at step 2. Were the two one candidate, K02's
    step-2 row would be reachable through K01's pass; it must be reported unreachable
    instead, whatever the hash says."""
    monkeypatch.setattr(
        outcomes, "key_hash", lambda keyed, keys: pl.Series("hash", [7] * keyed.height, pl.UInt64)
    )
    rows = [
        res(BELNET, "K01", 1, outcome="passed"),
        res(BELNET, "K02", 1, outcome="failed"),
        res(BELNET, "K01", 2, outcome="passed"),
        res(BELNET, "K02", 2, outcome="passed"),
    ]
    d = run(belnet_steps(), rows, belnet_procedure(), funnel=False)
    assert outcomes_at(d, BELNET, 1) == {"K01": "passed", "K02": "failed"}
    unreachable = d.problems.filter(pl.col("code") == "unreachable_step")
    assert unreachable.select("candidate_ref", "step_no").rows() == [("K02", 2)]
