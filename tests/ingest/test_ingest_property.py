"""Property: whatever happens to a good results CSV, reading it never blows up, and it
either gives no problems and exactly what the text means, or problems that say where.

"What the text means" is worked out by a deliberately small, independent reader below
(the corruptions never add quotes, so splitting lines on the separator is exact).
"""

from __future__ import annotations

import re
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from selstats.ingest import read_table_file

COLUMNS = ["procedure_code", "candidate_ref", "step_no", "score", "outcome", "result_date"]
OUTCOMES = {  # the words generated, and what they mean
    "": None,
    "geslaagd": "passed",
    "niet geslaagd": "failed",
    "afwezig": "absent",
    "passed": "passed",
    "Réussi": "passed",
    "échoué": "failed",
    "non inscrit": "not_registered",
    "cut_off": "cut_off",
}
MEANING = {k.lower(): v for k, v in OUTCOMES.items() if k}
FILE_CODES = {"empty_file", "wrong_format", "bad_encoding", "missing_required_column"}
ROW_CODES = {"ragged_row", "bad_quotes", "unnamed_column"}

row_strategy = st.tuples(
    st.sampled_from(["P1", "P2"]),
    st.integers(min_value=0, max_value=30),
    st.integers(min_value=1, max_value=5),
    st.one_of(st.none(), st.integers(min_value=0, max_value=2000)),  # score in tenths
    st.sampled_from(sorted(OUTCOMES)),
    st.one_of(st.none(), st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31))),
)

junk = st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", max_size=8).map(lambda s: "x" + s)
corruption = st.one_of(
    st.tuples(st.just("delete_cell"), st.integers(0, 99), st.integers(0, 5)),
    st.tuples(st.just("junk_number"), st.integers(0, 99), st.sampled_from([2, 3]), junk),
    st.tuples(st.just("junk_cell"), st.integers(0, 99), st.integers(0, 5), junk),
    st.tuples(st.just("swap_line"), st.integers(0, 99)),
    st.tuples(st.just("swap_all")),
    st.tuples(st.just("truncate"), st.floats(min_value=0, max_value=1)),
    st.tuples(st.just("ragged"), st.integers(0, 99), junk),
    st.tuples(st.just("blank_line"), st.integers(0, 99)),
)


def render(rows: list[tuple[Any, ...]]) -> list[str]:
    lines = [";".join(COLUMNS)]
    for proc, ref, step, score, outcome, day in rows:
        score_text = "" if score is None else f"{score // 10},{score % 10}"
        date_text = "" if day is None else day.strftime("%d/%m/%Y")
        lines.append(f"{proc};C{ref};{step};{score_text};{outcome};{date_text}")
    return lines


def corrupt(lines: list[str], ops: list[tuple[Any, ...]]) -> str:
    lines = list(lines)
    text = None
    for op in ops:
        kind = op[0]
        if text is not None:  # after a truncation, keep working on its lines
            lines = text.split("\n")
            text = None
        i = op[1] % len(lines) if kind not in ("swap_all", "truncate") else 0
        if kind in ("delete_cell", "junk_number", "junk_cell"):
            cells = lines[i].split(";")
            j = op[2] % len(cells)
            cells[j] = "" if kind == "delete_cell" else op[3]
            lines[i] = ";".join(cells)
        elif kind == "swap_line":
            lines[i] = lines[i].replace(";", ",")
        elif kind == "swap_all":
            lines = [line.replace(";", ",") for line in lines]
        elif kind == "ragged":
            lines[i] = lines[i] + ";" + op[2]
        elif kind == "blank_line":
            lines.insert(i, "")
        elif kind == "truncate":
            full = "\n".join(lines) + "\n"
            text = full[: int(len(full) * op[1])]
    return text if text is not None else "\n".join(lines) + "\n"


def meaning(text: str) -> list[tuple[Any, ...]] | None:
    """The rows the text means, or None when it has any problem."""
    lines = text.split("\n")
    if text.endswith("\n"):
        lines = lines[:-1]
    numbered = [(n, line) for n, line in enumerate(lines, start=1)]
    content = [(n, line) for n, line in numbered if line.replace(";", "").replace(",", "").strip()]
    if not content:
        return None  # empty file
    header_row, header_line = content[0]
    sep = ";" if header_line.count(";") >= header_line.count(",") else ","
    names = [h.strip().lower() for h in header_line.split(sep)]
    if any(c not in names for c in COLUMNS[:3]):
        return None
    last_named = max(i for i, h in enumerate(names) if h)
    index = {h: names.index(h) for h in COLUMNS if h in names}
    rows, keys = [], set()
    for n, line in numbered:
        if n <= header_row:
            continue
        cells = [c.strip() for c in line.split(sep)]
        if not any(cells):
            continue
        if any(cells[last_named + 1 :]):
            return None  # ragged
        if any(cells[i] for i, h in enumerate(names[: len(cells)]) if not h and i < last_named):
            return None  # data under a header cell without a name

        def cell(name: str, cells: list[str] = cells) -> str:
            i = index.get(name)
            return cells[i] if i is not None and i < len(cells) else ""

        proc, ref, step = cell("procedure_code"), cell("candidate_ref"), cell("step_no")
        if not proc or not ref or not re.fullmatch(r"\d+", step) or int(step) < 1:
            return None
        score_text, outcome_text, date_text = cell("score"), cell("outcome"), cell("result_date")
        if score_text and not re.fullmatch(r"\d+(,\d+)?", score_text):
            return None
        if outcome_text and outcome_text.lower() not in MEANING:
            return None
        day = None
        if date_text:
            if not re.fullmatch(r"\d{2}/\d{2}/\d{4}", date_text):
                return None
            day = datetime.strptime(date_text, "%d/%m/%Y").date()
        key = (proc, ref, int(step))
        if key in keys:
            return None
        keys.add(key)
        score = float(score_text.replace(",", ".")) if score_text else None
        outcome = MEANING[outcome_text.lower()] if outcome_text else None
        rows.append((n, proc, ref, int(step), score, outcome, day))
    return rows


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    rows=st.lists(row_strategy, min_size=1, max_size=12, unique_by=lambda r: (r[0], r[1], r[2])),
    ops=st.lists(corruption, max_size=3),
)
def test_corrupted_results_csv(rows: list[tuple[Any, ...]], ops: list[tuple[Any, ...]]) -> None:
    text = corrupt(render(rows), ops)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "results.csv"
        path.write_bytes(text.encode("utf-8"))
        read = read_table_file(path)

    expected = meaning(text)
    codes = [p.code for p in read.problems]
    assert "unreadable_file" not in codes, read.problems
    for p in read.problems:
        assert p.file == "results.csv"
        if p.code in FILE_CODES:
            assert p.row is None
        elif p.code in ROW_CODES:
            assert p.row is not None and p.column is None
        else:
            assert p.row is not None and p.column is not None, p
        assert p.message("nl") and p.message("fr") and p.message("en")
    if expected is None:
        assert read.problems, f"no problem found in:\n{text}"
    else:
        assert read.problems == [], f"{read.problems} in:\n{text}"
        got = read.frame.select("_row", *COLUMNS).rows()
        assert got == expected


@settings(max_examples=100, deadline=None)
@given(
    data=st.one_of(
        st.binary(max_size=300),
        st.text(alphabet=';,"\n\r\t ab1,.-/é€\ufeff', max_size=200).map(str.encode),
        st.text(max_size=100).map(
            lambda t: ("procedure_code;candidate_ref;step_no\n" + t).encode()
        ),
    ),
    name=st.sampled_from(["results.csv", "results.xlsx", "procedures.parquet"]),
)
def test_arbitrary_bytes_never_raise(data: bytes, name: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        read = read_table_file(path)
    assert "unreadable_file" not in [p.code for p in read.problems], read.problems
    assert read.frame.columns[0] == "_row"
    for p in read.problems:
        assert p.message("en")


cell_value = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=12),
)


@settings(max_examples=40, deadline=None)
@given(cells=st.lists(st.lists(cell_value, min_size=1, max_size=7), max_size=6))
def test_arbitrary_workbook_cells_never_raise(cells: list[list[object]]) -> None:
    import xlsxwriter

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "results.xlsx"
        wb = xlsxwriter.Workbook(
            str(path), {"strings_to_numbers": False, "strings_to_formulas": False}
        )
        ws = wb.add_worksheet()
        ws.write_row(0, 0, COLUMNS)
        for r, row in enumerate(cells, start=1):
            for c, value in enumerate(row):
                if value is not None:
                    ws.write(r, c, value)
        wb.close()
        read = read_table_file(path)
    assert "unreadable_file" not in [p.code for p in read.problems], read.problems
    for p in read.problems:
        assert p.row is None or 2 <= p.row <= len(cells) + 1
