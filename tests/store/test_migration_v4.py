"""Schema version 4 on a store written before it (version 2): the salary rows it holds are
kept as well as they can be, the macros filter on diploma levels, and a version number
without a migration in this code is skipped.

The version-2 store, by hand: scales NA23 (federal) and C1-C3 (local, named by Maaseik's
posting) and D1-D3 (local, named by no posting); one coefficient, 2.1647 from 2026-01-01.
After the migration:
- NA23 stays a scale of the whole federal government (org_id null);
- C1-C3 becomes Maaseik's (the organisation whose posting names it); D1-D3 has no owner
  (nothing says whose it is; the next import replaces it with data/reference);
- 2.1647 from 2026-01-01 is kept for each of the three governments: 3 rows;
- every kept row says where it comes from (source), none is empty.
"""

from __future__ import annotations

from datetime import date

import duckdb

from selstats.store.migrations import MIGRATIONS, SCHEMA_VERSION, migrate, schema_version


def _version_2_store() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for version in (1, 2):
        con.execute(MIGRATIONS[version]())
    con.execute("insert into meta values ('schema_version', '2')")
    con.execute(
        "insert into salary_scales values "
        "('NA23', 'A2', 'federal', 33072, null, 'Belnet'), "
        "('C1-C3', 'C1', 'local', 13550, 24800, 'Maaseik'), "
        "('D1-D3', 'D1', 'local', null, null, null)"
    )
    con.execute(
        "insert into salary_postings values ('MAASEIK-DBK-2026', 'MAASEIK', 'C1-C3', 'local', "
        "2444.31, 'monthly', 'min', 2.1647, 2026, null)"
    )
    con.execute("insert into index_coefficients values (date '2026-01-01', 2.1647, '1.02^39')")
    con.execute(
        "insert into organisations values ('MAASEIK', 'Stad Maaseik', 'local', 'none', null)"
    )
    con.execute(
        "insert into procedures (procedure_code, org_id, level, salary_scale) "
        "values ('M-1', 'MAASEIK', 'C1', 'C1-C3')"
    )
    return con


def test_a_version_2_store_keeps_its_salary_rows() -> None:
    con = _version_2_store()
    con.execute("begin transaction")
    assert migrate(con) == SCHEMA_VERSION
    con.execute("commit")
    assert schema_version(con) == SCHEMA_VERSION
    scales = con.sql(
        "select scale, government, org_id, annual_min_100, note from salary_scales order by 1"
    ).fetchall()
    assert scales == [
        ("C1-C3", "local", "MAASEIK", 13550.0, "Maaseik"),
        ("D1-D3", "local", None, None, None),
        ("NA23", "federal", None, 33072.0, "Belnet"),
    ]
    coefficients = con.sql(
        "select government, in_force_from, coefficient from index_coefficients order by 1"
    ).fetchall()
    assert coefficients == [
        ("federal", date(2026, 1, 1), 2.1647),
        ("flemish", date(2026, 1, 1), 2.1647),
        ("local", date(2026, 1, 1), 2.1647),
    ]
    for table in ("salary_scales", "index_coefficients"):
        sources = con.sql(f"select distinct source from {table}").fetchall()
        assert len(sources) == 1 and sources[0][0].startswith("Kept from a store of an older")
    assert con.sql("select count(*) from salary_postings where source is null").fetchall() == [(1,)]
    # no diploma-level rules yet (the next import brings them): the level is unknown, and
    # the scope macros filter on diploma levels
    assert con.sql("select level, diploma_level from procedure_scope").fetchall() == [("C1", None)]
    con.execute(
        "insert into diploma_levels values ('local', null, 'C[1-9]?(-C[1-9])?', 'C', 'test', null)"
    )
    assert con.sql("select diploma_level from step_facts").fetchall() == []  # no steps
    scoped = con.sql(
        "select procedure_code from scoped_procedures(null, null, [], [], ['C'], [], null)"
    ).fetchall()
    assert scoped == [("M-1",)]
    con.close()


def test_a_version_without_a_migration_is_skipped() -> None:
    # version 3 is another change, made elsewhere: without it a store goes from 2 to 4 (with
    # it, from 2 to 3 to 4); each migration touches only its own tables
    con = _version_2_store()
    con.execute("begin transaction")
    migrate(con)
    con.execute("commit")
    columns = {
        row[0]
        for row in con.sql(
            "select column_name from information_schema.columns where table_name = 'step_facts'"
        ).fetchall()
    }
    assert "diploma_level" in columns
    con.close()
