"""The shipped reference data (data/reference/steps.csv, procedures.csv) against
docs/DOMAIN.md#the-four-reference-procedures.

The expected tables below are typed in by hand from the seed notices, as
docs/DOMAIN.md#the-four-reference-procedures, docs/DOMAIN.md#who-is-on-a-list and
docs/DOMAIN.md#validity summarise them. Skipped while the files do not exist.
Pass marks are compared in points (a percentage of the maximum converted), so "50 % of 100"
and "50 points of 100" are the same rule.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

REFERENCE = Path(__file__).resolve().parents[2] / "data" / "reference"

# (max_score, pass mark in points, top_n, rank_by_step (own step when empty),
#  held_if_more_than, total_of_steps, total_pass_percent); None = not set.
# A step without max_score is pass/fail.
EXPECTED_STEPS: dict[str, dict[int, tuple]] = {
    "CNG23032": {
        1: (None, None, None, 1, None, None, None),  # diploma screening
        2: (None, None, None, 2, None, None, None),  # experience screening
        # written test 9/18, first 6 passers go on, held only if more than 6 remain
        3: (18.0, 9.0, 6, 3, 6, None, None),
        4: (110.0, 55.0, None, 4, None, None, None),  # interview + PC test 55/110
    },
    "CNG24004": {
        1: (None, None, None, 1, None, None, None),  # diploma screening
        2: (100.0, 50.0, None, 2, None, None, None),  # info session + MCQ 50/100
        # experience screening: the 50 best step-2 scores among those who pass it
        3: (None, None, 50, 2, None, None, None),
        4: (100.0, 50.0, None, 4, None, None, None),  # interview with case 50/100
    },
    "MAASEIK-DBK-2026": {
        1: (None, None, None, 1, None, None, None),  # application check
        2: (100.0, 50.0, None, 2, None, None, None),  # written, 50 % of 100
        # oral, 50 % of 100, and 60 % on the total of steps 2 + 3
        3: (100.0, 50.0, None, 3, None, (2, 3), 60.0),
    },
    "req16131": {
        1: (None, None, None, 1, None, None, None),  # CV screening
        2: (100.0, 50.0, None, 2, None, None, None),  # telephone pre-screening, 50 %
        3: (None, None, None, 3, None, None, None),  # competency screening
        4: (None, None, None, 4, None, None, None),  # jury interview with case
    },
}

# list_max, ranked, validity_months (docs/DOMAIN.md#the-four-reference-procedures:
# Belnet "maximum 6", 1 year; POD MI "maximum 50", 1 year; Maaseik ranked, no maximum,
# 2 years; Opgroeien unranked by default, 1 year).
EXPECTED_PROCEDURES: dict[str, tuple] = {
    "CNG23032": (6, True, 12),
    "CNG24004": (50, True, 12),
    "MAASEIK-DBK-2026": (None, True, 24),
    "req16131": (None, False, 12),
}


def _read(name: str) -> list[dict[str, str]]:
    path = REFERENCE / name
    if not path.exists():
        pytest.skip(f"data/reference/{name} does not exist yet")
    text = path.read_text(encoding="utf-8-sig")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    rows = list(csv.DictReader(lines, delimiter=delimiter))
    return [{k.strip().lower(): (v or "").strip() for k, v in row.items()} for row in rows]


def _num(text: str) -> float | None:
    return float(text.replace(",", ".")) if text else None


def _int(text: str) -> int | None:
    return int(float(text.replace(",", "."))) if text else None


def _steps_of(rows: list[dict[str, str]], code: str) -> dict[int, tuple]:
    out: dict[int, tuple] = {}
    for row in rows:
        if row["procedure_code"] != code:
            continue
        step_no = int(row["step_no"])
        assert step_no not in out, f"{code} step {step_no} appears twice"
        assert row["name"], f"{code} step {step_no} has no name"
        max_score = _num(row.get("max_score", ""))
        pass_mark = _num(row.get("pass_mark", ""))
        if pass_mark is not None and row.get("pass_unit", "").lower() == "percent":
            assert max_score is not None, f"{code} step {step_no}: a percentage needs a maximum"
            pass_mark = pass_mark / 100 * max_score
        total = row.get("total_of_steps", "")
        out[step_no] = (
            max_score,
            pass_mark,
            _int(row.get("top_n", "")),
            _int(row.get("rank_by_step", "")) or step_no,
            _int(row.get("held_if_more_than", "")),
            tuple(int(p) for p in re.split(r"[^0-9]+", total) if p) if total else None,
            _num(row.get("total_pass_percent", "")),
        )
    return out


@pytest.mark.parametrize("code", sorted(EXPECTED_STEPS))
def test_reference_steps_match_the_contract(code: str) -> None:
    assert _steps_of(_read("steps.csv"), code) == EXPECTED_STEPS[code]


@pytest.mark.parametrize("code", sorted(EXPECTED_PROCEDURES))
def test_reference_procedures_match_the_domain(code: str) -> None:
    rows = [r for r in _read("procedures.csv") if r["procedure_code"] == code]
    assert len(rows) == 1, f"{code} must appear exactly once"
    row = rows[0]
    ranked = row.get("ranked", "").lower()
    assert ranked in {"true", "false", "1", "0", "yes", "no"}, f"{code}: ranked={ranked!r}"
    got = (
        _int(row.get("list_max", "")),
        ranked in {"true", "1", "yes"},
        _int(row.get("validity_months", "")),
    )
    assert got == EXPECTED_PROCEDURES[code]
