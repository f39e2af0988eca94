"""Derive every procedure of a store with whichever `selstats` is first on the path (run by
`benchmarks/rules_check.py` with PYTHONPATH set to a baseline's or this tree's src/):
`python rules_child.py STORE OUT` writes each derived table to OUT/<table>.parquet and prints
one JSON line with the seconds `derive` took and where selstats came from.

A file run as a script, not a module of the benchmarks package: it must import nothing
from this tree but the selstats it is given."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import duckdb


def main() -> int:
    db, out = Path(sys.argv[1]), Path(sys.argv[2])
    import selstats
    from selstats.rules.derive import derive

    con = duckdb.connect(str(db), read_only=True)
    steps = con.sql("select * from steps").pl()
    procedures = con.sql(
        "select procedure_code, list_max, ranked, application_deadline, list_date, "
        "validity_months from procedures"
    ).pl()
    raw = con.sql(
        "select procedure_code, candidate_ref, step_no, score, outcome_given, result_date "
        "from results"
    ).pl()
    con.close()
    started = time.perf_counter()
    derivation = derive(steps, raw, procedures)
    seconds = time.perf_counter() - started
    for table in ("results", "step_states", "laureates", "lists", "procedure_stats", "problems"):
        getattr(derivation, table).write_parquet(out / f"{table}.parquet")
    print(json.dumps({"seconds": seconds, "selstats": selstats.__file__}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
