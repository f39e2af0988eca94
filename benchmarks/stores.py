"""The demo stores S, M, L (and XL, for `--only xl`) under benchmarks/out/stores/, built by
`selstats demo` and reused while the code and data that make them are unchanged (a hash is
kept beside each store). Building is itself a figure: `selstats demo --scale L`, its time
and peak memory."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from benchmarks.common import (
    ERROR,
    INFO,
    OUT_DIR,
    PYTHON,
    REPO_ROOT,
    Context,
    Row,
    file_mb,
    fmt_seconds,
    log,
    run_measured,
)

STORES_DIR = OUT_DIR / "stores"
SEED = 1
# What the demo store is made of: the generator, the rules that derive outcomes, the store
# (schema, writer), the domain and reference models, and the reference data.
DEMO_INPUTS = (
    "src/selstats/demo",
    "src/selstats/rules",
    "src/selstats/store",
    "src/selstats/domain",
    "src/selstats/reference",
    "data/reference",
)


@dataclass(frozen=True)
class Store:
    scale: str
    path: Path
    digest: str
    built_now: bool
    seconds: float
    peak_mb: float
    built_at: str
    summary: str

    @property
    def size_mb(self) -> float:
        return file_mb(self.path, self.path.with_name(self.path.name + ".wal"))


def demo_digest(scale: str) -> str:
    """A hash of everything that decides the demo store's content."""
    digest = hashlib.sha256()
    digest.update(
        f"scale={scale} seed={SEED} duckdb={duckdb.__version__} polars={pl.__version__}".encode()
    )
    for root in DEMO_INPUTS:
        base = REPO_ROOT / root
        files = sorted(
            p for p in base.rglob("*") if p.is_file() and p.suffix in {".py", ".sql", ".csv"}
        )
        for path in files:
            digest.update(str(path.relative_to(REPO_ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _meta_path(scale: str) -> Path:
    return STORES_DIR / f"{scale}.json"


def ensure_store(ctx: Context, scale: str, rebuild: bool = False) -> Store:
    """The store of `scale`, built now when missing, out of date or `rebuild` is asked."""
    key = f"store:{scale}"
    if key in ctx.cache:
        return ctx.cache[key]  # type: ignore[no-any-return]
    STORES_DIR.mkdir(parents=True, exist_ok=True)
    path = STORES_DIR / f"{scale}.duckdb"
    digest = demo_digest(scale)
    meta_path = _meta_path(scale)
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    if path.exists() and meta.get("digest") == digest and not rebuild:
        store = Store(
            scale,
            path,
            digest,
            False,
            meta["seconds"],
            meta["peak_mb"],
            meta["built_at"],
            meta.get("summary", ""),
        )
        log.info("store %s: reused (%s, built %s)", scale, path, store.built_at)
    else:
        store = _build(scale, path, digest)
    ctx.cache[key] = store
    return store


def _build(scale: str, path: Path, digest: str) -> Store:
    reason = "missing" if not path.exists() else "demo code changed or rebuild asked"
    log.info("store %s: building (%s) ...", scale, reason)
    tmp = path.with_name(path.name + ".tmp")
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal"), path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)
    command = [PYTHON, "-m", "selstats", "demo", "--scale", scale, "--seed", str(SEED)]
    # XL takes many minutes: up to two hours on a slow machine.
    measured = run_measured([*command, "--db", str(tmp)], timeout=7200 if scale == "XL" else 1800)
    if measured.code != 0 or not tmp.exists():
        raise RuntimeError(f"selstats demo --scale {scale} failed:\n{measured.output}")
    wal = tmp.with_name(tmp.name + ".wal")
    if wal.exists():
        wal.replace(path.with_name(path.name + ".wal"))
    tmp.replace(path)
    summary = next(
        (line.strip() for line in measured.output.splitlines() if line.startswith("demo ")), ""
    )
    built_at = time.strftime("%Y-%m-%d %H:%M")
    meta = {
        "digest": digest,
        "seconds": measured.seconds,
        "peak_mb": measured.peak_mb,
        "built_at": built_at,
        "summary": summary.split("\r")[-1],
    }
    _meta_path(scale).write_text(json.dumps(meta, indent=1))
    log.info("store %s: built in %s", scale, fmt_seconds(measured.seconds))
    return Store(
        scale, path, digest, True, measured.seconds, measured.peak_mb, built_at, meta["summary"]
    )


def store_rows(ctx: Context, store: Store) -> None:
    """The figure `selstats demo --scale X`: time and peak memory of the build."""
    when = "built in this run" if store.built_now else f"reused, built {store.built_at}"
    note = f"{when}; store {store.size_mb:.0f} MB"
    if store.summary:
        note += f"; {store.summary.split(': ', 1)[-1]}"
    ctx.add(
        Row(
            "demo build",
            store.scale,
            "selstats demo (wall)",
            [store.seconds],
            goal="minutes",
            verdict=INFO,
            note=note,
        )
    )
    ctx.add(Row("demo build", store.scale, "selstats demo (peak RSS)", [store.peak_mb], unit="MB"))


def run(ctx: Context, rebuild: bool = False) -> None:
    scales = ("S", "M", "L") if not ctx.quick else ("S", "M")
    for scale in scales:
        try:
            store = ensure_store(ctx, scale, rebuild=rebuild)
        except Exception as error:
            ctx.add(
                Row("demo build", scale, "selstats demo", verdict=ERROR, note=str(error)[-300:])
            )
            continue
        store_rows(ctx, store)
