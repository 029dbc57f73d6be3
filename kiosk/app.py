"""The composition root: settings → logging → database → devices → platform client → sync → UI.

Each piece is built once here and passed down. `kiosk/` may not import `ui/`, so the UI builder is
handed in by the console entry point (ui/launch.py); headless subcommands need no UI at all.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk import __version__
from kiosk.catalogue import Catalogue, load_catalogue
from kiosk.clock import ServicePointClock
from kiosk.logging_setup import NameRegistry, configure_console_logging, configure_logging
from kiosk.settings import ConfigError, Settings, load_settings
from offline_cache import StorageFault, storage_fault

if TYPE_CHECKING:
    from kiosk.audit import AuditTrail
    from kiosk.device_setup import KeyboardWedgeInput
    from kiosk.platform import PlatformClient
    from kiosk.sandbox_process import SandboxProcess
    from kiosk.services import ResidentServices
    from kiosk.speech import SpeechService
    from kiosk.sync import SyncWorker
    from kiosk.sync.pushed import PushedSettings
    from kiosk.technician import MaintenanceHolds
    from offline_cache import Database

log = logging.getLogger(__name__)

DATABASE_FILE = "kiosk.db"
SANDBOX_DATABASE_FILE = "sandbox.db"
EXIT_CONFIG = 2  # bad configuration, or a data folder the kiosk cannot use

# What a technician reads when the kiosk cannot start for a reason that is not a storage fault.
MESSAGES = {
    "startup_failed": "程序启动失败，详情见日志（数据文件夹 logs/kiosk.log）。请技术人员处理。",
    "out_of_service": "暂停服务：{message}",
}


@dataclass
class KioskCore:
    """Everything below the UI, built once by `build_core` and closed once by `close`."""

    settings: Settings
    names: NameRegistry
    catalogue: Catalogue
    clock: ServicePointClock  # the service point's time: everything shown or printed goes through it
    devices: object | None = None  # devices.manager.DeviceManager
    database: Database | None = None
    platform: PlatformClient | None = None
    sync: SyncWorker | None = None
    sandbox: SandboxProcess | None = None  # demo only: the local sandbox platform child process
    services: ResidentServices | None = None
    keyboard_wedge: KeyboardWedgeInput | None = None  # qr_scanner = "keyboard": the UI feeds scans here
    # technician mode and platform-pushed settings (kiosk/technician.py, kiosk/audit.py, kiosk/sync/pushed.py)
    audit: AuditTrail | None = None
    maintenance: MaintenanceHolds | None = None
    pushed: PushedSettings | None = None
    speech: SpeechService | None = None  # voice guidance (kiosk/speech); the UI decides what is said
    closers: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        """Stop worker threads and close devices, newest first; never raises."""
        while self.closers:
            closer = self.closers.pop()
            try:
                closer()
            except Exception:
                log.exception("shutdown step failed")


def build_database(settings: Settings) -> Database:
    """The kiosk database at data_dir/kiosk.db (migrated; backups before a migration in data_dir/backups)."""
    from offline_cache import open_database

    return open_database(settings.data_dir / DATABASE_FILE, backup_dir=settings.data_dir / "backups",
                         data_dir=settings.data_dir)


def build_platform_client(settings: Settings) -> PlatformClient:
    """The signed platform client from settings.platform (credentials file, secret from the environment)."""
    from kiosk.platform import ENV_SECRET, PlatformClient, load_credentials

    secret = settings.platform.secret_from_env
    credentials = load_credentials(settings.platform.credentials_file, env={ENV_SECRET: secret} if secret else {})
    if credentials.kiosk_id != settings.kiosk_id:
        log.warning("credentials are for kiosk %s but kiosk.id is %s; the platform knows the former",
                    credentials.kiosk_id, settings.kiosk_id)
    return PlatformClient.from_credentials(settings.platform.url, credentials, ca_bundle=settings.platform.ca_bundle,
                                           connect_timeout=settings.platform.connect_timeout_s,
                                           read_timeout=settings.platform.read_timeout_s,
                                           call_deadline=settings.platform.call_deadline_s,
                                           max_reply_bytes=settings.platform.max_reply_bytes)


def build_sync_worker(settings: Settings, database: Database, platform: PlatformClient, *,
                      device_health: Callable[[], Any] = tuple) -> SyncWorker:
    """The sync worker (not started)."""
    from kiosk.sync import SyncWorker

    return SyncWorker(database, platform, settings.sync, data_dir=settings.data_dir, app_version=__version__,
                      device_health=device_health)


def start_demo_sandbox(settings: Settings) -> SandboxProcess:
    """Demo: the sandbox platform as a child process on platform.url's 127.0.0.1 port (reused if already up)."""
    from kiosk.sandbox_process import SandboxProcess

    return SandboxProcess(settings.platform.url, settings.data_dir / SANDBOX_DATABASE_FILE,
                          log_path=settings.data_dir / "logs" / "sandbox.log").start()


def build_core(settings: Settings, *, start_workers: bool = True, console_log: bool = True,
               start_sandbox: bool | None = None) -> KioskCore:
    """Build the core in dependency order; on any failure close what was built and re-raise.

    Order: logging → (demo sandbox) → database → devices → platform client → sync worker. Closers run
    newest first: sync, platform client, devices, database, sandbox. `start_workers=False` starts no
    thread (tests, headless commands); `start_sandbox` None follows settings.platform.start_sandbox.
    """
    from offline_cache.private import make_private_dir, tighten_tree

    names = NameRegistry()
    configure_logging(
        settings.data_dir / "logs",
        level=settings.log_level,
        names=names,
        max_bytes=settings.log_max_bytes,
        backups=settings.log_backups,
        console=console_log,
    )
    catalogue = load_catalogue(
        profile=settings.province_profile, enabled=settings.enabled_services, disabled_items=settings.disabled_items
    )
    core = KioskCore(settings=settings, names=names, catalogue=catalogue, clock=ServicePointClock(settings.service_point.zone))
    try:
        make_private_dir(settings.data_dir)
        tighten_tree(settings.data_dir)  # database, keys, logs, backups of an older install: the kiosk's user only
        from kiosk.speech import build_speech

        core.speech = build_speech(settings.speech)  # no thread until the first utterance
        core.closers.append(core.speech.close)
        if settings.platform.start_sandbox if start_sandbox is None else start_sandbox:
            core.sandbox = start_demo_sandbox(settings)
            core.closers.append(core.sandbox.stop)
        core.database = build_database(settings)
        core.closers.append(core.database.close)

        from kiosk.device_setup import build_device_manager, keyboard_wedge_input

        core.devices = build_device_manager(settings, today=core.clock.today)
        core.closers.append(core.devices.stop)
        core.keyboard_wedge = keyboard_wedge_input(core.devices)
        if start_workers:
            core.devices.start()

        core.platform = build_platform_client(settings)
        core.closers.append(core.platform.close)
        devices = core.devices
        core.sync = build_sync_worker(settings, core.database, core.platform,
                                      device_health=lambda: tuple(devices.device_health().values()))
        if start_workers:
            core.sync.start()
        core.closers.append(core.sync.stop)
        core.services = build_services(core)
        wire_technician(core)
    except BaseException as exc:
        core.close()
        fault = storage_fault(exc, settings.data_dir) if isinstance(exc, Exception) else None
        if fault is not None and fault is not exc:
            raise fault from exc  # a full or read-only disk says so, whichever step hit it
        raise
    log.info("kiosk %s %s core ready (demo=%s)", settings.kiosk_id, __version__, settings.demo)
    return core


def wire_technician(core: KioskCore) -> None:
    """The audit trail, the maintenance holds and the heartbeat's pushed-settings listener (on_settings)."""
    from devices.manager import MAINTENANCE_MESSAGE
    from kiosk.audit import AuditTrail
    from kiosk.sync.pushed import PushedSettings
    from kiosk.technician import MaintenanceHolds

    assert core.database is not None and core.sync is not None
    devices = core.devices
    core.audit = AuditTrail(core.settings.data_dir, core.database.outbox,
                            clock=core.clock.now, kick=core.sync.kick)
    core.maintenance = MaintenanceHolds(
        lambda on, message: devices.set_maintenance(on, message) if devices is not None else None,  # type: ignore[attr-defined]
        MAINTENANCE_MESSAGE)
    core.pushed = PushedSettings(core.settings, core.catalogue, holds=core.maintenance, audit=core.audit)

    def catalogue_changed(catalogue: Catalogue) -> None:
        core.catalogue = catalogue
        if core.services is not None:
            core.services.catalogue = catalogue

    core.pushed.add_catalogue_listener(catalogue_changed)
    core.sync.add_settings_listener(core.pushed)


def build_services(core: KioskCore) -> ResidentServices:
    """The resident services over the built core (the UI's one entry to everything below it)."""
    from kiosk.services import ResidentServices
    from kiosk.sync.payload import queue_submission

    assert core.database is not None and core.platform is not None and core.sync is not None
    database, sync, clock = core.database, core.sync, core.clock
    return ResidentServices(
        settings=core.settings, catalogue=core.catalogue, database=database, platform=core.platform,
        devices=core.devices, names=core.names, clock=clock,
        queue_submission=lambda kind, title, id_number, name, payload: queue_submission(
            database, kind, title, id_number, name, payload, clock=clock.now),
        kick_sync=sync.kick,
        is_online=lambda: None if sync.network_state is None else sync.network_state.value == "online",
    )


UiRunner = Callable[[KioskCore, argparse.Namespace], int]
# Shows the 暂停服务 screen (service point name and phone from the settings) until quit; gets the
# technician message. Handed in by ui/launch.py like UiRunner.
OutOfServiceRunner = Callable[[Settings, str, argparse.Namespace], int]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kiosk", description="村居就业社保自助服务终端")
    config_help = "site settings file (or $KIOSK_CONFIG); before or after the subcommand"
    p.add_argument("--config", type=Path, help=config_help)
    p.add_argument("--windowed", action="store_true", help="a normal window, escape keys allowed (development)")
    p.add_argument("--demo", action="store_true", help="demo mode: layer config/demo.toml (simulators, sandbox)")
    p.add_argument("--version", action="version", version=__version__)
    # Every subcommand takes --config too (`kiosk devices read-card --config X`); SUPPRESS keeps a
    # --config given before the subcommand when none follows it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", type=Path, default=argparse.SUPPRESS, help=config_help)

    def group(parent: Any, name: str, help_text: str, dest: str) -> Any:
        return parent.add_parser(name, help=help_text, parents=[common]).add_subparsers(dest=dest, required=True)

    def command(parent: Any, name: str, help_text: str) -> argparse.ArgumentParser:
        return parent.add_parser(name, help=help_text, parents=[common])

    sub = p.add_subparsers(dest="command")
    command(sub, "run", "run the kiosk UI (the default)")
    tour = command(sub, "tour", "walk the main screens and write a screenshot of each")
    tour.add_argument("--out", type=Path, required=True)
    cc = command(sub, "check-config", "validate a settings file without starting")
    cc.add_argument("path", nargs="?", type=Path)
    dev = group(sub, "devices", "device diagnostics", "devices_command")
    command(dev, "status", "one JSON object per configured device")
    rc = command(dev, "read-card", "wait for an ID card, social security card or e-SSC scan")
    rc.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS")
    rc.add_argument("--unmasked", action="store_true", help="print the identity number and name in clear")
    command(dev, "print-test", "print a test receipt and report the printer status before and after")
    syn = group(sub, "sync", "platform sync diagnostics", "sync_command")
    command(syn, "status", "one JSON object: outbox, feeds, last heartbeat")
    command(syn, "run", "one full sync cycle now (exit 0 done, 1 platform unreachable, 3 items need attention)")
    keys = group(sub, "keys", "the keys of the stored personal data", "keys_command")
    command(keys, "rotate", "re-encrypt the outbox and local cases under a new key; old keys deleted after")
    fl = command(keys, "forget-lost", "last resort for a key that cannot be restored: show what it protected")
    fl.add_argument("--yes", action="store_true", help="give that up for good, so the kiosk can start again")
    hp = command(sub, "hash-pin", "print the pin_hashes line for a technician PIN (asked twice, never echoed)")
    hp.add_argument("label", help="the technician's label in the audit trail, e.g. T01-张工")
    hp.add_argument("--stdin", action="store_true", help="read the PIN twice from standard input (scripts)")
    say = command(sub, "say", "say a text with the kiosk's voice, or write it as a WAV file (--wav)")
    say.add_argument("text")
    say.add_argument("--wav", type=Path, help="write the speech to this WAV file instead of playing it")
    cache = group(sub, "cache", "the offline cache", "cache_command")
    cs = command(cache, "search", "search cached jobs; one JSON object per line")
    cs.add_argument("query")
    cs.add_argument("--kind", choices=["fixed", "gig"], default="fixed")
    cs.add_argument("--town")
    cs.add_argument("--limit", type=int, default=20)
    return p


def main(argv: Sequence[str] | None = None, run_ui: UiRunner | None = None,
         run_out_of_service: OutOfServiceRunner | None = None) -> int:
    """The `kiosk` command. Exit codes: 0 ok, 1 runtime failure, 2 bad configuration, usage or unusable data folder."""
    from offline_cache.private import PRIVATE_UMASK

    os.umask(PRIVATE_UMASK)  # every file this process creates (database, WAL, keys, logs) is 0600, folders 0700
    args = _parser().parse_args(argv)
    command = args.command or "run"
    if command == "check-config":
        return _check_config(args.path or args.config, demo=args.demo)
    if command == "hash-pin":
        from kiosk.technician import hash_pin_command, read_pin_lines

        return hash_pin_command(args.label, pin_source=read_pin_lines(sys.stdin) if args.stdin else None)
    try:
        settings = load_settings(args.config, demo=args.demo)
    except ConfigError as exc:
        print(f"配置错误：{exc}", file=sys.stderr)
        return 2
    if command in ("devices", "sync", "cache"):
        try:
            return _devices_command(settings, args) if command == "devices" else _sync_command(settings, args)
        except (StorageFault, OSError) as exc:
            fault = storage_fault(exc, settings.data_dir)
            if fault is None:
                raise
            print(MESSAGES["out_of_service"].format(message=fault.message), file=sys.stderr)
            return EXIT_CONFIG
    if command == "say":
        from kiosk.speech.cli import say_command

        return say_command(settings, args.text, args.wav)
    if command == "keys":
        from kiosk import cli_keys

        configure_console_logging()
        if args.keys_command == "forget-lost":
            return cli_keys.keys_forget_lost(settings, apply=args.yes)
        return cli_keys.keys_rotate(settings)
    if command in ("run", "tour"):
        if run_ui is None:
            print("the UI is started by the `kiosk` command (ui/launch.py), not `python -m kiosk`", file=sys.stderr)
            return 2
        from kiosk.platform import CredentialsError
        from kiosk.sandbox_process import SandboxStartError

        try:
            core = build_core(settings)
        except (CredentialsError, SandboxStartError) as exc:
            print(f"配置错误：{exc}", file=sys.stderr)
            return 2
        except StorageFault as fault:
            log.error("kiosk out of service: %s (%s)", fault.message, fault.detail)
            return _out_of_service(settings, fault.message, args, run_out_of_service)
        except Exception:  # never a traceback on the kiosk's screen, never an empty desktop
            log.exception("kiosk could not start")
            return _out_of_service(settings, MESSAGES["startup_failed"], args, run_out_of_service)
        try:
            return run_ui(core, args)
        finally:
            core.close()
    print(f"unknown command {command}", file=sys.stderr)
    return 2


def _out_of_service(settings: Settings, message: str, args: argparse.Namespace,
                    runner: OutOfServiceRunner | None) -> int:
    """Say why on stderr (the journal), show the 暂停服务 screen when there is a UI; exit 2."""
    print(MESSAGES["out_of_service"].format(message=message), file=sys.stderr)
    if runner is not None and args.command != "tour":
        runner(settings, message, args)
    return EXIT_CONFIG


def _devices_command(settings: Settings, args: argparse.Namespace) -> int:
    from kiosk import cli_devices

    configure_console_logging("WARNING")
    if args.devices_command == "status":
        return cli_devices.devices_status(settings)
    if args.devices_command == "read-card":
        return cli_devices.read_card(settings, timeout_s=args.timeout, unmasked=args.unmasked, resolve_essc=None)
    return cli_devices.print_test(settings)


def _sync_command(settings: Settings, args: argparse.Namespace) -> int:
    from kiosk import cli_sync

    configure_console_logging("WARNING")
    if args.command == "cache":
        return cli_sync.cache_search(settings, args.query, kind=args.kind, town=args.town, limit=args.limit)
    if args.sync_command == "status":
        return cli_sync.sync_status(settings)
    return cli_sync.sync_run(settings)


def _check_config(path: Path | None, *, demo: bool = False) -> int:
    try:
        settings = load_settings(path, demo=demo)
    except ConfigError as exc:
        print(f"配置错误：{exc}", file=sys.stderr)
        return 2
    from offline_cache.db import check_storage

    try:
        check_storage(settings.data_dir / DATABASE_FILE)
    except StorageFault as fault:
        print(MESSAGES["out_of_service"].format(message=fault.message), file=sys.stderr)
        return EXIT_CONFIG
    print(f"配置有效：{', '.join(str(s) for s in settings.sources)}")
    print(json.dumps(settings.redacted(), ensure_ascii=False, indent=2))
    return 0
