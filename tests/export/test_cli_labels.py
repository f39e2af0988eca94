"""`selstats export --labels [--lang]`: the dashboard's files from the command line, on the
hand-computed small store (tests/fixtures/small_store.py). Without `--labels` the contract's
column names and values stay (tests/test_cli.py).

Hand-derived figures (the small store's docstring):
- ORG-A: client certification, 4 Q-checks averaging 81.25 % (all checks) and 77.5 % (per
  consultant), not at risk;
- P-A1: step 1 reached 8, passed 6 (advance rate 6 / 8 = 0.75); step 2 reached 6, passed 3
  (3 / 6 = 0.5); step 3 reached 3, passed 2 (2 / 3).
"""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from selstats.figures import catalogue
from tests.fixtures.small_store import build_small_store
from tests.store import run_cli, text


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_store(tmp_path_factory.mktemp("labels") / "small.duckdb")


def label(name: str, lang: str = "nl") -> str:
    return catalogue().label(name, lang)


def test_labels_give_dutch_headers_words_and_decimal_commas(store: Path, tmp_path: Path) -> None:
    done = run_cli(
        ["export", "certification", "--org", "ORG-A", "--labels", "--excel", "--db", store],
        tmp_path,
    )
    assert done.returncode == 0, text(done.stderr)
    lines = done.stdout[3:].decode("utf-8").splitlines()
    names = [
        "org_id",
        "certification",
        "qualifies_client",
        "qcheck_average",
        "qcheck_average_per_consultant",
        "qcheck_count",
        "at_risk",
    ]
    assert lines[0].split(";")[: len(names)] == [label(n) for n in names]
    # client -> "klantcertificering", true -> "ja", 81.25 -> "81,25", false -> "nee"
    assert lines[1].startswith("ORG-A;klantcertificering;ja;81,25;77,5;4;nee;")


def test_labels_in_french_xlsx_with_percent_cells_and_a_filter_sheet(
    store: Path, tmp_path: Path
) -> None:
    out = tmp_path / "funnel.xlsx"
    args = ["export", "funnel", "--procedure", "P-A1", "--labels", "--lang", "fr"]
    done = run_cli([*args, "--format", "xlsx", "--out", out, "--db", store], tmp_path)
    assert done.returncode == 0, text(done.stderr)
    book = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))
    assert book.sheetnames == ["selstats", "Filtre"]
    sheet = book["selstats"]
    headers = [c.value for c in sheet[1]]
    rate = headers.index(label("advance_rate", "fr")) + 1
    held = headers.index(label("held", "fr")) + 1
    reached = headers.index(label("reached", "fr")) + 1
    cells = [sheet.cell(row, rate) for row in (2, 3, 4)]
    assert [c.value for c in cells] == [0.75, 0.5, pytest.approx(2 / 3)]
    assert {c.number_format for c in cells} == {"0.0%"}
    assert [sheet.cell(row, reached).value for row in (2, 3, 4)] == [8, 6, 3]
    assert sheet.cell(2, reached).number_format == "#,##0"
    assert sheet.cell(2, held).value is True
    assert sheet.freeze_panes == "A2"
    about = {row[0].value: row[1].value for row in book["Filtre"].iter_rows()}
    assert about["Fichier"] == "funnel.xlsx"
    assert about["Procédure"] == "P-A1"  # the --procedure filter
    assert about["Table"] == "Entonnoir de sélection (par procédure et étape)"
