"""The only code that writes the store.
Long because that guarantee is one place: the copy-change-replace cycle under the write lock
and the tables written inside it, with the clean-up after a full disk or a killed writer.

Every write happens on a private copy of the store file inside one transaction; on success
the copy atomically replaces the store (`os.replace`), so a failed or killed write leaves the
old store untouched, and readers in other processes (the dashboard) keep reading the old file
until they reopen. One writer at a time: the whole copy-change-replace cycle holds the store's
write lock (`selstats.store.lock`), and only the lock holder removes working copies a killed
writer left. A write that runs out of disk space removes every working file and raises
`StoreDiskFull`. Derived tables are rewritten here, per procedure touched, by the rules
engine: nothing else decides outcomes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import logging
import os
import shutil
import uuid
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl

from selstats.rules.derive import Derivation, derive
from selstats.rules.outcomes import BLOCKING_PROBLEMS
from selstats.store.lock import StoreBusy, WaitNotice, exclusive_writer
from selstats.store.migrations import migrate, refresh_summaries_sql

log = logging.getLogger(__name__)

# The key of each imported table: a row with the same key replaces its predecessor.
KEYS: dict[str, tuple[str, ...]] = {
    "organisations": ("org_id",),
    "procedures": ("procedure_code",),
    "steps": ("procedure_code", "step_no"),
    "results": ("procedure_code", "candidate_ref", "step_no"),
    "list_entries": ("procedure_code", "candidate_ref"),
    "consultants": ("consultant_ref",),
    "qchecks": ("consultant_ref", "procedure_code", "check_date"),
    "salary_scales": ("scale", "government", "org_id"),
    "salary_postings": ("posting", "period", "bound"),
    "index_coefficients": ("government", "in_force_from"),
    "salary_rounding": ("government",),
    "diploma_levels": ("government", "org_id", "pattern"),
    "national_figures": ("year",),
}

RAW_RESULT_COLUMNS = [
    "procedure_code",
    "candidate_ref",
    "step_no",
    "score",
    "outcome_given",
    "result_date",
]

# Tables the rules engine rewrites for every procedure it re-derives.
DERIVED_PER_PROCEDURE = ("results", "step_states", "laureates", "lists", "procedure_stats")

_TMP_SUFFIX = ".writing-"


def raw_result_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame`'s raw result columns (absent ones empty)."""
    return frame.select(
        [pl.col(c) if c in frame.columns else pl.lit(None).alias(c) for c in RAW_RESULT_COLUMNS]
    )


def result_codes(frame: pl.DataFrame) -> list[str]:
    return sorted(frame.get_column("procedure_code").unique().to_list())


class StoreWriter:
    """Writes inside one open transaction on the private copy."""

    def __init__(self, con: duckdb.DuckDBPyConnection, *, fresh: bool = False) -> None:
        self.con = con
        self.fresh = fresh
        # Each table's columns, looked up once per write: the schema is migrated before the
        # writer is made and nothing changes it while the writer is open.
        self._defaults: dict[str, dict[str, str | None]] = {}

    def flush(self) -> None:
        """Commit what is written so far and go on in a new transaction.

        DuckDB keeps a transaction's appended rows in memory until it commits (about 70 MB
        per million results), so a build of the L demo would grow without bound. Only
        allowed on a fresh store: it is the writer's private new file, which replaces the
        real store only when the whole build succeeds, so no atomicity is given up.
        """
        if not self.fresh:
            raise RuntimeError("flush is only for building a fresh store")
        self.con.execute("commit")
        self.con.execute("checkpoint")
        self.con.execute("begin transaction")

    # -- facts -------------------------------------------------------------------------
    def table_columns(self, table: str) -> list[str]:
        return list(self._column_defaults(table))

    def _column_defaults(self, table: str) -> dict[str, str | None]:
        """Column name -> the default to use for an empty cell (None: keep it empty)."""
        if table not in self._defaults:  # every table's at once: one catalogue query
            rows = self.con.sql(
                "select table_name, column_name, column_default, is_nullable "
                "from information_schema.columns "
                "where table_catalog = current_database() and table_schema = 'main' "
                "order by table_name, ordinal_position"
            ).fetchall()
            self._defaults = {}
            for name, column, default, nullable in rows:
                columns = self._defaults.setdefault(name, {})
                columns[column] = default if nullable == "NO" else None
        return self._defaults.get(table, {})

    @contextlib.contextmanager
    def _incoming(self, frame: pl.DataFrame) -> Iterator[None]:
        """`frame` visible to SQL as `incoming` for the duration of the block."""
        self.con.register("incoming", frame.to_arrow())
        try:
            yield
        finally:
            # After a failed statement the transaction is aborted and unregistering fails
            # too: that second error must not hide the first.
            with contextlib.suppress(duckdb.Error):
                self.con.unregister("incoming")

    def _insert_incoming(self, table: str, columns: list[str]) -> None:
        """Insert `incoming` by column name; an empty cell of a column that may not be empty
        takes the column's default (a template row with an empty `ranked` is `true`)."""
        defaults = self._column_defaults(table)
        values = ", ".join(
            f"coalesce({c}, {defaults[c]})" if defaults.get(c) is not None else c for c in columns
        )
        self.con.execute(
            f"insert into {table} ({', '.join(columns)}) select {values} from incoming"
        )

    def upsert(self, table: str, frame: pl.DataFrame) -> int:
        """Insert rows, replacing those with the same key. Returns the number of rows."""
        if table == "results":
            raise ValueError("results go through upsert_results, which re-derives outcomes")
        if frame.is_empty():
            return 0
        key = KEYS[table]
        columns = [c for c in self.table_columns(table) if c in frame.columns]
        incoming = frame.select(columns).unique(subset=list(key), keep="last")
        with self._incoming(incoming):
            match = " and ".join(f"t.{k} is not distinct from i.{k}" for k in key)
            self.con.execute(
                f"delete from {table} t where exists (select 1 from incoming i where {match})"
            )
            self._insert_incoming(table, columns)
        return incoming.height

    def upsert_results(self, frame: pl.DataFrame) -> Derivation:
        """Merge raw results into their procedures and re-derive those procedures; of rows
        with the same key, the last counts."""
        incoming = frame.unique(subset=list(KEYS["results"]), keep="last", maintain_order=True)
        return self.rederive(result_codes(incoming), incoming=incoming)

    def raw_results(self, codes: Iterable[str]) -> pl.DataFrame:
        return self.con.sql(
            f"select {', '.join(RAW_RESULT_COLUMNS)} from results "
            "where list_contains($codes, procedure_code)",
            params={"codes": list(codes)},
        ).pl()

    # -- derived -----------------------------------------------------------------------
    def derive(self, codes: Iterable[str], incoming: pl.DataFrame | None = None) -> Derivation:
        """Outcomes, step states and lists of these procedures from their stored facts, with
        the raw results `incoming` (not stored yet, one row per key: an import has refused
        duplicate keys already) replacing stored rows with their key.

        Merged here in memory rather than written first: the results are then written once,
        with their outcomes, by `replace_derived`."""
        params = {"codes": sorted(set(codes))}
        steps = self.con.sql(
            "select * from steps where list_contains($codes, procedure_code)", params=params
        ).pl()
        procedures = self.con.sql(
            "select procedure_code, list_max, ranked, application_deadline, list_date, "
            "validity_months "
            "from procedures where list_contains($codes, procedure_code)",
            params=params,
        ).pl()
        raw = self.raw_results(params["codes"])
        if incoming is not None:
            new = raw_result_rows(incoming).cast(raw.schema)
            if raw.is_empty():  # nothing stored for these procedures yet: nothing replaced
                raw = new
            else:
                raw = pl.concat([raw.join(new, on=list(KEYS["results"]), how="anti"), new])
        return derive(steps, raw, procedures)

    def rederive(self, codes: Iterable[str], incoming: pl.DataFrame | None = None) -> Derivation:
        """Derive and store; facts that break the rules (see BLOCKING_PROBLEMS) are refused."""
        codes = sorted(set(codes))
        derivation = self.derive(codes, incoming)
        blocking = derivation.problems.filter(pl.col("code").is_in(sorted(BLOCKING_PROBLEMS)))
        if not blocking.is_empty():
            raise ValueError(f"results break the procedure rules: {blocking.head(5).to_dicts()}")
        self.replace_derived(codes, derivation)
        return derivation

    def replace_derived(self, codes: list[str], derivation: Derivation) -> None:
        purged = self.purged_codes(codes)
        if purged:
            codes, derivation = self._leave_purged(codes, derivation, purged)
        params = {"codes": codes}
        for table in DERIVED_PER_PROCEDURE:
            self.con.execute(
                f"delete from {table} where list_contains($codes, procedure_code)", params
            )
        self.append("results", derivation.results)
        self.append("step_states", derivation.step_states)
        self.append("laureates", derivation.laureates)
        self.append("lists", derivation.lists)
        self.append("procedure_stats", derivation.procedure_stats)

    def purged_codes(self, codes: Iterable[str]) -> list[str]:
        """Those of `codes` whose candidate rows `selstats purge` removed (table `purges`)."""
        found = self.con.sql(
            "select count(*) from information_schema.tables where table_name = 'purges'"
        ).fetchall()
        if not found[0][0]:
            return []
        rows = self.con.sql(
            "select procedure_code from purges where list_contains($codes, procedure_code)",
            params={"codes": sorted(set(codes))},
        ).fetchall()
        return sorted(str(r[0]) for r in rows)

    def _leave_purged(
        self, codes: list[str], derivation: Derivation, purged: list[str]
    ) -> tuple[list[str], Derivation]:
        """A purged procedure keeps the derived figures it had (re-deriving it without its
        results would wipe them) and takes no candidate-level rows again."""
        log.warning("procedures %s were purged: figures kept, results given now dropped", purged)
        self.con.execute(
            "delete from results where list_contains($codes, procedure_code)", {"codes": purged}
        )
        keep = ~pl.col("procedure_code").is_in(purged)
        kept = dataclasses.replace(
            derivation,
            **{table: getattr(derivation, table).filter(keep) for table in DERIVED_PER_PROCEDURE},
        )
        return [c for c in codes if c not in purged], kept

    def append(self, table: str, frame: pl.DataFrame) -> None:
        """Plain insert by column name (the caller guarantees keys are new)."""
        if frame.is_empty():
            return
        columns = [c for c in self.table_columns(table) if c in frame.columns]
        with self._incoming(frame.select(columns)):
            self._insert_incoming(table, columns)

    def replace_table(self, table: str, frame: pl.DataFrame) -> None:
        self.con.execute(f"delete from {table}")
        self.append(table, frame)

    def log_import(
        self,
        import_id: str,
        file_name: str,
        table: str,
        sha256: str,
        rows: int,
        imported_by: str | None = None,
    ) -> None:
        self.con.execute(
            "insert into import_log values ($id, $at, $by, $file, $table, $sha, $rows)",
            {
                "id": import_id,
                "at": datetime.now(),
                "by": imported_by or os.environ.get("USER") or "unknown",
                "file": file_name,
                "table": table,
                "sha": sha256,
                "rows": rows,
            },
        )

    def already_imported(self, sha256: str, table: str) -> bool:
        rows = self.con.sql(
            "select count(*) from import_log where sha256 = $sha and table_name = $t",
            params={"sha": sha256, "t": table},
        ).fetchall()
        return bool(rows[0][0])


class StoreDiskFull(Exception):
    """The disk of the store's folder filled up during a write; every working file is
    removed and the store is as it was."""

    def __init__(self, store: Path) -> None:
        super().__init__(f"not enough disk space in {store.parent} to write {store.name}")
        self.store = store
        self.folder = store.parent


_DISK_FULL_TEXTS = ("No space left on device", "Disk quota exceeded", "disk is full")


def is_disk_full(exc: BaseException) -> bool:
    """Whether `exc` (or what caused it) says the disk is full: OSError ENOSPC or EDQUOT
    from Python, or DuckDB's IO/transaction error carrying the system's words for it."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if isinstance(current, duckdb.Error) and any(t in str(current) for t in _DISK_FULL_TEXTS):
            return True
        current = current.__cause__ or current.__context__
    return False


def _working_files(path: Path) -> list[Path]:
    """Every working copy beside the store, with the WAL and temporary folder DuckDB gives
    it (`<copy>.wal`, `<copy>.tmp/`)."""
    return sorted(path.parent.glob(path.name + _TMP_SUFFIX + "*"))


def _remove(paths: Iterable[Path]) -> None:
    for leftover in paths:
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


def _clean_leftovers(path: Path) -> None:
    """Copies left by a killed writer are never the store: remove them. Only ever called
    while holding the write lock, so no other writer's live copy is among them."""
    leftovers = _working_files(path)
    if leftovers:
        log.warning("removing %d working file(s) a stopped writer left", len(leftovers))
        _remove(leftovers)


def clean_stale_copies(path: Path) -> bool:
    """Remove working copies a stopped writer left beside the store at `path`, unless another
    writer is busy (it then cleans them itself). True when nothing is left to clean."""
    if not path.parent.is_dir():
        return True
    try:
        with exclusive_writer(path, timeout=0, on_wait=lambda _store: None):
            _clean_leftovers(path)
    except StoreBusy:
        return False
    return True


@contextlib.contextmanager
def write_store(
    path: Path,
    *,
    fresh: bool = False,
    on_wait: WaitNotice | None = None,
    lock_timeout: float | None = None,
) -> Iterator[StoreWriter]:
    """A writer on a private copy of the store (or on a new store when `fresh`).

    The copy replaces the store only when the block ends without an exception. The store's
    write lock is held throughout: another writer waits (see `selstats.store.lock`;
    `on_wait` is told, `StoreBusy` raised when the wait runs out). A full disk removes every
    working file and raises `StoreDiskFull`; the store is then as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with exclusive_writer(path, timeout=lock_timeout, on_wait=on_wait):
        _clean_leftovers(path)
        tmp = path.with_name(path.name + _TMP_SUFFIX + uuid.uuid4().hex[:8])
        con: duckdb.DuckDBPyConnection | None = None
        try:
            if path.exists() and not fresh:
                shutil.copyfile(path, tmp)
            con = duckdb.connect(str(tmp))
            con.execute("begin transaction")
            migrate(con)
            yield StoreWriter(con, fresh=fresh)
            # Summaries of several tables at once: rebuilt whole after any write (~0.2 s at L).
            con.execute(refresh_summaries_sql())
            con.execute("commit")
            con.execute("checkpoint")
            con.close()
            _fsync(tmp)
            os.replace(tmp, path)
            _fsync_dir(path.parent)
            log.info("store %s replaced by its updated copy", path)
        except BaseException as exc:
            if con is not None:
                with contextlib.suppress(Exception):
                    con.close()
            _remove(sorted(tmp.parent.glob(tmp.name + "*")))  # the copy, its .wal and .tmp/
            if is_disk_full(exc):
                log.error(
                    "not enough disk space in %s: the write was undone (%s: %s)",
                    path.parent,
                    type(exc).__name__,
                    str(exc)[:300],
                )
                raise StoreDiskFull(path) from exc
            raise


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        _fsync(path)
