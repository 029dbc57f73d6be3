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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeAlias

from kiosk import __version__
from kiosk.catalogue import Catalogue, load_catalogue
from kiosk.clock import ServicePointClock
from kiosk.forms import FormDef, load_forms
from kiosk.live_catalogue import LiveCatalogue
from kiosk.logging_setup import NameRegistry, configure_console_logging, configure_logging
from kiosk.settings import ConfigError, Settings, load_settings
from offline_cache import StorageFault, storage_fault

if TYPE_CHECKING:
    from devices.manager import DeviceManager
    from kiosk.device_setup import KeyboardWedgeInput
    from kiosk.maintenance.audit import AuditTrail
    from kiosk.photo import PhotoCamera
    from kiosk.platform import PlatformClient
    from kiosk.sandbox_process import SandboxProcess
    from kiosk.services import ResidentServices
    from kiosk.speech import SpeechService
    from kiosk.sync import SyncWorker
    from kiosk.sync.pushed import PushedSettings
    from kiosk.technician import MaintenanceHolds
    from kiosk.updates.files import RunStatus
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


Closers = list[Callable[[], None]]  # shutdown steps, run newest first by close_all


def close_all(closers: Closers) -> None:
    """Run the shutdown steps newest first, emptying the list; never raises (a failing step is logged)."""
    while closers:
        closer = closers.pop()
        try:
            closer()
        except Exception:
            log.exception("shutdown step failed")


@dataclass(frozen=True)
class KioskCore:
    """Everything below the UI, built once by `build_core` (the only place that builds it) and closed once.

    Every part is there once the core exists; the only optional ones are optional on a real kiosk too:
    the demo's sandbox child process and the keyboard-wedge input (qr_scanner = "keyboard").
    """

    settings: Settings
    names: NameRegistry
    clock: ServicePointClock  # the service point's time: everything shown or printed goes through it
    catalogues: LiveCatalogue  # the one owner of the catalogue; `catalogue` is its current one
    forms: Mapping[str, FormDef]  # form definitions by catalogue item id (config/forms)
    database: Database
    devices: DeviceManager
    platform: PlatformClient
    sync: SyncWorker
    services: ResidentServices
    # technician mode and platform-pushed settings (kiosk/technician.py, kiosk/maintenance/audit.py, kiosk/sync/pushed.py)
    audit: AuditTrail
    maintenance: MaintenanceHolds
    pushed: PushedSettings
    keyboard_wedge: KeyboardWedgeInput | None  # qr_scanner = "keyboard": the UI feeds scans here
    sandbox: SandboxProcess | None  # demo only: the local sandbox platform child process
    speech: SpeechService  # voice guidance (kiosk/speech); the UI decides what is said
    run_status: RunStatus  # health.json / session.json for `kiosk update` (kiosk/updates/files.py)
    closers: Closers = field(repr=False)

    @property
    def catalogue(self) -> Catalogue:
        """The catalogue now (the platform may switch services on or off; subscribe to `catalogues`)."""
        return self.catalogues.current

    @property
    def camera(self) -> PhotoCamera:
        """The photo step's camera over the device manager (`present` is False when devices.camera = none)."""
        from kiosk.photo import PhotoCamera

        return PhotoCamera(self.devices)

    def close(self) -> None:
        """Stop worker threads and close devices, newest first; never raises."""
        close_all(self.closers)


@dataclass(frozen=True)
class HeadlessCore:
    """The core of a command-line run: settings, the service point's clock and the database — no devices,
    no UI, no worker thread. Built by `build_headless_core`, closed once."""

    settings: Settings
    clock: ServicePointClock
    database: Database
    closers: Closers = field(repr=False)

    def close(self) -> None:
        close_all(self.closers)


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
    from kiosk.updates.files import heartbeat_update_report

    return SyncWorker(database, platform, settings.sync, data_dir=settings.data_dir, app_version=__version__,
                      device_health=device_health,
                      update_report=lambda: heartbeat_update_report(settings.data_dir))


def start_demo_sandbox(settings: Settings) -> SandboxProcess:
    """Demo: the sandbox platform as a child process on platform.url's 127.0.0.1 port (reused if already up)."""
    from kiosk.sandbox_process import SandboxProcess

    return SandboxProcess(settings.platform.url, settings.data_dir / SANDBOX_DATABASE_FILE,
                          log_path=settings.data_dir / "logs" / "sandbox.log").start()


def site_catalogue_loader(settings: Settings) -> Callable[[Sequence[str]], Catalogue]:
    """Loads the catalogue of the site's profile and switched-off items for a list of enabled services."""
    def load(enabled: Sequence[str]) -> Catalogue:
        return load_catalogue(profile=settings.province_profile, enabled=enabled,
                              disabled_items=settings.disabled_items)

    return load


def build_core(settings: Settings, *, start_workers: bool = True, console_log: bool = True,
               start_sandbox: bool | None = None) -> KioskCore:
    """Build the core in dependency order; on any failure close what was built and re-raise.

    Order: logging → catalogue and forms → (demo sandbox) → database → devices → platform client → sync
    worker → services and technician parts. Closers run newest first: sync, platform client, devices,
    database, sandbox. `start_workers=False` starts no thread (tests); `start_sandbox` None follows
    settings.platform.start_sandbox.
    """
    from devices.manager import MAINTENANCE_MESSAGE
    from kiosk.device_setup import build_device_manager, keyboard_wedge_input
    from kiosk.maintenance.audit import AuditTrail
    from kiosk.speech import build_speech
    from kiosk.sync.pushed import PushedSettings
    from kiosk.technician import MaintenanceHolds
    from kiosk.updates.files import RunStatus, UpdateWishListener
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
    load_site_catalogue = site_catalogue_loader(settings)
    catalogues = LiveCatalogue(load_site_catalogue(settings.enabled_services))
    forms = MappingProxyType(load_forms())
    clock = ServicePointClock(settings.service_point.zone)
    closers: Closers = []
    try:
        make_private_dir(settings.data_dir)
        tighten_tree(settings.data_dir)  # database, keys, logs, backups of an older install: the kiosk's user only
        sandbox = None
        if settings.platform.start_sandbox if start_sandbox is None else start_sandbox:
            sandbox = start_demo_sandbox(settings)
            closers.append(sandbox.stop)
        database = build_database(settings)
        closers.append(database.close)

        devices = build_device_manager(settings, today=clock.today)
        closers.append(devices.stop)
        if start_workers:
            devices.start()

        platform = build_platform_client(settings)
        closers.append(platform.close)
        sync = build_sync_worker(settings, database, platform,
                                 device_health=lambda: tuple(devices.device_health().values()))
        if start_workers:
            sync.start()
        closers.append(sync.stop)
        speech = build_speech(settings.speech)  # no thread until the first utterance; silenced first on close
        closers.append(speech.close)
        # technician mode (and 全程代理): the audit trail, the maintenance holds, the heartbeat's pushed settings
        audit = AuditTrail(settings.data_dir, database.outbox, clock=clock.now, kick=sync.kick)
        services = build_services(settings, catalogues, database, devices, platform, sync, names, clock, audit)
        maintenance = MaintenanceHolds(devices.set_maintenance, MAINTENANCE_MESSAGE)
        pushed = PushedSettings(settings, catalogues, build_catalogue=load_site_catalogue, holds=maintenance,
                                audit=audit)
        sync.add_settings_listener(pushed)
        # The platform's `update` setting (hold / run a version) → update_wish.json → `kiosk update`'s apt pin.
        sync.add_settings_listener(UpdateWishListener(settings.data_dir))
        run_status = RunStatus(settings.updates.status_dir, __version__)
        if run_status.enabled:  # a writer thread only under the session unit (its status folder)
            closers.append(run_status.close)
        core = KioskCore(settings=settings, names=names, clock=clock, catalogues=catalogues, forms=forms,
                         database=database, devices=devices, platform=platform, sync=sync, services=services,
                         audit=audit, maintenance=maintenance, pushed=pushed,
                         keyboard_wedge=keyboard_wedge_input(devices), sandbox=sandbox, speech=speech, run_status=run_status,
                         closers=closers)
    except BaseException as exc:
        close_all(closers)
        fault = storage_fault(exc, settings.data_dir) if isinstance(exc, Exception) else None
        if fault is not None and fault is not exc:
            raise fault from exc  # a full or read-only disk says so, whichever step hit it
        raise
    log.info("kiosk %s %s core ready (demo=%s)", settings.kiosk_id, __version__, settings.demo)
    return core


def build_headless_core(settings: Settings) -> HeadlessCore:
    """The command line's core: the database (migrated) and the clock; nothing else is started."""
    database = build_database(settings)
    return HeadlessCore(settings=settings, clock=ServicePointClock(settings.service_point.zone), database=database,
                        closers=[database.close])


def build_services(settings: Settings, catalogues: LiveCatalogue, database: Database, devices: DeviceManager,
                   platform: PlatformClient, sync: SyncWorker, names: NameRegistry,
                   clock: ServicePointClock, audit: AuditTrail) -> ResidentServices:
    """The resident services over the built parts (the UI's one entry to everything below it)."""
    from kiosk.services import ResidentServices
    from kiosk.sync.payload import queue_submission

    return ResidentServices(
        settings=settings, catalogues=catalogues, database=database, platform=platform,
        devices=devices, names=names, clock=clock,
        queue_submission=lambda kind, title, id_number, name, payload, assisted_by=None: queue_submission(
            database, kind, title, id_number, name, payload, clock=clock.now, assisted_by=assisted_by),
        record_audit=audit.record,
        kick_sync=sync.kick,
        is_online=lambda: None if sync.network_state is None else sync.network_state.value == "online",
    )


UiRunner = Callable[[KioskCore, argparse.Namespace], int]
# Shows the 暂停服务 screen (service point name and phone from the settings) until quit; gets the
# technician message. Handed in by ui/launch.py like UiRunner.
OutOfServiceRunner = Callable[[Settings, str, argparse.Namespace], int]
# what add_subparsers returns (argparse names no public type; generic only in the stubs, hence the string)
Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


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

    def group(parent: Subcommands, name: str, help_text: str, dest: str) -> Subcommands:
        return parent.add_parser(name, help=help_text, parents=[common]).add_subparsers(dest=dest, required=True)

    def command(parent: Subcommands, name: str, help_text: str) -> argparse.ArgumentParser:
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
    pv = command(sub, "provision", "write this kiosk's site file, credentials and technician PINs (as root)")
    from kiosk.provision import add_arguments as provision_arguments

    provision_arguments(pv)
    upd = group(sub, "update", "install a new release (root; kiosk-update.service)", "update_command")
    command(upd, "run", "install the repository's release between residents; roll back if it is not healthy")
    command(upd, "status", "one JSON object: installed and previous version, last update, failed versions")
    fm = command(upd, "from-media", "the same from a copied repository on a mounted USB stick (same signature checks)")
    fm.add_argument("dir", type=Path, help="the stick's folder holding the copied repository (dists/, pool/)")
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
    if command == "provision":
        from kiosk.provision import provision_command

        code, site_file = provision_command(args)
        return code if site_file is None else _check_config(site_file)
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
    if command == "update":
        from kiosk import cli_update

        configure_console_logging("INFO")  # the journal of kiosk-update.service shows each step
        if args.update_command == "status":
            return cli_update.update_status(settings)
        return cli_update.update_run(settings, media_dir=args.dir if args.update_command == "from-media" else None)
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
        return cli_devices.read_card_command(settings, timeout_s=args.timeout, unmasked=args.unmasked,
                                             resolve_essc=None)
    return cli_devices.print_test_command(settings)


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
