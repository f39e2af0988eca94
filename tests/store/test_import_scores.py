"""Scores outside their step's range are refused by `selstats import` (file, row, column
`score`, in the user's language; the store byte for byte as it was) and reported by
`selstats check` when an older store holds them.

The step's maximum comes from one of three places, each tested: the reference procedures
(Belnet CNG23032 step 3, written test out of 18), the store (the fixture store's P-B2 step 2,
out of 100; tests/fixtures/small_store.py), or a steps file in the same import.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from tests.fixtures.small_store import build_small_store

from . import cli_env, read_table, run_cli, sha256, text, write_text

RESULTS_HEADER = "procedure_code;candidate_ref;step_no;score;outcome;result_date\n"


def _import(tmp: Path, db: Path, *paths: Path, lang: str = "en"):
    return run_cli(["import", *paths, "--db", db, "--lang", lang], tmp, env=cli_env(tmp))


@pytest.fixture(scope="module")
def fixture_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_store(tmp_path_factory.mktemp("scores") / "small.duckdb")


@pytest.fixture
def store(fixture_store: Path, tmp_path: Path) -> Path:
    path = tmp_path / "store" / "selstats.duckdb"
    path.parent.mkdir()
    shutil.copyfile(fixture_store, path)
    return path


def _belnet_results(step3_score_of_bn2: str) -> str:
    """Seven candidates pass Belnet's two screenings, so step 3 is held (more than 6
    remain). Rows: header 1; steps 1 and 2 of BN1..BN7 rows 2-15; step 3 of BN1 row 16,
    of BN2 row 17."""
    rows = [f"CNG23032;BN{i};{step};;geslaagd;" for i in range(1, 8) for step in (1, 2)]
    scores = ["12", step3_score_of_bn2, "10", "9", "15", "8", "11"]
    rows += [f"CNG23032;BN{i};3;{score};;" for i, score in enumerate(scores, start=1)]
    return RESULTS_HEADER + "\n".join(rows) + "\n"


# --- the maximum of a reference procedure ------------------------------------------------------


def test_belnet_step_3_score_19_is_refused_and_the_store_is_unchanged(tmp_path: Path) -> None:
    """Done when of issue 12: Belnet's written test is out of 18 (data/reference/steps.csv);
    19 is refused with exit 1 and a row/column message, and nothing is written."""
    db = tmp_path / "store" / "selstats.duckdb"
    first = _import(
        tmp_path, db, write_text(tmp_path / "a" / "organisations.csv", "org_id,name\nX,X\n")
    )
    assert first.returncode == 0, text(first.stderr)
    before = sha256(db)

    path = write_text(tmp_path / "b" / "results.csv", _belnet_results("19"))
    done = _import(tmp_path, db, path, lang="nl")
    assert done.returncode == 1
    assert text(done.stderr).splitlines() == [
        "results.csv, rij 17, kolom score: '19' ligt buiten het bereik van stap 3 van "
        "procedure CNG23032 (verwacht: een score van 0 tot en met 18, de maximumscore van "
        "die stap)",
        "1 probleem gevonden; er is niets geïmporteerd.",
    ]
    assert sha256(db) == before
    assert sorted(p.name for p in db.parent.iterdir()) == [db.name]

    fr = text(_import(tmp_path, db, path, lang="fr").stderr)
    assert fr.splitlines()[0] == (
        "results.csv, ligne 17, colonne score: '19' est hors de la plage de l'étape 3 de la "
        "procédure CNG23032 (attendu : un score de 0 à 18, le score maximal de cette étape)"
    )
    en = text(_import(tmp_path, db, path, lang="en").stderr)
    assert en.splitlines()[0] == (
        "results.csv, row 17, column score: '19' is outside the range of step 3 of procedure "
        "CNG23032 (expected: a score from 0 to 18, the step's maximum score)"
    )
    assert sha256(db) == before


def test_the_maximum_itself_is_in_range(tmp_path: Path) -> None:
    """18 out of 18 is a score like any other: imported (exit 0), and it passes (>= 9)."""
    db = tmp_path / "store.duckdb"
    done = _import(tmp_path, db, write_text(tmp_path / "results.csv", _belnet_results("18")))
    assert done.returncode == 0, text(done.stderr)
    results = read_table(db, "results")
    bn2 = results.filter((pl.col("candidate_ref") == "BN2") & (pl.col("step_no") == 3))
    assert bn2.select("score", "outcome").rows() == [(18.0, "passed")]
    checked = run_cli(["check", "--db", db, "--lang", "en"], tmp_path)
    assert checked.returncode == 0, text(checked.stdout)


# --- the maximum in the store and in a steps file of the same import ------------------------


def test_a_score_above_a_stored_maximum_is_refused(store: Path, tmp_path: Path) -> None:
    """P-B2 step 2 is out of 100 (stored): B22's 100,5 is refused, B21's 100 is not
    (it is the maximum). Row 3 = the second data row."""
    path = write_text(
        tmp_path / "results.csv", RESULTS_HEADER + "P-B2;B21;2;100;;\nP-B2;B22;2;100,5;;\n"
    )
    before = sha256(store)
    done = _import(tmp_path, store, path)
    assert done.returncode == 1
    assert text(done.stderr).splitlines() == [
        "results.csv, row 3, column score: '100.5' is outside the range of step 2 of "
        "procedure P-B2 (expected: a score from 0 to 100, the step's maximum score)",
        "1 problem found; nothing was imported.",
    ]
    assert sha256(store) == before


def test_the_maximum_of_a_steps_file_in_the_same_import_counts(tmp_path: Path) -> None:
    """A new procedure P-X whose steps file says step 1 is out of 20: 21 is refused (row 3
    of results.csv), though nothing about P-X was stored before; 20 at row 2 is fine."""
    folder = tmp_path / "in"
    write_text(folder / "organisations.csv", "org_id,name\nORG-X,Dienst X\n")
    write_text(folder / "procedures.csv", "procedure_code,org_id\nP-X,ORG-X\n")
    write_text(
        folder / "steps.csv",
        "procedure_code,step_no,name,kind,max_score,pass_mark,pass_unit\n"
        "P-X,1,Schriftelijk,written,20,10,points\n",
    )
    write_text(folder / "results.csv", RESULTS_HEADER + "P-X;X1;1;20;;\nP-X;X2;1;21;;\n")
    db = tmp_path / "new.duckdb"
    done = _import(tmp_path, db, folder)
    assert done.returncode == 1
    assert text(done.stderr).splitlines() == [
        "results.csv, row 3, column score: '21' is outside the range of step 1 of procedure "
        "P-X (expected: a score from 0 to 20, the step's maximum score)",
        "1 problem found; nothing was imported.",
    ]
    assert not db.exists()


STEP_2_OF_P_A1 = (
    "procedure_code,step_no,name,kind,max_score,pass_mark,pass_unit,top_n\n"
    "P-A1,2,Schriftelijk,written,15,10,points,3\n"
)


def test_a_lower_maximum_under_stored_scores_is_refused(store: Path, tmp_path: Path) -> None:
    """P-A1 step 2 is out of 20 with the stored scores A01 18, A02 16, A03 15, A04 14, A05 9.
    A steps file that makes it out of 15 would leave 18 and 16 out of range: refused at the
    steps file's row 2, column max_score (2 results, the highest 18)."""
    before = sha256(store)
    done = _import(tmp_path, store, write_text(tmp_path / "steps.csv", STEP_2_OF_P_A1))
    assert done.returncode == 1
    assert text(done.stderr).splitlines() == [
        "steps.csv, row 2, column max_score: '15' is below scores already stored for step 2 "
        "of procedure P-A1 (highest: 18, in 2 results); correct those scores in the same "
        "import or choose a higher maximum",
        "1 problem found; nothing was imported.",
    ]
    assert sha256(store) == before


def test_a_lower_maximum_with_the_scores_corrected_in_the_same_import(
    store: Path, tmp_path: Path
) -> None:
    """The same steps file with A01 15 and A02 14,5 in a results file of the same import:
    the corrected rows replace the stored 18 and 16, so nothing is above 15. Step 2 then:
    A01 15, A03 15, A02 14.5, A04 14 meet the mark 10; the top 3 are 15, 15, 14.5, so A04
    is still cut off and the funnel row stays 6 reached, 3 passed, 1 failed, 1 absent,
    1 cut off."""
    folder = tmp_path / "in"
    write_text(folder / "steps.csv", STEP_2_OF_P_A1)
    write_text(folder / "results.csv", RESULTS_HEADER + "P-A1;A01;2;15;;\nP-A1;A02;2;14,5;;\n")
    done = _import(tmp_path, store, folder)
    assert done.returncode == 0, text(done.stderr)
    step2 = run_cli(["export", "funnel", "--procedure", "P-A1", "--db", store], tmp_path)
    lines = step2.stdout.decode("utf-8").splitlines()
    assert lines[2].split(",")[4:11] == ["6", "3", "1", "1", "0", "0", "1"]
    checked = run_cli(["check", "--db", store, "--lang", "en"], tmp_path)
    assert checked.returncode == 0, text(checked.stdout)


# --- `selstats check` on an older store ----------------------------------------------------


def test_check_reports_scores_out_of_range_in_an_older_store(store: Path, tmp_path: Path) -> None:
    """A store written before the import refused them: A01's step-2 score raised to 21 on a
    step out of 20, and a score of -1 on P-A1's pass/fail step 1 (whose only bound is 0).
    Neither changes an outcome (A01 still passes step 2 and stays first of the top 3; step 1
    takes the outcome as given), so these are the only two problems."""
    con = duckdb.connect(str(store))
    try:
        con.execute(
            "update results set score = 21 "
            "where procedure_code = 'P-A1' and candidate_ref = 'A01' and step_no = 2"
        )
        con.execute(
            "update results set score = -1 "
            "where procedure_code = 'P-A1' and candidate_ref = 'A07' and step_no = 1"
        )
    finally:
        con.close()
    checked = run_cli(["check", "--db", store, "--lang", "en"], tmp_path)
    assert checked.returncode == 1
    assert text(checked.stdout).splitlines() == [
        "store: the score -1 of candidate A07 for step 1 of procedure P-A1 is outside the "
        "step's range (expected: ≥ 0)",
        "store: the score 21 of candidate A01 for step 2 of procedure P-A1 is outside the "
        "step's range (expected: 0–20)",
        "2 problems found.",
    ]
    nl = run_cli(["check", "--db", store, "--lang", "nl"], tmp_path)
    assert text(nl.stdout).splitlines()[1] == (
        "store: de score 21 van kandidaat A01 voor stap 2 van procedure P-A1 ligt buiten het "
        "bereik van die stap (verwacht: 0–20)"
    )
