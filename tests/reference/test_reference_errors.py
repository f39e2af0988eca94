"""A broken reference file is reported by file, line and column, and nothing is half-loaded.

Each test copies the shipped data to a temporary folder, breaks one thing, and finds the
line it broke by searching the file: the expected line number comes from the file, never
from the loader.
"""

from __future__ import annotations

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
    line = edit(data / "salary_scales.csv", "NA23,A2,federal,33072,", "NA23,A2,federal,abc,")
    assert line > 5  # the comment lines at the top are counted
    assert problems(data) == [
        f"salary_scales.csv, line {line}, column annual_min_100: 'abc' is not a number"
    ]


def test_comment_lines_shift_the_line_number(data: Path) -> None:
    path = data / "national_figures.csv"
    path.write_text("# one more comment\n\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    line = edit(path, "2019,7612,", "2019,seven,")
    assert problems(data) == [
        f"national_figures.csv, line {line}, column vacancies: 'seven' is not a whole number"
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
    line = edit(data / "index_coefficients.csv", "2022-02-01,", "2022-02-30,")
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
    line = edit(data / "index_coefficients.csv", "2024-06-01,2.0807", "2024-06-01,2.0800")
    assert problems(data) == [
        f"index_coefficients.csv, line {line}, column coefficient: 2.08 is not 1.02^n rounded "
        "to 4 decimals (the nearest is 1.02^37 = 2.0807)"
    ]


def test_coefficients_must_rise_with_the_date(data: Path) -> None:
    # 1.9607 (1.02^34) from 2024-06-01 comes after 2.0399 from 2023-12-01.
    line = edit(data / "index_coefficients.csv", "2024-06-01,2.0807", "2024-06-01,1.9607")
    # Sorted by date: ..., 2.0399 (2023-12-01), 1.9607 (2024-06-01): not a rise;
    # then 2.1223 (2025-03-01) > 1.9607: a rise, no second complaint.
    assert problems(data) == [
        f"index_coefficients.csv, line {line}, column coefficient: 1.9607 from 2024-06-01 "
        "does not exceed 2.0399 from 2023-12-01"
    ]


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
    line = edit(data / "national_figures.csv", "year,vacancies,", "year,vacancy,")
    (data / "salary_scales.csv").unlink()
    # Nothing else: the procedures' scales are not checked against a missing file.
    assert sorted(problems(data)) == [
        f"national_figures.csv, line {line}, column vacancy: unknown column",
        "salary_scales.csv: file is missing",
    ]


def test_a_wrong_number_of_values(data: Path) -> None:
    line = edit(
        data / "national_figures.csv",
        "2020,6019,102432,54874,16359",
        "2020,6019,102432,54874,16359,1",
    )
    assert problems(data) == [f"national_figures.csv, line {line}: 6 values for 5 columns"]


def test_national_figures_must_narrow(data: Path) -> None:
    # 2018: 46,153 tested; 84,550 laureates would be more than were tested.
    line = edit(
        data / "national_figures.csv", "2018,5415,87463,46153,8455", "2018,5415,87463,46153,84550"
    )
    assert problems(data) == [
        f"national_figures.csv, line {line}: laureates (84550) is more than tested (46153)"
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
    line = edit(data / "salary_scales.csv", "NA24,A2,federal,,,", 'NA24,A2,federal,,,"oops')
    assert problems(data) == [
        f"salary_scales.csv, line {line}: not readable as CSV (unexpected end of data)"
    ]


def test_not_utf8(data: Path) -> None:
    path = data / "organisations.csv"
    path.write_bytes(path.read_bytes().replace(b"Stad Maaseik", "Stad Maaseïk".encode("cp1252")))
    (problem,) = problems(data)
    assert problem.startswith("organisations.csv: not UTF-8 text")
