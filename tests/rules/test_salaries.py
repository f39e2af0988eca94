"""Salary amounts from the 100 % scale, the coefficient of the scale's government on a date
and that government's rounding, against the postings.

The amounts are computed by queries/salaries.sql (the page and the `salaries` export run it);
these tests run it on stores whose reference tables come from data/reference/ (the stores
sync them) plus scales and organisations typed in below, and check it against figures worked
out by hand.

Hand-worked (decimal arithmetic; monthly from the unrounded annual product):
- Federal pay is TRUNCATED to the cent (BOSA, Fedweb 'Bedragen indexeren'):
  22,000 x 1.8845 = 41,459.00; / 12 = 3,454.91666... -> 3,454.91 (half-up would be .92).
- Local pay is rounded HALF UP (Stad Maaseik's posting):
  13,550 x 2.1647 = 29,331.685 -> 29,331.69; / 12 = 2,444.30708... -> 2,444.31
  (truncated it would be 29,331.68 and 2,444.30: what a federal scale of 13,550 gets).
- Each government pays at its own coefficient of the day: federal 2.1223 until 28 February
  2026 and 2.1647 from 1 March 2026 (programme law of 2025: third month after December 2025).
  NA23 (33,072) on 2026-02-28: x 2.1223 = 70,188.7056 -> 70,188.70; / 12 = 5,849.0588 ->
  5,849.05. On 2026-03-01: x 2.1647 = 71,590.9584 -> 71,590.95; / 12 = 5,965.9132 -> 5,965.91.
- A local scale is its organisation's: Maaseik's C1-C3 is never shown for Stad Gent, whose
  procedure names C1-C3 too; Gent's row says unknown.

Then the postings file (data/reference/salary_postings.csv): it loads, and a posting that
names an unknown scale, coefficient or government is reported by file, line and column.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest

from selstats import query
from selstats.paths import REFERENCE_DIR
from selstats.reference import check_reference, load_reference
from selstats.reference.models import PostingBound, PostingPeriod
from selstats.rules.salaries import amount_at_100
from selstats.store.reference_sync import sync_reference
from selstats.store.writer import write_store

# the data contract's columns of the `salaries` export, in order (docs/CLI.md#export-tables)
COLUMNS = [
    "scale",
    "level",
    "government",
    "org_id",
    "annual_min_100",
    "annual_max_100",
    "coefficient",
    "annual_min",
    "annual_max",
    "monthly_min",
    "monthly_max",
]
AMOUNTS = ["annual_min", "annual_max", "monthly_min", "monthly_max"]
NO_FILTER: dict[str, Any] = {"govs": [], "orgs": [], "levels": [], "allowed": None}
MARCH_2026 = date(2026, 3, 1)  # every government at 2.1647 in the shipped reference data

ORGANISATIONS = pl.DataFrame(
    {
        "org_id": ["GENT", "LEUVEN", "FED-X"],
        "name": ["Stad Gent", "Stad Leuven", "FOD X"],
        "government": ["local", "local", "federal"],
    }
)
# Gent names Maaseik's scale name C1-C3 but has no scale of its own in the reference data;
# Leuven has its own B1-B3; FOD X names a federal scale the reference data does not hold.
PROCEDURES = pl.DataFrame(
    {
        "procedure_code": ["G-1", "G-2", "L-1", "FX-1"],
        "org_id": ["GENT", "GENT", "LEUVEN", "FED-X"],
        "level": ["C1", "C2", "B1", "D"],
        "salary_scale": ["C1-C3", "C1-C3", "B1-B3", "D1"],
        "application_deadline": [date(2026, 1, 5)] * 4,
    }
)
# Scales typed in for these tests (amounts at 100 %):
# - Leuven's own B1-B3: 17,000 (min) -> at 2.1647: 36,799.90; / 12 = 3,066.6583 -> 3,066.66
# - BOSA's worked example: a federal B2 at 22,000
# - a federal scale of 13,550, Maaseik's C1 minimum, to set the two roundings side by side
TEST_SCALES = pl.DataFrame(
    {
        "scale": ["B1-B3", "BOSA-B2", "TWIN"],
        "level": ["B1", "B", "C"],
        "government": ["local", "federal", "federal"],
        "org_id": ["LEUVEN", None, None],
        "annual_min_100": [17000.0, 22000.0, 13550.0],
        "annual_max_100": [None, None, None],
        "source": ["test: invented", "test: BOSA's worked example", "test: invented"],
    }
)


def build_salary_store(path: Path) -> Path:
    with write_store(path, fresh=True) as writer:
        sync_reference(writer)  # MAASEIK and its C1-C3, coefficients, rounding, diploma levels
        writer.upsert("organisations", ORGANISATIONS)
        writer.upsert("procedures", PROCEDURES)
        writer.upsert("salary_scales", TEST_SCALES)
    return path


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    path = build_salary_store(tmp_path_factory.mktemp("salaries") / "s.duckdb")
    connection = duckdb.connect(str(path), read_only=True)
    yield connection
    connection.close()


def salaries(
    con: duckdb.DuckDBPyConnection,
    as_of: date = MARCH_2026,
    coefficient: float | None = None,
    **scope: Any,
) -> pl.DataFrame:
    params = {**NO_FILTER, **scope}
    return query.run(con, "salaries", as_of=as_of, coefficient=coefficient, **params)


def scale(
    con: duckdb.DuckDBPyConnection, name: str, org_id: str | None = None, **kwargs: Any
) -> dict[str, Any]:
    rows = salaries(con, **kwargs).filter(
        (pl.col("scale") == name) & (pl.col("org_id").eq_missing(org_id))
    )
    assert rows.height == 1, (name, org_id)
    return rows.row(0, named=True)


# ---- rounding: the rule of the government that pays ---------------------------------------


def test_bosa_worked_example_truncates(con: duckdb.DuckDBPyConnection) -> None:
    # 1.8845 is the federal coefficient from 1 June 2022
    row = scale(con, "BOSA-B2", as_of=date(2022, 6, 1))
    assert row["coefficient"] == 1.8845
    assert row["annual_min"] == 41459.00  # 22,000 x 1.8845 = 41,459.00
    assert row["monthly_min"] == 3454.91  # 41,459.00 / 12 = 3,454.9166... -> truncated
    assert (row["annual_rounding"], row["monthly_rounding"]) == ("truncate", "truncate")


def test_maaseik_posting_rounds_half_up(con: duckdb.DuckDBPyConnection) -> None:
    row = scale(con, "C1-C3", "MAASEIK")
    assert row["coefficient"] == 2.1647
    # 13,550 x 2.1647 = 29,331.685 exactly (a binary float holds 29,331.68499...): half up
    assert row["annual_min"] == 29331.69
    assert row["monthly_min"] == 2444.31  # 29,331.685 / 12 = 2,444.30708... -> .31
    # 24,800 x 2.1647 = 53,684.56; / 12 = 4,473.71333... -> 4,473.71
    assert (row["annual_max"], row["monthly_max"]) == (53684.56, 4473.71)
    assert (row["annual_rounding"], row["monthly_rounding"]) == ("half_up", "half_up")


def test_the_same_amount_paid_by_two_governments(con: duckdb.DuckDBPyConnection) -> None:
    # 13,550 at 2.1647 for a federal scale: 29,331.685 -> 29,331.68; 2,444.30708 -> 2,444.30
    federal = scale(con, "TWIN")
    local = scale(con, "C1-C3", "MAASEIK")
    assert (federal["annual_min"], federal["monthly_min"]) == (29331.68, 2444.30)
    assert (local["annual_min"], local["monthly_min"]) == (29331.69, 2444.31)


def test_the_rule_is_read_from_the_store(tmp_path: Path) -> None:
    # the rule lives in the table salary_rounding (data/reference/salary_rounding.csv): set
    # the federal monthly rule to half_up and BOSA's example comes out 3,454.92
    path = build_salary_store(tmp_path / "r.duckdb")
    with write_store(path) as writer:
        writer.con.execute(
            "update salary_rounding set monthly_rounding = 'half_up' where government = 'federal'"
        )
    with duckdb.connect(str(path), read_only=True) as c:
        assert scale(c, "BOSA-B2", as_of=date(2022, 6, 1))["monthly_min"] == 3454.92


# ---- the coefficient of the scale's government on the date ---------------------------------


@pytest.mark.parametrize(
    ("day", "coefficient", "annual", "monthly"),
    [
        # 33,072 x 2.1223 = 70,188.7056 -> 70,188.70 (truncated); / 12 = 5,849.0588 -> 5,849.05
        (date(2026, 2, 28), 2.1223, 70188.70, 5849.05),
        # 33,072 x 2.1647 = 71,590.9584 -> 71,590.95; / 12 = 5,965.9132 -> 5,965.91
        (date(2026, 3, 1), 2.1647, 71590.95, 5965.91),
        # 33,072 x 1.9999 = 66,140.6928 -> 66,140.69 (the Belnet posting)
        (date(2023, 5, 30), 1.9999, 66140.69, 5511.72),  # 66,140.6928 / 12 = 5,511.7244
    ],
)
def test_federal_pay_on_a_date(
    con: duckdb.DuckDBPyConnection, day: date, coefficient: float, annual: float, monthly: float
) -> None:
    row = scale(con, "NA23", as_of=day)
    assert (row["coefficient"], row["annual_min"], row["monthly_min"]) == (
        coefficient,
        annual,
        monthly,
    )


def test_each_government_at_its_own_coefficient(tmp_path: Path) -> None:
    # a store where local pay rose on 1 February 2026 and federal pay on 1 March 2026: on
    # 15 February Maaseik's C1-C3 is at 2.1647 (2,444.31) and NA23 still at 2.1223 (5,849.05)
    path = build_salary_store(tmp_path / "m.duckdb")
    with write_store(path) as writer:
        writer.con.execute(
            "update index_coefficients set in_force_from = date '2026-02-01' "
            "where government = 'local' and coefficient = 2.1647"
        )
    with duckdb.connect(str(path), read_only=True) as c:
        day = date(2026, 2, 15)
        assert scale(c, "C1-C3", "MAASEIK", as_of=day)["monthly_min"] == 2444.31
        assert scale(c, "C1-C3", "MAASEIK", as_of=day)["coefficient_from"] == date(2026, 2, 1)
        assert scale(c, "NA23", as_of=day)["coefficient"] == 2.1223
        assert scale(c, "NA23", as_of=day)["monthly_min"] == 5849.05
        coefficients = query.run(c, "salary_coefficients", as_of=day)
        assert coefficients.select("government", "coefficient").rows() == [
            ("federal", 2.1223),
            ("flemish", 2.1223),
            ("local", 2.1647),
        ]


def test_before_the_first_coefficient_amounts_are_unknown(
    con: duckdb.DuckDBPyConnection,
) -> None:
    row = scale(con, "C1-C3", "MAASEIK", as_of=date(2020, 1, 1))
    assert row["coefficient"] is None
    assert [row[c] for c in AMOUNTS] == [None] * 4
    assert row["annual_min_100"] == 13550  # the scale itself is still known


def test_a_coefficient_for_every_scale(con: duckdb.DuckDBPyConnection) -> None:
    # the export's --coefficient (a what-if): 13,550 x 2 = 27,100.00; / 12 = 2,258.333 -> .33
    row = scale(con, "C1-C3", "MAASEIK", coefficient=2.0)
    assert (row["coefficient"], row["annual_min"], row["monthly_min"]) == (2.0, 27100.0, 2258.33)
    assert row["coefficient_from"] is None


@pytest.mark.parametrize("day", [date(2021, 10, 1), MARCH_2026])
def test_unknown_stays_null_never_zero(con: duckdb.DuckDBPyConnection, day: date) -> None:
    row = scale(con, "B111", as_of=day)
    for column in ("annual_min_100", "annual_max_100", *AMOUNTS):
        assert row[column] is None, column


# ---- a local scale belongs to its organisation ----------------------------------------------


def test_columns_order_and_numeric_types(con: duckdb.DuckDBPyConnection) -> None:
    table = salaries(con)
    assert table.columns[: len(COLUMNS)] == COLUMNS  # the promised export columns come first
    # by diploma level, level, government, organisation (a whole government first), scale
    assert table.select("scale", "level", "government", "org_id").rows() == [
        ("NA21", "A2", "federal", None),
        ("NA22", "A2", "federal", None),
        ("NA23", "A2", "federal", None),
        ("NA24", "A2", "federal", None),
        ("NA25", "A2", "federal", None),
        ("BOSA-B2", "B", "federal", None),
        ("B111", "B1", "flemish", None),
        ("B1-B3", "B1", "local", "LEUVEN"),
        ("C1", "C", "federal", None),
        ("TWIN", "C", "federal", None),
        ("C1-C3", "C1", "local", "GENT"),
        ("C1-C3", "C1", "local", "MAASEIK"),
        ("D1", "D", "federal", None),
    ]
    assert table["coefficient"].to_list() == [2.1647] * 13
    for column in ("annual_min_100", "annual_max_100", "coefficient", *AMOUNTS):
        assert table.schema[column] == pl.Float64, column


def test_another_town_never_gets_maaseiks_amounts(con: duckdb.DuckDBPyConnection) -> None:
    gent = scale(con, "C1-C3", "GENT")
    assert [gent[c] for c in ("annual_min_100", "annual_max_100", *AMOUNTS)] == [None] * 6
    assert (gent["org_name"], gent["amounts_known"]) == ("Stad Gent", "not_in_reference")
    assert gent["diploma_level"] == "C"  # from its procedures' level C1 (and C2)
    # Gent alone: its own (unknown) scale, not Maaseik's
    only_gent = salaries(con, orgs=["GENT"])
    assert only_gent.select("scale", "org_id", "monthly_min").rows() == [("C1-C3", "GENT", None)]
    # a user who may see Gent only, asking for every local scale: the same
    assert salaries(con, govs=["local"], allowed=["GENT"])["org_id"].to_list() == ["GENT"]


def test_each_town_its_own_scale(con: duckdb.DuckDBPyConnection) -> None:
    rows = salaries(con, govs=["local"]).select("scale", "org_id", "monthly_min")
    assert rows.rows() == [
        ("B1-B3", "LEUVEN", 3066.66),  # 17,000 x 2.1647 = 36,799.90; / 12 = 3,066.658 -> .66
        ("C1-C3", "GENT", None),
        ("C1-C3", "MAASEIK", 2444.31),
    ]


def test_a_federal_scale_no_file_holds_is_unknown(con: duckdb.DuckDBPyConnection) -> None:
    d1 = scale(con, "D1")  # FOD X's procedure names it; the reference data does not
    assert (d1["org_id"], d1["monthly_min"]) == (None, None)
    assert d1["amounts_known"] == "not_in_reference"


def test_the_filter_and_the_access_scope_apply(con: duckdb.DuckDBPyConnection) -> None:
    # a federal organisation: the federal scales, none of any town
    fed = salaries(con, orgs=["FED-X"])
    assert set(fed["government"]) == {"federal"}
    # a user who may see FOD X only, asking for local scales: nothing
    assert salaries(con, govs=["local"], allowed=["FED-X"]).is_empty()
    # diploma level C: federal C1 and TWIN (level C), Gent's and Maaseik's C1-C3 (level C1)
    by_level = salaries(con, levels=["C"])
    assert by_level.select("scale", "org_id").rows() == [
        ("C1", None),
        ("TWIN", None),
        ("C1-C3", "GENT"),
        ("C1-C3", "MAASEIK"),
    ]
    assert salaries(con, levels=["C1"]).is_empty()  # a scale level is no diploma level


@pytest.fixture
def own_scales(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A store with scales a user could type (a 4-decimal 100 % amount, a half-cent month),
    no coefficients and no rounding rules: the coefficient is given, the rounding half up."""
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
                    "source": ["test", "test"],
                }
            ),
        )
    connection = duckdb.connect(str(path), read_only=True)
    yield connection
    connection.close()


def test_four_decimal_amounts_and_half_cents(own_scales: duckdb.DuckDBPyConnection) -> None:
    x1 = scale(own_scales, "X1", coefficient=1.9999)
    # 500.025 x 1.9999 = 999.999975 -> 1,000.00; / 12 = 83.33333125 -> 83.33
    assert (x1["annual_min"], x1["monthly_min"]) == (1000.00, 83.33)
    x2 = scale(own_scales, "X2", coefficient=2.0)
    # 60.03 x 2 = 120.06; / 12 = 10.005 exactly -> half-up 10.01 (a binary 10.00499... would
    # give 10.00). 60.0301 x 2 = 120.0602 -> 120.06; / 12 = 10.00501... -> 10.01
    assert (x2["annual_min"], x2["monthly_min"]) == (120.06, 10.01)
    assert (x2["annual_max"], x2["monthly_max"]) == (120.06, 10.01)
    assert (x2["annual_rounding"], x2["monthly_rounding"]) == ("half_up", "half_up")


def test_no_coefficient_gives_no_amounts(own_scales: duckdb.DuckDBPyConnection) -> None:
    table = salaries(own_scales)  # a store without index coefficients
    assert table.height == 2
    assert table.select(AMOUNTS).null_count().row(0) == (2, 2, 2, 2)


@pytest.mark.parametrize(
    ("published", "coefficient", "monthly", "rounding", "expected"),
    [
        (66140.69, 1.9999, False, "truncate", 33072.0),  # 66,140.69 / 1.9999 = 33,071.9986
        (29117.53, 2.0399, False, "truncate", 14274.0),  # 29,117.53 / 2.0399 = 14,273.9987
        (2444.31, 2.1647, True, "half_up", 13550.0),  # 2,444.31 x 12 / 2.1647 = 13,550.016
        (4473.71, 2.1647, True, "half_up", 24800.0),  # 4,473.71 x 12 / 2.1647 = 24,799.982
        (3454.91, 1.8845, True, "truncate", 22000.0),  # BOSA: 22,000 x 1.8845 / 12 = 3,454.916
    ],
)
def test_amount_at_100(
    published: float, coefficient: float, monthly: bool, rounding: str, expected: float
) -> None:
    assert amount_at_100(published, coefficient, monthly=monthly, rounding=rounding) == expected


def test_amount_at_100_follows_the_rounding() -> None:
    # 3,454.91 a month at 1.8845: 3,454.91 x 12 = 41,458.92; / 1.8845 = 21,999.9575...
    # whole euros: 22,000 x 1.8845 / 12 = 3,454.9166...: truncated 3,454.91 (yes), half up
    # 3,454.92 (no). Half up then needs cents: 21,999.96 x 1.8845 = 41,458.92462; / 12 =
    # 3,454.91038... -> 3,454.91 (yes).
    assert amount_at_100(3454.91, 1.8845, monthly=True, rounding="truncate") == 22000.0
    assert amount_at_100(3454.91, 1.8845, monthly=True, rounding="half_up") == 21999.96


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
    assert belnet.source.startswith("Belnet, vacancy CNG23032")
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
        "2.04 is not in index_coefficients.csv for federal",
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
        "'B111' (local, OPGROEIEN) is not in salary_scales.csv",
    ]


def test_a_local_posting_names_its_own_scale(reference: Path) -> None:
    # Maaseik's posting is checked against Maaseik's scale: give the scale to another
    # organisation and the posting no longer finds it
    organisations = reference / "organisations.csv"
    organisations.write_text(
        organisations.read_text(encoding="utf-8") + "GENT,Stad Gent,local,none,\n",
        encoding="utf-8",
    )
    edit(reference / "salary_scales.csv", "C1-C3,C1,local,MAASEIK,", "C1-C3,C1,local,GENT,")
    problems = check_reference(reference)
    assert any(
        "column scale: 'C1-C3' (local, MAASEIK) is not in salary_scales.csv" in p for p in problems
    ), problems


def test_most_amounts_unknown() -> None:
    from selstats.rules.salaries import mostly_unknown

    # the small store: NA21, NA22, NA24, NA25, B111 without any amount, NA23 and C1 with the
    # minimum, C1-C3 with both: 5 of 8 unknown -> more than half
    known = ["none"] * 5 + ["min_only", "min_only", "both"]
    assert mostly_unknown(known)
    # half is not most: 4 of 8
    assert not mostly_unknown(["none", "not_in_reference"] * 2 + ["both"] * 4)
    assert not mostly_unknown([])
