"""`selstats export` (and the CLI's usage errors) as a real process on the fixture store.

Expected figures are those worked out by hand in tests/fixtures/small_store.py; the salary
figures are worked out below from data/reference/salary_scales.csv, the index coefficients of
data/reference/index_coefficients.csv (2.1647 for every government on 2026-03-01; federal
pay at 2.1223 until 2026-02-28) and the rounding per government of salary_rounding.csv
(federal truncated, local half up).
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from tests.fixtures.small_store import build_small_store
from tests.store import run_cli, text

FUNNEL = [
    "procedure_code",
    "step_no",
    "step_name",
    "held",
    "reached",
    "passed",
    "failed",
    "absent",
    "withdrawn",
    "not_registered",
    "cut_off",
]
LAUREATES = ["procedure_code", "candidate_ref", "rank", "list_date", "valid_until", "status"]
CERTIFICATION = [
    "org_id",
    "certification",
    "qualifies_client",
    "qcheck_average",
    "qcheck_average_per_consultant",
    "qcheck_count",
    "at_risk",
    "reasons",
]
SALARIES = [
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
FIXTURE_PROCEDURES = ("P-A1", "P-B1", "P-B2")


@pytest.fixture(scope="module")
def fixture_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_store(tmp_path_factory.mktemp("cli") / "small.duckdb")


@pytest.fixture
def store(fixture_store: Path, tmp_path: Path) -> Path:
    path = tmp_path / "small.duckdb"
    shutil.copyfile(fixture_store, path)
    return path


def _export(tmp: Path, db: Path, *args: str) -> list[list[str]]:
    done = run_cli(["export", *args, "--db", db], tmp)
    assert done.returncode == 0, text(done.stderr)
    return list(csv.reader(io.StringIO(done.stdout.decode("utf-8"))))


def _rows(table: list[list[str]], columns: list[str]) -> list[list[str]]:
    """The contract columns, which must come first and in order, of every data row."""
    assert table[0][: len(columns)] == columns
    return [row[: len(columns)] for row in table[1:]]


# --- the four contract tables ------------------------------------------------------------------


def test_funnel_gives_the_contract_columns_and_the_hand_computed_figures(
    store: Path, tmp_path: Path
) -> None:
    rows = _rows(_export(tmp_path, store, "funnel"), FUNNEL)
    ours = [r for r in rows if r[0] in FIXTURE_PROCEDURES]
    assert ours == [
        # P-A1 step 1: 8 = 6 passed + 1 failed + 1 withdrawn
        ["P-A1", "1", "Screening", "true", "8", "6", "1", "0", "1", "0", "0"],
        # step 2: 6 = 3 passed (18, 16, 15) + 1 failed (A05 9) + 1 absent + 1 cut off (A04 14)
        ["P-A1", "2", "Schriftelijk", "true", "6", "3", "1", "1", "0", "0", "1"],
        # step 3: 3 = 2 passed (80, 70) + 1 failed (45)
        ["P-A1", "3", "Interview", "true", "3", "2", "1", "0", "0", "0", "0"],
        ["P-B1", "1", "Controle", "true", "5", "4", "1", "0", "0", "0", "0"],
        # step 2: 70 and 50 pass (>= 50 %), 40 fails, B04 absent
        ["P-B1", "2", "Schriftelijk", "true", "4", "2", "1", "1", "0", "0", "0"],
        # step 3: B01 130/200 = 65 % passes, B02 110/200 = 55 % < 60 % fails
        ["P-B1", "3", "Mondeling", "true", "2", "1", "1", "0", "0", "0", "0"],
        ["P-B2", "1", "Screening", "true", "2", "2", "0", "0", "0", "0", "0"],
        # step 2 pending: not held (yet), nobody reached it
        ["P-B2", "2", "Schriftelijk", "false", "0", "0", "0", "0", "0", "0", "0"],
    ]
    # The funnel identity holds on every row, the reference procedures' included.
    for row in rows:
        assert int(row[4]) == sum(int(x) for x in row[5:11]), row


def test_laureates_gives_the_contract_columns_and_the_lists(store: Path, tmp_path: Path) -> None:
    table = _export(tmp_path, store, "laureates", "--as-of", "2026-01-01")
    assert _rows(table, LAUREATES) == [
        # valid through the day before the anniversary: 12 months from 2025-04-05
        ["P-A1", "A01", "1", "2025-04-05", "2026-04-04", "hired"],
        ["P-A1", "A03", "2", "2025-04-05", "2026-04-04", "available"],
        # 24 months from 2026-07-09
        ["P-B1", "B01", "1", "2026-07-09", "2028-07-08", "available"],
    ]
    final = table[0].index("final_score")
    assert [row[final] for row in table[1:]] == ["80.0", "70.0", "130.0"]


def test_certification_gives_the_contract_columns_in_both_modes(
    store: Path, tmp_path: Path
) -> None:
    rows = {
        r[0]: r
        for r in _rows(
            _export(tmp_path, store, "certification", "--mode", "all_checks"), CERTIFICATION
        )
    }
    # all_checks: (70 + 90 + 95 + 70) / 4 = 81.25 >= 80; per consultant (85 + 70) / 2 = 77.5
    assert rows["ORG-A"] == ["ORG-A", "client", "true", "81.25", "77.5", "4", "false", ""]
    assert rows["ORG-B"][:3] == ["ORG-B", "none", "false"]
    assert rows["ORG-B"][5:7] == ["0", "false"]
    per = {
        r[0]: r
        for r in _rows(
            _export(tmp_path, store, "certification", "--mode", "per_consultant"), CERTIFICATION
        )
    }
    # per_consultant: 77.5 < 80 -> no longer qualifies for client certification -> at risk
    assert per["ORG-A"] == [
        "ORG-A",
        "client",
        "false",
        "81.25",
        "77.5",
        "4",
        "true",
        "qcheck_below_80",
    ]


def test_salaries_gives_the_contract_columns_and_indexed_amounts(
    store: Path, tmp_path: Path
) -> None:
    march = _rows(_export(tmp_path, store, "salaries", "--as-of", "2026-03-01"), SALARIES)
    rows = {(r[0], r[2]): r for r in march}
    # C1-C3 is Maaseik's own scale (org_id MAASEIK), paid by a local government: half up.
    # 13550 x 2.1647 = 29331.685 -> 29331.69; 24800 x 2.1647 = 53684.56;
    # monthly 29331.685 / 12 = 2444.307... -> 2444.31; 53684.56 / 12 = 4473.713... -> 4473.71
    assert rows[("C1-C3", "local")] == [
        "C1-C3",
        "C1",
        "local",
        "MAASEIK",
        "13550.0",
        "24800.0",
        "2.1647",
        "29331.69",
        "53684.56",
        "2444.31",
        "4473.71",
    ]
    # NA23 (federal, a scale of the whole government: no org_id), truncated to the cent:
    # 33072 x 2.1647 = 71590.9584 -> 71590.95; / 12 = 5965.913... -> 5965.91;
    # the maximum is not published: empty, never invented.
    assert rows[("NA23", "federal")][3:] == [
        "",
        "33072.0",
        "",
        "2.1647",
        "71590.95",
        "",
        "5965.91",
        "",
    ]
    # C1 (federal): 14274 x 2.1647 = 30898.9278 -> 30898.92 (truncated; half up: .93);
    # / 12 = 2574.9106... -> 2574.91
    assert rows[("C1", "federal")][7:] == ["30898.92", "", "2574.91", ""]
    # Federal pay on 28 February 2026 is still at 2.1223 (the 2025 programme law: the third
    # month after December 2025): 33072 x 2.1223 = 70188.7056 -> 70188.70
    february = _rows(_export(tmp_path, store, "salaries", "--as-of", "2026-02-28"), SALARIES)
    na23 = next(r for r in february if r[0] == "NA23")
    assert na23[6:8] == ["2.1223", "70188.7"]
    # At one coefficient for every scale: 13550 x 2 = 27100.00, / 12 = 2258.333... -> 2258.33
    other = _rows(_export(tmp_path, store, "salaries", "--coefficient", "2"), SALARIES)
    c1c3 = next(r for r in other if r[0] == "C1-C3")
    assert c1c3[6:] == ["2.0", "27100.0", "49600.0", "2258.33", "4133.33"]


# --- filters and formats -----------------------------------------------------------------------


def test_procedure_and_org_filters(store: Path, tmp_path: Path) -> None:
    funnel = _rows(_export(tmp_path, store, "funnel", "--procedure", "P-B1"), FUNNEL)
    assert {r[0] for r in funnel} == {"P-B1"} and len(funnel) == 3
    two = _rows(
        _export(tmp_path, store, "funnel", "--procedure", "P-B1", "--procedure", "P-A1"), FUNNEL
    )
    assert [(r[0], r[1]) for r in two] == [(p, str(s)) for p in ("P-A1", "P-B1") for s in (1, 2, 3)]
    by_org = _rows(_export(tmp_path, store, "funnel", "--org", "ORG-B"), FUNNEL)
    assert sorted({r[0] for r in by_org}) == ["P-B1", "P-B2"]
    laureates = _rows(_export(tmp_path, store, "laureates", "--org", "ORG-A"), LAUREATES)
    assert [r[1] for r in laureates] == ["A01", "A03"]
    certification = _rows(
        _export(tmp_path, store, "certification", "--org", "ORG-B"), CERTIFICATION
    )
    assert [r[0] for r in certification] == ["ORG-B"]
    nothing = _export(tmp_path, store, "funnel", "--procedure", "NO-SUCH")
    assert nothing[0][: len(FUNNEL)] == FUNNEL and len(nothing) == 1


def test_xlsx_and_parquet_hold_what_the_csv_holds(store: Path, tmp_path: Path) -> None:
    csv_rows = _export(tmp_path, store, "funnel", "--procedure", "P-A1")
    xlsx = tmp_path / "funnel.xlsx"
    done = run_cli(
        [
            "export",
            "funnel",
            "--procedure",
            "P-A1",
            "--format",
            "xlsx",
            "--out",
            xlsx,
            "--db",
            store,
        ],
        tmp_path,
    )
    assert done.returncode == 0, text(done.stderr)
    assert done.stdout == b""
    assert f"funnel: 3 rows -> {xlsx}" in text(done.stderr)
    sheet = openpyxl.load_workbook(xlsx, read_only=True).worksheets[0]
    cells = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert [str(c) for c in cells[0]] == csv_rows[0]
    assert [r[: len(FUNNEL)] for r in cells[1:]] == [
        ["P-A1", 1, "Screening", True, 8, 6, 1, 0, 1, 0, 0],
        ["P-A1", 2, "Schriftelijk", True, 6, 3, 1, 1, 0, 0, 1],
        ["P-A1", 3, "Interview", True, 3, 2, 1, 0, 0, 0, 0],
    ]

    parquet = tmp_path / "laureates.parquet"
    done = run_cli(
        ["export", "laureates", "--format", "parquet", "--out", parquet, "--db", store], tmp_path
    )
    assert done.returncode == 0, text(done.stderr)
    frame = pl.read_parquet(parquet)
    assert frame.columns[: len(LAUREATES)] == LAUREATES
    assert frame.select("candidate_ref", "rank").rows() == [("A01", 1), ("A03", 2), ("B01", 1)]
    assert frame.schema["rank"].is_integer()


def test_excel_csv_has_semicolons_decimal_commas_and_a_bom(store: Path, tmp_path: Path) -> None:
    done = run_cli(
        ["export", "certification", "--org", "ORG-A", "--excel", "--db", store], tmp_path
    )
    assert done.returncode == 0, text(done.stderr)
    assert done.stdout.startswith(b"\xef\xbb\xbf")
    lines = done.stdout[3:].decode("utf-8").splitlines()
    assert lines[0].startswith(";".join(CERTIFICATION))
    assert lines[1].startswith("ORG-A;client;true;81,25;77,5;4;false;")
    out = tmp_path / "salaries.csv"
    done = run_cli(
        ["export", "salaries", "--as-of", "2026-03-01", "--excel", "--out", out, "--db", store],
        tmp_path,
    )
    assert done.returncode == 0, text(done.stderr)
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert (
        "C1-C3;C1;local;MAASEIK;13550,0;24800,0;2,1647;29331,69;53684,56;2444,31;4473,71"
        in data[3:].decode("utf-8")
    )


# --- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["export", "no_such_table"],
        ["export", "funnel", "--format", "pdf"],
        ["export", "funnel", "--format", "xlsx"],  # xlsx needs --out
        ["export", "funnel", "--format", "parquet"],
        ["export"],
        ["import"],
        ["frobnicate"],
        ["export", "funnel", "--as-of", "gisteren"],
    ],
)
def test_usage_errors_exit_2(store: Path, tmp_path: Path, args: list[str]) -> None:
    before = store.read_bytes()
    done = run_cli([*args, "--db", store], tmp_path)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stdout == b""
    assert b"usage: selstats" in done.stderr
    assert store.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [store.name]


def test_a_missing_store_exits_1_with_a_sentence(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "selstats.duckdb"
    done = run_cli(["export", "funnel", "--db", missing], tmp_path)
    assert done.returncode == 1
    assert done.stdout == b""
    assert text(done.stderr) == f"store not found: {missing} (build it with `selstats demo`)"
    assert not missing.parent.exists()
    checked = run_cli(["check", "--db", missing, "--lang", "en"], tmp_path)
    assert checked.returncode == 1
    assert f"{missing}: the database does not exist yet (import data first)" in text(checked.stdout)
