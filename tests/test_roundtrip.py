"""Round trip: a demo store's facts, written out as import files, imported into an empty store
with `selstats import`, give the same contract exports as the demo store itself.

The demo builds its store through the writer directly; a user goes through files. If both
roads lead to the same funnel, lists, certification and salaries, the import format carries
everything the figures depend on, and the import derives them the way the demo does.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb
import polars as pl
import pytest

from selstats.demo import build_demo
from selstats.demo.catalogue import LOCAL_SCALES
from selstats.export import write_frame
from selstats.ingest.columns import TABLES
from tests.store import FACT_TABLES, run_cli, text

EXPORTS = [
    ("funnel",),
    ("laureates", "--as-of", "2026-06-01"),
    ("laureates", "--as-of", "2030-01-01"),
    ("certification", "--mode", "all_checks"),
    ("certification", "--mode", "per_consultant"),
    ("salaries",),
]


def dump_import_files(db: Path, folder: Path) -> dict[str, int]:
    """The store's facts as import files (CSV, the contract's columns and names): results
    carry the outcome as it was given (`outcome_given`) in `outcome`, since the store derives
    the rest. Returns the rows per table."""
    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db), read_only=True)
    rows = {}
    try:
        for table, key in FACT_TABLES.items():
            stored = {
                r[0]
                for r in con.sql(
                    "select column_name from information_schema.columns where table_name = $t",
                    params={"t": table},
                ).fetchall()
            }
            wanted = [c.name for c in TABLES[table].columns]
            select = [
                "outcome_given as outcome" if c == "outcome" and table == "results" else c
                for c in wanted
                if c in stored or (c == "outcome" and table == "results")
            ]
            frame = con.sql(
                f"select {', '.join(select)} from {table} order by {', '.join(key)}"
            ).pl()
            rows[table] = write_frame(frame, folder / f"{table}.csv", "csv")
    finally:
        con.close()
    return rows


def _export(tmp: Path, db: Path, args: tuple[str, ...]) -> str:
    done = run_cli(["export", *args, "--db", db], tmp)
    assert done.returncode == 0, text(done.stderr)
    return done.stdout.decode("utf-8")


def _diff(left: str, right: str, limit: int = 10) -> str:
    a = list(csv.reader(io.StringIO(left)))
    b = list(csv.reader(io.StringIO(right)))
    lines = [f"{len(a)} rows vs {len(b)} rows; header equal: {a[:1] == b[:1]}"]
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            changed = {
                a[0][j] if j < len(a[0]) else j: (u, v)
                for j, (u, v) in enumerate(zip(x, y, strict=False))
                if u != v
            }
            lines.append(f"row {i}: {x[:3]} {changed}")
            if len(lines) > limit:
                break
    return "\n".join(lines)


def _without_demo_scales(export: str) -> str:
    """The salaries export without the rows of the towns the demo gives scales of their own
    (demo.catalogue.LOCAL_SCALES, invented amounts): those are demo reference data, not
    facts of the import files, and an import syncs the shipped reference data instead."""
    towns = {spec.org_id for spec in LOCAL_SCALES}
    rows = list(csv.reader(io.StringIO(export)))
    at = rows[0].index("org_id")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(
        [rows[0], *(r for r in rows[1:] if r[at] not in towns)]
    )
    return out.getvalue()


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    summary = build_demo(path, scale="S", seed=1)
    assert summary.problems == 0
    return path


def test_demo_facts_through_import_files_give_the_same_exports(
    demo_store: Path, tmp_path: Path
) -> None:
    files = tmp_path / "files"
    rows = dump_import_files(demo_store, files)
    assert rows["results"] > 1000 and rows["qchecks"] > 0 and rows["list_entries"] > 0

    rebuilt = tmp_path / "rebuilt" / "selstats.duckdb"
    done = run_cli(["import", files, "--db", rebuilt, "--lang", "en"], tmp_path)
    assert done.returncode == 0, text(done.stderr)
    assert text(done.stdout).splitlines() == [
        f"{table}: {rows[table]} rows"
        for table in [
            "organisations",
            "procedures",
            "steps",
            "consultants",
            "results",
            "list_entries",
            "qchecks",
        ]
    ]
    checked = run_cli(["check", "--db", rebuilt, "--lang", "en"], tmp_path)
    assert checked.returncode == 0, text(checked.stdout)

    differences = []
    for args in EXPORTS:
        original, imported = _export(tmp_path, demo_store, args), _export(tmp_path, rebuilt, args)
        if args[0] == "salaries":
            original, imported = _without_demo_scales(original), _without_demo_scales(imported)
        assert original.count("\n") > 1, args
        if original != imported:
            differences.append(f"{' '.join(args)}:\n{_diff(original, imported)}")
    assert not differences, "\n\n".join(differences)


def test_the_import_files_carry_every_fact_of_the_demo(demo_store: Path, tmp_path: Path) -> None:
    """Beyond the exports: the fact tables themselves come back identical (the store's own
    column order and types), so nothing the contract's columns carry is lost on the way."""
    files = tmp_path / "files"
    dump_import_files(demo_store, files)
    rebuilt = tmp_path / "rebuilt.duckdb"
    done = run_cli(["import", files, "--db", rebuilt], tmp_path)
    assert done.returncode == 0, text(done.stderr)
    for table, key in FACT_TABLES.items():
        original = _facts(demo_store, table, key)
        imported = _facts(rebuilt, table, key)
        assert original.columns == imported.columns, table
        assert original.equals(imported), (table, original.height, imported.height)


def _facts(db: Path, table: str, key: tuple[str, ...]) -> pl.DataFrame:
    con = duckdb.connect(str(db), read_only=True)
    try:
        frame = con.sql(f"select * from {table} order by {', '.join(key)}").pl()
    finally:
        con.close()
    return frame
