"""The scope macros, defined once (src/selstats/store/scope.sql): every `scoped_*` macro is
a table filtered by the one predicate `in_scope` and by nothing else, in the file and in a
store the writer made; and each keeps or drops exactly the rows the predicate does."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Final

import duckdb
import pytest

from selstats.store.migrations import MIGRATIONS, migrate, scope_sql
from tests.fixtures.small_store import build_small_store

MACRO: Final = re.compile(
    r"create or replace macro (\w+)\s*\(([^)]*)\)\s+as\s+(table\s+)?(.*?);\s*(?=create|$)",
    re.S | re.I,
)


def _macros(sql: str) -> dict[str, tuple[list[str], bool, str]]:
    """name -> (parameters, is a table macro, body), comments left out."""
    code = "\n".join(line.split("--")[0] for line in sql.splitlines())
    return {
        m.group(1): ([p.strip() for p in m.group(2).split(",")], bool(m.group(3)), m.group(4))
        for m in MACRO.finditer(code)
    }


def test_the_scope_macros_are_defined_in_one_file_only() -> None:
    store = resources.files("selstats.store")
    elsewhere = [
        entry.name
        for folder in (store, store.joinpath("schema"))
        for entry in folder.iterdir()
        if entry.name.endswith(".sql") and entry.name != "scope.sql"
        and re.search(r"macro\s+(in_scope|scoped_)", entry.read_text(encoding="utf-8"))
    ]  # fmt: skip
    assert elsewhere == []
    assert set(_macros(scope_sql())) == {
        "in_scope",
        "scoped_procedures",
        "scoped_step_facts",
        "scoped_organisations",
    }


def test_every_scoped_macro_filters_by_in_scope_and_nothing_else() -> None:
    macros = _macros(scope_sql())
    predicate_params, is_table, predicate = macros.pop("in_scope")
    assert not is_table and predicate.count("list_contains") == 5
    for name, (params, is_table, body) in macros.items():
        assert is_table, name
        where = re.fullmatch(r"select \*\s+from (\w+)\s+where in_scope\((.*)\)", body.strip(), re.S)
        assert where is not None, f"{name}: {body}"
        args = [a.strip() for a in where.group(2).split(",")]
        assert len(args) == len(predicate_params), name
        # the macro's own parameters go to the predicate's filter parameters of the same name
        for mine in params:
            assert args[predicate_params.index(mine)] == mine, (name, mine)
        assert "list_contains" not in body, name


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_store(
        tmp_path_factory.mktemp("scope") / "small.duckdb", with_reference=False
    )


def test_a_written_store_holds_the_macros_of_scope_sql(store: Path) -> None:
    con = duckdb.connect(str(store), read_only=True)
    try:
        rows = con.sql(
            "select function_name, macro_definition from duckdb_functions() "
            "where function_name = 'in_scope' or function_name like 'scoped_%'"
        ).fetchall()
    finally:
        con.close()
    found = dict(rows)
    assert set(found) == set(_macros(scope_sql()))
    for name, definition in found.items():
        if name != "in_scope":
            assert "in_scope(" in definition and "list_contains" not in definition, name


# A filter, as the pages pass it: each macro must keep what in_scope keeps.
FILTERS: Final = [
    {"govs": [], "orgs": [], "allowed": None},
    {"govs": ["local"], "orgs": [], "allowed": None},
    {"govs": [], "orgs": ["ORG-A"], "allowed": None},
    {"govs": [], "orgs": [], "allowed": ["ORG-B"]},
    {"govs": [], "orgs": [], "allowed": []},
    {"govs": ["federal"], "orgs": ["ORG-B"], "allowed": None},
]


@pytest.mark.parametrize("scope", FILTERS)
def test_scoped_organisations_keeps_what_the_predicate_keeps(
    store: Path, scope: dict[str, object]
) -> None:
    """The organisations' macro, once an inline copy of the predicate, now the predicate:
    by hand from tests/fixtures/small_store.py: ORG-A federal, ORG-B local."""
    con = duckdb.connect(str(store), read_only=True)
    try:
        got = con.sql(
            "select org_id from scoped_organisations($govs::varchar[], $orgs::varchar[], "
            "$allowed::varchar[]) order by 1",
            params=scope,
        ).fetchall()
    finally:
        con.close()
    everyone = {"ORG-A": "federal", "ORG-B": "local"}
    govs, orgs, allowed = scope["govs"], scope["orgs"], scope["allowed"]
    expected = [
        (org,)
        for org, gov in sorted(everyone.items())
        if (not govs or gov in govs)  # type: ignore[operator]
        and (not orgs or org in orgs)  # type: ignore[operator]
        and (allowed is None or org in allowed)  # type: ignore[operator]
    ]
    assert got == expected


def test_an_old_store_gets_the_macros_on_its_migration() -> None:
    """Version-1 files define no scope macro any more: migrate() defines them."""
    con = duckdb.connect()
    con.execute(MIGRATIONS[1]())
    con.execute("insert into meta values ('schema_version', '1')")
    con.execute("begin transaction")
    migrate(con)
    con.execute("commit")
    names = {
        r[0]
        for r in con.sql(
            "select function_name from duckdb_functions() where function_name like 'scoped_%'"
        ).fetchall()
    }
    assert names == {"scoped_procedures", "scoped_step_facts", "scoped_organisations"}
