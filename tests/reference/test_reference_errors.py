"""A broken reference file is reported by file, line and column, and nothing is half-loaded.

Each test copies the shipped data to a temporary folder, breaks one thing, and finds the
line it broke by searching the file: the expected line number comes from the file, never
from the loader.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from selstats.paths import REFERENCE_DIR
from selstats.reference import ReferenceDataError, ReferenceError, check_reference, load_reference


@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, target)
    return target


def edit(path: Path, old: str, new: str) -> int:
    """Replace the one line that starts with `old`; returns its line number (1-based)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    hits = [i for i, line in enumerate(lines) if line.startswith(old)]
    assert len(hits) == 1, f"{old!r} starts {len(hits)} lines of {path.name}"
    lines[hits[0]] = lines[hits[0]].replace(old, new, 1)
    path.write_text("".join(lines), encoding="utf-8")
    return hits[0] + 1


def problems(directory: Path) -> list[str]:
    with pytest.raises(ReferenceDataError) as caught:
        load_reference(directory)
    assert caught.value.problems == check_reference(directory)
    return caught.value.problems


def test_a_value_that_is_not_a_number(data: Path) -> None:
    line = edit(data / "salary_scales.csv", "NA23,A2,federal,,33072,", "NA23,A2,federal,,abc,")
    assert line > 5  # the comment lines at the top are counted
    assert problems(data) == [
        f"salary_scales.csv, line {line}, column annual_min_100: 'abc' is not a number"
    ]


def test_comment_lines_shift_the_line_number(data: Path) -> None:
    path = data / "national_figures.csv"
    path.write_text("# one more comment\n\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    line = edit(path, "2019,vacancies,7612,", "2019,vacancies,seven,")
    assert problems(data) == [
        f"national_figures.csv, line {line}, column value: 'seven' is not a whole number"
    ]


def test_every_problem_is_collected(data: Path) -> None:
    a = edit(data / "procedures.csv", "CNG24004,POD-MI,", "CNG24004,NOBODY,")
    b = edit(
        data / "organisations.csv", "MAASEIK,Stad Maaseik,local,", "MAASEIK,Stad Maaseik,municipal,"
    )
    found = problems(data)
    assert f"procedures.csv, line {a}, column org_id: 'NOBODY' is not in organisations.csv" in found
    assert (
        f"organisations.csv, line {b}, column government: 'municipal' is not one of "
        "'federal', 'flemish' or 'local'"
    ) in found
    # The Maaseik organisation was rejected; its procedure is not reported again for it.
    assert len(found) == 2


def test_the_error_is_a_value_error_with_a_readable_message(data: Path) -> None:
    line = edit(data / "index_coefficients.csv", "federal,2022-02-01,", "federal,2022-02-30,")
    with pytest.raises(ValueError) as caught:
        load_reference(data)
    assert isinstance(caught.value, ReferenceError)
    text = str(caught.value)
    assert (
        f"index_coefficients.csv, line {line}, column in_force_from: '2022-02-30' is not a date"
        in text
    )


def test_a_coefficient_that_is_not_a_power_of_1_02(data: Path) -> None:
    # 1.02^37 = 2.08069 -> 2.0807; 2.0800 is no published step.
    line = edit(
        data / "index_coefficients.csv", "federal,2024-06-01,2.0807", "federal,2024-06-01,2.0800"
    )
    assert problems(data) == [
        f"index_coefficients.csv, line {line}, column coefficient: 2.08 is not 1.02^n rounded "
        "to 4 decimals (the nearest is 1.02^37 = 2.0807)"
    ]


def test_coefficients_must_rise_with_the_date(data: Path) -> None:
    # 1.9607 (1.02^34) from 2024-06-01 comes after 2.0399 from 2023-12-01.
    line = edit(
        data / "index_coefficients.csv", "local,2024-06-01,2.0807", "local,2024-06-01,1.9607"
    )
    # Local pay sorted by date: ..., 2.0399 (2023-12-01), 1.9607 (2024-06-01): not a rise;
    # then 2.1223 (2025-03-01) > 1.9607: a rise, no second complaint. The federal and Flemish
    # series hold 2.0807 from 2024-06-01 and are not concerned.
    assert problems(data) == [
        f"index_coefficients.csv, line {line}, column coefficient: 1.9607 from 2024-06-01 "
        "does not exceed 2.0399 from 2023-12-01 (local)"
    ]


def test_each_government_has_its_own_dates(data: Path) -> None:
    # local pay rising a month before federal pay is fine: one series per government
    edit(data / "index_coefficients.csv", "local,2026-03-01,2.1647", "local,2026-02-01,2.1647")
    assert check_reference(data) == []
    # the same date twice for one government is not
    path = data / "index_coefficients.csv"
    path.write_text(
        path.read_text(encoding="utf-8") + "local,2026-02-01,2.1647,test,\n", encoding="utf-8"
    )
    last = len(path.read_text(encoding="utf-8").splitlines())
    found = problems(data)
    assert found[0].startswith(f"index_coefficients.csv, line {last}, column in_force_from: ")
    assert "already appears on line" in found[0]


def test_a_coefficient_needs_its_source(data: Path) -> None:
    line = edit(
        data / "index_coefficients.csv",
        'federal,2022-04-01,1.8476,"Het Belang van Limburg, 3 May 2022 (as above); '
        'https://www.hbvl.be/cnt/dmf20220503_94532565",',
        "federal,2022-04-01,1.8476,,",
    )
    assert problems(data) == [
        f"index_coefficients.csv, line {line}, column source: a value is required"
    ]


@pytest.mark.parametrize(
    "file", ["salary_scales.csv", "salary_postings.csv", "index_coefficients.csv"]
)
def test_the_source_column_is_required(data: Path, file: str) -> None:
    path = data / file
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = next(i for i, t in enumerate(lines) if not t.startswith("#"))
    columns = lines[header].rstrip("\n").split(",")
    at = columns.index("source")
    kept = []
    for i, text in enumerate(lines):  # drop the column from the header and every row
        if i < header or text.startswith("#"):
            kept.append(text)
            continue
        cells = next(csv.reader([text]))
        del cells[at]
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow(cells)
        kept.append(out.getvalue())
    path.write_text("".join(kept), encoding="utf-8")
    assert f"{file}, line {header + 1}, column source: required column is missing" in problems(data)


# ---- a local scale belongs to its local government ---------------------------------------


def test_a_local_scale_names_its_organisation(data: Path) -> None:
    line = edit(data / "salary_scales.csv", "C1-C3,C1,local,MAASEIK,", "C1-C3,C1,local,,")
    found = problems(data)
    assert (
        f"salary_scales.csv, line {line}, column org_id: a local scale belongs to the local "
        "government that set it: give its org_id (since 2023 each local government sets its "
        "own scales)"
    ) in found


def test_a_federal_scale_names_no_organisation(data: Path) -> None:
    line = edit(data / "salary_scales.csv", "NA22,A2,federal,,", "NA22,A2,federal,BELNET,")
    assert problems(data) == [
        f"salary_scales.csv, line {line}, column org_id: a federal scale holds for the whole "
        "government: leave org_id empty"
    ]


def test_a_local_scale_of_an_unknown_or_federal_organisation(data: Path) -> None:
    path = data / "salary_scales.csv"
    path.write_text(
        path.read_text(encoding="utf-8")
        + "C4-C5,C4,local,NOPE,,,test,\n"
        + "D1-D3,D1,local,BELNET,,,test,\n",
        encoding="utf-8",
    )
    last = len(path.read_text(encoding="utf-8").splitlines())
    assert problems(data) == [
        f"salary_scales.csv, line {last - 1}, column org_id: 'NOPE' is not in organisations.csv",
        f"salary_scales.csv, line {last}, column org_id: BELNET is federal in "
        "organisations.csv, not local",
    ]


# ---- rounding and diploma levels ---------------------------------------------------------


def test_every_government_needs_its_rounding(data: Path) -> None:
    edit(data / "salary_rounding.csv", "flemish,", "# flemish,")
    assert problems(data) == ["salary_rounding.csv, column government: no rule for 'flemish'"]


def test_a_rounding_that_is_not_known(data: Path) -> None:
    line = edit(data / "salary_rounding.csv", "local,half_up,", "local,bankers,")
    assert problems(data) == [
        f"salary_rounding.csv, line {line}, column annual_rounding: 'bankers' is not one of "
        "'truncate' or 'half_up'"
    ]


def test_a_pattern_that_is_not_a_regular_expression(data: Path) -> None:
    line = edit(data / "diploma_levels.csv", "federal,,B[1-9]?,", "federal,,B[1-9,")
    found = problems(data)
    assert found[0].startswith(
        f"diploma_levels.csv, line {line}, column pattern: 'B[1-9': not a regular expression ("
    )


def test_overlapping_patterns_and_an_unmapped_level(data: Path) -> None:
    # a second federal pattern that takes A2 too, as B: Belnet's A2 is now ambiguous
    path = data / "diploma_levels.csv"
    path.write_text(path.read_text(encoding="utf-8") + "federal,,A2,B,test,\n", encoding="utf-8")
    procedures = data / "procedures.csv"
    belnet = next(
        i
        for i, t in enumerate(procedures.read_text(encoding="utf-8").splitlines(), 1)
        if t.startswith("CNG23032,")
    )
    # and a Flemish rank no pattern knows
    opgroeien = edit(
        procedures,
        "req16131,OPGROEIEN,Klantenbeheerder kinderopvang,B1,",
        "req16131,OPGROEIEN,Klantenbeheerder kinderopvang,X1,",
    )
    found = problems(data)
    assert (
        f"procedures.csv, line {belnet}, column level: 'A2' (federal) matches patterns of "
        "diploma_levels.csv with different diploma levels (A, B)"
    ) in found
    assert (
        f"procedures.csv, line {opgroeien}, column level: 'X1' (flemish) matches no pattern "
        "of diploma_levels.csv"
    ) in found


def test_a_gap_in_the_step_numbers(data: Path) -> None:
    path = data / "steps.csv"
    edit(path, "CNG24004,2,", "# removed: CNG24004,2,")
    line = next(
        i
        for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if text.startswith("CNG24004,3,")
    )
    found = problems(data)
    assert (
        f"steps.csv, line {line}, column step_no: CNG24004 has no step 2: "
        "steps are numbered 1, 2, 3... without gaps" in found
    )
    # Step 3 ranks by step 2, which is now missing.
    assert any(
        "column rank_by_step: 2 is not this step or an earlier step of CNG24004" in p for p in found
    )


def test_rank_by_a_later_step(data: Path) -> None:
    line = edit(
        data / "steps.csv",
        "CNG24004,3,Screening ervaring,screening,,,,50,2,",
        "CNG24004,3,Screening ervaring,screening,,,,50,4,",
    )
    assert problems(data) == [
        f"steps.csv, line {line}, column rank_by_step: "
        "4 is not this step or an earlier step of CNG24004"
    ]


def test_a_record_rule_broken_in_a_step(data: Path) -> None:
    # A pass mark on a pass/fail step: the model's own rule, reported on the row.
    line = edit(
        data / "steps.csv",
        "req16131,3,Screening competenties,competency,,",
        "req16131,3,Screening competenties,competency,,50",
    )
    assert problems(data) == [f"steps.csv, line {line}: a pass mark needs a maximum score"]


def test_a_duplicate_key(data: Path) -> None:
    path = data / "organisations.csv"
    path.write_text(
        path.read_text(encoding="utf-8") + "BELNET,Belnet again,federal,none,\n", encoding="utf-8"
    )
    last = len(path.read_text(encoding="utf-8").splitlines())
    first = next(
        i
        for i, t in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if t.startswith("BELNET,")
    )
    assert problems(data) == [
        f"organisations.csv, line {last}, column org_id: 'BELNET' already appears on line {first}"
    ]


def test_an_unknown_column_and_a_missing_file(data: Path) -> None:
    line = edit(data / "national_figures.csv", "year,figure,", "year,figures,")
    (data / "salary_scales.csv").unlink()
    # Nothing else: the procedures' scales are not checked against a missing file.
    assert sorted(problems(data)) == [
        f"national_figures.csv, line {line}, column figure: required column is missing",
        f"national_figures.csv, line {line}, column figures: unknown column",
        "salary_scales.csv: file is missing",
    ]


def test_a_wrong_number_of_values(data: Path) -> None:
    line = edit(data / "sources.csv", "steps.csv,req16131,", "steps.csv,req16131,x,y,z,")
    assert problems(data) == [f"sources.csv, line {line}: 8 values for 5 columns"]


def test_national_figures_must_narrow(data: Path) -> None:
    # 2018: 46,153 tested; 84,550 laureates would be more than were tested. The problem is
    # reported at the year's last line (its laureates).
    line = edit(data / "national_figures.csv", "2018,laureates,8455,", "2018,laureates,84550,")
    assert problems(data) == [
        f"national_figures.csv, line {line}: 2018: laureates (84550) is more than tested (46153)"
    ]


def test_a_national_value_needs_a_source(data: Path) -> None:
    path = data / "national_figures.csv"
    path.write_text(path.read_text(encoding="utf-8") + "2025,applicants,120000,,,\n", "utf-8")
    last = len(path.read_text(encoding="utf-8").splitlines())
    assert problems(data) == [
        f"national_figures.csv, line {last}, column source: a value is required"
    ]


def test_a_source_names_a_reference_file(data: Path) -> None:
    path = data / "sources.csv"
    path.write_text(path.read_text(encoding="utf-8") + "nope.csv,all,Somewhere,,\n", "utf-8")
    last = len(path.read_text(encoding="utf-8").splitlines())
    assert problems(data) == [
        f"sources.csv, line {last}, column file: 'nope.csv' is not a file of {data.name}/"
    ]


def test_a_threshold_that_is_not_a_number(data: Path) -> None:
    line = edit(
        data / "certification_rules.csv",
        "qcheck_threshold_percent,80,",
        "qcheck_threshold_percent,eighty,",
    )
    found = problems(data)
    assert len(found) == 1
    assert found[0].startswith(f"certification_rules.csv, line {line}, column value: 'eighty'")


def test_an_edited_threshold_is_used(data: Path) -> None:
    edit(
        data / "certification_rules.csv",
        "qcheck_threshold_percent,80,",
        "qcheck_threshold_percent,85,",
    )
    assert load_reference(data).thresholds.qcheck_threshold_percent == 85


def test_a_missing_rule_takes_its_default(data: Path) -> None:
    edit(data / "certification_rules.csv", "min_certified_staff,4,", "# min_certified_staff,4,")
    assert load_reference(data).thresholds.min_certified_staff == 4


def test_a_salary_scale_the_procedure_needs(data: Path) -> None:
    line = edit(
        data / "procedures.csv",
        "CNG23032,BELNET,Klantenrelaties en administratie,A2,NA23,",
        "CNG23032,BELNET,Klantenrelaties en administratie,A2,NA26,",
    )
    assert problems(data) == [
        f"procedures.csv, line {line}, column salary_scale: "
        "'NA26' (federal) is not in salary_scales.csv"
    ]


def test_an_unclosed_quote(data: Path) -> None:
    line = edit(
        data / "salary_scales.csv",
        'NA24,A2,federal,,,,"No amounts found: of the postings read, only Belnet CNG23032 (2023) '
        'publishes an A2 amount, for NA23.",',
        'NA24,A2,federal,,,,"oops,',
    )
    assert problems(data) == [
        f"salary_scales.csv, line {line}: not readable as CSV (unexpected end of data)"
    ]


def test_not_utf8(data: Path) -> None:
    path = data / "organisations.csv"
    path.write_bytes(path.read_bytes().replace(b"Stad Maaseik", "Stad Maaseïk".encode("cp1252")))
    (problem,) = problems(data)
    assert problem.startswith("organisations.csv: not UTF-8 text")
