"""Store-level tests: imports as users run them (the CLI as a real process where the contract
is about exit status and messages), and the store file they leave behind.

Helpers shared with tests/test_cli.py and tests/test_roundtrip.py live here.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import duckdb
import polars as pl

# A fixed pseudonym key (hex, 32 bytes) for every process these tests start: the real key
# file is never read nor created.
TEST_KEY_HEX = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

# The facts a user imports, with the key that makes a row replace its predecessor.
FACT_TABLES: dict[str, tuple[str, ...]] = {
    "organisations": ("org_id",),
    "procedures": ("procedure_code",),
    "steps": ("procedure_code", "step_no"),
    "results": ("procedure_code", "candidate_ref", "step_no"),
    "list_entries": ("procedure_code", "candidate_ref"),
    "consultants": ("consultant_ref",),
    "qchecks": ("consultant_ref", "procedure_code", "check_date"),
}


def cli_env(tmp: Path, **extra: str) -> dict[str, str]:
    """The environment of a `selstats` process: a known key, no key file, no default store."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SELSTATS_")}
    env["SELSTATS_PSEUDONYM_KEY"] = TEST_KEY_HEX
    env["SELSTATS_KEY_FILE"] = str(tmp / "no-key-file-expected.key")
    env["PYTHONIOENCODING"] = "utf-8"
    env.update(extra)
    return env


def run_cli(
    args: Sequence[str | os.PathLike[str]],
    tmp: Path,
    *,
    env: Mapping[str, str] | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[bytes]:
    """`python -m selstats ARGS` as a real process; stdout and stderr as bytes."""
    return subprocess.run(
        [sys.executable, "-m", "selstats", *map(str, args)],
        capture_output=True,
        env=dict(env) if env is not None else cli_env(tmp),
        timeout=timeout,
        check=False,
        cwd=tmp,
    )


def text(out: bytes) -> str:
    """Process output as text, without tqdm's carriage-return progress lines."""
    lines = out.decode("utf-8").replace("\r", "\n").splitlines()
    kept = [line for line in lines if line.strip() and not line.startswith(("import:", "export "))]
    return "\n".join(kept)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_table(db: Path, table: str, order: Sequence[str] | None = None) -> pl.DataFrame:
    """A whole table of the store, in a stable order (every column when `order` is None)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        frame = con.sql(f"select * from {table}").pl()
    finally:
        con.close()
    return frame.sort(list(order) if order else frame.columns, nulls_last=True)


def table_names(db: Path) -> list[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.sql(
            "select table_name from information_schema.tables "
            "where table_type = 'BASE TABLE' order by table_name"
        ).fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]


def write_text(path: Path, content: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode(encoding))
    return path
