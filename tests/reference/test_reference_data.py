"""The shipped reference data loads cleanly and says what the sources say.

Expected values are typed in from the sources (postings, BOSA figures), not read back from
the files: a test fails when an edit changes a published fact.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from selstats.domain.enums import Certification, Government, PassUnit, StepKind
from selstats.reference import Reference, Responsible, TaskArea, check_reference, load_reference
from selstats.reference.models import diploma_level_of
from selstats.rules.certification import DEFAULT_THRESHOLDS
from selstats.rules.coefficients import step_of
from selstats.store.migrations import migrate


@pytest.fixture(scope="module")
def ref() -> Reference:
    return load_reference()


def test_shipped_data_has_no_problems() -> None:
    assert check_reference() == []


def test_organisations(ref: Reference) -> None:
    govs = {o.org_id: o.government for o in ref.organisations}
    assert govs == {
        "BELNET": Government.FEDERAL,
        "POD-MI": Government.FEDERAL,
        "MAASEIK": Government.LOCAL,
        "OPGROEIEN": Government.FLEMISH,
    }
    # Not known from the sources.
    assert {o.certification for o in ref.organisations} == {Certification.NONE}


def test_procedures(ref: Reference) -> None:
    p = {x.procedure_code: x for x in ref.procedures}
    assert set(p) == {"CNG23032", "CNG24004", "MAASEIK-DBK-2026", "req16131"}
    belnet = p["CNG23032"]
    assert (belnet.org_id, belnet.level, belnet.salary_scale) == ("BELNET", "A2", "NA23")
    assert (belnet.application_deadline, belnet.places, belnet.list_max) == (
        date(2023, 5, 30),
        1,
        6,
    )
    assert (belnet.ranked, belnet.validity_months) == (True, 12)
    pod = p["CNG24004"]
    assert (pod.level, pod.salary_scale, pod.application_deadline) == ("C", "C1", date(2024, 6, 4))
    assert (pod.places, pod.list_max, pod.ranked, pod.validity_months) == (4, 50, True, 12)
    maaseik = p["MAASEIK-DBK-2026"]
    assert (maaseik.level, maaseik.salary_scale) == ("C1", "C1-C3")
    assert (maaseik.application_deadline, maaseik.list_max) == (date(2026, 6, 9), None)
    assert (maaseik.ranked, maaseik.validity_months) == (True, 24)
    opgroeien = p["req16131"]
    assert (opgroeien.level, opgroeien.salary_scale) == ("B1", "B111")
    # Permanently open, unranked by default, reserve valid 1 year.
    assert (opgroeien.application_deadline, opgroeien.ranked) == (None, False)
    assert opgroeien.validity_months == 12
    assert {x.language for x in ref.procedures} == {"nl"}


def test_steps_follow_the_contract(ref: Reference) -> None:
    steps = {(s.procedure_code, s.step_no): s for s in ref.steps}
    assert sorted(steps) == sorted(
        [(c, n) for c in ("CNG23032", "CNG24004", "req16131") for n in (1, 2, 3, 4)]
        + [("MAASEIK-DBK-2026", n) for n in (1, 2, 3)]
    )
    written = steps[("CNG23032", 3)]
    assert (written.kind, written.max_score, written.pass_mark) == (StepKind.WRITTEN, 18, 9)
    assert (written.top_n, written.held_if_more_than) == (6, 6)
    interview = steps[("CNG23032", 4)]
    assert (interview.max_score, interview.pass_points) == (110, 55)
    assert not steps[("CNG23032", 1)].scored
    mcq = steps[("CNG24004", 2)]
    assert (mcq.kind, mcq.max_score, mcq.pass_points) == (StepKind.MCQ, 100, 50)
    experience = steps[("CNG24004", 3)]
    assert (experience.scored, experience.top_n, experience.rank_by_step) == (False, 50, 2)
    oral = steps[("MAASEIK-DBK-2026", 3)]
    assert (oral.kind, oral.pass_unit, oral.pass_points) == (StepKind.ORAL, PassUnit.PERCENT, 50)
    assert (oral.total_of_steps, oral.total_pass_percent) == ((2, 3), 60)
    phone = steps[("req16131", 2)]
    assert (phone.kind, phone.pass_points) == (StepKind.PHONE_SCREENING, 50)
    assert not steps[("req16131", 3)].scored and not steps[("req16131", 4)].scored


def test_salary_scales_hold_only_known_amounts(ref: Reference) -> None:
    scales = {(s.scale, s.government.value, s.org_id): s for s in ref.salary_scales}
    amounts = {k: (s.annual_min_100, s.annual_max_100) for k, s in scales.items()}
    assert amounts == {
        ("NA21", "federal", None): (None, None),
        ("NA22", "federal", None): (None, None),
        ("NA23", "federal", None): (33072, None),  # 66,140.69 / 1.9999
        ("NA24", "federal", None): (None, None),
        ("NA25", "federal", None): (None, None),
        ("C1", "federal", None): (14274, None),  # 29,117.53 / 2.0399
        # Maaseik's own scale: 2,444.31 x 12 / 2.1647; 4,473.71 x 12 / 2.1647
        ("C1-C3", "local", "MAASEIK"): (13550, 24800),
        ("B111", "flemish", None): (None, None),  # not published
    }
    assert scales[("C1-C3", "local", "MAASEIK")].level == "C1"
    assert scales[("B111", "flemish", None)].level == "B1"


def test_every_value_carries_its_source(ref: Reference) -> None:
    # the loader refuses an empty source; here: what the sources say, or that none was found
    maaseik = next(s for s in ref.salary_scales if s.org_id == "MAASEIK")
    assert maaseik.source.startswith("Stad Maaseik, infobrochure")
    assert next(s for s in ref.salary_scales if s.scale == "NA21").source.startswith(
        "No amounts found"
    )
    for record in (*ref.salary_scales, *ref.coefficients, *ref.salary_postings):
        assert record.source.strip(), record
    for record in (*ref.rounding, *ref.diploma_levels):
        assert record.source.strip(), record


def test_coefficients_per_government(ref: Reference) -> None:
    def series(government: str) -> list[tuple[date, float]]:
        return [
            (c.in_force_from, c.coefficient)
            for c in ref.coefficients
            if c.government.value == government
        ]

    federal = [
        (date(2021, 10, 1), 1.7758),
        (date(2022, 2, 1), 1.8114),
        (date(2022, 4, 1), 1.8476),
        (date(2022, 6, 1), 1.8845),
        (date(2022, 9, 1), 1.9222),
        (date(2022, 12, 1), 1.9607),
        (date(2023, 1, 1), 1.9999),
        (date(2023, 12, 1), 2.0399),
        (date(2024, 6, 1), 2.0807),
        (date(2025, 3, 1), 2.1223),
        # pivot index exceeded in December 2025; the programme law of 18 July 2025 moves the
        # federal raise to the THIRD month after: December + 3 = March, not January
        (date(2026, 3, 1), 2.1647),
    ]
    assert series("federal") == federal
    # One 2 % step each: 1.02^29 ... 1.02^39.
    assert [step_of(c) for _, c in federal] == list(range(29, 40))
    # Flemish and local pay: the same months (sourced until 2025, assumed for 2026)
    assert series("flemish") == federal
    assert series("local") == federal
    assumed = [c for c in ref.coefficients if c.in_force_from == date(2026, 3, 1)]
    assert {c.government.value: c.source.startswith("No source found") for c in assumed} == {
        "federal": False,
        "flemish": True,
        "local": True,
    }


def test_rounding_per_government(ref: Reference) -> None:
    rules = {
        r.government.value: (r.annual_rounding.value, r.monthly_rounding.value)
        for r in ref.rounding
    }
    assert rules == {
        "federal": ("truncate", "truncate"),  # BOSA: 3,454.916 -> 3,454.91
        "flemish": ("half_up", "half_up"),  # no source found: assumed
        "local": ("half_up", "half_up"),  # Maaseik: 2,444.307 -> 2,444.31
    }


@pytest.mark.parametrize(
    ("government", "org_id", "level", "expected"),
    [
        ("federal", None, "A2", "A"),  # Belnet CNG23032
        ("federal", None, "C", "C"),  # POD MI CNG24004
        ("local", "MAASEIK", "C1", "C"),  # Stad Maaseik
        ("flemish", None, "B1", "B"),  # Opgroeien req16131
        ("local", "X", "C1-C3", "C"),
        ("local", "X", "E2", "D"),  # local level E asks no diploma: D
        ("local", "X", "a1a", "A"),  # case-insensitive
        ("federal", None, "NA23", None),  # a scale name is no level: unknown
    ],
)
def test_diploma_levels(
    ref: Reference, government: str, org_id: str | None, level: str, expected: str | None
) -> None:
    found = diploma_level_of(ref.diploma_levels, government, org_id, level)
    assert {d.value for d in found} == ({expected} if expected else set())


def test_national_figures(ref: Reference) -> None:
    """BOSA's key figures as its releases give them (issue 12): 2021 from the release of May
    2022 (7,308 / 104,163 / 62,764 / 18,011), 2022's applicants from the release of 1 March
    2023 (123,690); 2017-2019 applicants left out (screened candidates, not applicants)."""
    rows = {
        f.year: (f.vacancies, f.applicants, f.tested, f.laureates) for f in ref.national_figures
    }
    assert rows[2017] == (4696, None, 47949, 6003)
    assert rows[2018] == (5415, None, 46153, 8455)  # 87,463 counted screened candidates
    assert rows[2020] == (6014, 102432, 54874, 16359)
    assert rows[2021] == (7308, 104163, 62764, 18011)
    assert rows[2022] == (9933, 123690, 69968, 19723)
    assert rows[2023] == (None, 137324, None, None)
    assert rows[2024] == (None, 128514, None, None)
    assert sorted(rows) == list(range(2017, 2025))


def test_every_national_value_cites_its_source(ref: Reference) -> None:
    assert len(ref.national_values) == 23  # 3 x 2017-2019, 4 x 2020-2022, 1 x 2023-2024
    for value in ref.national_values:
        assert value.source.strip() and value.url, (value.year, value.figure)
    # BOSA's headline success rate for 2021: 18,011 / 62,764 = 28.7 %
    laureates = {(v.year, v.figure.value): v.value for v in ref.national_values}
    assert round(laureates[2021, "laureates"] / laureates[2021, "tested"], 3) == 0.287


def test_every_reference_file_without_its_own_source_column_names_its_sources(
    ref: Reference,
) -> None:
    cited = {source.file for source in ref.sources}
    assert {
        "organisations.csv",
        "procedures.csv",
        "steps.csv",
        "certification_rules.csv",
        "certification_tasks.csv",
    } <= cited
    items = {(s.file, s.item) for s in ref.sources}
    for procedure in ref.procedures:
        assert ("procedures.csv", procedure.procedure_code) in items


def test_certification_tasks(ref: Reference) -> None:
    tasks = {t.task_id: t for t in ref.tasks}
    assert {t.area for t in ref.tasks} == set(TaskArea)
    # Without certification DG R&O does everything.
    assert {t.none for t in ref.tasks} == {Responsible.DGRO}
    assert tasks["specific_tests"].client is Responsible.ORGANISATION
    assert tasks["qchecks"].client is Responsible.DGRO
    assert tasks["assessments"].client is Responsible.ORGANISATION_IF_CERTIFIED
    assert tasks["assessments"].condition
    # Source 004: chairing interviews is a task of an individually certified organisation's
    # certified staff; without certification DG R&O chairs.
    chair = tasks["chair_interviews"]
    assert chair.area is TaskArea.INTERVIEWS
    assert (chair.none, chair.individual, chair.client) == (
        Responsible.DGRO,
        Responsible.ORGANISATION_IF_CERTIFIED,
        Responsible.ORGANISATION_IF_CERTIFIED,
    )
    assert chair.condition is not None and "Source 004" in chair.condition
    assert all(t.task_nl and t.task_fr and t.task_en for t in ref.tasks)


def test_thresholds_are_the_documented_defaults(ref: Reference) -> None:
    assert ref.thresholds == DEFAULT_THRESHOLDS
    assert ref.thresholds.min_certified_staff == 4
    assert ref.thresholds.qcheck_threshold_percent == 80
    assert ref.thresholds.qcheck_window_months == 12


def test_frames_fit_the_store_tables(ref: Reference) -> None:
    con = duckdb.connect()
    migrate(con)  # every schema version
    frames = ref.frames()
    for table in (
        "organisations",
        "procedures",
        "steps",
        "salary_scales",
        "salary_postings",
        "index_coefficients",
        "salary_rounding",
        "diploma_levels",
        "national_figures",
    ):
        columns = [
            row[0]
            for row in con.execute(
                "select column_name from information_schema.columns where table_name = $t "
                "order by ordinal_position",
                {"t": table},
            ).fetchall()
        ]
        frame = frames[table]
        assert frame.columns == columns, table
        con.register("incoming", frame.to_arrow())
        con.execute(f"insert into {table} select * from incoming")
        con.unregister("incoming")
    totals = con.execute("select total_of_steps from steps where total_of_steps is not null")
    assert totals.fetchall() == [("2,3",)]
    latest = con.execute("select max(coefficient) from index_coefficients")
    assert latest.fetchall() == [(2.1647,)]


def test_every_reference_file_shows_where_its_values_come_from(ref: Reference) -> None:
    """Section 3 of issue 12: every reference value that does not come from an import file
    carries its source, and the Definitions page shows it. The national figures have a
    table of their own (national_sources); every other file appears in reference_sources."""
    from selstats.paths import REFERENCE_DIR
    from selstats.reference.sources import national_sources, reference_sources

    shown = set(reference_sources(ref).get_column("reference_file").to_list())
    files = {f"data/reference/{p.name}" for p in REFERENCE_DIR.glob("*.csv")}
    # sources.csv holds sources; national_figures.csv is shown with its sources apart
    expected = files - {"data/reference/sources.csv", "data/reference/national_figures.csv"}
    assert expected <= shown
    assert national_sources(ref).height == len(ref.national_values)
    assert reference_sources(ref).get_column("source").str.len_chars().min() > 0
