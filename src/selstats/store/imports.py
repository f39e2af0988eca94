"""`selstats import`: users' files into the store, all or nothing.
Long because the all-or-nothing sequence (read, check, the same-run reference checks, write,
derive, roll back) reads best in one place.

Files are read and checked one by one (`selstats.ingest`); only when every file is clean are
they written, in dependency order, inside one store transaction. Checks that need the store
(an unknown procedure, a result for a step the candidate could not have reached) run inside
that transaction, after the rows are in and outcomes re-derived; any problem rolls the whole
import back, so the store is either updated by every file or untouched.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from selstats.ingest.files import collect_files
from selstats.ingest.problems import Code, Problem
from selstats.ingest.readers import TableRead, read_table_file
from selstats.reference import load_reference
from selstats.rules.outcomes import BLOCKING_PROBLEMS
from selstats.rules.score_range import expected_range, format_score, scores_out_of_range
from selstats.store.certification import rederive_certification
from selstats.store.connection import open_reader
from selstats.store.lock import StoreBusy, WaitNotice
from selstats.store.reference_sync import sync_reference
from selstats.store.writer import KEYS, StoreDiskFull, StoreWriter, write_store

log = logging.getLogger(__name__)

# Parents before children, so that references can be checked against what is stored.
TABLE_ORDER = [
    "organisations",
    "procedures",
    "steps",
    "consultants",
    "results",
    "list_entries",
    "qchecks",
]

# (table, column) -> (referenced table, referenced key column)
REFERENCES: dict[str, list[tuple[str, str, str]]] = {
    "procedures": [("org_id", "organisations", "org_id")],
    "steps": [("procedure_code", "procedures", "procedure_code")],
    "consultants": [("org_id", "organisations", "org_id")],
    "results": [("procedure_code", "procedures", "procedure_code")],
    "list_entries": [("procedure_code", "procedures", "procedure_code")],
    "qchecks": [
        ("consultant_ref", "consultants", "consultant_ref"),
        ("procedure_code", "procedures", "procedure_code"),
    ],
}

CERTIFICATION_TABLES = {"organisations", "consultants", "qchecks"}


class ImportRejected(Exception):
    """Raised inside the transaction to roll it back; carries the problems."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass
class ImportReport:
    files: list[TableRead] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows_by_table: dict[str, int] = field(default_factory=dict)
    import_id: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def warnings(self) -> list[Problem]:
        """What does not stop the import but the user should know: columns of the files
        that are not used, files without data rows (each named with its file, in the
        files' order)."""
        return [warning for read in self.files for warning in read.warnings]


def import_paths(
    paths: Sequence[Path],
    db: Path,
    *,
    imported_by: str | None = None,
    progress: Callable[[str], None] | None = None,
    on_wait: WaitNotice | None = None,
) -> ImportReport:
    """Import files and folders into the store at `db`; nothing is written on any problem.

    Another import on the same store makes this one wait (`on_wait` is told) and, past
    the lock timeout, fail with a `store_busy` problem; a full disk gives `disk_full`."""
    report = ImportReport(import_id=uuid.uuid4().hex[:12])
    files, problems = collect_files(list(paths))
    report.problems.extend(problems)
    for path in files:
        if progress:
            progress(path.name)
        read = read_table_file(path)
        report.files.append(read)
        report.problems.extend(read.problems)
    tables = [read.table for read in report.files]
    duplicates = {t for t in tables if t is not None and tables.count(t) > 1}
    for read in report.files:
        if read.table in duplicates:
            # Two files for one table could disagree on a key; which wins would be arbitrary.
            report.problems.append(
                Problem(file=_name(read), code="duplicate_table", params={"table": read.table})
            )
    if report.problems:
        # Nothing is written; the references are checked all the same, so that an unknown
        # procedure is reported in the same run as a bad date, not on the next attempt.
        report.problems.extend(references_before_write(db, report.files))
        return report
    try:
        with write_store(db, on_wait=on_wait) as writer:
            _write(writer, report, imported_by)
    except ImportRejected as rejected:
        report.problems.extend(
            sorted(rejected.problems, key=lambda p: (p.file, p.row or 0, p.column or ""))
        )
    except StoreBusy as busy:
        params = {"seconds": f"{busy.waited:.0f}"}
        report.problems.append(Problem(file=str(db), code=Code.STORE_BUSY, params=params))
    except StoreDiskFull as full:
        params = {"folder": str(full.folder)}
        report.problems.append(Problem(file=str(db), code=Code.DISK_FULL, params=params))
    return report


def _name(read: TableRead) -> str:
    return read.file_name


def _write(writer: StoreWriter, report: ImportReport, imported_by: str | None) -> None:
    by_table: dict[str, TableRead] = {r.table: r for r in report.files if r.table}
    sync_reference(writer)
    problems: list[Problem] = []
    rederive: set[str] = set()
    results: pl.DataFrame | None = None
    for table in TABLE_ORDER:
        read = by_table.get(table)
        if read is None:
            continue
        problems.extend(_check_references(writer, read))
        # Columns the file does not have take the table's defaults, not nulls.
        frame = read.frame.select([c for c in read.present_columns if c != "_row"])
        if table == "results":
            # The file's outcome is what was given; the store derives the outcome itself,
            # below, with everything else this import touches, and writes the rows then.
            results = frame.rename({"outcome": "outcome_given"}, strict=False)
        else:
            writer.upsert(table, frame)
        if table in {"procedures", "steps", "results"}:
            rederive.update(frame.get_column("procedure_code").unique().to_list())
        report.rows_by_table[table] = read.rows
        writer.log_import(report.import_id, _name(read), table, read.sha256, read.rows, imported_by)
    # Every step is in the store by now (stored, reference or this import's steps file).
    problems.extend(_check_scores(writer, by_table))
    # Rows with unknown references are left out of the derivation by the rules engine, so
    # the rule problems of the other rows are found in the same run.
    if rederive:
        codes = sorted(rederive)
        derivation = writer.derive(codes, incoming=results)
        problems.extend(_blocking(derivation.problems, by_table))
        if not problems:
            writer.replace_derived(codes, derivation)
    problems.extend(_check_list_entries(writer, by_table.get("list_entries")))
    if problems:
        raise ImportRejected(problems)
    if CERTIFICATION_TABLES & by_table.keys():
        rederive_certification(writer)


def _check_references(writer: StoreWriter, read: TableRead) -> list[Problem]:
    """Rows whose reference (organisation, procedure, step, consultant) is not stored."""

    def known(parent: str, key: str) -> pl.Series:
        return writer.con.sql(f"select distinct {key} as k from {parent}").pl().get_column("k")

    steps = writer.con.sql("select procedure_code, step_no from steps").pl()
    return unknown_references(read, known, steps)


def unknown_references(
    read: TableRead, known: Callable[[str, str], pl.Series], steps: pl.DataFrame
) -> list[Problem]:
    """Rows of `read` whose reference is not among the `known(parent table, key column)`
    values, and results for a step its procedure does not have (`steps`: procedure_code,
    step_no; a procedure with no steps at all is the rules engine's to report). A reference
    left empty is a missing value, reported by the reader."""
    problems: list[Problem] = []
    for column, parent, parent_key in REFERENCES.get(read.table or "", []):
        values = known(parent, parent_key)
        missing = read.frame.filter(
            pl.col(column).is_not_null() & ~pl.col(column).is_in(values.implode())
        )
        for row in missing.select("_row", column).iter_rows():
            problems.append(
                Problem(
                    file=_name(read),
                    row=row[0],
                    column=column,
                    value=str(row[1]),
                    code=f"unknown_{parent.removesuffix('s')}",
                    params={"value": str(row[1])},
                )
            )
    if read.table == "results":
        candidates = read.frame.filter(
            pl.col("procedure_code").is_not_null() & pl.col("step_no").is_not_null()
        )
        unknown = candidates.join(steps, on=["procedure_code", "step_no"], how="anti").join(
            steps.select("procedure_code").unique(), on="procedure_code", how="semi"
        )
        for row in unknown.select("_row", "step_no", "procedure_code").iter_rows():
            problems.append(
                Problem(
                    file=_name(read),
                    row=row[0],
                    column="step_no",
                    value=str(row[1]),
                    code="unknown_step",
                    params={"value": str(row[1]), "procedure": row[2]},
                )
            )
    return problems


def references_before_write(db: Path, reads: Sequence[TableRead]) -> list[Problem]:
    """The references of files that will not be written (another file, or the same one, has
    problems): checked against what the store has, the shipped reference procedures and
    the parents in this import's own files, as the write would check them. The best effort
    of a file with bad cells is used (a bad cell is empty, so it is not reported twice).
    Read-only: the store is opened for reading, or not at all when there is none."""
    by_table = {read.table: read for read in reads if read.table is not None}
    if not any(table in REFERENCES for table in by_table):
        return []
    frames = load_reference().frames()
    stored: dict[tuple[str, str], pl.Series] = {}
    stored_steps = pl.DataFrame(schema={"procedure_code": pl.String, "step_no": pl.Int64})
    if db.is_file():
        try:
            con = open_reader(db)
        except duckdb.Error as error:  # the write would say what is wrong with the store
            log.info("references not checked before the write: %s", error)
            con = None
        if con is not None:
            with con:
                for _, parent, key in (ref for refs in REFERENCES.values() for ref in refs):
                    query = f"select distinct {key} as k from {parent}"
                    stored[(parent, key)] = con.sql(query).pl().get_column("k")
                stored_steps = con.sql("select procedure_code, step_no from steps").pl()

    def known(parent: str, key: str) -> pl.Series:
        parts = [stored.get((parent, key), pl.Series("k", [], dtype=pl.String))]
        if parent in frames:
            parts.append(frames[parent].get_column(key).alias("k"))
        if parent in by_table:
            parts.append(by_table[parent].frame.get_column(key).drop_nulls().alias("k"))
        return pl.concat([part.cast(pl.String) for part in parts]).unique()

    steps = [stored_steps, frames["steps"].select("procedure_code", "step_no")]
    if "steps" in by_table:
        steps.append(by_table["steps"].frame.select("procedure_code", "step_no").drop_nulls())
    all_steps = pl.concat(
        [s.cast({"procedure_code": pl.String, "step_no": pl.Int64}) for s in steps]
    ).unique()
    problems: list[Problem] = []
    for read in reads:
        if read.table in REFERENCES and read.frame.height:
            problems.extend(unknown_references(read, known, all_steps))
    return sorted(problems, key=lambda p: (p.file, p.row or 0, p.column or ""))


def _check_scores(writer: StoreWriter, by_table: dict[str, TableRead]) -> list[Problem]:
    """Scores outside their step's range (0 to max_score), whichever way the maximum came:
    stored, from the reference procedures, or from a steps file of this import (written to
    the store before this runs). A score in the results file is pointed at by its row and
    the `score` column; a new, lower maximum in the steps file that stored scores exceed
    (results not replaced by this import) is pointed at by its row and `max_score`."""
    steps = writer.con.sql("select procedure_code, step_no, max_score from steps").pl()
    results = by_table.get("results")
    problems: list[Problem] = []
    if results is not None:
        bad = scores_out_of_range(
            results.frame.select("_row", "procedure_code", "step_no", "score").filter(
                _possibly_out_of_range(steps)
            ),
            steps,
        )
        for rec in bad.sort("_row").iter_rows(named=True):
            value = format_score(rec["score"])
            problems.append(
                Problem(
                    file=_name(results),
                    row=rec["_row"],
                    column="score",
                    value=value,
                    code=Code.SCORE_OUT_OF_RANGE,
                    params={
                        "procedure": rec["procedure_code"],
                        "step": rec["step_no"],
                        "maximum": format_score(rec["max_score"]),
                        "expected": expected_range(rec["max_score"]),
                    },
                )
            )
    new_steps = by_table.get("steps")
    if new_steps is None:
        return problems
    codes = new_steps.frame.get_column("procedure_code").unique().to_list()
    stored = writer.raw_results(codes).select("procedure_code", "candidate_ref", "step_no", "score")
    if stored.is_empty():  # no stored score for the new maxima to fall short of
        return problems
    if results is not None:  # rows this import replaces are judged above, as given
        stored = stored.join(
            results.frame.select("procedure_code", "candidate_ref", "step_no").with_columns(
                pl.col("step_no").cast(stored.schema["step_no"])
            ),
            on=["procedure_code", "candidate_ref", "step_no"],
            how="anti",
        )
    exceeding = (
        scores_out_of_range(stored, steps)
        .group_by("procedure_code", "step_no")
        .agg(pl.col("score").max().alias("highest"), pl.len().alias("count"))
        .join(
            new_steps.frame.select("_row", "procedure_code", "step_no", "max_score"),
            on=["procedure_code", "step_no"],
        )
    )
    for rec in exceeding.sort("_row").iter_rows(named=True):
        problems.append(
            Problem(
                file=_name(new_steps),
                row=rec["_row"],
                column="max_score",
                value=format_score(rec["max_score"]),
                code=Code.MAX_SCORE_BELOW_SCORES,
                params={
                    "procedure": rec["procedure_code"],
                    "step": rec["step_no"],
                    "found": format_score(rec["highest"]),
                    "count": rec["count"],
                },
            )
        )
    return problems


def _possibly_out_of_range(steps: pl.DataFrame) -> pl.Expr:
    """True for every score that may lie outside its step's range: below 0, or above the
    smallest maximum of any step (a score above its own step's maximum is above that).
    A cheap first cut before the rows are joined with their steps' maxima."""
    lowest = steps.get_column("max_score").cast(pl.Float64).min()
    score = pl.col("score")
    if lowest is None:  # pass/fail steps only: 0 is the only bound
        return score < 0
    return (score < 0) | (score > lowest)


def _blocking(derived: pl.DataFrame, by_table: dict[str, TableRead]) -> list[Problem]:
    """Rule problems that make the import invalid, pointed at the rows that cause them."""
    blocking = derived.filter(pl.col("code").is_in(sorted(BLOCKING_PROBLEMS)))
    if blocking.is_empty():
        return []
    results = by_table.get("results")
    rows = (
        results.frame.select("procedure_code", "candidate_ref", "step_no", "_row")
        if results is not None
        else pl.DataFrame(
            schema={
                "procedure_code": pl.String,
                "candidate_ref": pl.String,
                "step_no": pl.Int64,
                "_row": pl.Int64,
            }
        )
    )
    first_row = rows.group_by("procedure_code", "step_no").agg(pl.col("_row").min())
    located = blocking.join(
        rows, on=["procedure_code", "candidate_ref", "step_no"], how="left"
    ).join(first_row, on=["procedure_code", "step_no"], how="left", suffix="_first")
    file_name = _name(results) if results is not None else "store"
    problems = []
    for rec in located.iter_rows(named=True):
        problems.append(
            Problem(
                file=file_name,
                row=rec["_row"] if rec["_row"] is not None else rec["_row_first"],
                column="step_no",
                value=str(rec["step_no"]),
                code=rec["code"],
                params={
                    "procedure": rec["procedure_code"],
                    "candidate": rec["candidate_ref"] or "",
                    "step": rec["step_no"],
                    "expected": rec["expected"] or "",
                    "found": rec["found"] or "",
                },
            )
        )
    return problems


def _check_list_entries(writer: StoreWriter, read: TableRead | None) -> list[Problem]:
    """A list entry must be about a laureate of that procedure."""
    if read is None:
        return []
    laureates = writer.con.sql("select procedure_code, candidate_ref from laureates").pl()
    stray = read.frame.join(laureates, on=["procedure_code", "candidate_ref"], how="anti")
    return [
        Problem(
            file=_name(read),
            row=row[0],
            column="candidate_ref",
            value=row[1],
            code="not_on_list",
            params={"value": row[1], "procedure": row[2]},
        )
        for row in stray.select("_row", "candidate_ref", "procedure_code").iter_rows()
    ]


__all__ = ["KEYS", "ImportRejected", "ImportReport", "import_paths"]
