"""Load, merge and validate the kiosk's TOML settings (default file + site file + secret env vars).

Layers, later ones win: config/default.toml (site-neutral, no secrets) → config/demo.toml (demo runs
only) → the site file → data_dir/site-overrides.toml (a technician's changes). Outside demo mode any
value of the demo overlay (its technician PIN, credentials, service point) stops the kiosk.
Each merged table is checked by its model in kiosk/settings_schema.py (config/schema.py), then the
checks across keys and against files (_SiteChecks) run; the Settings dataclasses are built from the models.
"""

from __future__ import annotations

import hmac
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from config import CONFIG_DIR, resource_root
from config.schema import SchemaProblem, validate_table
from devices.uri import parse_device_uri
from kiosk.settings_schema import SECTIONS, WholeMessage

PROJECT_ROOT = resource_root()  # the checkout, or the frozen bundle's _internal/ (config/__init__.py)
DEFAULT_CONFIG = CONFIG_DIR / "default.toml"
DEMO_CONFIG = CONFIG_DIR / "demo.toml"
ENV_CONFIG = "KIOSK_CONFIG"
ENV_SECRET = "KIOSK_PLATFORM_SECRET"
# What a technician changed on the kiosk (diagnostics → 配置), applied on the next start, last.
OVERRIDES_FILE = "site-overrides.toml"
# The demo technician's PIN, printed in the README: no hash of it may open a real kiosk.
PUBLISHED_DEMO_PINS = ("246810",)
# Keys whose values never appear in a message (a PIN hash is as good as the PIN to a guesser).
_SECRET_KEYS = frozenset({("technician", "pin_hashes")})
_PATH_KEYS = (("kiosk", "data_dir"), ("platform", "credentials_file"), ("platform", "ca_bundle"),
              ("speech", "prompt_dir"))

# What a technician or installer reads; {where} is the file, {key} the dotted settings key.
MESSAGES: Mapping[str, str] = {
    "bad_value": "{where}: 配置项 {key} 的值 {value} 无效，应为{expected}",
    "missing": "{where}: 缺少配置项 {key}",
    "unknown_section": "{where}: 未知的配置段 [{section}]；可用的段：{sections}",
    "not_a_table": "{where}: [{section}] 应为一个配置段（表），而不是单个值",
    "unknown_key": "{where}: 未知的配置项 {key}；[{section}] 可用的配置项：{keys}",
    "missing_real_site": ("{where}: 缺少配置项 {key}（真实站点须在站点文件中填写；"
                          "若是演示，请在 [kiosk] 中写 demo = true）"),
    "not_utf8": "配置文件 {path} 不是 UTF-8 编码（第 {offset} 字节起无法解码）；请另存为 UTF-8 后重试",
    "demo_value": ("{where}: 配置项 {key} 用的是演示数据（{what}），非演示模式（kiosk.demo = false）下不能使用；"
                   "应为{expected}"),
    "demo_pin": "演示技术员的 PIN（246810，已在 README 中公开）",
    "demo_credentials": "演示平台凭据，其密钥公开在代码库中",
    "demo_secret": "演示平台密钥，公开在代码库中",
    "demo_kiosk_id": "演示机编号",
    "demo_service_point": "演示服务点",
    "demo_sandbox": "本机演示平台",
    "expect_pins": "本站技术员用 kiosk hash-pin 生成的 PIN 哈希",
    "expect_credentials": "平台为本机签发的凭据文件（或用环境变量 KIOSK_PLATFORM_SECRET 提供密钥）",
    "expect_kiosk_id": "平台分配给本机的编号",
    "expect_service_point": "本服务点的真实信息",
    "expect_no_sandbox": "false",
    "ca_bundle": "存在的 CA 证书文件（PEM），或留空使用系统证书",
    "credentials": "可读的平台凭据文件（含 kiosk_id 与至少 16 个字符的 secret）：{detail}",
    "printer_profile": "config/printer_profiles.toml 中的打印机型号之一：{available}",
    "province_profile": "config/catalogue/profiles 中的省份配置之一：{available}",
    "services": "事项编号、事项代码、分组名或 all 的列表：{detail}",
    "printer_file": "数据目录 {data_dir} 之内的文件，如 file://{data_dir}/receipt.bin",
    "data_dir_fixed": "{where}: kiosk.data_dir 不能在技术员修改文件中更改",
}


class ConfigError(ValueError):
    """A settings problem; the message names the file, the key and the expected form."""


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
    web_hall_url: str = ""  # the province's web hall (单位业务 QR code); empty: none configured

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
    call_deadline_s: float = 30.0  # wall clock for one call: connect, send, every read of the reply
    max_reply_bytes: int = 8 * 1024 * 1024  # a reply is refused beyond this (counted after decompression)
    secret_from_env: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class DeviceSettings:
    id_card: str
    ss_card: str
    qr_scanner: str
    printer: str
    printer_profile: str
    ss_card_sam: str = "none"  # the PSAM's PC/SC reader for 3rd-generation cards, or none
    camera: str = "none"  # the photo step's camera (v4l2:///dev/video0, sim://) or none: photo at the counter


@dataclass(frozen=True)
class Timeouts:
    idle_warning_s: int
    idle_countdown_s: int
    max_session_s: int
    max_extensions: int
    device_status_s: float
    staff_session_s: int = 1200  # 全程代理: a worker's session ends this long after their login


@dataclass(frozen=True)
class SyncSettings:
    push_interval_s: int
    pull_interval_s: int
    heartbeat_interval_s: int
    purge_after_days: int


@dataclass(frozen=True)
class UpdateSettings:
    """How `kiosk update` installs a release and checks it (README "Updates, hold and rollback")."""

    health_timeout_s: int = 180  # the new release must report healthy within this, or it is rolled back
    restart_command: tuple[str, ...] = ("systemctl", "restart", "village-kiosk.service")
    status_dir: Path = Path("/run/village-kiosk")  # the running kiosk's health.json and session.json
    apt_source: Path = Path("/etc/apt/sources.list.d/village-kiosk.sources")  # written by provisioning
    apt_keyring: Path = Path("/etc/apt/keyrings/village-kiosk-archive-keyring.gpg")
    apt_pin_file: Path = Path("/etc/apt/preferences.d/village-kiosk.pref")


@dataclass(frozen=True)
class SpeechSettings:
    """Voice guidance: `engine` espeak (espeak-ng's Mandarin voice, the default), recording (tests) or none."""

    engine: str = "espeak"
    voice: str = "cmn"
    rate_wpm: int = 170
    volume: int = 100  # 0–100
    prompt_dir: Path | None = None  # recorded prompts: <ui string key>.wav / .ogg; None: synthesis only
    player: str = "auto"  # what plays audio on the default sound device: the first of pw-play, paplay, aplay
    on_by_default: bool = False  # voice on for every session, not only after 语音 / 帮助 / 长辈模式
    on_in_elderly_mode: bool = True


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
    updates: UpdateSettings = field(default_factory=UpdateSettings)
    sources: tuple[Path, ...] = ()
    site_file: Path | None = None  # the site file of this run (None: the demo with no site file)
    speech: SpeechSettings = field(default_factory=SpeechSettings)

    def redacted(self) -> dict[str, Any]:
        """The settings as plain data with secrets hidden (for diagnostics and check-config)."""
        import dataclasses

        data = dataclasses.asdict(self)
        data["platform"]["secret_from_env"] = "<hidden>" if self.platform.secret_from_env else None
        data["technician_pin_hashes"] = f"<{len(self.technician_pin_hashes)} hidden>"
        return {k: _plain(v) for k, v in data.items()}


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
    except UnicodeDecodeError as exc:  # tomllib decodes UTF-8 only; a GBK file lands here
        raise ConfigError(MESSAGES["not_utf8"].format(path=path, offset=exc.start)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"配置文件 {path} 不是有效的 TOML：{exc}") from exc
    except OSError as exc:
        raise ConfigError(f"无法读取配置文件 {path}：{exc}") from exc


def _merge(base: dict[str, Any], override: Mapping[str, Any], where: Path | str,
           origins: dict[tuple[str, str], str] | None = None) -> dict[str, Any]:
    """base updated with override, section by section; `origins` records which file set each key."""
    out = {k: dict(v) if isinstance(v, dict) else v for k, v in base.items()}
    for section, values in override.items():
        if section not in SECTIONS:
            raise ConfigError(MESSAGES["unknown_section"].format(where=where, section=section,
                                                                 sections=", ".join(SECTIONS)))
        if not isinstance(values, dict):
            raise ConfigError(MESSAGES["not_a_table"].format(where=where, section=section))
        out.setdefault(section, {}).update(values)
        if origins is not None:
            origins.update({(section, key): str(where) for key in values})
    return out


def _shown(section: str, key: str, value: Any) -> str:
    return "（不予显示）" if (section, key) in _SECRET_KEYS else repr(value)


def _validate(raw: dict[str, Any], origins: Mapping[tuple[str, str], str], where_missing: str,
              real_site: bool) -> dict[str, Any]:
    """Each table checked by its model (kiosk/settings_schema.py), table by table in SECTIONS' order.

    Every present key of every table first (an unknown key or a wrong value is named in the file that set
    it), then the keys missing from the merged settings (named in the site file).
    """
    result: dict[str, Any] = {}
    missing: ConfigError | None = None
    for section, model in SECTIONS.items():
        values = raw.get(section, {})
        try:
            result[section] = validate_table(model, values)
        except SchemaProblem as exc:
            problem = exc.first("unknown", "value")
            key = f"{section}.{problem.field}"
            where = origins.get((section, problem.field), where_missing)
            if problem.kind == "unknown":
                raise ConfigError(MESSAGES["unknown_key"].format(
                    where=where, key=key, section=section, keys=", ".join(model.model_fields))) from None
            if problem.kind == "value" and isinstance(problem.cause, WholeMessage):
                raise ConfigError(f"{where}: {problem.expected}") from None
            if problem.kind == "value":
                raise ConfigError(MESSAGES["bad_value"].format(
                    where=where, key=key, value=_shown(section, problem.field, problem.actual),
                    expected=problem.expected)) from None
            if missing is None:
                missing = ConfigError(MESSAGES["missing_real_site" if real_site else "missing"].format(
                    where=where_missing, key=key))
    if missing is not None:
        raise missing
    return result


def _resolve(path_text: str, base: Path) -> Path:
    p = Path(os.path.expanduser(path_text))
    return p if p.is_absolute() else (base / p).resolve()


def _read_layer(path: Path) -> dict[str, Any]:
    """One settings file with its relative paths made absolute against its own folder."""
    raw = _read_toml(path)
    for section, key in _PATH_KEYS:
        val = raw.get(section, {}).get(key) if isinstance(raw.get(section), dict) else None
        if isinstance(val, str) and val:
            raw[section][key] = str(_resolve(val, path.parent))
    return raw


def _says_demo(raw: Mapping[str, Any]) -> bool:
    kiosk = raw.get("kiosk")
    return isinstance(kiosk, dict) and kiosk.get("demo") is True


def load_settings(site_file: Path | None = None, env: Mapping[str, str] | None = None, *, demo: bool = False,
                  changes: Mapping[str, Mapping[str, Any]] | None = None) -> Settings:
    """Default file, (demo overlay), the site file (argument or $KIOSK_CONFIG), technician overrides, secrets.

    The demo overlay (config/demo.toml) is layered in when `demo` is asked (`kiosk --demo`), when there is
    no site file at all, or when the site file itself says `[kiosk] demo = true`. `changes` is a
    technician's pending edit, applied after the overrides file (to check it before it is saved).
    Relative paths in a file are resolved against that file's folder.
    """
    env = os.environ if env is None else env
    if site_file is None and env.get(ENV_CONFIG):
        site_file = Path(env[ENV_CONFIG])
    site_path = Path(site_file).resolve() if site_file is not None else None
    site = _read_layer(site_path) if site_path is not None else None
    origins: dict[tuple[str, str], str] = {}
    raw = _merge({}, _read_layer(DEFAULT_CONFIG), DEFAULT_CONFIG, origins)
    sources = [DEFAULT_CONFIG]
    if demo or site is None or _says_demo(site):
        raw = _merge(raw, _read_layer(DEMO_CONFIG), DEMO_CONFIG, origins)
        sources.append(DEMO_CONFIG)
    if site is not None and site_path is not None:
        raw = _merge(raw, site, site_path, origins)
        sources.append(site_path)
    data_dir_text = raw.get("kiosk", {}).get("data_dir")
    overrides_file: Path | None = None
    if isinstance(data_dir_text, str) and data_dir_text:
        overrides_file = Path(data_dir_text) / OVERRIDES_FILE
        if overrides_file.is_file():
            overrides = _read_toml(overrides_file)
            if "data_dir" in overrides.get("kiosk", {}):
                raise ConfigError(MESSAGES["data_dir_fixed"].format(where=overrides_file))
            raw = _merge(raw, overrides, overrides_file, origins)
            sources.append(overrides_file)
    if changes:
        pending = overrides_file if overrides_file is not None else "技术员修改"
        if "data_dir" in changes.get("kiosk", {}):
            raise ConfigError(MESSAGES["data_dir_fixed"].format(where=pending))
        raw = _merge(raw, changes, pending, origins)
    where = str(sources[-1])
    is_demo = raw.get("kiosk", {}).get("demo") is True
    tables = _validate(raw, origins, where_missing=str(site_path or where), real_site=not is_demo)
    v = {section: table.model_dump() for section, table in tables.items()}  # every key, defaults filled in
    k, sp, pl, dv, to, sy = (v[s] for s in ("kiosk", "service_point", "platform", "devices", "timeouts", "sync"))
    lg, tech = v["logging"], v["technician"]

    def origin(section: str, key: str) -> str:
        return origins.get((section, key), where)

    if to["idle_countdown_s"] >= to["max_session_s"]:
        raise ConfigError(f"{origin('timeouts', 'idle_countdown_s')}: "
                          "timeouts.idle_countdown_s 应小于 timeouts.max_session_s")
    secret_from_env = env.get(ENV_SECRET) or None
    checks = _SiteChecks(v, origin, secret_from_env)
    checks.files_and_names()
    if not is_demo:
        checks.no_demo_values()
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
            ca_bundle=pl["ca_bundle"],
            connect_timeout_s=pl["connect_timeout_s"],
            read_timeout_s=pl["read_timeout_s"],
            start_sandbox=pl["start_sandbox"],
            call_deadline_s=pl["call_deadline_s"],
            max_reply_bytes=pl["max_reply_bytes"],
            secret_from_env=secret_from_env,
        ),
        devices=DeviceSettings(**dv),
        timeouts=Timeouts(**to),
        sync=SyncSettings(**sy),
        enabled_services=tuple(v["services"]["enabled"]),
        disabled_items=tuple(v["services"]["disabled_items"]),
        log_level=lg["level"],
        log_max_bytes=lg["max_bytes"],
        log_backups=lg["backups"],
        technician_pin_hashes=tuple(tech["pin_hashes"]),
        technician_entry_taps=tech["entry_taps"],
        technician_lockout_s=tech["lockout_s"],
        updates=UpdateSettings(
            health_timeout_s=v["updates"]["health_timeout_s"],
            restart_command=tuple(v["updates"]["restart_command"]),
            status_dir=Path(v["updates"]["status_dir"]),
            apt_source=Path(v["updates"]["apt_source"]),
            apt_keyring=Path(v["updates"]["apt_keyring"]),
            apt_pin_file=Path(v["updates"]["apt_pin_file"]),
        ),
        sources=tuple(sources),
        site_file=site_path,
        speech=SpeechSettings(**{k: x for k, x in v["speech"].items() if k != "prompt_dir"},
                              prompt_dir=Path(v["speech"]["prompt_dir"]) if v["speech"]["prompt_dir"] else None),
    )


class _SiteChecks:
    """Checks across keys and against files: what would otherwise stop the kiosk only once it starts."""

    def __init__(self, values: Mapping[str, Mapping[str, Any]], origin: Callable[[str, str], str],
                 secret_from_env: str | None) -> None:
        self.v = values
        self.origin = origin
        self.secret_from_env = secret_from_env
        self.secret = ""  # the platform secret in force, once files_and_names has read the credentials

    def _fail(self, section: str, key: str, expected: str) -> ConfigError:
        value = _shown(section, key, self.v[section].get(key))
        return ConfigError(MESSAGES["bad_value"].format(where=self.origin(section, key), key=f"{section}.{key}",
                                                        value=value, expected=expected))

    def files_and_names(self) -> None:
        """Files that must exist, names that must be known, a file printer inside the data folder."""
        from kiosk.platform.credentials import CredentialsError, load_credentials

        pl, dv, k = self.v["platform"], self.v["devices"], self.v["kiosk"]
        ca = pl.get("ca_bundle", "")
        if ca and not Path(ca).is_file():
            raise self._fail("platform", "ca_bundle", MESSAGES["ca_bundle"])
        env = {ENV_SECRET: self.secret_from_env} if self.secret_from_env else {}
        try:
            self.secret = load_credentials(pl["credentials_file"], env=env).secret
        except CredentialsError as exc:
            raise self._fail("platform", "credentials_file",
                             MESSAGES["credentials"].format(detail=exc.args[0])) from exc
        self._printer_profile(dv["printer_profile"])
        self._catalogue(k["province_profile"])
        self._printer_file(dv["printer"], Path(k["data_dir"]))

    def _printer_profile(self, name: str) -> None:
        from devices.printer.profiles import DEFAULT_PROFILES_PATH, PrinterProfileError, load_profiles

        try:
            profiles = load_profiles(DEFAULT_PROFILES_PATH)
        except PrinterProfileError as exc:
            raise ConfigError(str(exc)) from exc
        if name not in profiles:
            raise self._fail("devices", "printer_profile",
                             MESSAGES["printer_profile"].format(available=" / ".join(profiles)))

    def _catalogue(self, profile: str) -> None:
        from kiosk.catalogue import CatalogueError, available_profiles, load_catalogue

        available = available_profiles()
        if profile not in available:
            raise self._fail("kiosk", "province_profile",
                             MESSAGES["province_profile"].format(available=" / ".join(available)))
        services = self.v["services"]
        try:
            load_catalogue(profile=profile, enabled=services["enabled"],
                           disabled_items=services.get("disabled_items", ()))
        except CatalogueError as exc:
            key = "disabled_items" if "services.disabled_items" in str(exc) else "enabled"
            raise self._fail("services", key, MESSAGES["services"].format(detail=exc)) from exc

    def _printer_file(self, address: str, data_dir: Path) -> None:
        """A file:// printer writes as the kiosk user: only inside the kiosk's own data folder."""
        uri = parse_device_uri(address)
        if uri.scheme != "file":
            return
        target = Path(uri.target).resolve()
        root = data_dir.resolve()
        if target == root or not target.is_relative_to(root):
            raise self._fail("devices", "printer", MESSAGES["printer_file"].format(data_dir=root))

    def no_demo_values(self) -> None:
        """Outside demo mode: none of demo.toml's values, nor the demo secret, nor the published demo PIN."""
        demo = _read_layer(DEMO_CONFIG)
        k, sp, pl, tech = (self.v[s] for s in ("kiosk", "service_point", "platform", "technician"))

        def refuse(section: str, key: str, what: str, expected: str) -> ConfigError:
            return ConfigError(MESSAGES["demo_value"].format(
                where=self.origin(section, key), key=f"{section}.{key}", what=MESSAGES[what],
                expected=MESSAGES[expected]))

        if pl.get("start_sandbox"):
            raise refuse("platform", "start_sandbox", "demo_sandbox", "expect_no_sandbox")
        if self._is_demo_pin(tech.get("pin_hashes", ()), demo.get("technician", {}).get("pin_hashes", [])):
            raise refuse("technician", "pin_hashes", "demo_pin", "expect_pins")
        demo_creds = Path(demo["platform"]["credentials_file"])
        if Path(pl["credentials_file"]).resolve() == demo_creds.resolve():
            raise refuse("platform", "credentials_file", "demo_credentials", "expect_credentials")
        from kiosk.platform.credentials import load_credentials

        demo_secret = load_credentials(demo_creds, env={}).secret
        if hmac.compare_digest(self.secret.encode(), demo_secret.encode()):
            if self.secret_from_env:
                raise ConfigError(MESSAGES["demo_value"].format(
                    where=f"环境变量 {ENV_SECRET}", key=ENV_SECRET, what=MESSAGES["demo_secret"],
                    expected=MESSAGES["expect_credentials"]))
            raise refuse("platform", "credentials_file", "demo_secret", "expect_credentials")
        if k["id"] == demo["kiosk"]["id"]:
            raise refuse("kiosk", "id", "demo_kiosk_id", "expect_kiosk_id")
        for key in ("name", "address", "phone"):
            if sp.get(key) and sp.get(key) == demo["service_point"].get(key):
                raise refuse("service_point", key, "demo_service_point", "expect_service_point")

    @staticmethod
    def _is_demo_pin(lines: tuple[str, ...], demo_lines: list[str]) -> bool:
        """The demo overlay's hash itself, or any hash that opens with a published demo PIN (scrypt per line)."""
        from kiosk.technician import PinHash

        if set(lines) & set(demo_lines):
            return True
        hashes = [PinHash.parse(line) for line in lines]
        return any(h.matches(pin) for h in hashes for pin in PUBLISHED_DEMO_PINS)
