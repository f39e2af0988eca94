"""Salary amounts from the 100 % scale and the index coefficient, against the postings.

The amounts are computed by queries/salaries.sql (the page and the `salaries` export run it);
these tests run it on stores whose salary_scales come from data/reference/salary_scales.csv
(the fixture store syncs them) and check it against figures worked out by hand.

Hand-worked (decimal arithmetic, half-up to the cent, monthly from the unrounded annual):
- NA23 at 1.9999: 33,072 x 1.9999 = 66,140.6928 -> 66,140.69 (Belnet 2023 posting);
  / 12 = 5,511.7244 -> 5,511.72.
- C1 at 2.0399: 14,274 x 2.0399 = 29,117.5326 -> 29,117.53 (POD MI 2024 posting).
- C1-C3 at 2.1647: 13,550 x 2.1647 = 29,331.685 -> 29,331.69; / 12 = 2,444.3070 -> 2,444.31;
  24,800 x 2.1647 = 53,684.56; / 12 = 4,473.7133 -> 4,473.71 (Maaseik 2026 posting).
- B111: not published, null at every coefficient.

Then the postings file (data/reference/salary_postings.csv): it loads, and a posting that
names an unknown scale, coefficient or government is reported by file, line and column.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import polars as pl
import pytest

from selstats import query
from selstats.paths import REFERENCE_DIR
from selstats.reference import check_reference, load_reference
from selstats.reference.models import PostingBound, PostingPeriod
from selstats.rules.salaries import amount_at_100
from selstats.store.writer import write_store
from tests.fixtures.small_store import build_small_store

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
AMOUNTS = ["annual_min", "annual_max", "monthly_min", "monthly_max"]
NO_FILTER: dict[str, object] = {"govs": [], "orgs": [], "levels": [], "allowed": None}


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    path = build_small_store(tmp_path_factory.mktemp("salaries") / "s.duckdb")
    connection = duckdb.connect(str(path), read_only=True)
    yield connection
    connection.close()


def salaries(con: duckdb.DuckDBPyConnection, coefficient: float | None) -> pl.DataFrame:
    return query.run(con, "salaries", coefficient=coefficient, **NO_FILTER)


def scale(con: duckdb.DuckDBPyConnection, name: str, coefficient: float) -> dict[str, object]:
    rows = salaries(con, coefficient).filter(pl.col("scale") == name)
    assert rows.height == 1, name
    return rows.row(0, named=True)


def test_belnet_minimum_comes_back(con: duckdb.DuckDBPyConnection) -> None:
    row = scale(con, "NA23", 1.9999)
    assert row["annual_min"] == 66140.69
    assert row["monthly_min"] == 5511.72  # 66,140.6928 / 12 = 5,511.7244 -> 5,511.72
    assert row["annual_max"] is None and row["monthly_max"] is None


def test_pod_mi_minimum_comes_back(con: duckdb.DuckDBPyConnection) -> None:
    assert scale(con, "C1", 2.0399)["annual_min"] == 29117.53


def test_maaseik_monthly_range_comes_back(con: duckdb.DuckDBPyConnection) -> None:
    row = scale(con, "C1-C3", 2.1647)
    # 29,331.685 is exact in decimal; a binary float holds 29,331.684999... and would round
    # down to .68: the half-up cent needs decimal arithmetic.
    assert row["annual_min"] == 29331.69
    assert row["annual_max"] == 53684.56
    assert row["monthly_min"] == 2444.31
    assert row["monthly_max"] == 4473.71


@pytest.mark.parametrize("coefficient", [1.7758, 1.9999, 2.1647])
def test_unknown_stays_null_never_zero(con: duckdb.DuckDBPyConnection, coefficient: float) -> None:
    row = scale(con, "B111", coefficient)
    for column in ("annual_min_100", "annual_max_100", *AMOUNTS):
        assert row[column] is None, column


def test_columns_order_and_numeric_types(con: duckdb.DuckDBPyConnection) -> None:
    table = salaries(con, 2.0807)
    assert table.columns[: len(COLUMNS)] == COLUMNS  # the CONTRACT's columns come first
    # the eight scales of salary_scales.csv, by level, government, scale
    assert table.select("scale", "level", "government").rows() == [
        ("NA21", "A2", "federal"),
        ("NA22", "A2", "federal"),
        ("NA23", "A2", "federal"),
        ("NA24", "A2", "federal"),
        ("NA25", "A2", "federal"),
        ("B111", "B1", "flemish"),
        ("C1", "C", "federal"),
        ("C1-C3", "C1", "local"),
    ]
    assert table["coefficient"].to_list() == [2.0807] * 8
    for column in ("annual_min_100", "annual_max_100", "coefficient", *AMOUNTS):
        assert table.schema[column] == pl.Float64, column


def test_no_coefficient_gives_no_amounts(con: duckdb.DuckDBPyConnection) -> None:
    table = salaries(con, None)  # a store without index coefficients
    assert table.height == 8
    assert table.select(AMOUNTS).null_count().row(0) == (8, 8, 8, 8)


def test_the_filter_and_the_access_scope_apply(con: duckdb.DuckDBPyConnection) -> None:
    # governments of the organisations in the filter: ORG-B is local -> C1-C3 only
    only_b = query.run(
        con, "salaries", coefficient=2.0, govs=[], orgs=["ORG-B"], levels=[], allowed=None
    )
    assert only_b["scale"].to_list() == ["C1-C3"]
    # a user who may see ORG-A (federal) only, asking for local scales: nothing
    hidden = query.run(
        con, "salaries", coefficient=2.0, govs=["local"], orgs=[], levels=[], allowed=["ORG-A"]
    )
    assert hidden.is_empty()
    by_level = query.run(
        con, "salaries", coefficient=2.0, govs=[], orgs=[], levels=["C", "B1"], allowed=None
    )
    assert by_level["scale"].to_list() == ["B111", "C1"]


@pytest.fixture
def own_scales(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A store with scales a user could type: a 4-decimal 100 % amount, a half-cent month."""
    path = tmp_path / "own.duckdb"
    with write_store(path, fresh=True) as writer:
        writer.upsert(
            "organisations",
            pl.DataFrame({"org_id": ["O"], "name": ["Org"], "government": ["federal"]}),
        )
        writer.replace_table(
            "salary_scales",
            pl.DataFrame(
                {
                    "scale": ["X1", "X2"],
                    "level": ["A1", "A1"],
                    "government": ["federal", "federal"],
                    "annual_min_100": [500.025, 60.03],
                    "annual_max_100": [None, 60.0301],
                    "note": [None, None],
                }
            ),
        )
    connection = duckdb.connect(str(path), read_only=True)
    yield connection
    connection.close()


def test_four_decimal_amounts_and_half_cents(own_scales: duckdb.DuckDBPyConnection) -> None:
    x1 = scale(own_scales, "X1", 1.9999)
    # 500.025 x 1.9999 = 999.999975 -> 1,000.00; / 12 = 83.33333125 -> 83.33
    assert (x1["annual_min"], x1["monthly_min"]) == (1000.00, 83.33)
    x2 = scale(own_scales, "X2", 2.0)
    # 60.03 x 2 = 120.06; / 12 = 10.005 exactly -> half-up 10.01 (a binary 10.00499... would
    # give 10.00). 60.0301 x 2 = 120.0602 -> 120.06; / 12 = 10.00501... -> 10.01
    assert (x2["annual_min"], x2["monthly_min"]) == (120.06, 10.01)
    assert (x2["annual_max"], x2["monthly_max"]) == (120.06, 10.01)


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
    # no; 4 decimals: 500.0250 x 1.9999 = 999.999975 -> 1,000.00, yes (and the query gives
    # 1,000.00 back from 500.025: test_four_decimal_amounts_and_half_cents).
    assert amount_at_100(1000.00, 1.9999) == 500.025


# ---- the postings file (data/reference/salary_postings.csv) -----------------------------


@pytest.fixture
def reference(tmp_path: Path) -> Path:
    target = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, target)
    return target


def edit(path: Path, old: str, new: str) -> int:
    """Replace the one line that starts with `old`; returns its line number (1-based)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    hits = [i for i, line in enumerate(lines) if line.startswith(old)]
    assert len(hits) == 1, f"{old!r} starts {len(hits)} lines of {path.name}"
    lines[hits[0]] = lines[hits[0]].replace(old, new, 1)
    path.write_text("".join(lines), encoding="utf-8")
    return hits[0] + 1


def test_the_postings_load() -> None:
    found = {(p.posting, p.bound): p for p in load_reference().salary_postings}
    assert set(found) == {
        ("CNG23032", PostingBound.MIN),
        ("CNG24004", PostingBound.MIN),
        ("MAASEIK-DBK-2026", PostingBound.MIN),
        ("MAASEIK-DBK-2026", PostingBound.MAX),
        ("req16131", None),
    }
    belnet = found[("CNG23032", PostingBound.MIN)]
    assert (belnet.published_amount, belnet.period, belnet.coefficient) == (
        66140.69,
        PostingPeriod.ANNUAL,
        1.9999,
    )
    opgroeien = found[("req16131", None)]
    assert opgroeien.published_amount is None  # not published: unknown, never 0
    assert (opgroeien.scale, opgroeien.government.value) == ("B111", "flemish")


def test_a_posting_needs_a_known_scale_and_coefficient(reference: Path) -> None:
    path = reference / "salary_postings.csv"
    scale_line = edit(path, "CNG23032,BELNET,NA23,", "CNG23032,BELNET,NA29,")
    coefficient_line = edit(
        path,
        "CNG24004,POD-MI,C1,federal,29117.53,annual,min,2.0399,",
        "CNG24004,POD-MI,C1,federal,29117.53,annual,min,2.0400,",
    )
    assert check_reference(reference) == [
        f"salary_postings.csv, line {scale_line}, column scale: "
        "'NA29' (federal) is not in salary_scales.csv",
        f"salary_postings.csv, line {coefficient_line}, column coefficient: "
        "2.04 is not in index_coefficients.csv",
    ]


def test_a_published_amount_needs_its_period(reference: Path) -> None:
    path = reference / "salary_postings.csv"
    line = edit(
        path,
        "CNG23032,BELNET,NA23,federal,66140.69,annual,",
        "CNG23032,BELNET,NA23,federal,66140.69,,",
    )
    assert check_reference(reference) == [
        f"salary_postings.csv, line {line}: a published amount needs period"
    ]


def test_a_posting_of_another_government(reference: Path) -> None:
    path = reference / "salary_postings.csv"
    line = edit(path, "req16131,OPGROEIEN,B111,flemish,", "req16131,OPGROEIEN,B111,local,")
    assert check_reference(reference) == [
        f"salary_postings.csv, line {line}, column government: "
        "'local' is not the government of OPGROEIEN (flemish in organisations.csv)",
        f"salary_postings.csv, line {line}, column scale: "
        "'B111' (local) is not in salary_scales.csv",
    ]
