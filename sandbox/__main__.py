"""Command line: serve the sandbox platform, or play the reviewer / task force against its database."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import secrets
import sys
from dataclasses import asdict
from typing import Any

from sandbox.console.accounts import MIN_PASSWORD, AccountError, ConsoleAccounts
from sandbox.console.audit import ConsoleAuditTrail
from sandbox.console.messages import CLI
from sandbox.console.web import SECURE_COOKIE_ENV
from sandbox.db import default_db_path, make_engine
from sandbox.faults import LEVELS
from sandbox.loopback import HostRefused, check_host
from sandbox.rollout import RolloutError, status_table
from sandbox.service import ApiError, Platform


def _platform(args: argparse.Namespace) -> Platform:
    return Platform(make_engine(db_url=args.db_url, db_path=args.db))


def _database(args: argparse.Namespace) -> str:
    """The database as one string for worker processes: the URL, else the SQLite file."""
    return str(args.db_url or args.db or default_db_path())


def _value(text: str) -> Any:
    """JSON when it parses (lists, numbers, true/false), else the plain string."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _print(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2))


def _release(platform: Platform, args: argparse.Namespace) -> None:
    if args.kiosk in ("add", "list"):
        if args.kiosk == "list":
            _print(platform.rollouts.releases())
        elif not args.version:
            raise RolloutError("release add needs a VERSION")
        else:
            _print(platform.rollouts.add_release(args.version, args.notes))
        return
    if not (args.hold or args.run or args.clear):
        raise ApiError("VALIDATION_ERROR", "give --hold, --run VERSION or --clear")
    wish = None if args.clear else {"hold": bool(args.hold), "version": args.run}
    _print(platform.push_setting(args.kiosk, "update", wish))


def _rollout(platform: Platform, args: argparse.Namespace) -> None:
    rollouts = platform.rollouts
    command = args.rollout_command
    if command == "start":
        _print(rollouts.start(args.version, percent=args.percent, county=args.county, kiosk=args.kiosk))
    elif command == "status":
        print(status_table(rollouts.rollout_status(args.version)))
    elif command == "list":
        _print(rollouts.list_rollouts())
    else:
        _print({"pause": rollouts.pause, "resume": rollouts.resume, "stop": rollouts.stop}[command](args.version))


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m sandbox", description="Local sandbox of the provincial platform API")
    p.add_argument("--db", default=None, help=f"SQLite file or a SQLAlchemy URL (default {default_db_path()})")
    p.add_argument("--db-url", default=None, help="SQLAlchemy URL instead, e.g. postgresql+psycopg://user@host/db")
    p.add_argument("--host", default="127.0.0.1", help="only 127.0.0.1 is accepted")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--seed", choices=["demo", "none", "nothing"], default="demo",
                   help="demo: fill an empty database with demo data; none: only the demo kiosks; nothing: no demo "
                        "data or kiosks at all (production: register kiosks with add-kiosk)")
    p.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    sub = p.add_subparsers(dest="command")
    sv = sub.add_parser("serve", help="run the server (the default)")
    # The database and port may also follow "serve" (python -m sandbox serve --db URL --workers 4).
    sv.add_argument("--db", default=argparse.SUPPRESS, help="as above")
    sv.add_argument("--db-url", default=argparse.SUPPRESS, help="as above")
    sv.add_argument("--port", type=int, default=argparse.SUPPRESS, help="as above")
    sv.add_argument("--seed", choices=["demo", "none", "nothing"], default=argparse.SUPPRESS, help="as above")
    sv.add_argument("--log-level", choices=["debug", "info", "warning", "error"], default=argparse.SUPPRESS,
                    help="as above")
    sv.add_argument("--workers", type=int, default=1,
                    help="worker processes sharing the socket and the database (state lives in the database)")
    sv.add_argument("--behind-tls", action="store_true",
                    help="a TLS proxy serves the gateway: the console's session cookie gets the Secure flag")
    r = sub.add_parser("review", help="approve or reject a case")
    r.add_argument("case_no")
    g = r.add_mutually_exclusive_group(required=True)
    g.add_argument("--approve", action="store_true")
    g.add_argument("--reject", metavar="REASON")
    a = sub.add_parser("answer-fault", help="answer a fault report")
    a.add_argument("report_no")
    a.add_argument("response")
    a.add_argument("--deadline", help="YYYY-MM-DD (default: in 7 days)")
    a.add_argument("--by", help="who answers, e.g. 业务骨干 王工 (default: 平台管理员)")
    a.add_argument("--level", choices=LEVELS, help="the answering level; must be the report's level now "
                                                   "(default: whichever level it is at)")
    sub.add_parser("escalate-faults", help="move unanswered fault reports past their due time one level up "
                                           "(run it from a timer, e.g. every 5 minutes)")
    e = sub.add_parser("essc-token", help="print a fresh one-time e-SSC token (60 s) for a person")
    e.add_argument("person", help="person_id (P0001), ID number or name")
    s = sub.add_parser("push-setting", help="set a setting the kiosk receives with its next heartbeat")
    s.add_argument("kiosk")
    s.add_argument("key")
    s.add_argument("value", nargs="?", help="JSON or text; omit with --unset")
    s.add_argument("--unset", action="store_true")
    rl = sub.add_parser("release", usage="%(prog)s add VERSION [--notes TEXT] | list | KIOSK --hold|--run VERSION|--clear",
                        help="record a release (add VERSION, list); or hold one kiosk on its release, or have it "
                             "run one version (an apt pin that wins over any rollout)")
    rl.add_argument("kiosk", metavar="add|list|KIOSK")
    rl.add_argument("version", nargs="?", help="with add: the Debian version the APT repository holds")
    rl.add_argument("--notes", default="", help="with add: what the release changes")
    rg = rl.add_mutually_exclusive_group()
    rg.add_argument("--hold", action="store_true", help="stay on the installed release")
    rg.add_argument("--run", metavar="VERSION", help="install and keep exactly this Debian version")
    rg.add_argument("--clear", action="store_true", help="follow the repository (or the rollout) again")
    ro = sub.add_parser("rollout", help="staged rollout of a release: start/pause/resume/stop/status/list")
    ro_sub = ro.add_subparsers(dest="rollout_command", required=True)
    rs = ro_sub.add_parser("start", help="add a stage to the release's rollout and make it active")
    rs.add_argument("version")
    stage = rs.add_mutually_exclusive_group(required=True)
    stage.add_argument("--percent", type=float, help="this share of the whole fleet (a stable hash of the kiosk id)")
    stage.add_argument("--county", help="every kiosk of this county")
    stage.add_argument("--kiosk", help="one kiosk")
    for name, text in (("pause", "everyone the rollout covers holds where they are"),
                       ("resume", "a paused rollout goes on"),
                       ("stop", "the rollout is over: kiosks follow the repository again"),
                       ("status", "how many kiosks run, were told to run, failed or rolled back the release")):
        ro_sub.add_parser(name, help=text).add_argument("version")
    ro_sub.add_parser("list", help="every rollout with its state and stages")
    sub.add_parser("prune-heartbeats", help="delete heartbeats older than the kept days (sandbox/fleet_settings.json)")
    t = sub.add_parser("touch-job", help="create/update/tombstone a feed item (default feed fixed_jobs)")
    t.add_argument("item_id")
    t.add_argument("--feed", default="fixed_jobs")
    t.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE")
    t.add_argument("--delete", action="store_true")
    sub.add_parser("invalidate-cursors", help="every feed cursor answers FEED_REFETCH from now on")
    sub.add_parser("kiosks", help="list kiosks with their last heartbeat")
    au = sub.add_parser("audit", help="list technician audit entries, newest first")
    au.add_argument("--kiosk")
    au.add_argument("--limit", type=int, default=50)
    sub.add_parser("seed", help="seed the demo data and exit")
    ak = sub.add_parser("add-kiosk", help="register (or re-key) a kiosk with a new random secret, printed once")
    ak.add_argument("kiosk")
    ak.add_argument("--name", default="")
    ak.add_argument("--city", help="市, e.g. 大同市 (the fleet console shows a kiosk to its city's and county's staff)")
    ak.add_argument("--county", help="县/区, e.g. 天镇县")
    ak.add_argument("--town", help="乡镇, e.g. 玉泉镇")
    cs = sub.add_parser("add-console-staff",
                        help="create a fleet console account (or reset its password); the password is read from "
                             "standard input, or asked for twice on a terminal")
    cs.add_argument("login")
    cs.add_argument("--role", required=True, choices=["province", "city", "county"])
    cs.add_argument("--area", required=True, help="the province, city or county the account sees, e.g. 天镇县")
    cs.add_argument("--city", default=None, help="with --role county: the county's city, e.g. 大同市 (county names repeat)")
    cs.add_argument("--name", default="", help="the person's name as the console shows it")
    sub.add_parser("openapi", help="print the OpenAPI document")
    return p


def _read_password() -> str:
    """The new password: one line of standard input, or typed twice at a terminal (never echoed)."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(CLI["password_prompt"].format(min=MIN_PASSWORD))
    if getpass.getpass(CLI["password_again"]) != first:
        raise AccountError(CLI["password_mismatch"])
    return first


def _add_console_staff(platform: Platform, args: argparse.Namespace) -> None:
    audit = ConsoleAuditTrail(platform.Session, platform.clock)
    created = ConsoleAccounts(platform, audit).add_staff(args.login, args.role, args.area, _read_password(), args.name,
                                                         args.city)
    print(CLI["created" if created else "updated"].format(login=args.login, role=args.role, area=args.area))


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    command = args.command or "serve"
    try:
        if command == "serve":
            from sandbox.server import serve, serve_workers  # uvicorn only when serving: keeps the CLI quick

            check_host(args.host)
            if getattr(args, "behind_tls", False):  # read by every worker process's app (sandbox.console.web)
                os.environ[SECURE_COOKIE_ENV] = "1"
            platform = _platform(args)  # migrates the database once, before any worker starts
            if args.seed == "demo":
                platform.seed_demo()
            elif args.seed == "none":
                platform.register_demo_kiosks()
            workers = getattr(args, "workers", 1)
            if workers > 1:
                platform.engine.dispose()
                serve_workers(_database(args), workers, args.host, args.port, args.log_level)
            else:
                serve(platform, args.host, args.port, args.log_level)
        elif command == "openapi":
            from sandbox.app import create_app, openapi_text

            sys.stdout.write(openapi_text(create_app(Platform(make_engine(db_url="sqlite://")))))
        else:
            platform = _platform(args)
            if command == "seed":
                platform.seed_demo()
            elif command == "add-kiosk":  # the secret goes to the kiosk's provisioning, never into a log
                secret = secrets.token_hex(32)
                platform.add_kiosk(args.kiosk, secret, args.name, city=args.city, county=args.county, town=args.town)
                _print({"kiosk_id": args.kiosk, "secret": secret})
            elif command == "add-console-staff":
                _add_console_staff(platform, args)
            elif command == "review":
                _print(platform.review(args.case_no, "approve" if args.approve else "reject", args.reject))
            elif command == "answer-fault":
                _print(platform.answer_fault(args.report_no, args.response, args.deadline, by=args.by, level=args.level))
            elif command == "escalate-faults":
                _print([asdict(e) for e in platform.escalate_faults()])
            elif command == "essc-token":
                print(platform.issue_essc_token(args.person)["essc_token"])
            elif command == "push-setting":
                if args.value is None and not args.unset:
                    raise ApiError("VALIDATION_ERROR", "give a VALUE or --unset")
                _print(platform.push_setting(args.kiosk, args.key, None if args.unset else _value(args.value)))
            elif command == "release":
                _release(platform, args)
            elif command == "rollout":
                _rollout(platform, args)
            elif command == "prune-heartbeats":
                deleted = platform.heartbeat_pruner.prune()
                print(f"{deleted} heartbeats older than {platform.heartbeat_pruner.retention.keep_days:g} days deleted")
            elif command == "touch-job":
                fields = {}
                for pair in args.set:
                    name, _, value = pair.partition("=")
                    fields[name] = _value(value)
                _print(platform.touch_item(args.feed, args.item_id, fields or None, args.delete))
            elif command == "invalidate-cursors":
                _print({"epoch": platform.invalidate_cursors()})
            elif command == "kiosks":
                _print(platform.list_kiosks())
            elif command == "audit":
                _print(platform.audit_entries(args.kiosk, args.limit))
    except AccountError as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 1
    except RolloutError as exc:
        print(f"refused: {exc.message}", file=sys.stderr)
        return 1
    except HostRefused as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    except ApiError as exc:
        print(f"{exc.code}: {exc.message}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
