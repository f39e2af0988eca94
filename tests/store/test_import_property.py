"""Property: whatever happens to a good results.csv for Maaseik, `import_paths` either stores
exactly what the (corrupted) file means, outcomes included, or refuses it with problems that
say where, leaving the store file byte for byte as it was.

"What the file means" is worked out by a small independent reader and the Maaseik rules,
written here from the contract rather than from the code:
  step 1 (application check, pass/fail): the given outcome;
  step 2 (written /100): passed with >= 50, else failed; no score -> the given outcome;
  step 3 (oral /100): passed with >= 50 AND steps 2 + 3 >= 120 (60 % of 200) - both scores
         needed for the total; no score -> the given outcome;
  only those who passed step 1 may have step 2, only those who passed step 2 step 3;
  a row needs a score or an outcome; the list is the step 3 passers ranked on 2 + 3.
The corruptions never add quotes, so splitting lines on the separator is exact.
"""

from __future__ import annotations

import random
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from selstats.store.imports import import_paths
from tests.fixtures.small_store import build_small_store

from . import TEST_KEY_HEX, read_table, sha256

CODE = "MAASEIK-DBK-2026"
COLUMNS = ["procedure_code", "candidate_ref", "step_no", "score", "outcome", "result_date"]
REQUIRED = COLUMNS[:3]
OUTCOME_WORDS = {  # as the contract lists them, compared without case and accents
    "passed": "passed",
    "geslaagd": "passed",
    "reussi": "passed",
    "failed": "failed",
    "niet geslaagd": "failed",
    "echoue": "failed",
    "absent": "absent",
    "afwezig": "absent",
    "withdrawn": "withdrawn",
    "teruggetrokken": "withdrawn",
    "desiste": "withdrawn",
    "not registered": "not_registered",
    "niet ingeschreven": "not_registered",
    "non inscrit": "not_registered",
    "cut off": "cut_off",
    "cutoff": "cut_off",
}
STEP1_WORDS = ["geslaagd", "passed", "Réussi", "niet geslaagd", "échoué", "afwezig", "ABSENT"]
CELL_CODES = {
    "missing_value",
    "not_a_number",
    "not_an_integer",
    "out_of_range",
    "bad_date",
    "unknown_outcome",
    "unknown_value",
    "duplicate_key",
    "unknown_procedure",
    "unknown_step",
    "unreachable_step",
    "no_outcome",
}
ROW_CODES = {"ragged_row", "unnamed_column", "bad_quotes"}
FILE_CODES = {"empty_file", "missing_required_column", "duplicate_column"}


class Refused(Exception):
    """The oracle's verdict: the file must be refused."""


# --- the good file ---------------------------------------------------------------------------

candidate = st.tuples(
    st.sampled_from(STEP1_WORDS),
    st.one_of(st.none(), st.integers(0, 1000)),  # step 2 in tenths; None: absent
    st.one_of(st.none(), st.integers(0, 1000)),  # step 3 in tenths; None: withdrew
    st.one_of(st.none(), st.dates(date(2026, 6, 10), date(2026, 12, 31))),
)


def _score(tenths: int) -> str:
    return str(tenths // 10) if tenths % 10 == 0 else f"{tenths // 10},{tenths % 10}"


def good_rows(candidates: list[tuple[Any, ...]]) -> tuple[list[list[str]], dict[str, int]]:
    """The rows of a valid file, and per candidate the first step they could not reach
    (4 when they reached every step)."""
    rows: list[list[str]] = []
    blocked: dict[str, int] = {}
    for n, (word, s2, s3, day) in enumerate(candidates, start=1):
        ref = f"M{n:02}"
        when = day.strftime("%d/%m/%Y") if day else ""
        rows.append([CODE, ref, "1", "", word, when])
        blocked[ref] = 2
        if OUTCOME_WORDS[_key(word)] != "passed":
            continue
        rows.append(
            [CODE, ref, "2", *((_score(s2), "") if s2 is not None else ("", "afwezig")), when]
        )
        if s2 is None or s2 < 500:
            continue
        blocked[ref] = 3
        rows.append(
            [CODE, ref, "3", *((_score(s3), "") if s3 is not None else ("", "désisté")), when]
        )
        blocked[ref] = 4
    return rows, blocked


# --- corruptions --------------------------------------------------------------------------------

junk = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", max_size=6).map(lambda s: "x" + s)
corruption = st.one_of(
    st.tuples(st.just("junk_score"), st.integers(0, 99), junk),
    st.tuples(st.just("delete_cell"), st.integers(0, 99), st.integers(0, 5)),
    st.tuples(st.just("duplicate_key"), st.integers(0, 99), st.integers(0, 1000)),
    st.tuples(st.just("unreachable"), st.integers(0, 99)),
    st.tuples(st.just("truncate"), st.floats(0, 1)),
    st.tuples(st.just("swap_all"), st.sampled_from([",", "\t"])),
    st.tuples(st.just("swap_line"), st.integers(0, 99)),
)


def corrupt(lines: list[str], blocked: dict[str, int], ops: list[tuple[Any, ...]]) -> str:
    lines = list(lines)
    for op in ops:
        kind = op[0]
        data = max(len(lines) - 1, 1)
        if kind == "junk_score":
            i = 1 + op[1] % data
            cells = lines[i].split(";") if i < len(lines) else []
            if len(cells) > 3:
                cells[3] = op[2]
                lines[i] = ";".join(cells)
        elif kind == "delete_cell":
            i = op[1] % len(lines)
            cells = lines[i].split(";")
            cells[op[2] % len(cells)] = ""
            lines[i] = ";".join(cells)
        elif kind == "duplicate_key" and len(lines) > 1:
            cells = lines[1 + op[1] % data].split(";")
            if len(cells) > 3:
                cells[3] = _score(op[2])
            lines.append(";".join(cells))
        elif kind == "unreachable":
            refs = sorted(blocked)
            ref = refs[op[1] % len(refs)]
            step = blocked[ref]
            if step > 3:  # reached every step: a stranger at step 2 instead
                ref, step = "Z99", 2
            lines.append(f"{CODE};{ref};{step};55;;")
        elif kind == "truncate":
            full = "\n".join(lines) + "\n"
            lines = full[: int(len(full) * op[1])].split("\n")
            if lines and lines[-1] == "":
                lines.pop()
            if not lines:
                lines = [""]
        elif kind == "swap_all":
            lines = [line.replace(";", op[1]) for line in lines]
        elif kind == "swap_line":
            i = op[1] % len(lines)
            lines[i] = lines[i].replace(";", ",")
    return "\n".join(lines) + "\n"


# --- the oracle ---------------------------------------------------------------------------------


def _key(word: str) -> str:
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c)
    ).lower()
    return re.sub(r"[\s_\-]+", " ", plain).strip()


def _number(text: str) -> Decimal | None:
    """Scores are decimals as written (the rules compare them exactly; the store keeps
    floats, the nearest to the same text)."""
    if re.fullmatch(r"\d+", text) or re.fullmatch(r"\d*[.,]\d+", text):
        return Decimal(text.replace(",", "."))
    return None


def _date(text: str) -> date | None:
    if not re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", text):
        return None
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        return None


def read(text: str) -> list[dict[str, Any]]:
    """The rows the text means (procedure_code, candidate_ref, step_no, score, outcome_given,
    result_date); Refused when the file itself is wrong."""
    lines = text.split("\n")
    if text.endswith("\n"):
        lines = lines[:-1]
    blank = [not line.replace(";", "").replace(",", "").replace("\t", "").strip() for line in lines]
    if all(blank):
        raise Refused("empty file")
    header_at = blank.index(False)
    header = lines[header_at]
    counts = {sep: header.count(sep) for sep in (";", ",", "\t")}
    sep = max(counts, key=lambda s: counts[s]) if max(counts.values()) else ";"
    names = [re.sub(r"[\s\-]+", "_", h.strip().lower()) for h in header.split(sep)]
    if any(c not in names for c in REQUIRED):
        raise Refused("missing required column")
    if len({n for n in names if n in COLUMNS}) != len([n for n in names if n in COLUMNS]):
        raise Refused("duplicate column")
    last_named = max(i for i, n in enumerate(names) if n)
    index = {n: names.index(n) for n in COLUMNS if n in names}
    rows, keys = [], set()
    for number, line in enumerate(lines[header_at + 1 :], start=header_at + 2):
        cells = [c.strip() for c in line.split(sep)]
        if not any(cells):
            continue
        if any(cells[last_named + 1 :]):
            raise Refused(f"ragged row {number}")
        if any(cells[i] for i in range(min(len(cells), last_named)) if not names[i]):
            raise Refused(f"data without a column name on row {number}")

        def cell(name: str, cells: list[str] = cells) -> str:
            i = index.get(name)
            return cells[i] if i is not None and i < len(cells) else ""

        proc, ref, step = cell("procedure_code"), cell("candidate_ref"), cell("step_no")
        if not (proc and ref and re.fullmatch(r"\d+", step) and int(step) >= 1):
            raise Refused(f"bad key on row {number}")
        score = _number(cell("score")) if cell("score") else None
        if cell("score") and score is None:
            raise Refused(f"bad score on row {number}")
        outcome = OUTCOME_WORDS.get(_key(cell("outcome"))) if cell("outcome") else None
        if cell("outcome") and outcome is None:
            raise Refused(f"bad outcome on row {number}")
        day = _date(cell("result_date")) if cell("result_date") else None
        if cell("result_date") and day is None:
            raise Refused(f"bad date on row {number}")
        key = (proc, ref, int(step))
        if key in keys:
            raise Refused(f"duplicate key on row {number}")
        keys.add(key)
        rows.append(
            {
                "procedure_code": proc,
                "candidate_ref": ref,
                "step_no": int(step),
                "score": None if score is None else float(score),
                "exact": score,
                "outcome_given": outcome,
                "result_date": day,
            }
        )
    return rows


def derive(rows: list[dict[str, Any]], known: set[str]) -> list[dict[str, Any]]:
    """The rows with their outcome by the Maaseik rules; Refused when the store must refuse."""
    for row in rows:
        if row["procedure_code"] not in known:
            raise Refused("unknown procedure")
        if row["procedure_code"] != CODE:
            raise Refused("a row for another procedure: not generated")
        if row["step_no"] not in (1, 2, 3):
            raise Refused("unknown step")
    by = {(r["candidate_ref"], r["step_no"]): r for r in rows}
    for row in rows:
        score, step = row["exact"], row["step_no"]
        if step == 1 or score is None:
            row["outcome"] = row["outcome_given"]
        elif step == 2:
            row["outcome"] = "passed" if score >= 50 else "failed"
        else:
            written = by.get((row["candidate_ref"], 2), {}).get("exact")
            total_ok = written is not None and written + score >= 120
            row["outcome"] = "passed" if score >= 50 and total_ok else "failed"
        if row["outcome"] is None:
            raise Refused("no outcome")
    for row in rows:
        if row["step_no"] > 1:
            before = by.get((row["candidate_ref"], row["step_no"] - 1))
            if before is None or before["outcome"] != "passed":
                raise Refused("unreachable step")
    return rows


def laureates(rows: list[dict[str, Any]]) -> list[tuple[str, float, int]]:
    """(candidate, steps 2 + 3, rank) of the step 3 passers; equal totals share a rank
    (competition ranking: 1, 2, 2, 4), totals compared as the decimals they are."""
    by = {(r["candidate_ref"], r["step_no"]): r for r in rows}
    finals = [
        (r["candidate_ref"], by[(r["candidate_ref"], 2)], r)
        for r in rows
        if r["step_no"] == 3 and r["outcome"] == "passed"
    ]
    exact = [w["exact"] + o["exact"] for _, w, o in finals]
    return sorted(
        (ref, w["score"] + o["score"], 1 + sum(other > total for other in exact))
        for (ref, w, o), total in zip(finals, exact, strict=True)
    )


# --- the property -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def base_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_store(tmp_path_factory.mktemp("property") / "small.duckdb")


@pytest.fixture(scope="module")
def base_results(base_store: Path) -> pl.DataFrame:
    return read_table(base_store, "results", ["procedure_code", "candidate_ref", "step_no"])


@pytest.fixture(scope="module")
def known_procedures(base_store: Path) -> set[str]:
    return set(read_table(base_store, "procedures")["procedure_code"])


@pytest.fixture(autouse=True, scope="module")
def _pseudonym_key() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SELSTATS_PSEUDONYM_KEY", TEST_KEY_HEX)
        yield


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    candidates=st.lists(candidate, min_size=1, max_size=10),
    order=st.randoms(use_true_random=False),
    ops=st.lists(corruption, min_size=0, max_size=3),
)
def test_a_corrupted_results_file_is_stored_as_it_means_or_changes_nothing(
    base_store: Path,
    base_results: pl.DataFrame,
    known_procedures: set[str],
    candidates: list[tuple[Any, ...]],
    order: random.Random,
    ops: list[tuple[Any, ...]],
) -> None:
    rows, blocked = good_rows(candidates)
    order.shuffle(rows)
    content = corrupt([";".join(COLUMNS), *(";".join(r) for r in rows)], blocked, ops)
    try:
        expected: list[dict[str, Any]] | None = derive(read(content), known_procedures)
    except Refused:
        expected = None

    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "store" / "selstats.duckdb"
        db.parent.mkdir()
        shutil.copyfile(base_store, db)
        before = sha256(db)
        path = Path(folder) / "results.csv"
        path.write_bytes(content.encode("utf-8"))
        report = import_paths([path], db)
        after = sha256(db)
        leftovers = sorted(p.name for p in db.parent.iterdir())
        stored = read_table(db, "results", ["procedure_code", "candidate_ref", "step_no"])
        listed = read_table(db, "laureates", ["procedure_code", "candidate_ref"])

    assert leftovers == ["selstats.duckdb"]
    lines = content.split("\n")
    for p in report.problems:
        assert p.file == "results.csv", p
        assert p.message("nl") and p.message("fr") and p.message("en")
        if p.code in CELL_CODES:
            assert p.row is not None and p.column is not None, p
        elif p.code in ROW_CODES:
            assert p.row is not None, p
        elif p.code in FILE_CODES:
            assert p.row is None, p
        if p.code in ("unreachable_step", "no_outcome"):  # the row is the candidate's row
            assert p.row is not None and str(p.params["candidate"]) in lines[p.row - 1], p

    if expected is None:
        assert report.problems, f"nothing refused in:\n{content}"
        assert after == before
        return
    assert report.problems == [], f"{[p.message('en') for p in report.problems]} in:\n{content}"
    assert stored.filter(pl.col("procedure_code") != CODE).equals(base_results)
    ours = stored.filter(pl.col("procedure_code") == CODE)
    got = ours.select(
        "candidate_ref", "step_no", "score", "outcome_given", "result_date", "outcome"
    ).rows()
    want = sorted(
        (
            r["candidate_ref"],
            r["step_no"],
            r["score"],
            r["outcome_given"],
            r["result_date"],
            r["outcome"],
        )
        for r in expected
    )
    assert got == want, content
    got_list = (
        listed.filter(pl.col("procedure_code") == CODE)
        .select("candidate_ref", "final_score", "rank")
        .rows()
    )
    assert got_list == laureates(expected), content
