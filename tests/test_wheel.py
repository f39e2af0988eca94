"""selstats as a built package, not a checkout: the wheel is built (hatchling, the pinned
build backend, through the pinned uv, without build isolation), installed into a fresh
virtual environment outside the checkout (no editable install, the dependencies at the
versions of uv.lock), and run from another folder: `selstats demo --scale S` builds a store
from the reference data the wheel carries, `selstats export funnel` reads it through the
queries the wheel carries.

Slow (a minute or so: the build, a venv, the demo); part of `make test`."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Final

import pytest

ROOT: Final = Path(__file__).resolve().parents[1]
UV: Final = Path(sys.executable).parent / "uv"

pytestmark = pytest.mark.slow


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, f"{args}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    _run(UV, "build", "--wheel", "--no-build-isolation", "--out-dir", out, ROOT, cwd=ROOT)
    [built] = out.glob("selstats-*.whl")
    return built


def test_the_wheel_carries_the_queries_and_the_reference_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for sql in sorted((ROOT / "queries").glob("*.sql")):
        assert f"selstats/_data/queries/{sql.name}" in names
    for ref in sorted((ROOT / "data" / "reference").glob("*.csv")):
        assert f"selstats/_data/reference/{ref.name}" in names
    assert "selstats/i18n/catalogues/nl.toml" in names
    assert "selstats/figures/definitions/funnel.toml" in names
    assert "selstats/store/schema/0001_base.sql" in names
    assert "selstats/store/scope.sql" in names
    assert not [n for n in names if n.endswith((".duckdb", ".pyc"))]


def test_an_installed_wheel_builds_the_demo_and_exports_the_funnel(
    wheel: Path, tmp_path: Path
) -> None:
    venv = tmp_path / "venv"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SELSTATS_", "VIRTUAL_ENV"))}
    env["PYTHONPATH"] = ""  # nothing of the checkout
    _run(UV, "venv", "--quiet", "--python", sys.executable, venv, cwd=elsewhere, env=env)
    requirements = tmp_path / "requirements.txt"
    _run(
        UV, "export", "--frozen", "--no-dev", "--no-hashes", "--no-emit-project",
        "--output-file", requirements, cwd=ROOT, env=env,
    )  # fmt: skip
    _run(
        UV, "pip", "install", "--quiet", "--python", venv / "bin" / "python",
        "--constraint", requirements, wheel, cwd=elsewhere, env=env,
    )  # fmt: skip
    selstats = venv / "bin" / "selstats"
    where = _run(
        venv / "bin" / "python", "-c", "import selstats.paths as p; print(p.QUERIES_DIR)",
        cwd=elsewhere, env=env,
    )  # fmt: skip
    assert where.strip().startswith(str(venv)), where  # the wheel's copy, not the checkout's

    _run(selstats, "demo", "--scale", "S", "--seed", "1", cwd=elsewhere, env=env)
    store = elsewhere / "data" / "selstats.duckdb"  # the default store of this folder
    assert store.is_file()
    out = _run(selstats, "export", "funnel", "--format", "csv", cwd=elsewhere, env=env)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) > 20
    assert {"procedure_code", "step_no"} <= set(rows[0])
    # the funnel's own rule holds on every row: each candidate who reached a step has
    # exactly one outcome there (queries/funnel.sql)
    outcomes = ("passed", "failed", "absent", "withdrawn", "not_registered", "cut_off")
    for row in rows:
        assert int(row["reached"]) == sum(int(row[o]) for o in outcomes), row
    assert sum(int(row["passed"]) for row in rows) > 0
