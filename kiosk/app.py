"""The composition root: settings → logging → database → devices → platform client → sync → UI.

Each piece is built once here and passed down. `kiosk/` may not import `ui/`, so the UI builder is
handed in by the console entry point (ui/launch.py); headless subcommands need no UI at all.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kiosk import __version__
from kiosk.catalogue import Catalogue, load_catalogue
from kiosk.logging_setup import NameRegistry, configure_logging
from kiosk.settings import ConfigError, Settings, load_settings

log = logging.getLogger(__name__)


@dataclass
class KioskCore:
    """Everything below the UI, built once by `build_core` and closed once by `close`."""

    settings: Settings
    names: NameRegistry
    catalogue: Catalogue
    devices: object | None = None  # devices.manager.DeviceManager
    closers: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        """Stop worker threads and close devices, newest first; never raises."""
        while self.closers:
            closer = self.closers.pop()
            try:
                closer()
            except Exception:
                log.exception("shutdown step failed")


def build_core(settings: Settings, *, start_workers: bool = True, console_log: bool = True) -> KioskCore:
    """Build the core in dependency order; on any failure close what was built and re-raise."""
    names = NameRegistry()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
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
    core = KioskCore(settings=settings, names=names, catalogue=catalogue)
    try:
        from kiosk.device_setup import build_device_manager

        core.devices = build_device_manager(settings)
        if start_workers:
            core.devices.start()
        core.closers.append(core.devices.stop)
    except BaseException:
        core.close()
        raise
    log.info("kiosk %s %s core ready (demo=%s)", settings.kiosk_id, __version__, settings.demo)
    return core


UiRunner = Callable[[KioskCore, argparse.Namespace], int]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kiosk", description="村居就业社保自助服务终端")
    p.add_argument("--config", type=Path, help="site settings file (or $KIOSK_CONFIG)")
    p.add_argument("--windowed", action="store_true", help="a normal window, escape keys allowed (development)")
    p.add_argument("--demo", action="store_true", help="demo mode: the settings' simulators and sandbox")
    p.add_argument("--version", action="version", version=__version__)
    sub = p.add_subparsers(dest="command")
    sub.add_parser("run", help="run the kiosk UI (the default)")
    tour = sub.add_parser("tour", help="walk the main screens and write a screenshot of each")
    tour.add_argument("--out", type=Path, required=True)
    cc = sub.add_parser("check-config", help="validate a settings file without starting")
    cc.add_argument("path", nargs="?", type=Path)
    dev = sub.add_parser("devices", help="device diagnostics").add_subparsers(dest="devices_command", required=True)
    dev.add_parser("status", help="one JSON object per configured device")
    rc = dev.add_parser("read-card", help="wait for an ID card, social security card or e-SSC scan")
    rc.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS")
    rc.add_argument("--unmasked", action="store_true", help="print the identity number and name in clear")
    dev.add_parser("print-test", help="print a test receipt and report the printer status before and after")
    return p


def main(argv: Sequence[str] | None = None, run_ui: UiRunner | None = None) -> int:
    """The `kiosk` command. Exit codes: 0 ok, 1 runtime failure, 2 bad configuration or usage."""
    args = _parser().parse_args(argv)
    command = args.command or "run"
    if command == "check-config":
        return _check_config(args.path or args.config)
    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        print(f"配置错误：{exc}", file=sys.stderr)
        return 2
    if command == "devices":
        return _devices_command(settings, args)
    if command in ("run", "tour"):
        if run_ui is None:
            print("the UI is started by the `kiosk` command (ui/launch.py), not `python -m kiosk`", file=sys.stderr)
            return 2
        core = build_core(settings)
        try:
            return run_ui(core, args)
        finally:
            core.close()
    print(f"unknown command {command}", file=sys.stderr)
    return 2


def _devices_command(settings: Settings, args: argparse.Namespace) -> int:
    from kiosk import cli_devices

    logging.basicConfig(level=logging.WARNING)
    if args.devices_command == "status":
        return cli_devices.devices_status(settings)
    if args.devices_command == "read-card":
        return cli_devices.read_card(settings, timeout_s=args.timeout, unmasked=args.unmasked, resolve_essc=None)
    return cli_devices.print_test(settings)


def _check_config(path: Path | None) -> int:
    try:
        settings = load_settings(path)
    except ConfigError as exc:
        print(f"配置错误：{exc}", file=sys.stderr)
        return 2
    print(f"配置有效：{', '.join(str(s) for s in settings.sources)}")
    print(json.dumps(settings.redacted(), ensure_ascii=False, indent=2))
    return 0
