"""Small-cell suppression: the pure function, the catalogue that declares what it hides, the
query headers that declare person-level queries, the threshold."""

from __future__ import annotations

import polars as pl
import pytest

from selstats import query
from selstats.access.suppression import (
    PolicyError,
    QueryPolicy,
    min_cell,
    parse_policy,
    personal_columns,
    query_policy,
    small_cell_rules,
    suppress,
    suppress_small_cells,
)
from selstats.paths import QUERIES_DIR
from selstats.settings import SettingsError
from selstats.ui.cell_counts import as_numbers


def test_small_counts_become_text_and_their_rates_are_hidden() -> None:
    frame = pl.DataFrame(
        {
            "org": ["X", "Y", "Z", "W"],
            "applicants": [12, 4, 0, None],
            "laureates": [3, 2, 0, 1],
            "rate": [0.25, 0.5, None, None],
            "other": [1.0, 2.0, 3.0, 4.0],
        }
    )
    out = suppress(frame, ["applicants", "laureates"], {"rate": ["laureates", "applicants"]}, 5)
    assert out.to_dict(as_series=False) == {
        "org": ["X", "Y", "Z", "W"],
        # 12 stays (as text); 4, 0 and 3, 2, 1 are below 5; null stays null
        "applicants": ["12", "<5", "<5", None],
        "laureates": ["<5", "<5", "<5", "<5"],
        # X: laureates 3 < 5 -> hidden; Y: both small -> hidden
        "rate": [None, None, None, None],
        "other": [1.0, 2.0, 3.0, 4.0],
    }
    assert out.schema["rate"] == pl.Float64


def test_a_rate_depends_only_on_its_own_counts() -> None:
    frame = pl.DataFrame({"a": [10, 10], "b": [10, 2], "ra": [0.1, 0.2], "rb": [0.3, 0.4]})
    out = suppress(frame, ["a", "b"], {"ra": ["a"], "rb": ["b"]}, 5)
    assert out["ra"].to_list() == [0.1, 0.2]  # a is never small
    assert out["rb"].to_list() == [0.3, None]  # b = 2 in the second row
    # a bare rate depends on every count of its row
    assert suppress(frame, ["a", "b"], ["ra"], 5)["ra"].to_list() == [0.1, None]


def test_threshold_and_missing_columns() -> None:
    frame = pl.DataFrame({"n": [1, 2, 3]})
    assert suppress(frame, ["n"], (), 3)["n"].to_list() == ["<3", "<3", "3"]
    assert suppress(frame, ["n"], (), 0)["n"].to_list() == ["1", "2", "3"]
    assert suppress(frame, ["nope"], ["nor_this"], 5).equals(frame)


def test_as_numbers_for_charts() -> None:
    out = suppress(pl.DataFrame({"n": [1, 7]}), ["n"], (), 5)
    assert as_numbers(out, ["n"])["n"].to_list() == [None, 7]
    assert as_numbers(pl.DataFrame({"n": [1, 7]}), ["n"])["n"].to_list() == [1, 7]


def test_min_cell_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SELSTATS_MIN_CELL", raising=False)
    assert min_cell() == 5
    monkeypatch.setenv("SELSTATS_MIN_CELL", "10")
    assert min_cell() == 10
    # a typo no longer falls back to 5: the server refuses to start, naming the variable
    for bad in ("ten", "-1"):
        monkeypatch.setenv("SELSTATS_MIN_CELL", bad)
        with pytest.raises(SettingsError, match=rf"SELSTATS_MIN_CELL='{bad}'"):
            min_cell()


def test_header_lines() -> None:
    sql = (
        "-- The figure.\n-- access: candidates\nwith x as (select 1)\n-- access: audit\nselect 1\n"
    )
    assert parse_policy(sql) == QueryPolicy(level="candidates")
    assert parse_policy("select 1") == QueryPolicy()
    with pytest.raises(PolicyError, match="access level"):
        parse_policy("-- access: everyone\nselect 1")


def test_the_catalogue_says_what_is_hidden() -> None:
    counts, rates = small_cell_rules(
        ["procedure_code", "reached", "passed", "advance_rate", "held", "procedures_with_step"]
    )
    # people are counted; procedures and flags are not people
    assert counts == ["reached", "passed"]
    assert rates == {"advance_rate": ("passed", "reached")}
    assert query_policy("laureates").candidate_level
    assert personal_columns(["org_id", "fragile_roles", "consultant_ref"]) == [
        "fragile_roles",
        "consultant_ref",
    ]


def test_suppress_small_cells_follows_the_catalogue() -> None:
    frame = pl.DataFrame(
        {
            "step_no": [1, 2],
            "reached": [12, 6],
            "passed": [6, 3],
            "advance_rate": [6 / 12, 3 / 6],
            "procedures_with_step": [2, 1],
        }
    )
    out = suppress_small_cells(frame, 5)
    assert out.to_dict(as_series=False) == {
        "step_no": [1, 2],
        "reached": ["12", "6"],
        "passed": ["6", "<5"],  # 3 < 5
        "advance_rate": [0.5, None],  # its numerator was hidden
        "procedures_with_step": [2, 1],  # procedures are not people
    }


@pytest.mark.parametrize("name", sorted(p.stem for p in QUERIES_DIR.glob("*.sql")))
def test_every_query_header_can_be_read(name: str) -> None:
    policy = parse_policy(query.load_sql(name))
    assert policy.level in {"figures", "candidates", "audit", "reference"}
