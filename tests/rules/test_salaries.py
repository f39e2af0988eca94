"""Salary amounts from the 100 % scale and the index coefficient, against the postings.

Hand-worked (decimal arithmetic, half-up to the cent):
- NA23 at 1.9999: 33,072 x 1.9999 = 66,140.6928 -> 66,140.69 (Belnet 2023 posting).
- C1 at 2.0399: 14,274 x 2.0399 = 29,117.5326 -> 29,117.53 (POD MI 2024 posting).
- C1-C3 at 2.1647: 13,550 x 2.1647 = 29,331.685 -> 29,331.69; / 12 = 2,444.3070 -> 2,444.31;
  24,800 x 2.1647 = 53,684.56; / 12 = 4,473.7133 -> 4,473.71 (Maaseik 2026 posting).
"""

from __future__ import annotations

import polars as pl
import pytest

from selstats.domain.enums import Government
from selstats.domain.models import SalaryScale
from selstats.rules.salaries import (
    amount_at_100,
    annual_amount,
    monthly_amount,
    salary_table,
)

NA23 = SalaryScale(scale="NA23", level="A2", government=Government.FEDERAL, annual_min_100=33072)
C1 = SalaryScale(scale="C1", level="C", government=Government.FEDERAL, annual_min_100=14274)
C1_C3 = SalaryScale(
    scale="C1-C3",
    level="C1",
    government=Government.LOCAL,
    annual_min_100=13550,
    annual_max_100=24800,
)
B111 = SalaryScale(scale="B111", level="B1", government=Government.FLEMISH)

COLUMNS = [
    "scale",
    "level",
    "government",
    "annual_min_100",
    "annual_max_100",
    "coefficient",
    "annual_min",
    "annual_max",
    "monthly_min",
    "monthly_max",
]


def test_belnet_minimum_comes_back() -> None:
    row = salary_table([NA23], 1.9999).row(0, named=True)
    assert row["annual_min"] == 66140.69
    assert row["monthly_min"] == 5511.72  # 66,140.6928 / 12 = 5,511.7244 -> 5,511.72
    assert row["annual_max"] is None and row["monthly_max"] is None


def test_pod_mi_minimum_comes_back() -> None:
    assert salary_table([C1], 2.0399)["annual_min"].to_list() == [29117.53]


def test_maaseik_monthly_range_comes_back() -> None:
    row = salary_table([C1_C3], 2.1647).row(0, named=True)
    # 29,331.685 is exact in decimal; a binary float holds 29,331.684999... and would round
    # down to .68: the half-up cent needs decimal arithmetic.
    assert row["annual_min"] == 29331.69
    assert row["annual_max"] == 53684.56
    assert row["monthly_min"] == 2444.31
    assert row["monthly_max"] == 4473.71


@pytest.mark.parametrize("coefficient", [1.7758, 1.9999, 2.1647])
def test_unknown_stays_null_never_zero(coefficient: float) -> None:
    row = salary_table([B111], coefficient).row(0, named=True)
    for column in ("annual_min_100", "annual_max_100", "annual_min", "annual_max"):
        assert row[column] is None
    assert row["monthly_min"] is None and row["monthly_max"] is None
    assert annual_amount(None, coefficient) is None
    assert monthly_amount(None, coefficient) is None


def test_columns_and_order() -> None:
    table = salary_table([NA23, C1, C1_C3, B111], 2.0807)
    assert table.columns == COLUMNS
    assert table["scale"].to_list() == ["NA23", "C1", "C1-C3", "B111"]
    assert table["government"].to_list() == ["federal", "federal", "local", "flemish"]
    assert table["coefficient"].to_list() == [2.0807] * 4
    assert table.schema["annual_min"] == pl.Float64


def test_a_frame_works_like_the_models() -> None:
    frame = pl.DataFrame(
        {
            "scale": ["C1-C3", "B111"],
            "level": ["C1", "B1"],
            "government": ["local", "flemish"],
            "annual_min_100": [13550.0, None],
            "annual_max_100": [24800.0, None],
            "note": ["x", None],
        }
    )
    assert salary_table(frame, 2.1647).equals(salary_table([C1_C3, B111], 2.1647))


def test_an_empty_table_keeps_its_columns() -> None:
    table = salary_table([], 2.0)
    assert table.columns == COLUMNS and table.height == 0


@pytest.mark.parametrize(
    ("published", "coefficient", "monthly", "expected"),
    [
        (66140.69, 1.9999, False, 33072.0),  # 66,140.69 / 1.9999 = 33,071.9986
        (29117.53, 2.0399, False, 14274.0),  # 29,117.53 / 2.0399 = 14,273.9987
        (2444.31, 2.1647, True, 13550.0),  # 2,444.31 x 12 / 2.1647 = 13,550.016
        (4473.71, 2.1647, True, 24800.0),  # 4,473.71 x 12 / 2.1647 = 24,799.982
    ],
)
def test_amount_at_100(
    published: float, coefficient: float, monthly: bool, expected: float
) -> None:
    assert amount_at_100(published, coefficient, monthly=monthly) == expected


def test_amount_at_100_takes_more_decimals_when_needed() -> None:
    # 1,000.00 at 1.9999: 1,000 / 1.9999 = 500.02500...
    # whole euros: 500 x 1.9999 = 999.95, no; cents: 500.03 x 1.9999 = 1,000.009997 -> 1,000.01,
    # no; 4 decimals: 500.0250 x 1.9999 = 999.999975 -> 1,000.00, yes.
    assert amount_at_100(1000.00, 1.9999) == 500.025
    assert annual_amount(500.025, 1.9999) == 1000.00
