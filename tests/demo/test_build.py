"""The demo generator at scale S: shape, rules, determinism, atomic replacement.

The expected figures are the demo's design targets (docs/DOMAIN.md#demo-data), checked with
plain SQL over the written store, never copied from a run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest

import selstats.demo.build as demo_build
from selstats.demo import DEMO_TODAY, DemoSummary, build_demo
from selstats.rules.derive import derive

REFERENCE_STEPS = {"CNG23032": 4, "CNG24004": 4, "MAASEIK-DBK-2026": 3, "req16131": 4}
OUTCOMES = ("passed", "failed", "absent", "withdrawn", "not_registered", "cut_off")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DemoSummary]:
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    calls: list[tuple[int, int]] = []
    summary = build_demo(
        path, "S", seed=1, progress=lambda done, total: calls.append((done, total))
    )
    # progress is reported as the work advances and ends at its total
    assert calls, "progress was never reported"
    assert [d for d, _ in calls] == list(range(1, len(calls) + 1))
    assert calls[-1][0] == calls[-1][1]
    return path, summary


@pytest.fixture
def con(built: tuple[Path, DemoSummary]) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(built[0]), read_only=True)
    yield connection
    connection.close()


def one(con: duckdb.DuckDBPyConnection, query: str, **params: Any) -> Any:
    return con.sql(query, params=params or None).fetchall()[0][0]


def base_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.sql(
        "select table_name from information_schema.tables "
        "where table_type = 'BASE TABLE' order by table_name"
    ).fetchall()
    return [r[0] for r in rows]


def contents(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every base table's rows, sorted (row order in the store carries no meaning)."""
    connection = duckdb.connect(str(path), read_only=True)
    try:
        return {
            t: connection.sql(f"select * from {t} order by all").fetchall()
            for t in base_tables(connection)
        }
    finally:
        connection.close()


# --- size and shape --------------------------------------------------------------------


def test_summary_matches_the_store(
    built: tuple[Path, DemoSummary], con: duckdb.DuckDBPyConnection
) -> None:
    summary = built[1]
    assert summary.scale == "S"
    assert summary.problems == 0, "the rules engine found problems in generated data"
    assert summary.organisations == one(con, "select count(*) from organisations")
    assert summary.procedures == one(con, "select count(*) from procedures")
    # every applicant has a row at the first step of their procedure
    assert summary.applications == one(con, "select count(*) from results where step_no = 1")
    assert summary.results == one(con, "select count(*) from results")
    assert summary.laureates == one(con, "select count(*) from laureates")
    # S: a few thousand results, about a thousand applications, a few dozen procedures
    assert 20 <= summary.procedures <= 80
    assert 700 <= summary.applications <= 2_500
    assert 2_000 <= summary.results <= 8_000
    assert summary.elapsed_seconds > 0


def test_organisations(con: duckdb.DuckDBPyConnection) -> None:
    by_government = dict(
        con.sql("select government, count(*) from organisations group by 1").fetchall()
    )
    assert by_government == {"federal": 25, "flemish": 15, "local": 20}
    by_level = dict(
        con.sql("select certification, count(*) from organisations group by 1").fetchall()
    )
    assert by_level == {"none": 44, "individual": 8, "client": 8}
    # only federal and flemish bodies hold a certification
    assert (
        one(
            con,
            "select count(*) from organisations "
            "where government = 'local' and certification <> 'none'",
        )
        == 0
    )
    # certified organisations were reviewed within the last year
    assert (
        one(
            con,
            "select count(*) from organisations where certification <> 'none' "
            "and (review_date is null or review_date > $today "
            "or review_date <= $today - interval 1 year)",
            today=DEMO_TODAY,
        )
        == 0
    )


def test_procedures_are_consistent(con: duckdb.DuckDBPyConnection) -> None:
    # every procedure belongs to a known organisation and has steps numbered 1..n
    assert one(con, "select count(*) from procedures anti join organisations using (org_id)") == 0
    gaps = one(
        con,
        "select count(*) from (select procedure_code, count(*) n, max(step_no) m "
        "from steps group by 1) where n <> m",
    )
    assert gaps == 0
    # validity: 24 months for local governments, 12 for the others
    wrong = one(
        con,
        "select count(*) from procedures join organisations using (org_id) "
        "where validity_months <> case government when 'local' then 24 else 12 end",
    )
    assert wrong == 0
    # a list date only after the deadline
    assert one(con, "select count(*) from procedures where list_date <= application_deadline") == 0


def test_reference_procedures(con: duckdb.DuckDBPyConnection) -> None:
    counts = dict(
        con.sql(
            "select procedure_code, count(*) from steps "
            "where list_contains($codes, procedure_code) group by 1",
            params={"codes": list(REFERENCE_STEPS)},
        ).fetchall()
    )
    assert counts == REFERENCE_STEPS
    with_results = one(
        con,
        "select count(distinct procedure_code) from results "
        "where list_contains($codes, procedure_code)",
        codes=list(REFERENCE_STEPS),
    )
    assert with_results == 4
    # Belnet: the written test (9/18) lets the first 6 passers through, ties extend
    belnet = one(
        con,
        "select passed from step_states where procedure_code = 'CNG23032' and step_no = 3",
    )
    assert belnet > 0
    assert (
        belnet <= 6
        or one(
            con,
            "select count(distinct score) from results where procedure_code = 'CNG23032' "
            "and step_no = 3 and outcome = 'passed'",
        )
        < belnet
    )


# --- the rules: outcomes are derived, never drawn -----------------------------------------


def test_funnel_identity(con: duckdb.DuckDBPyConnection) -> None:
    """reached = passed + failed + absent + withdrawn + not_registered + cut_off
    (docs/DOMAIN.md#the-funnel)."""
    broken = one(
        con,
        f"select count(*) from step_states where reached <> {' + '.join(OUTCOMES)}",
    )
    assert broken == 0
    assert one(con, "select count(*) from step_states") > 0


def test_outcomes_are_those_of_the_rules_engine(con: duckdb.DuckDBPyConnection) -> None:
    """Deriving the stored raw results again gives exactly the stored outcomes and lists."""
    steps = con.sql("select * from steps").pl()
    procedures = con.sql("select * from procedures").pl()
    raw = con.sql(
        "select procedure_code, candidate_ref, step_no, score, outcome_given, result_date "
        "from results"
    ).pl()
    again = derive(steps, raw, procedures)
    key = ["procedure_code", "candidate_ref", "step_no"]
    stored = con.sql("select procedure_code, candidate_ref, step_no, outcome from results").pl()
    assert again.results.select(*key, "outcome").sort(key).equals(stored.sort(key))
    lau_key = ["procedure_code", "candidate_ref"]
    stored_laureates = con.sql("select procedure_code, candidate_ref, rank from laureates").pl()
    assert (
        again.laureates.select(*lau_key, "rank")
        .sort(lau_key)
        .equals(stored_laureates.cast({"rank": pl.Int64}).sort(lau_key))
    )
    assert again.problems.is_empty()


def test_rows_only_for_candidates_still_in_the_race(con: duckdb.DuckDBPyConnection) -> None:
    # a row at step n > 1 means the candidate passed the last earlier step they have a row for
    orphans = one(
        con,
        """
        with prev as (
            select r.procedure_code, r.candidate_ref, r.step_no,
                   lag(r.outcome) over (
                       partition by r.procedure_code, r.candidate_ref order by r.step_no
                   ) as before
            from results r
        )
        select count(*) from prev where before is not null and before <> 'passed'
        """,
    )
    assert orphans == 0


def test_scores(con: duckdb.DuckDBPyConnection) -> None:
    bad = one(
        con,
        "select count(*) from results join steps using (procedure_code, step_no) "
        "where score is not null "
        "and (score < 0 or score > max_score or score * 2 <> round(score * 2))",
    )
    assert bad == 0
    # behaviour outcomes come without a score, and pass/fail steps never have one
    assert (
        one(
            con,
            "select count(*) from results join steps using (procedure_code, step_no) "
            "where score is not null and (max_score is null or "
            "outcome in ('absent', 'withdrawn', 'not_registered'))",
        )
        == 0
    )


def test_pass_rates_vary_between_procedures(con: duckdb.DuckDBPyConnection) -> None:
    # the first scored step's pass rate among those who sat it, per procedure with 20+ takers
    rates = [
        r[0]
        for r in con.sql(
            """
            with first_scored as (
                select procedure_code, min(step_no) as step_no from steps
                where max_score is not null group by 1
            )
            select passed / (passed + failed + cut_off)
            from step_states join first_scored using (procedure_code, step_no)
            where passed + failed + cut_off >= 20
            """
        ).fetchall()
    ]
    assert len(rates) >= 5
    assert min(rates) < 0.6 < max(rates)


def test_laureates_share_of_applicants(con: duckdb.DuckDBPyConnection) -> None:
    applicants = one(con, "select count(*) from results where step_no = 1")
    laureates = one(con, "select count(*) from laureates")
    assert 0.15 <= laureates / applicants <= 0.40


def test_absent_share_at_the_first_test(con: duckdb.DuckDBPyConnection) -> None:
    """About a third of those invited to the first test do not show up or register."""
    share = one(
        con,
        """
        with first_test as (
            select procedure_code, min(step_no) as step_no from steps
            where kind <> 'screening' group by 1
        )
        select sum(absent + not_registered) / sum(reached)
        from step_states join first_test using (procedure_code, step_no)
        """,
    )
    assert 0.2 <= share <= 0.45


def test_running_procedures(con: duckdb.DuckDBPyConnection) -> None:
    running = con.sql(
        """
        select p.procedure_code
        from procedures p
        join step_states s on s.procedure_code = p.procedure_code
        where year(p.application_deadline) = $year and p.list_date is null
          and s.step_no = (
              select max(step_no) from steps t where t.procedure_code = p.procedure_code
          )
          and s.state = 'pending'
        """,
        params={"year": DEMO_TODAY.year},
    ).fetchall()
    assert running, "the running year should have a procedure whose last step is pending"
    # nothing happens after the demo's today
    assert one(con, "select count(*) from results where result_date > $t", t=DEMO_TODAY) == 0
    assert one(con, "select count(*) from list_entries where status_date > $t", t=DEMO_TODAY) == 0


def test_lead_times(con: duckdb.DuckDBPyConnection) -> None:
    median = one(
        con,
        "select median(list_date - application_deadline) from procedures "
        "where list_date is not null",
    )
    assert 20 <= median <= 50


# --- lists -------------------------------------------------------------------------------


def test_list_entries(con: duckdb.DuckDBPyConnection) -> None:
    # one entry per laureate, none for anyone else
    assert one(con, "select count(*) from list_entries") == one(
        con, "select count(*) from laureates"
    )
    assert (
        one(
            con,
            "select count(*) from list_entries "
            "anti join laureates using (procedure_code, candidate_ref)",
        )
        == 0
    )
    statuses = {r[0] for r in con.sql("select distinct status from list_entries").fetchall()}
    assert statuses <= {"available", "hired", "declined", "withdrawn"}
    assert {"available", "hired"} <= statuses
    # no more hires than places
    over = one(
        con,
        "select count(*) from (select procedure_code, count(*) n from list_entries "
        "where status = 'hired' group by 1) join procedures using (procedure_code) "
        "where n > places",
    )
    assert over == 0
    # a status other than available has a date, on or after the list date
    assert (
        one(
            con,
            "select count(*) from list_entries join procedures using (procedure_code) "
            "where status <> 'available' and (status_date is null or status_date < list_date)",
        )
        == 0
    )


def _one_year(day: date) -> date:
    """The day before the first anniversary, the README's rule typed out: 15/09/2023 ->
    14/09/2024; 29/02/2024 -> (no 29/02/2025: 01/03/2025) -> 28/02/2025."""
    if (day.month, day.day) == (2, 29):
        return date(day.year + 1, 3, 1) - timedelta(days=1)
    return date(day.year + 1, day.month, day.day) - timedelta(days=1)


def test_the_permanently_open_reserve_lapses_for_some_and_is_extended_for_others(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """req16131 (Opgroeien) has no deadline and no list date: each laureate's reserve runs
    from their own latest result for one year (README, "Choices"). Of its laureates still
    available, some reserves ended before the demo's today and lapsed, others were extended
    after their own end."""
    assert con.sql(
        "select application_deadline, list_date from procedures where procedure_code = 'req16131'"
    ).fetchall() == [(None, None)]
    rows = con.sql(
        """
        select la.candidate_ref, la.list_date, la.valid_until, r.last_result, le.status,
            le.extended_until
        from laureates as la
        join (
            select procedure_code, candidate_ref, max(result_date) as last_result
            from results group by all
        ) as r using (procedure_code, candidate_ref)
        join list_entries as le using (procedure_code, candidate_ref)
        where la.procedure_code = 'req16131'
        """
    ).fetchall()
    assert len(rows) >= 5
    for ref, start, end, last_result, _, _ in rows:
        assert (start, end) == (last_result, _one_year(last_result)), ref
    available = [r for r in rows if r[4] == "available"]
    lapsed = [r for r in available if max(r[2], r[5] or r[2]) < DEMO_TODAY]
    extended = [r for r in rows if r[5] is not None and r[5] > r[2]]
    assert lapsed, "no laureate's reserve lapsed"
    assert extended, "no laureate's reserve was extended"
    assert all(r[4] == "available" for r in extended)
    # the list: permanently open, its own end the last laureate's
    assert con.sql(
        "select permanently_open, valid_until from lists where procedure_code = 'req16131'"
    ).fetchall() == [(True, max(r[2] for r in rows))]


# --- consultants and Q-checks ----------------------------------------------------------------


QCHECK_AVERAGES = """
with az as (
    select consultant_ref, org_id from consultants where az_certified
),
checks as (
    select az.org_id, q.check_date, q.score_percent
    from qchecks q join az using (consultant_ref)
),
last_check as (
    select org_id, max(check_date) as last from checks group by 1
)
select o.org_id, avg(c.score_percent) as average
from organisations o
join checks c using (org_id)
join last_check l using (org_id)
where o.certification = 'client'
  and c.check_date > l.last - interval 12 month
  and c.check_date <= l.last
group by 1
"""


def test_client_qcheck_averages(con: duckdb.DuckDBPyConnection) -> None:
    averages = dict(con.sql(QCHECK_AVERAGES).fetchall())
    assert len(averages) == 8, "every client organisation has Q-checks"
    assert any(a < 80 for a in averages.values())
    assert any(80 <= a <= 82 for a in averages.values())
    assert any(a > 85 for a in averages.values())


def test_qchecks(con: duckdb.DuckDBPyConnection) -> None:
    # scores clipped to 40..100 and rounded to half points
    assert (
        one(
            con,
            "select count(*) from qchecks where score_percent < 40 or score_percent > 100 "
            "or score_percent * 2 <> round(score_percent * 2)",
        )
        == 0
    )
    # a Q-check looks at a closed procedure of the consultant's own organisation
    wrong = one(
        con,
        "select count(*) from qchecks q join consultants c using (consultant_ref) "
        "join procedures p using (procedure_code) "
        "where p.org_id <> c.org_id or p.list_date is null or q.check_date < p.list_date",
    )
    assert wrong == 0
    assert one(con, "select count(*) from qchecks anti join procedures using (procedure_code)") == 0
    # only AZ consultants are checked, over the last three years
    assert (
        one(
            con,
            "select count(*) from qchecks join consultants using (consultant_ref) "
            "where not az_certified",
        )
        == 0
    )
    assert (
        one(
            con,
            "select count(*) from qchecks "
            "where check_date > $t or check_date <= $t - interval 3 year",
            t=DEMO_TODAY,
        )
        == 0
    )


def test_consultants(con: duckdb.DuckDBPyConnection) -> None:
    refs = [r[0] for r in con.sql("select consultant_ref from consultants").fetchall()]
    assert all(r.startswith("CONS-") for r in refs)
    # a client organisation that lacks a condition: no FR selection-tests consultant
    lacking = one(
        con,
        """
        select count(*) from organisations o
        where o.certification = 'client'
          and not exists (
              select 1 from consultants c
              where c.org_id = o.org_id and c.language_role = 'fr' and c.tests_certified
          )
        """,
    )
    assert lacking >= 1
    # individual organisations: 1-2 AZ consultants and a PRO Partner
    individual = con.sql(
        """
        select o.org_id,
               count(*) filter (where c.az_certified),
               count(*) filter (where c.pro_partner)
        from organisations o join consultants c using (org_id)
        where o.certification = 'individual' group by 1
        """
    ).fetchall()
    assert len(individual) == 8
    assert all(1 <= az <= 2 and pro >= 1 for _, az, pro in individual)


def test_interview_chairs(con: duckdb.DuckDBPyConnection) -> None:
    """Interview chairs (source 004) among the consultants, as staff.py designs them: some
    certified consultants of client organisations hold the chair certificate too, some
    client and individual organisations have a person certified only as chair, and an
    organisation without certification has no consultants at all."""
    rows = con.sql(
        """
        select o.certification,
               count(*) filter (where c.chair_certified and (c.az_certified or c.tests_certified)),
               count(*) filter (
                   where c.chair_certified and not c.az_certified and not c.tests_certified
                     and not c.assessment_certified and not c.pro_partner
               )
        from consultants c join organisations o using (org_id)
        group by 1 order by 1
        """
    ).fetchall()
    by_level = {level: (also, only) for level, also, only in rows}
    assert set(by_level) == {"client", "individual"}
    client_also, client_only = by_level["client"]
    individual_also, individual_only = by_level["individual"]
    assert client_also >= 1 and client_only >= 1
    assert individual_also == 0 and individual_only >= 1
    # A chair-only person is one of the certified staff the status counts: in each
    # organisation, certified_staff is the number of people with any certificate, once each.
    mismatched = one(
        con,
        """
        select count(*) from certification_status s
        join (
            select org_id, count(*) filter (
                where az_certified or tests_certified or assessment_certified or chair_certified
            ) as people
            from consultants group by 1
        ) c using (org_id)
        where s.certified_staff <> c.people
        """,
    )
    assert mismatched == 0


# --- determinism and atomicity --------------------------------------------------------------


def test_same_seed_same_tables_other_seed_other_data(
    built: tuple[Path, DemoSummary], tmp_path: Path
) -> None:
    first = contents(built[0])
    build_demo(tmp_path / "again.duckdb", "S", seed=1)
    assert contents(tmp_path / "again.duckdb") == first
    build_demo(tmp_path / "other.duckdb", "S", seed=2)
    other = contents(tmp_path / "other.duckdb")
    assert other["results"] != first["results"]
    assert other["qchecks"] != first["qchecks"]
    assert other["procedures"] != first["procedures"]


def test_a_failed_build_leaves_the_old_store(
    built: tuple[Path, DemoSummary], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "store.duckdb"
    path.write_bytes(built[0].read_bytes())
    before = hashlib.sha256(path.read_bytes()).hexdigest()

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("interrupted")

    monkeypatch.setattr(demo_build, "consultants", boom)
    with pytest.raises(RuntimeError, match="interrupted"):
        build_demo(path, "S", seed=3)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert [p.name for p in tmp_path.iterdir()] == ["store.duckdb"]


def test_unknown_scale() -> None:
    # not "XL": that scale exists (benchmarks only) and would be built here, for an hour
    with pytest.raises(ValueError, match="scale"):
        build_demo(Path("unused.duckdb"), "XXL")


def test_local_scales_belong_to_their_town(con: duckdb.DuckDBPyConnection) -> None:
    """Stad Gent (LOC-01) has its own C1-C3 and B1-B3 (invented demo amounts), Stad Leuven
    (LOC-03) its own D1-D3 (minimum only) and C1-C3 (amounts not known), Stad Maaseik the one
    of its posting; no other local government gets any of their amounts.

    On the demo's day every government pays at 2.1647, local amounts rounded half up:
    Gent C1-C3: 13,900 x 2.1647 = 30,089.33; / 12 = 2,507.444 -> 2,507.44;
                25,400 x 2.1647 = 54,983.38; / 12 = 4,581.948 -> 4,581.95
    Gent B1-B3: 17,200 x 2.1647 = 37,232.84; / 12 = 3,102.736 -> 3,102.74
    Leuven D1-D3: 12,800 x 2.1647 = 27,708.16; / 12 = 2,309.013 -> 2,309.01
    Maaseik C1-C3: 13,550 x 2.1647 / 12 = 2,444.307 -> 2,444.31
    """
    from selstats import query

    table = query.run(
        con,
        "salaries",
        as_of=DEMO_TODAY,
        coefficient=None,
        govs=["local"],
        orgs=[],
        levels=[],
        allowed=None,
    )
    amounts = {
        (r["org_id"], r["scale"]): (r["monthly_min"], r["monthly_max"], r["amounts_known"])
        for r in table.iter_rows(named=True)
    }
    assert amounts[("LOC-01", "C1-C3")] == (2507.44, 4581.95, "both")
    assert amounts[("LOC-01", "B1-B3")][:2] == (3102.74, 5429.79)  # 30,100 x 2.1647 / 12
    assert amounts[("LOC-03", "D1-D3")] == (2309.01, None, "min_only")
    assert amounts[("LOC-03", "C1-C3")] == (None, None, "none")
    assert amounts[("MAASEIK", "C1-C3")] == (2444.31, 4473.71, "both")
    # every local row is one organisation's; only these three have amounts
    assert table["org_id"].null_count() == 0
    with_amounts = {o for (o, _), (low, high, _k) in amounts.items() if low or high}
    assert with_amounts == {"LOC-01", "LOC-03", "MAASEIK"}
    # the scales other towns' procedures name are unknown, never Gent's or Maaseik's
    others = table.filter(~pl.col("org_id").is_in(["LOC-01", "LOC-03", "MAASEIK"]))
    assert set(others["amounts_known"]) <= {"not_in_reference"}
    source = one(con, "select min(source) from salary_scales where org_id = 'LOC-01'")
    assert source.startswith("Demo data: invented amounts")


def test_every_procedure_has_a_diploma_level(con: duckdb.DuckDBPyConnection) -> None:
    # the demo's levels (federal A1-A3, B, C, D; Flemish ranks A1, B1, C1, D1; local scales
    # A1a, B1, C1, D1) all map to a diploma level through data/reference/diploma_levels.csv
    assert one(con, "select count(*) from procedure_scope where diploma_level is null") == 0
    assert one(con, "select count(*) from step_facts where diploma_level is null") == 0
