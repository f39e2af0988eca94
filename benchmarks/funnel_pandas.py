"""Funnel and pass rates of every procedure of one year: the app's queries (queries/funnel.sql
and queries/pass_rates_by_group.sql, which read the step counts the writer keeps in
step_facts) against pandas reading the raw facts from Parquet (results, steps, procedures,
organisations, exported once per store) and doing the same groupbys. Goal: the app at
least 10x faster. Both start cold: a fresh DuckDB connection; pandas reads the files.

A third contender, for the before/after of issue 16 §4: the same two queries as the query
layer ran them up to e8972f9 (`cursor.sql(text, params).pl()`); the query files themselves
are unchanged since. Its frames must equal the app's before anything is timed."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import polars as pl

from benchmarks.common import (
    ERROR,
    FAIL,
    OUT_DIR,
    Context,
    Row,
    alternate,
    fmt_ratio,
    ratio,
    verdict,
)
from benchmarks.page_compute import app_connection
from benchmarks.record import ORIGINAL_RUN
from benchmarks.stores import ensure_store
from selstats.query import bind, load_sql

GOAL = 10.0
YEAR = 2025
OUTCOMES = ["passed", "failed", "absent", "withdrawn", "not_registered", "cut_off"]
FUNNEL_QUERY = "funnel"
PASS_RATES_QUERY = "pass_rates_by_group"
TABLES = {
    "results": "select procedure_code, candidate_ref, step_no, score, outcome from results",
    "steps": "select * from steps",
    "procedures": "select * from procedures",
    "organisations": "select * from organisations",
}
# pass_rates_by_group.sql: the keys of each grouping.
GROUPINGS = {
    "step": ["procedure_code", "step_no"],
    "kind": ["kind"],
    "year_kind": ["year", "kind"],
    "year": ["year"],
    "organisation_kind": ["org_id", "kind"],
    "organisation": ["org_id"],
    "all": [],
}
COUNTS = ["reached", "passed", "failed", "cut_off", "absent", "withdrawn", "not_registered"]


def params() -> dict[str, object]:
    return {
        "year_from": YEAR,
        "year_to": YEAR,
        "govs": [],
        "orgs": [],
        "levels": [],
        "procs": [],
        "allowed": None,
    }


def parquet_dir(ctx: Context, scale: str) -> Path:
    """The store's facts as Parquet, written once per store version."""
    store = ensure_store(ctx, scale)
    folder = OUT_DIR / "parquet" / f"{scale}-{store.digest[:12]}"
    if not (folder / "done").exists():
        for old in folder.parent.glob(f"{scale}-*"):  # exports of older versions of the store
            shutil.rmtree(old, ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(store.path), read_only=True)
        try:
            for name, sql in TABLES.items():
                target = str(folder / f"{name}.parquet").replace("'", "''")
                con.execute(f"copy ({sql}) to '{target}' (format parquet)")
        finally:
            con.close()
        (folder / "done").write_text("ok")
    return folder


# ---- the app ---------------------------------------------------------------------------------


def app(db: Path) -> tuple[float, pl.DataFrame, pl.DataFrame]:
    con = app_connection(db)
    try:
        started = time.perf_counter()
        funnel = ORIGINAL_RUN(con, FUNNEL_QUERY, **params())
        rates = ORIGINAL_RUN(con, PASS_RATES_QUERY, **params())
        return time.perf_counter() - started, funnel, rates
    finally:
        con.close()


def before(db: Path) -> tuple[float, pl.DataFrame, pl.DataFrame]:
    """The app's two queries as the query layer ran them up to e8972f9 (issue 16 §4):
    `cursor.sql(text, params).pl()`, which plans each query twice. Same connection, same
    SQL text and parameters as `app`; for the before/after in one run."""
    con = app_connection(db)
    try:
        texts = [
            (load_sql(n), bind(n, load_sql(n), params())) for n in (FUNNEL_QUERY, PASS_RATES_QUERY)
        ]
        started = time.perf_counter()
        frames = []
        for sql, args in texts:
            cur = con.cursor()
            try:
                frames.append(cur.sql(sql, params=args).pl())
            finally:
                cur.close()
        return time.perf_counter() - started, frames[0], frames[1]
    finally:
        con.close()


# ---- pandas ------------------------------------------------------------------------------------


def with_pandas(folder: Path) -> tuple[float, pd.DataFrame, pd.DataFrame]:
    started = time.perf_counter()
    procs = pd.read_parquet(
        folder / "procedures.parquet",
        columns=["procedure_code", "org_id", "level", "application_deadline", "list_date"],
    )
    year = pd.to_datetime(procs["application_deadline"]).dt.year.fillna(
        pd.to_datetime(procs["list_date"]).dt.year
    )
    procs = procs.assign(year=year)
    # a procedure without a year (permanently open) is in every period
    procs = procs[(procs["year"] == YEAR) | procs["year"].isna()]
    codes = procs["procedure_code"].tolist()
    orgs = pd.read_parquet(folder / "organisations.parquet", columns=["org_id", "name"])
    procs = procs.merge(orgs.rename(columns={"name": "org_name"}), on="org_id", how="left")
    steps = pd.read_parquet(
        folder / "steps.parquet",
        columns=["procedure_code", "step_no", "name", "kind"],
        filters=[("procedure_code", "in", codes)],
    )
    results = pd.read_parquet(
        folder / "results.parquet",
        columns=["procedure_code", "step_no", "outcome"],
        filters=[("procedure_code", "in", codes)],
    )
    counts = (
        results.groupby(["procedure_code", "step_no", "outcome"], observed=True)
        .size()
        .unstack("outcome", fill_value=0)
        .reindex(columns=OUTCOMES, fill_value=0)
    )
    counts["reached"] = counts[OUTCOMES].sum(axis=1)
    funnel = steps.merge(counts.reset_index(), on=["procedure_code", "step_no"], how="left")
    funnel[[*OUTCOMES, "reached"]] = funnel[[*OUTCOMES, "reached"]].fillna(0).astype("int64")
    # a step with results was held; one without was not held or is pending
    held = funnel["reached"] > 0
    first = funnel.groupby("procedure_code")["step_no"].transform("min")
    applicants = funnel.loc[funnel["step_no"] == first, ["procedure_code", "reached"]].rename(
        columns={"reached": "applicants"}
    )
    funnel = funnel.merge(applicants, on="procedure_code", how="left")
    funnel["advance_rate"] = (funnel["passed"] / funnel["reached"]).where(held)
    funnel["share_reached"] = (funnel["reached"] / funnel["applicants"]).where(held)
    funnel["conversion"] = (funnel["passed"] / funnel["applicants"]).where(held)

    rows = funnel[held].merge(
        procs[["procedure_code", "org_id", "org_name", "year"]], on="procedure_code"
    )
    parts = []
    for grouping, keys in GROUPINGS.items():
        if keys:
            part = rows.groupby(keys, dropna=False)[COUNTS].sum().reset_index()
        else:
            part = rows[COUNTS].sum().to_frame().T
        part["grouping"] = grouping
        parts.append(part)
    rates = pd.concat(parts, ignore_index=True)
    sat = rates["passed"] + rates["failed"] + rates["cut_off"]
    rates["pass_rate"] = (rates["passed"] + rates["cut_off"]) / sat.where(sat > 0)
    rates["no_show_rate"] = (rates["absent"] + rates["not_registered"]) / rates["reached"].where(
        rates["reached"] > 0
    )
    return time.perf_counter() - started, funnel, rates


# ---- same answer? ---------------------------------------------------------------------------


def _close(a: pd.Series, b: pd.Series) -> bool:
    x = a.astype("float64").to_numpy()
    y = b.astype("float64").to_numpy()
    return bool(np.all((np.isnan(x) & np.isnan(y)) | np.isclose(x, y, rtol=1e-9, atol=1e-12)))


def compare(
    funnel: pl.DataFrame, rates: pl.DataFrame, p_funnel: pd.DataFrame, p_rates: pd.DataFrame
) -> str | None:
    """None when pandas found what the app shows, else what differs."""
    keys = ["procedure_code", "step_no"]
    a = funnel.to_pandas().sort_values(keys).reset_index(drop=True)
    b = p_funnel.sort_values(keys).reset_index(drop=True)
    if (
        len(a) != len(b)
        or not (a[keys].astype(str).to_numpy() == b[keys].astype(str).to_numpy()).all()
    ):
        return f"funnel: {len(a)} procedure steps vs {len(b)} in pandas"
    for column in [
        *OUTCOMES,
        "reached",
        "applicants",
        "advance_rate",
        "share_reached",
        "conversion",
    ]:
        if not _close(a[column], b[column]):
            return f"funnel: column {column} differs"
    app_rates = rates.to_pandas()
    for grouping, gkeys in GROUPINGS.items():
        x = app_rates[app_rates["grouping"] == grouping]
        y = p_rates[p_rates["grouping"] == grouping]
        if gkeys:
            x = x.sort_values(gkeys).reset_index(drop=True)
            y = y.sort_values(gkeys).reset_index(drop=True)
        if len(x) != len(y):
            return f"pass rates ({grouping}): {len(x)} rows vs {len(y)} in pandas"
        for column in [*COUNTS, "pass_rate", "no_show_rate"]:
            if not _close(x[column].reset_index(drop=True), y[column].reset_index(drop=True)):
                return f"pass rates ({grouping}): column {column} differs"
    return None


def run(ctx: Context) -> None:
    scale = ctx.big
    figure = f"funnel + pass rates, {YEAR}"
    try:
        store = ensure_store(ctx, scale)
        folder = parquet_dir(ctx, scale)
        _, funnel, rates = app(store.path)
        _, p_funnel, p_rates = with_pandas(folder)
    except Exception as error:
        ctx.add(Row(figure, scale, "app queries vs pandas", verdict=ERROR, note=repr(error)[:300]))
        return
    wrong = compare(funnel, rates, p_funnel, p_rates)
    if wrong:
        ctx.add(Row(figure, scale, "pandas on Parquet", verdict=FAIL, note=wrong))
        return
    _, old_funnel, old_rates = before(store.path)
    if not (old_funnel.equals(funnel) and old_rates.equals(rates)):
        which = "funnel" if not old_funnel.equals(funnel) else "pass rates"
        note = f"{which}: the frame of .sql().pl() differs from the query layer's"
        ctx.add(Row(figure, scale, "query layer before", verdict=FAIL, note=note))
        return
    samples = alternate(
        [
            lambda: app(store.path)[0],
            lambda: with_pandas(folder)[0],
            lambda: before(store.path)[0],
        ],
        ctx.runs,
    )
    value = ratio(samples[1], samples[0])
    note = (
        f"{funnel.height} procedure steps; app: {FUNNEL_QUERY}.sql + {PASS_RATES_QUERY}.sql "
        f"({rates.height} rows) on step_facts; pandas: read_parquet (columns, filter pushdown) "
        f"of results/steps/procedures/organisations, groupby"
    )
    ctx.add(
        Row(
            figure,
            scale,
            "app queries (cold connection)",
            samples[0],
            ratio=f"{fmt_ratio(value)} faster",
            goal=f"≥ {GOAL:.0f}x faster",
            verdict=verdict(value >= GOAL),
            note=note,
        )
    )
    ctx.add(Row(figure, scale, "pandas on Parquet", samples[1]))
    ctx.add(
        Row(
            figure,
            scale,
            "app queries, query layer before (.sql().pl())",
            samples[2],
            ratio=f"{fmt_ratio(ratio(samples[1], samples[2]))} faster",
            note=f"HEAD's query layer {ratio(samples[2], samples[0]):.2f}x faster than before, "
            "same runs alternated",
        )
    )
