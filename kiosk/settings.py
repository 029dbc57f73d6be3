"""Load, merge and validate the kiosk's TOML settings (default file + site file + secret env vars)."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from devices.uri import DeviceUriError, parse_device_uri

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = PROJECT_ROOT / "config"
DEFAULT_CONFIG = CONFIG_DIR / "default.toml"
ENV_CONFIG = "KIOSK_CONFIG"
ENV_SECRET = "KIOSK_PLATFORM_SECRET"
# What a technician changed on the kiosk (diagnostics → 配置), applied on the next start, last.
OVERRIDES_FILE = "site-overrides.toml"


class ConfigError(ValueError):
    """A settings problem; the message names the file, the key and the expected form."""


# ---- validators: each returns the converted value or raises ValueError("expected form") ----
def _str(nonempty: bool = True) -> Callable[[Any], str]:
    def check(v: Any) -> str:
        if not isinstance(v, str) or (nonempty and not v.strip()):
            raise ValueError("非空字符串" if nonempty else "字符串")
        return v

    return check


def _int(lo: int, hi: int) -> Callable[[Any], int]:
    def check(v: Any) -> int:
        if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
            raise ValueError(f"{lo} 到 {hi} 之间的整数")
        return v

    return check


def _float(lo: float, hi: float) -> Callable[[Any], float]:
    def check(v: Any) -> float:
        if isinstance(v, bool) or not isinstance(v, int | float) or not lo <= float(v) <= hi:
            raise ValueError(f"{lo} 到 {hi} 之间的数")
        return float(v)

    return check


def _bool(v: Any) -> bool:
    if not isinstance(v, bool):
        raise ValueError("true 或 false")
    return v


def _choice(*options: str) -> Callable[[Any], str]:
    def check(v: Any) -> str:
        if v not in options:
            raise ValueError("以下之一：" + " / ".join(options))
        return str(v)

    return check


def _url(v: Any) -> str:
    if not isinstance(v, str) or not (v.startswith("http://") or v.startswith("https://")):
        raise ValueError("以 http:// 或 https:// 开头的地址，如 https://platform.example/api")
    return v.rstrip("/")


def _device(v: Any) -> str:
    if not isinstance(v, str):
        raise ValueError("设备地址字符串")
    try:
        parse_device_uri(v)
    except DeviceUriError as exc:
        raise ValueError(exc.args[0]) from exc
    return v


def _timezone(v: Any) -> str:
    """An IANA zone name the system's zone database knows (Debian package tzdata)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(v)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise ValueError("时区名称，如 \"Asia/Shanghai\"（区分大小写）") from exc
    return str(v)


def _str_list(v: Any) -> tuple[str, ...]:
    if not isinstance(v, list) or not all(isinstance(x, str) and x for x in v):
        raise ValueError("字符串列表，如 [\"all\"]")
    return tuple(v)


def _item_list(v: Any) -> tuple[int | str, ...]:
    ok = isinstance(v, list) and all(
        (isinstance(x, int) and not isinstance(x, bool)) or (isinstance(x, str) and x) for x in v
    )
    if not ok:
        raise ValueError("事项序号、编号或代码的列表，如 [16, \"S000-08\", \"unemployment_registration\"]")
    return tuple(v)


# section -> key -> (validator, required)
SCHEMA: dict[str, dict[str, tuple[Callable[[Any], Any], bool]]] = {
    "kiosk": {
        "id": (_str(), True),
        "data_dir": (_str(), True),
        "orientation": (_choice("auto", "landscape", "portrait"), True),
        "demo": (_bool, True),
        "province_profile": (_str(), True),
    },
    "service_point": {
        "name": (_str(), True),
        "village": (_str(), True),
        "town": (_str(), True),
        "county": (_str(), True),
        "address": (_str(), True),
        "lat": (_float(-90, 90), True),
        "lon": (_float(-180, 180), True),
        "counter": (_str(), True),
        "phone": (_str(nonempty=False), False),
        "timezone": (_timezone, False),  # the clock shown and printed, whatever the system's own zone
    },
    "platform": {
        "url": (_url, True),
        "credentials_file": (_str(), True),
        "ca_bundle": (_str(nonempty=False), False),
        "connect_timeout_s": (_float(0.1, 60), True),
        "read_timeout_s": (_float(0.1, 300), True),
        "start_sandbox": (_bool, False),
    },
    "devices": {
        "id_card": (_device, True),
        "ss_card": (_device, True),
        "qr_scanner": (_device, True),
        "printer": (_device, True),
        "printer_profile": (_str(), True),
    },
    "timeouts": {
        "idle_warning_s": (_int(10, 3600), True),
        "idle_countdown_s": (_int(20, 600), True),
        "max_session_s": (_int(60, 7200), True),
        "max_extensions": (_int(10, 1000), True),
        "device_status_s": (_float(0.1, 30), True),
    },
    "sync": {
        "push_interval_s": (_int(1, 86400), True),
        "pull_interval_s": (_int(10, 86400), True),
        "heartbeat_interval_s": (_int(5, 86400), True),
        "purge_after_days": (_int(1, 3650), True),
    },
    "services": {
        "enabled": (_str_list, True),
        "disabled_items": (_item_list, False),
    },
    "logging": {
        "level": (_choice("DEBUG", "INFO", "WARNING", "ERROR"), True),
        "max_bytes": (_int(10_000, 1_000_000_000), False),
        "backups": (_int(1, 1000), False),
    },
    "technician": {
        "pin_hashes": (lambda v: () if v == [] else _str_list(v), False),
        "entry_taps": (_int(3, 20), False),
        "lockout_s": (_int(10, 86400), False),
    },
}


@dataclass(frozen=True)
class ServicePoint:
    """Where the kiosk stands (seed 003 附件2)."""

    name: str
    village: str
    town: str
    county: str
    address: str
    lat: float
    lon: float
    counter: str
    phone: str = ""
    timezone: str = "Asia/Shanghai"

    @property
    def zone(self) -> tzinfo:
        """The service point's time zone (validated when the settings were loaded)."""
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class PlatformSettings:
    url: str
    credentials_file: Path
    ca_bundle: str
    connect_timeout_s: float
    read_timeout_s: float
    start_sandbox: bool
    secret_from_env: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class DeviceSettings:
    id_card: str
    ss_card: str
    qr_scanner: str
    printer: str
    printer_profile: str


@dataclass(frozen=True)
class Timeouts:
    idle_warning_s: int
    idle_countdown_s: int
    max_session_s: int
    max_extensions: int
    device_status_s: float


@dataclass(frozen=True)
class SyncSettings:
    push_interval_s: int
    pull_interval_s: int
    heartbeat_interval_s: int
    purge_after_days: int


@dataclass(frozen=True)
class Settings:
    """The effective, validated settings of one kiosk."""

    kiosk_id: str
    data_dir: Path
    orientation: str
    demo: bool
    province_profile: str
    service_point: ServicePoint
    platform: PlatformSettings
    devices: DeviceSettings
    timeouts: Timeouts
    sync: SyncSettings
    enabled_services: tuple[str, ...]
    disabled_items: tuple[int | str, ...]
    log_level: str
    log_max_bytes: int
    log_backups: int
    technician_pin_hashes: tuple[str, ...] = field(repr=False, default=())
    technician_entry_taps: int = 5
    technician_lockout_s: int = 300
    sources: tuple[Path, ...] = ()

    def redacted(self) -> dict[str, Any]:
        """The settings as plain data with secrets hidden (for diagnostics and check-config)."""
        import dataclasses

        data = dataclasses.asdict(self)
        data["platform"]["secret_from_env"] = "<hidden>" if self.platform.secret_from_env else None
        data["technician_pin_hashes"] = f"<{len(self.technician_pin_hashes)} hidden>"
        return _plain(data)


def _plain(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    if isinstance(v, Path):
        return str(v)
    return v


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(f"配置文件不存在：{path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"配置文件 {path} 不是有效的 TOML：{exc}") from exc
    except OSError as exc:
        raise ConfigError(f"无法读取配置文件 {path}：{exc}") from exc


def _merge(base: dict[str, Any], override: Mapping[str, Any], where: Path) -> dict[str, Any]:
    out = {k: dict(v) if isinstance(v, dict) else v for k, v in base.items()}
    for section, values in override.items():
        if section not in SCHEMA:
            raise ConfigError(f"{where}: 未知的配置段 [{section}]；可用的段：{', '.join(SCHEMA)}")
        if not isinstance(values, dict):
            raise ConfigError(f"{where}: [{section}] 应为一个配置段（表），而不是单个值")
        out.setdefault(section, {}).update(values)
    return out


def _validate(raw: dict[str, Any], where: str) -> dict[str, dict[str, Any]]:
    result: dict[str, dict[str, Any]] = {}
    for section, keys in SCHEMA.items():
        values = raw.get(section, {})
        result[section] = {}
        for key in values:
            if key not in keys:
                raise ConfigError(
                    f"{where}: 未知的配置项 {section}.{key}；[{section}] 可用的配置项：{', '.join(keys)}"
                )
        for key, (check, required) in keys.items():
            if key not in values:
                if required:
                    raise ConfigError(f"{where}: 缺少配置项 {section}.{key}")
                continue
            try:
                result[section][key] = check(values[key])
            except ValueError as exc:
                raise ConfigError(
                    f"{where}: 配置项 {section}.{key} 的值 {values[key]!r} 无效，应为{exc.args[0]}"
                ) from exc
    return result


def _resolve(path_text: str, base: Path) -> Path:
    p = Path(os.path.expanduser(path_text))
    return p if p.is_absolute() else (base / p).resolve()


def load_settings(site_file: Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Default file, then the site file (argument or $KIOSK_CONFIG), then secrets from the environment.

    Relative paths in a file are resolved against that file's folder.
    """
    env = os.environ if env is None else env
    if site_file is None and env.get(ENV_CONFIG):
        site_file = Path(env[ENV_CONFIG])
    raw = _read_toml(DEFAULT_CONFIG)
    raw = _merge({}, raw, DEFAULT_CONFIG)
    sources = [DEFAULT_CONFIG]
    # Paths in each file resolve relative to that file.
    path_keys = (("kiosk", "data_dir"), ("platform", "credentials_file"), ("platform", "ca_bundle"))
    for section, key in path_keys:
        if raw.get(section, {}).get(key):
            raw[section][key] = str(_resolve(raw[section][key], DEFAULT_CONFIG.parent))
    if site_file is not None:
        site_file = Path(site_file).resolve()
        site = _read_toml(site_file)
        for section, key in path_keys:
            val = site.get(section, {}).get(key) if isinstance(site.get(section), dict) else None
            if isinstance(val, str) and val:
                site[section][key] = str(_resolve(val, site_file.parent))
        raw = _merge(raw, site, site_file)
        sources.append(site_file)
    data_dir_text = raw.get("kiosk", {}).get("data_dir")
    if isinstance(data_dir_text, str) and data_dir_text:
        overrides_file = Path(data_dir_text) / OVERRIDES_FILE
        if overrides_file.is_file():
            overrides = _read_toml(overrides_file)
            if "data_dir" in overrides.get("kiosk", {}):
                raise ConfigError(f"{overrides_file}: kiosk.data_dir 不能在技术员修改文件中更改")
            raw = _merge(raw, overrides, overrides_file)
            sources.append(overrides_file)
    where = str(sources[-1])
    v = _validate(raw, where)
    k, sp, pl, dv, to, sy = (v[s] for s in ("kiosk", "service_point", "platform", "devices", "timeouts", "sync"))
    lg, tech = v["logging"], v["technician"]
    from devices.base import DeviceKind
    from devices.factory import check_address

    for kind in (DeviceKind.ID_CARD, DeviceKind.SS_CARD, DeviceKind.QR_SCANNER, DeviceKind.PRINTER):
        try:
            check_address(kind, dv[kind.value])
        except DeviceUriError as exc:
            raise ConfigError(f"{where}: {exc.args[0]}") from exc
    if to["idle_countdown_s"] >= to["max_session_s"]:
        raise ConfigError(f"{where}: timeouts.idle_countdown_s 应小于 timeouts.max_session_s")
    return Settings(
        kiosk_id=k["id"],
        data_dir=Path(k["data_dir"]),
        orientation=k["orientation"],
        demo=k["demo"],
        province_profile=k["province_profile"],
        service_point=ServicePoint(**sp),
        platform=PlatformSettings(
            url=pl["url"],
            credentials_file=Path(pl["credentials_file"]),
            ca_bundle=pl.get("ca_bundle", ""),
            connect_timeout_s=pl["connect_timeout_s"],
            read_timeout_s=pl["read_timeout_s"],
            start_sandbox=pl.get("start_sandbox", False),
            secret_from_env=env.get(ENV_SECRET) or None,
        ),
        devices=DeviceSettings(**dv),
        timeouts=Timeouts(**to),
        sync=SyncSettings(**sy),
        enabled_services=v["services"]["enabled"],
        disabled_items=v["services"].get("disabled_items", ()),
        log_level=lg["level"],
        log_max_bytes=lg.get("max_bytes", 2_000_000),
        log_backups=lg.get("backups", 10),
        technician_pin_hashes=tech.get("pin_hashes", ()),
        technician_entry_taps=tech.get("entry_taps", 5),
        technician_lockout_s=tech.get("lockout_s", 300),
        sources=tuple(sources),
    )
