"""`espec ...`: parse arguments, call library functions, print what happened."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .case.errors import CaseFileError


def _root(args: argparse.Namespace) -> Path:
    """The workbook folder: the command's DIR, else --root, else found from the current folder."""
    from .paths import project_root

    folder = getattr(args, "folder", None) or args.root
    if folder and not (Path(folder) / "data" / "cases").is_dir():
        raise FileNotFoundError(
            f"{folder} is not a workbook folder (no data/cases in it); "
            "make one with `espec init DIR`"
        )
    if folder:
        # An explicit folder wins over $ESPEC_ROOT: the user named it on this command line.
        return Path(folder).resolve()
    return project_root()


def _split_workbook_folder(args: argparse.Namespace) -> None:
    """`espec check DIR` with DIR a workbook folder checks that folder, as serve and build do."""
    if len(args.paths) == 1 and (Path(args.paths[0]) / "data" / "cases").is_dir():
        args.folder, args.paths = args.paths[0], []


def cmd_init(args: argparse.Namespace) -> int:
    from .scaffold import FolderNotEmptyError, init

    try:
        folder = init(Path(args.folder))
    except FolderNotEmptyError as exc:
        print(f"espec: {exc}", file=sys.stderr)
        return 1
    print(f"made a workbook folder at {folder}")
    print(f"serve it with: espec serve {args.folder}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from .case import load_library
    from .paths import data_dir

    _split_workbook_folder(args)
    root = _root(args)
    paths = [Path(p) for p in args.paths] or None
    missing = [p for p in paths or [] if not p.exists()]
    if missing:
        for p in missing:
            print(f"{p}: no such file or folder", file=sys.stderr)
        return 2
    library = load_library(data_dir(root), paths=paths)
    n = len(library.cases)
    if paths is None:
        g = len(library.guides)
    else:
        g = sum(p.suffix == ".md" for p in paths)
        g += sum(len(list(p.glob("*.md"))) for p in paths if p.is_dir())
    checked = f"{n} case{'s' if n != 1 else ''}"
    if library.scenarios:
        s = len(library.scenarios)
        checked += f", {s} live scenario{'s' if s != 1 else ''}"
    if library.course is not None:
        checked += ", the course record"
    for bank in library.banks.values():
        checked += f", the Part {bank.part.value} post-test ({len(bank.items)} items)"
    if g:
        checked += f" and {g} guide{'s' if g != 1 else ''}"
    for warning in library.warnings:
        print(warning, file=sys.stderr)
    w = len(library.warnings)
    warned = f" ({w} warning{'s' if w != 1 else ''}, above)" if w else ""
    print(f"ok: {checked} checked, no problems found{warned}")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from .builder import build

    report = build(_root(args), check=args.check)
    if args.check:
        for label, items in (
            ("differs from its case file", report.differs),
            ("is missing", report.missing),
            ("is stale (no case file builds it)", report.stale),
        ):
            for rel in items:
                print(f"{rel}: {label}", file=sys.stderr)
        if not report.clean:
            print("run `espec build` and commit the result", file=sys.stderr)
            return 1
        print(f"ok: {len(report.unchanged)} generated files match the case files")
        return 0
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for rel in report.written:
        print(f"wrote {rel}")
    for rel in report.removed:
        print(f"removed {rel}")
    print(
        f"{len(report.written)} written, {len(report.unchanged)} unchanged, "
        f"{len(report.removed)} removed"
    )
    return 0


def cmd_ce_audit(args: argparse.Namespace) -> int:
    from .case import load_library
    from .ce_audit import audit, bank_report, render
    from .paths import data_dir

    _split_workbook_folder(args)
    root = _root(args)
    paths = [Path(p) for p in args.paths] or None
    for p in paths or []:
        if not p.exists():
            print(f"{p}: no such file or folder", file=sys.stderr)
            return 2
    library = load_library(data_dir(root), paths=paths)
    # Part and category totals only mean something for the whole curriculum.
    result = audit(
        library.curriculum,
        totals=paths is None,
        scenarios=library.scenarios.values(),
        course=library.course,
    )
    print(render(result, markdown=args.format == "markdown", detail=args.detail), end="")
    if paths is None:
        for bank in library.banks.values():
            print("\n" + bank_report(bank, library.curriculum), end="")
    for problem in result.problems:
        print(problem, file=sys.stderr)
    if not result.ok:
        n = len(result.problems)
        print(f"{n} problem{'s' if n != 1 else ''}: see docs/ce-audit.md", file=sys.stderr)
        return 1
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import serve

    options = list(args.server_options)
    for flag, name in (
        ("max_kernels", "max_kernels"),
        ("max_kernels_per_client", "max_kernels_per_client"),
    ):
        if (value := getattr(args, flag)) is not None:
            options.append(f"--WorkbookKernelManager.{name}={value}")
    port = args.port if args.port is not None else (8867 if args.staff else 8866)
    return serve(
        _root(args),
        port=port,
        host=args.host,
        open_browser=args.open,
        options=options,
        staff=args.staff,
    )


def cmd_staff_key(args: argparse.Namespace) -> int:
    from .store import open_store
    from .store.live import LiveError

    store = open_store(args.url, upgrade=True)
    if args.action == "list":
        keys = store.live.find_staff_keys()
        for name, made in keys:
            print(f"{name}  (made {made.astimezone():%Y-%m-%d %H:%M})")
        if not keys:
            print("no instructor keys yet: espec staff-key add NAME")
        return 0
    if not args.name:
        print(f"espec: staff-key {args.action} needs the key's NAME", file=sys.stderr)
        return 2
    if args.action == "remove":
        if store.live.remove_staff_key(args.name):
            print(f"removed the key {args.name!r}: it no longer opens the console")
            return 0
        print(f"espec: no key called {args.name!r}", file=sys.stderr)
        return 1
    try:
        key = store.live.add_staff_key(args.name)
    except LiveError as exc:
        print(f"espec: {exc}", file=sys.stderr)
        return 1
    print(
        f"The instructor key for {args.name!r} is shown this once (only its hash is kept):\n\n"
        f"    {key}\n\nGive it to the instructor privately. They type it into the console "
        "page; it is never part of an address."
    )
    return 0


VERIFIED = {
    "genuine": "genuine: this certificate was issued by this workbook",
    "revoked": "REVOKED: this certificate was issued by this workbook and later revoked",
    "altered": "NOT VALID: this ID has been mistyped or altered (its check characters do not match)",
    "unknown": "NOT FOUND: no certificate with this ID was issued by this workbook",
}


def cmd_certificate(args: argparse.Namespace) -> int:
    from .credit.certificate import fields
    from .store import open_store
    from .store.credit import CreditError

    store = open_store(args.url, upgrade=True)
    if args.action == "list":
        found = store.credit.find_certificates()
        for c in found:
            mark = f"  REVOKED {c.revoked_at:%Y-%m-%d}" if c.revoked_at else ""
            print(f"{c.id}  Part {c.part}  {c.completed_on}  {c.holder_name}{mark}")
        if not found:
            print("no certificates issued yet")
        return 0
    if not args.id:
        print(f"espec: certificate {args.action} needs the certificate's ID", file=sys.stderr)
        return 2
    if args.action == "revoke":
        try:
            revoked = store.credit.update_revoked(args.id, args.reason or "")
        except CreditError as exc:
            print(f"espec: {exc}", file=sys.stderr)
            return 1
        print(
            f"revoked {revoked.id} ({revoked.holder_name}, Part {revoked.part}): "
            f"{revoked.revoke_reason}"
        )
        return 0
    result = store.credit.verify(args.id)
    print(VERIFIED[result.status])
    cert = result.certificate
    if cert is not None:
        shown = dict(fields(cert))
        for label in (
            "Participant",
            "Course",
            "Part",
            "CE hours",
            "Completed on",
            "Certificate ID",
        ):
            print(f"  {label}: {shown[label]}")
        if cert.revoked_at is not None:
            print(f"  Revoked on: {cert.revoked_at:%Y-%m-%d}; reason: {cert.revoke_reason}")
    return 0 if result.genuine else 1


def cmd_evaluation(args: argparse.Namespace) -> int:
    from .credit import evaluation as ev
    from .credit.runtime import load_credit
    from .store import open_store

    credit = load_credit(_root(args))
    record = credit.part(args.part)
    if record is None:
        print(f"espec: the course record has no Part {args.part}", file=sys.stderr)
        return 2
    store = open_store(args.url, upgrade=True)
    asked = ev.questions(record)
    answers = store.credit.find_evaluation_answers(args.part)
    print(ev.render_summary(args.part, ev.summary(asked, answers)), end="")
    return 0


def _write_private(path: Path, text: str) -> None:
    """A file of learners' data, readable by its owner only (as the store's own file is)."""
    import os

    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # also when the file was there before
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)


def _one_learner(store: Any, who: str) -> Any:
    """The learner an operator names (display name or JupyterHub user), if exactly one."""
    found = store.data.find_learners_named(who)
    if len(found) == 1:
        return found[0]
    if not found:
        print(f"espec: no learner goes by {who!r}", file=sys.stderr)
    else:
        print(
            f"espec: {len(found)} learners go by {who!r}; ask the learner to use "
            "Delete my data on their own My journal page",
            file=sys.stderr,
        )
    return None


def cmd_learner(args: argparse.Namespace) -> int:
    import json

    from .store import open_store
    from .store.learner_data import KEPT

    store = open_store(args.url, upgrade=True)
    learner = _one_learner(store, args.name)
    if learner is None:
        return 1
    if args.action == "export":
        text = json.dumps(store.data.export(learner), indent=2, ensure_ascii=False)
        if args.output:
            _write_private(Path(args.output), text + "\n")
            print(f"wrote {args.output}")
        else:
            print(text)
        return 0
    counts = store.data.count_rows(learner)
    print(
        f"{learner.display_name}: " + ", ".join(f"{t} {n}" for t, n in sorted(counts.items()) if n)
    )
    certificates = counts.get(KEPT, 0)
    if certificates:
        print(
            f"{certificates} certificate(s) stay as a verification record: ID, name, course, "
            "Part, hours and date; the licence and the link to the learner are removed"
        )
    if not args.yes:
        typed = input(f"Type the learner's name ({learner.display_name}) to delete: ")
        if " ".join(typed.split()).casefold() != learner.display_name.casefold():
            print("espec: not deleted (the name typed does not match)", file=sys.stderr)
            return 1
    removed = store.data.delete(learner)
    print("deleted: " + ", ".join(f"{t} {n}" for t, n in sorted(removed.items()) if n))
    left = sum(store.data.count_rows(learner).values())
    print("rows of this learner left in the store: " + str(left))
    return 0 if left == 0 else 1


def _since(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def cmd_export(args: argparse.Namespace) -> int:
    import json

    from .config import settings
    from .store import open_store
    from .xapi.statements import Catalogue, InvalidStatement, Maker, validate

    if args.kind == "accounts":
        return _export_accounts(args)
    try:
        since = _since(args.since)
    except ValueError:
        print(
            f"espec: --since {args.since!r} is not a date or time (e.g. 2026-12-01 or "
            "2026-12-01T09:00:00Z)",
            file=sys.stderr,
        )
        return 2
    store = open_store(args.url, upgrade=True)
    maker = Maker(store, Catalogue.of(_root(args)), settings().public_url)
    lines: list[str] = []
    bad = 0
    for made in maker.for_learners(since=since):
        try:
            validate(made.statement)
        except InvalidStatement as exc:
            print(f"espec: left out: {exc}", file=sys.stderr)
            bad += 1
            continue
        lines.append(json.dumps(made.statement, ensure_ascii=False, sort_keys=True) + "\n")
    n = len(lines)
    if args.output:
        _write_private(Path(args.output), "".join(lines))
    else:
        sys.stdout.writelines(lines)
    print(f"{n} statements" + (f", {bad} left out" if bad else ""), file=sys.stderr)
    return 0 if not bad else 1


def _export_accounts(args: argparse.Namespace) -> int:
    """Which learner each xAPI account is, as CSV: for the operator to give, or not, to the
    organisation that reads the LRS. The file is the owner's only; it names people."""
    import csv
    import io

    from .config import settings
    from .store import open_store
    from .xapi.statements import Catalogue, Maker

    if not args.output:
        print("espec: export accounts needs -o FILE (it names learners)", file=sys.stderr)
        return 2
    store = open_store(args.url, upgrade=True)
    maker = Maker(store, Catalogue(), settings().public_url)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["display_name", "hub_user", "account_homepage", "account_name"])
    accounts = maker.accounts()
    for name, hub, account in accounts:
        writer.writerow([name, hub or "", maker.base, account])
    _write_private(Path(args.output), out.getvalue())
    print(f"{len(accounts)} learners' accounts written to {args.output}", file=sys.stderr)
    return 0


def cmd_xapi(args: argparse.Namespace) -> int:
    import threading

    from .config import settings
    from .store import open_store
    from .xapi.forward import Forwarder

    store = open_store(args.url, upgrade=True)
    if args.action == "status":
        counts = store.outbox.find_counts()
        print(", ".join(f"{k} {v}" for k, v in counts.items()))
        return 0
    config = settings()
    if not config.lrs.get("url"):
        print("espec: no LRS is configured: set ESPEC_LRS_URL (docs/data.md)", file=sys.stderr)
        return 2
    forwarder = Forwarder(store, _root(args), public_url=config.public_url, lrs=config.lrs)
    if args.once:
        queued = forwarder.sync()
        delivery = forwarder.deliver()
        forwarder.close()
        print(
            f"queued {queued}; delivered {delivery.sent}"
            + (
                f"; {delivery.failed} wait for a retry ({delivery.error})"
                if delivery.failed
                else ""
            )
        )
        return 0 if not delivery.failed else 1
    stop = threading.Event()
    try:
        forwarder.run(stop)
    except KeyboardInterrupt:
        stop.set()
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from .store import StoreVersionError, upgrade

    try:
        before, after = upgrade(args.url)
    except StoreVersionError as exc:  # newer than this workbook
        print(f"espec: {exc}", file=sys.stderr)
        return 1
    print(
        f"the database was at {before or 'nothing'}; it is at {after}"
        if before != after
        else f"ok: the database is at {after}, this workbook's revision"
    )
    return 0


def cmd_db_current(args: argparse.Namespace) -> int:
    from .store import HEAD, current

    revision = current(args.url)
    print(f"{revision or 'none (no workbook tables yet)'} (this workbook: {HEAD})")
    return 0 if revision == HEAD else 1


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="espec", description="ESPEC case workbook tools.")
    p.add_argument("--root", help="the workbook folder (default: found from the current folder)")
    sub = p.add_subparsers(dest="command", required=True)

    init = sub.add_parser(
        "init", help="make a new workbook folder with the program's cases and guides, built"
    )
    init.add_argument("folder", metavar="DIR", help="a new or empty folder")
    init.set_defaults(func=cmd_init)

    check = sub.add_parser("check", help="validate case files and report every problem")
    check.add_argument(
        "paths",
        nargs="*",
        help="case files or folders, or one workbook folder (default: this workbook's data/cases)",
    )
    check.set_defaults(func=cmd_check)

    build = sub.add_parser("build", help="turn case files into notebooks")
    build.add_argument("folder", metavar="DIR", nargs="?", help="the workbook folder")
    build.add_argument(
        "--check", action="store_true", help="change nothing; fail if notebooks are out of date"
    )
    build.set_defaults(func=cmd_build)

    ce = sub.add_parser(
        "ce-audit",
        help="estimate learner minutes per case and check them against the CE hours claimed",
    )
    ce.add_argument("paths", nargs="*", help="case files or folders (default: the curriculum)")
    ce.add_argument("--format", choices=["table", "markdown"], default="table")
    ce.add_argument("--detail", action="store_true", help="also list every activity's minutes")
    ce.set_defaults(func=cmd_ce_audit)

    serve = sub.add_parser(
        "serve",
        help="serve the workbook to learners with Voilà",
        usage="espec serve [DIR] [options] [-- server options]",
        epilog="After --, options for the server itself (Voilà and traitlets options, e.g. "
        "-- --WorkbookKernelManager.unconnected_grace=30).",
    )
    serve.add_argument("folder", metavar="DIR", nargs="?", help="the workbook folder")
    serve.add_argument("--port", type=int, help="the port (default: 8866; 8867 with --staff)")
    serve.add_argument(
        "--staff",
        action="store_true",
        help="serve the instructors' console (staff/) instead of the learners' pages; "
        "give it its own port, and keep it off the learners' network if you can",
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--open", action="store_true", help="open a browser tab")
    serve.add_argument(
        "--max-kernels",
        type=int,
        help="most live kernels on this server, preheated pools included "
        "(default: sized from the machine's memory; docs/serving.md)",
    )
    serve.add_argument(
        "--max-kernels-per-client",
        type=int,
        help="most kernels one client address may hold (0: no limit; default: half the server's)",
    )
    serve.set_defaults(func=cmd_serve)

    staff = sub.add_parser(
        "staff-key", help="instructor keys for the live-session console: add, list, remove"
    )
    staff.add_argument("action", choices=["add", "list", "remove"])
    staff.add_argument("name", nargs="?", help="whose key (a person or a team)")
    staff.add_argument(
        "--url", help="the database URL (default: $ESPEC_DB_URL, else the per-user file)"
    )
    staff.set_defaults(func=cmd_staff_key)

    cert = sub.add_parser(
        "certificate", help="certificates: verify an ID, list those issued, revoke one"
    )
    cert.add_argument("action", choices=["verify", "list", "revoke"])
    cert.add_argument("id", nargs="?", help="the certificate ID, e.g. ESPEC-7KQ4-M2XD-93PA-RT")
    cert.add_argument("--reason", help="why the certificate is revoked (required to revoke)")
    cert.add_argument(
        "--url", help="the database URL (default: $ESPEC_DB_URL, else the per-user file)"
    )
    cert.set_defaults(func=cmd_certificate)

    evaluation = sub.add_parser(
        "evaluation", help="the learners' evaluations of a Part, in aggregate only"
    )
    evaluation.add_argument("action", choices=["summary"])
    evaluation.add_argument("--part", default="I", choices=["I", "II", "III"])
    evaluation.add_argument(
        "--url", help="the database URL (default: $ESPEC_DB_URL, else the per-user file)"
    )
    evaluation.set_defaults(func=cmd_evaluation)

    url_help = "the database URL (default: $ESPEC_DB_URL, else the per-user file)"
    learner = sub.add_parser(
        "learner", help="one learner's data: export it as JSON, or delete it from the store"
    )
    learner.add_argument("action", choices=["export", "delete"])
    learner.add_argument("name", help="the learner's display name (or JupyterHub user name)")
    learner.add_argument("--output", "-o", help="export: the JSON file to write (default: stdout)")
    learner.add_argument(
        "--yes", action="store_true", help="delete without asking for the name to be typed"
    )
    learner.add_argument("--url", help=url_help)
    learner.set_defaults(func=cmd_learner)

    export = sub.add_parser(
        "export",
        help="export learning records: xapi as JSON Lines; accounts, which learner each xAPI "
        "account is (CSV)",
    )
    export.add_argument("kind", choices=["xapi", "accounts"])
    export.add_argument(
        "--since", help="only events at or after this date or time (ISO 8601, UTC if no zone)"
    )
    export.add_argument("--output", "-o", help="the .jsonl file to write (default: stdout)")
    export.add_argument("--url", help=url_help)
    export.set_defaults(func=cmd_export)

    xapi = sub.add_parser(
        "xapi", help="forward xAPI statements to the LRS (ESPEC_LRS_URL), or show the outbox"
    )
    xapi.add_argument("action", choices=["forward", "status"])
    xapi.add_argument("--once", action="store_true", help="one round, then exit")
    xapi.add_argument("--url", help=url_help)
    xapi.set_defaults(func=cmd_xapi)

    db = sub.add_parser("db", help="the store's schema: see its revision, upgrade it")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    for name, func, text in (
        (
            "upgrade",
            cmd_db_upgrade,
            "create the database or upgrade it to this workbook's revision",
        ),
        (
            "current",
            cmd_db_current,
            "print the database's revision (exit 1 if not this workbook's)",
        ),
    ):
        step = db_sub.add_parser(name, help=text)
        step.add_argument(
            "--url", help="the database URL (default: $ESPEC_DB_URL, else the per-user file)"
        )
        step.set_defaults(func=func)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    # Everything after a bare -- goes to the server as it is (only `espec serve` takes it).
    extra: list[str] = []
    if "--" in words:
        at = words.index("--")
        words, extra = words[:at], words[at + 1 :]
    p = parser()
    args = p.parse_args(words)
    if extra and args.command != "serve":
        p.error(f"options after -- are for `espec serve` only: {' '.join(extra)}")
    args.server_options = extra
    try:
        return int(args.func(args))
    except CaseFileError as exc:
        for problem in sorted(exc.problems + exc.warnings):
            print(problem, file=sys.stderr)
        n = len(exc.problems)
        files = len({p.path for p in exc.problems})
        w = len(exc.warnings)
        warned = f" (and {w} warning{'s' if w != 1 else ''})" if w else ""
        print(
            f"{n} problem{'s' if n != 1 else ''} in {files} file{'s' if files != 1 else ''}"
            + warned,
            file=sys.stderr,
        )
        return 1
    except FileNotFoundError as exc:
        print(f"espec: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
