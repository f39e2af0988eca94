"""The `selstats` command: demo, import, export, check.

Exit status: 0 success, 1 invalid input (messages name file, row and column), 2 usage error.
This is the only module that prints.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from tqdm import tqdm

from selstats.domain.enums import QcheckMode
from selstats.store.connection import db_path

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
LANGS = ("nl", "fr", "en")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="selstats",
        description="Recruitment statistics for Belgian public-sector selection procedures.",
    )
    parser.add_argument("--verbose", "-v", action="store_true", help="log progress details")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help="the store (default: $SELSTATS_DB, else data/selstats.duckdb)")
    common.add_argument("--lang", choices=LANGS, default="nl", help="language of messages")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", parents=[common], help="build the demo database")
    demo.add_argument("--scale", choices=("S", "M", "L"), default="S")
    demo.add_argument("--seed", type=int, default=1)

    imp = sub.add_parser("import", parents=[common], help="import files or folders")
    imp.add_argument("paths", nargs="+", type=Path)
    imp.add_argument("--user", help="who imports (for the import log; default: $USER)")

    exp = sub.add_parser("export", parents=[common], help="write a table as the dashboard shows it")
    from selstats.tables import EXPORT_TABLES

    exp.add_argument("table", choices=sorted(EXPORT_TABLES))
    exp.add_argument("--procedure", action="append", default=[], help="procedure code")
    exp.add_argument("--org", action="append", default=[], help="organisation id")
    exp.add_argument(
        "--government", action="append", default=[], choices=("federal", "flemish", "local")
    )
    exp.add_argument("--level", action="append", default=[])
    exp.add_argument("--year-from", type=int)
    exp.add_argument("--year-to", type=int)
    exp.add_argument("--format", choices=("csv", "xlsx", "parquet"), default="csv")
    exp.add_argument("--out", type=Path, help="output file (default: CSV to standard output)")
    exp.add_argument(
        "--excel",
        action="store_true",
        help="CSV for Excel: ';' separator, decimal comma, UTF-8 with BOM",
    )
    exp.add_argument("--as-of", type=date.fromisoformat, help="date for list validity (ISO)")
    exp.add_argument(
        "--mode",
        choices=[m.value for m in QcheckMode],
        help="Q-check averaging (default: the deployment's setting)",
    )
    exp.add_argument("--coefficient", type=float, help="index coefficient (default: latest)")

    sub.add_parser("check", parents=[common], help="validate the store and the reference data")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    db = db_path(args.db)
    if args.command == "demo":
        return _demo(db, args.scale, args.seed)
    if args.command == "import":
        return _import(db, args.paths, args.user, args.lang)
    if args.command == "export":
        return _export(db, args, parser)
    if args.command == "check":
        return _check(db, args.lang)
    parser.error(f"unknown command {args.command}")
    return EXIT_USAGE


def _demo(db: Path, scale: str, seed: int) -> int:
    from selstats.demo import build_demo

    with tqdm(total=1, desc=f"demo {scale}", unit="step", file=sys.stderr) as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        summary = build_demo(db, scale=scale, seed=seed, progress=progress)
    print(
        f"demo {scale} (seed {seed}) -> {db}: {summary.organisations} organisations, "
        f"{summary.procedures} procedures, {summary.applications} applications, "
        f"{summary.results} results, {summary.laureates} laureates "
        f"in {summary.elapsed_seconds:.1f} s"
    )
    return EXIT_OK


def _import(db: Path, paths: list[Path], user: str | None, lang: str) -> int:
    from selstats.store.imports import import_paths

    with tqdm(desc="import", unit="file", file=sys.stderr) as bar:

        def progress(name: str) -> None:
            bar.set_postfix_str(name)
            bar.update(1)

        report = import_paths(paths, db, imported_by=user, progress=progress)
    if not report.ok:
        for problem in report.problems:
            print(problem.message(lang), file=sys.stderr)
        print(_count_message(len(report.problems), lang), file=sys.stderr)
        return EXIT_INVALID
    for table, rows in report.rows_by_table.items():
        print(f"{table}: {rows} rows")
    return EXIT_OK


def _count_message(n: int, lang: str) -> str:
    return {
        "nl": f"{n} probleem/problemen gevonden; er is niets geïmporteerd.",
        "fr": f"{n} problème(s) trouvé(s) ; rien n'a été importé.",
        "en": f"{n} problem(s) found; nothing was imported.",
    }[lang]


def _export(db: Path, args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from selstats.export import EXCEL_CSV, CsvDialect, write_batches
    from selstats.store.connection import open_reader
    from selstats.tables import Scope, export_relation, table_params

    if args.format != "csv" and args.out is None:
        parser.error(f"--format {args.format} needs --out FILE")
    if not db.exists():
        print(f"store not found: {db} (build it with `selstats demo`)", file=sys.stderr)
        return EXIT_INVALID
    con = open_reader(db)
    scope = Scope(
        year_from=args.year_from,
        year_to=args.year_to,
        govs=tuple(args.government),
        orgs=tuple(args.org),
        levels=tuple(args.level),
        procs=tuple(args.procedure),
    )
    params = table_params(
        con, scope, as_of=args.as_of, mode=args.mode, coefficient=args.coefficient
    )
    relation = export_relation(con, args.table, params)
    dialect = EXCEL_CSV if args.excel else CsvDialect()
    reader = relation.to_arrow_reader(batch_size=100_000)
    if args.out is None:
        try:
            rows = write_batches(reader, sys.stdout.buffer, "csv", dialect)
        except BrokenPipeError:
            # `selstats export ... | head` closed the pipe: that is the reader's choice.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    else:
        with tqdm(desc=f"export {args.table}", unit="row", file=sys.stderr) as bar:
            rows = write_batches(reader, args.out, args.format, dialect, progress=bar.update)
        print(f"{args.table}: {rows} rows -> {args.out}", file=sys.stderr)
    return EXIT_OK


def _check(db: Path, lang: str) -> int:
    from selstats.store.check import check_store

    problems = check_store(db)
    for problem in problems:
        print(problem.message(lang))
    if problems:
        print(_check_summary(len(problems), lang))
        return EXIT_INVALID
    print(
        {
            "nl": "Geen problemen gevonden.",
            "fr": "Aucun problème trouvé.",
            "en": "No problems found.",
        }[lang]
    )
    return EXIT_OK


def _check_summary(n: int, lang: str) -> str:
    return {
        "nl": f"{n} probleem/problemen gevonden.",
        "fr": f"{n} problème(s) trouvé(s).",
        "en": f"{n} problem(s) found.",
    }[lang]


if __name__ == "__main__":
    raise SystemExit(main())
