"""The `selstats` command: demo, import, export, check, user, purge, serve, alerts, plan.
Long because it is the only module that prints: each command's options, output and exit
status live here as one short function over the package (docs/CLI.md).

Exit status: 0 success, 1 invalid input (messages name file, row and column), 2 usage error.
This is the only module that prints.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from tqdm import tqdm

from selstats.domain.enums import QcheckMode
from selstats.ingest.problems import Problem
from selstats.settings import SettingsError, settings
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
    demo.add_argument("--scale", choices=("S", "M", "L", "XL"), default="S")
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
    exp.add_argument("--level", action="append", default=[], help="diploma level (A, B, C, D)")
    exp.add_argument("--year-from", type=int)
    exp.add_argument("--year-to", type=int)
    exp.add_argument("--format", choices=("csv", "xlsx", "parquet"), default="csv")
    exp.add_argument("--out", type=Path, help="output file (default: CSV to standard output)")
    exp.add_argument(
        "--excel",
        action="store_true",
        help="CSV for Excel: ';' separator, decimal comma, UTF-8 with BOM",
    )
    exp.add_argument(
        "--labels",
        action="store_true",
        help="as the dashboard's downloads: headers the figures' labels in --lang, codes "
        "translated, XLSX cells formatted, with a filter sheet (default: the contract's "
        "column names and values)",
    )
    exp.add_argument(
        "--as-of",
        type=date.fromisoformat,
        help="date for list validity and for each government's index coefficient (ISO; "
        "default today)",
    )
    exp.add_argument(
        "--mode",
        choices=[m.value for m in QcheckMode],
        help="Q-check averaging (default: the deployment's setting)",
    )
    exp.add_argument(
        "--coefficient",
        type=float,
        help="one index coefficient for every scale (default: each government's on --as-of)",
    )

    sub.add_parser("check", parents=[common], help="validate the store and the reference data")

    from selstats.access.roles import ROLE_NAMES

    user = sub.add_parser("user", parents=[common], help="manage the local users file")
    user.add_argument("action", choices=("add", "remove", "list"))
    user.add_argument("username", nargs="?", help="login name, or e-mail address for OIDC")
    user.add_argument("--role", action="append", default=[], choices=ROLE_NAMES)
    user.add_argument("--org", action="append", default=[], help="organisation of an hr user")
    user.add_argument("--name", default="", help="name shown in the dashboard")
    user.add_argument("--no-password", action="store_true", help="an OIDC user: no password")
    user.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    user.add_argument("--replace", action="store_true", help="overwrite an existing user")
    user.add_argument("--users", type=Path, help="users file (default: $SELSTATS_USERS)")
    user.add_argument("--email", default="", help="e-mail address for `selstats alerts`")
    user.add_argument(
        "--language", choices=LANGS, default="", help="language of the user's alerts (default nl)"
    )

    alerts = sub.add_parser(
        "alerts",
        parents=[common],
        help="e-mail each user what is due (lists that lapse, certification, failed imports)",
        description="Tell every user of the users file, by e-mail in their language, what "
        "changed or is due in their scope; each alert once. SMTP settings: SELSTATS_SMTP_* "
        "(README, 'Alerts').",
    )
    alerts.add_argument("--dry-run", action="store_true", help="print the messages, send none")
    alerts.add_argument("--user", action="append", default=[], help="only this user")
    alerts.add_argument("--users", type=Path, help="users file (default: $SELSTATS_USERS)")
    alerts.add_argument("--as-of", type=date.fromisoformat, help="today's date (ISO)")
    alerts.add_argument("--ics", metavar="USER", help="write USER's calendar (.ics) instead")
    alerts.add_argument("--out", type=Path, help="with --ics: the file (default: stdout)")

    plan = sub.add_parser(
        "plan",
        parents=[common],
        help="how many applicants a planned selection needs, from the store's history",
    )
    plan.add_argument("--level", required=True, choices=("A", "B", "C", "D"), help="diploma level")
    plan.add_argument(
        "--government", choices=("federal", "flemish", "local"), help="the organisation's"
    )
    plan.add_argument(
        "--steps",
        required=True,
        help="kinds of steps in order, a top-N cut after a colon: screening,written:20,interview",
    )
    plan.add_argument("--places", type=int, required=True, help="places to fill")
    plan.add_argument("--applicants", type=int, help="expected applicants (laureates for them)")
    plan.add_argument("--seed", type=int, default=1, help="seed of the bootstrap (default 1)")

    purge = sub.add_parser("purge", parents=[common], help="remove expired candidate-level data")
    purge.add_argument("--months", type=int, help="retention after a list expired (default 24)")
    purge.add_argument("--apply", action="store_true", help="remove (default: only report)")
    purge.add_argument("--as-of", type=date.fromisoformat, help="today's date (ISO), for tests")
    purge.add_argument("--user", help="who purges (for the audit log; default: $USER)")

    serve = sub.add_parser(
        "serve",
        parents=[common],
        help="serve the dashboard (`make run`); other options go to `streamlit run`",
        description="Serve the dashboard. Every option other than --db, --lang and --workers "
        "is Streamlit's (`streamlit run --help`), e.g. --server.port 8501.",
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="Streamlit processes behind nginx on the public port (default 1: one process, "
        "no proxy)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    # `serve` hands what it does not know to Streamlit; every other command is strict.
    args, rest = parser.parse_known_args(argv)
    if rest and args.command != "serve":
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:  # every SELSTATS_* variable checked before anything runs
        settings()
    except SettingsError as error:
        print(f"selstats: {error}", file=sys.stderr)
        return EXIT_USAGE
    db = db_path(args.db)
    lang = getattr(args, "lang", "nl")
    _tell_when_waiting(lang)
    if args.command in ("demo", "purge"):
        try:
            if args.command == "demo":
                return _demo(db, args.scale, args.seed)
            return _purge(db, args, parser)
        except Exception as error:
            refusal = _write_refusal(error, db, lang)
            if refusal is None:
                raise
            print(refusal, file=sys.stderr)
            return EXIT_INVALID
    if args.command == "import":
        return _import(db, args.paths, args.user, args.lang)
    if args.command == "export":
        return _export(db, args, parser)
    if args.command == "check":
        return _check(db, args.lang)
    if args.command == "user":
        return _user(args, parser)
    if args.command == "alerts":
        return _alerts(db, args, parser)
    if args.command == "plan":
        return _plan(db, args, parser)
    if args.command == "serve":
        return _serve(db if args.db else None, rest, args.workers)
    parser.error(f"unknown command {args.command}")
    return EXIT_USAGE


def _tell_when_waiting(lang: str) -> None:
    """A write that waits for another one says so (selstats.store.lock)."""
    from selstats.ingest.messages import notice
    from selstats.store.lock import set_wait_notice

    def tell(store: Path) -> None:
        # Above the progress bar, not glued to it.
        tqdm.write(notice("store_waiting", lang, store=store), file=sys.stderr)

    set_wait_notice(tell)


def _write_refusal(error: Exception, db: Path, lang: str) -> str | None:
    """The sentence for a write that another writer or a full disk stopped, else None."""
    from selstats.ingest.problems import Code, Problem
    from selstats.store.lock import StoreBusy
    from selstats.store.writer import StoreDiskFull

    if isinstance(error, StoreBusy):
        params: dict[str, object] = {"variant": "write", "seconds": f"{error.waited:.0f}"}
        return Problem(file=str(db), code=Code.STORE_BUSY, params=params).message(lang)
    if isinstance(error, StoreDiskFull):
        params = {"variant": "write", "folder": str(error.folder)}
        return Problem(file=str(db), code=Code.DISK_FULL, params=params).message(lang)
    return None


def _serve(db: Path | None, options: list[str], workers: int) -> int:
    from selstats.serve import serve

    if workers < 1:
        print("selstats serve: --workers takes 1 or more", file=sys.stderr)
        return EXIT_USAGE
    if db is not None:  # the pages read $SELSTATS_DB
        os.environ["SELSTATS_DB"] = str(db.resolve())
        settings.cache_clear()
    if "max_upload_mb" in settings().model_fields_set:
        # Streamlit's uploader refuses what the import would refuse
        os.environ["STREAMLIT_SERVER_MAX_UPLOAD_SIZE"] = str(settings().max_upload_mb)
    serve(options, workers)


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
    from selstats.ingest.messages import say
    from selstats.store.imports import import_paths

    with tqdm(desc="import", unit="file", file=sys.stderr) as bar:

        def progress(name: str) -> None:
            bar.set_postfix_str(name)
            bar.update(1)

        report = import_paths(paths, db, imported_by=user, progress=progress)
    _print_warnings(report.warnings, lang)
    if not report.ok:
        for problem in report.problems:
            print(problem.message(lang), file=sys.stderr)
        print(say("cli.rejected", lang, count=len(report.problems)), file=sys.stderr)
        return EXIT_INVALID
    for table, rows in report.rows_by_table.items():
        print(say("cli.imported", lang, table=table, rows=rows))
    return EXIT_OK


def _print_warnings(warnings: Sequence[Problem], lang: str) -> None:
    """Columns not used, one line each (file and column), on stderr: they do not change
    the exit status."""
    from selstats.ingest.messages import render_warning, warnings_summary

    for warning in warnings:
        print(render_warning(warning, lang), file=sys.stderr)
    if warnings:
        print(warnings_summary(len(warnings), lang), file=sys.stderr)


def _os_user() -> str:
    """Who runs the command, for the audit log: the operating system's user name."""
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no name for this uid (a bare container)
        return f"uid:{os.getuid()}"


def _export(db: Path, args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    import dataclasses

    from selstats.access.audit import recorded
    from selstats.access.origin import Origin
    from selstats.export import EXCEL_CSV, CsvDialect, Presentation, about_lines, write_batches
    from selstats.store.connection import open_reader
    from selstats.tables import Scope, export_relation, table_params

    if args.format != "csv" and args.out is None:
        parser.error(f"--format {args.format} needs --out FILE")
    if not db.exists():
        print(f"store not found: {db} (build it with `selstats demo`)", file=sys.stderr)
        return EXIT_INVALID
    scope = Scope(
        year_from=args.year_from,
        year_to=args.year_to,
        govs=tuple(args.government),
        orgs=tuple(args.org),
        levels=tuple(args.level),
        procs=tuple(args.procedure),
    )
    # Recorded in the store's audit file once the export ended: ok with its rows, or failed
    # with the error's class (an exception still ends the command as before).
    detail = {
        "table": args.table,
        "format": "csv-excel" if args.excel and args.format == "csv" else args.format,
        "file": str(args.out) if args.out is not None else "-",
        **{k: v for k, v in dataclasses.asdict(scope).items() if v not in (None, ())},
        **{k: v for k in ("as_of", "mode", "coefficient") if (v := getattr(args, k)) is not None},
    }
    with recorded(
        "export", user=_os_user(), detail=detail, origin=Origin(source="cli"), db=db
    ) as record:
        con = open_reader(db)
        params = table_params(
            con, scope, as_of=args.as_of, mode=args.mode, coefficient=args.coefficient
        )
        relation = export_relation(con, args.table, params)
        dialect = EXCEL_CSV if args.excel else CsvDialect()
        reader = relation.to_arrow_reader(batch_size=100_000)
        shown = None
        if args.labels:  # as the dashboard's downloads (selstats.export.presented)
            about = {**dataclasses.asdict(scope), **detail, "table": args.table}
            file = args.out.name if args.out is not None else None
            made = datetime.now().replace(microsecond=0)
            shown = Presentation(args.lang, about=about_lines(about, args.lang, made, file=file))
            record.detail["labels"] = args.lang
        if args.out is None:
            try:
                record.detail["rows"] = write_batches(
                    reader, sys.stdout.buffer, "csv", dialect, presentation=shown
                )
            except BrokenPipeError:
                # `selstats export ... | head` closed the pipe: that is the reader's choice,
                # but not every row was written.
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                record.fail("BrokenPipeError")
            return EXIT_OK
        with tqdm(desc=f"export {args.table}", unit="row", file=sys.stderr) as bar:
            rows = write_batches(
                reader, args.out, args.format, dialect, progress=bar.update, presentation=shown
            )
        record.detail["rows"] = rows
    print(f"{args.table}: {rows} rows -> {args.out}", file=sys.stderr)
    return EXIT_OK


def _check(db: Path, lang: str) -> int:
    from selstats.ingest.messages import say
    from selstats.store.check import check_store

    problems = check_store(db)
    for problem in problems:
        print(problem.message(lang))
    if problems:
        print(say("cli.check_problems", lang, count=len(problems)))
        return EXIT_INVALID
    print(say("cli.check_clean", lang))
    return EXIT_OK


def _user(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """`selstats user add|remove|list`: the local users file (selstats.access.users)."""
    import getpass

    from selstats.access.roles import parse_roles
    from selstats.access.users import (
        User,
        UsersFileError,
        add_user,
        hash_password,
        load_users,
        normalise_username,
        remove_user,
        users_path,
    )

    path = args.users or users_path()
    try:
        if args.action == "list":
            for found in load_users(path).values():
                roles = ",".join(r.value for r in found.roles) or "-"
                login = "password" if found.password_hash else "oidc"
                print(f"{found.username}\t{roles}\t{','.join(found.orgs) or '-'}\t{login}")
            return EXIT_OK
        if not args.username:
            parser.error(f"user {args.action} needs a user name")
        if args.action == "remove":
            if not remove_user(args.username, path):
                print(f"no user {args.username!r} in {path}", file=sys.stderr)
                return EXIT_INVALID
            print(f"removed {args.username} from {path}")
            return EXIT_OK
        if not args.role:
            parser.error("user add needs at least one --role")
        if "hr" in args.role and not args.org:
            parser.error("an hr user needs --org (the organisations the user works for)")
        password_hash = None
        if not args.no_password:
            if args.password_stdin:
                password = sys.stdin.readline().rstrip("\r\n")
            else:
                password = getpass.getpass("password: ")
                if getpass.getpass("again: ") != password:
                    print("the passwords differ; nothing written", file=sys.stderr)
                    return EXIT_INVALID
            if len(password) < 8:
                print("a password needs at least 8 characters; nothing written", file=sys.stderr)
                return EXIT_INVALID
            password_hash = hash_password(password)
        new = User(
            username=normalise_username(args.username),
            roles=parse_roles(args.role),
            orgs=tuple(dict.fromkeys(args.org)),
            name=args.name,
            password_hash=password_hash,
            email=args.email.strip(),
            language=args.language,
        )
        add_user(new, path, replace=args.replace)
    except UsersFileError as error:
        print(error, file=sys.stderr)
        return EXIT_INVALID
    print(f"{new.username}: {', '.join(r.value for r in new.roles)} -> {path}")
    return EXIT_OK


def _alerts(db: Path, args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """`selstats alerts`: e-mail every user what is due (selstats.alerts); `--dry-run`
    prints the messages; `--ics USER` writes that user's calendar."""
    from selstats.access.users import UsersFileError, load_users, normalise_username, users_path
    from selstats.alerts.run import run_alerts
    from selstats.alerts.settings import SettingsError, alert_settings

    if not db.exists():
        print(f"store not found: {db} (build it with `selstats demo`)", file=sys.stderr)
        return EXIT_INVALID
    try:
        users = load_users(args.users or users_path())
        settings = alert_settings()
    except (UsersFileError, SettingsError) as error:
        print(error, file=sys.stderr)
        return EXIT_INVALID
    as_of = args.as_of or date.today()
    if args.ics:
        return _alerts_calendar(db, users.get(normalise_username(args.ics)), args, as_of)
    if args.out is not None:
        parser.error("--out goes with --ics")
    if not args.dry_run and not settings.can_send:
        print("SELSTATS_SMTP_HOST is not set: nothing can be sent (try --dry-run)", file=sys.stderr)
        return EXIT_INVALID
    only = {normalise_username(u) for u in args.user}
    unknown = sorted(only - users.keys())
    if unknown:
        print(f"not in the users file: {', '.join(unknown)}", file=sys.stderr)
        return EXIT_INVALID
    report = run_alerts(
        db,
        users,
        as_of=as_of,
        settings=settings,
        dry_run=args.dry_run,
        only=only,
        actor=_os_user(),
    )
    for outcome in report.outcomes:
        message = outcome.message
        if args.dry_run and message is not None:
            print(f"To: {message.to}\nSubject: {message.subject}\n\n{message.text}")
            print("-" * 72)
        elif outcome.status == "no_address":
            from selstats.i18n import translate

            print(translate(args.lang, "alerts.no_address", user=outcome.username), file=sys.stderr)
        else:
            alerts = f" ({len(message.keys)} alert(s))" if message is not None else ""
            why = f": {outcome.error}" if outcome.error else ""
            print(f"{outcome.username}: {outcome.status}{alerts}{why}")
    verb = "would send" if args.dry_run else "sent"
    count = report.count("dry_run") if args.dry_run else report.count("sent")
    print(f"{count} message(s) {verb} on {as_of}; {report.count('failed')} failed", file=sys.stderr)
    return EXIT_INVALID if report.count("failed") else EXIT_OK


def _alerts_calendar(db: Path, user: object, args: argparse.Namespace, as_of: date) -> int:
    from selstats.access.scope import access_for
    from selstats.access.users import User
    from selstats.alerts.calendar import build_calendar
    from selstats.alerts.facts import scope_params, scoped_frame
    from selstats.alerts.run import user_language
    from selstats.alerts.settings import alert_settings
    from selstats.store.connection import open_reader

    if not isinstance(user, User):
        print(f"not in the users file: {args.ics}", file=sys.stderr)
        return EXIT_INVALID
    access = access_for(user)
    con = open_reader(db)
    params = scope_params(as_of)
    ics = build_calendar(
        scoped_frame(con, access, "reserve_lists", **params),
        scoped_frame(con, access, "certification", **params),
        lang=user_language(user),
        as_of=as_of,
        base_url=alert_settings().public_url,
    )
    con.close()
    if args.out is None:
        sys.stdout.buffer.write(ics)
    else:
        args.out.write_bytes(ics)
        print(f"{user.username}: calendar -> {args.out}", file=sys.stderr)
    return EXIT_OK


def _plan(db: Path, args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """`selstats plan`: the recruitment planner's figures (selstats.planner) from the
    store's whole history, in --lang."""
    from selstats import query
    from selstats.planner import Plan, PlanError, forecast, parse_steps
    from selstats.planner.present import error_text, forecast_lines
    from selstats.store.connection import open_reader
    from selstats.tables import Scope

    if not db.exists():
        print(f"store not found: {db} (build it with `selstats demo`)", file=sys.stderr)
        return EXIT_INVALID
    try:
        plan = Plan(
            level=args.level,
            steps=parse_steps(args.steps),
            places=args.places,
            government=args.government,
            applicants=args.applicants,
        )
        con = open_reader(db)
        steps = query.run(con, "planner_steps", **Scope().params())
        procedures = query.run(con, "planner_procedures", **Scope().params())
        con.close()
        result = forecast(plan, steps, procedures, seed=args.seed)
    except PlanError as error:
        print(f"selstats plan: {error_text(error, args.lang)}", file=sys.stderr)
        return EXIT_USAGE
    print("\n".join(forecast_lines(result, args.lang)))
    return EXIT_OK


def _purge(db: Path, args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """`selstats purge`: the retention rule (selstats.store.purge); a dry run unless --apply."""
    from selstats.access.audit import record_event
    from selstats.store.purge import apply_purge, dry_run

    if args.months is not None and args.months < 0:
        parser.error("--months must not be negative")
    if not db.exists():
        print(f"store not found: {db}", file=sys.stderr)
        return EXIT_INVALID
    user = args.user or os.environ.get("USER") or "unknown"
    if args.apply:  # recorded in the store's audit_log, in the purge's own transaction
        plan = apply_purge(db, args.months, args.as_of, user)
    else:
        plan = dry_run(db, args.months, args.as_of)
        record_event("retention", user=user, detail=plan.detail(), db=db)
    for item in plan.items:
        print(
            f"{item.procedure_code} ({item.org_id}), list expired {item.expired_on}: "
            f"results {item.results}, laureates {item.laureates}, "
            f"list_entries {item.list_entries}"
        )
    rows = ", ".join(f"{table} {n}" for table, n in plan.rows.items())
    verb = "removed" if plan.applied else "would remove (dry run, nothing changed; --apply)"
    print(
        f"{len(plan.items)} procedure(s) with a list expired more than {plan.months} months "
        f"before {plan.as_of}: {verb}: {rows}"
    )
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
