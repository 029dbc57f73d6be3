"""Load and validate receipt printer profiles (paper width, charset, QR mode, cutter) from TOML data."""

from __future__ import annotations

import codecs
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from config import CONFIG_DIR
from config.schema import SchemaProblem, validate_table

# devices/printer/profiles.py → the package root holds config/ (in the repo and when installed).
DEFAULT_PROFILES_PATH = CONFIG_DIR / "printer_profiles.toml"

Encoding = Literal["gb18030", "gbk", "utf-8"]
QrMode = Literal["native", "raster"]
Cutter = Literal["full", "partial", "none"]
FourByte = Literal["none", "cjk_ext_a", "all"]

ENCODINGS: tuple[str, ...] = ("gb18030", "gbk", "utf-8")
QR_MODES: tuple[str, ...] = ("native", "raster")
CUTTERS: tuple[str, ...] = ("full", "partial", "none")
QR_EC_LEVELS: tuple[str, ...] = ("L", "M", "Q", "H")
FOUR_BYTE: tuple[str, ...] = ("none", "cjk_ext_a", "all")


class PrinterProfileError(ValueError):
    """A profile file or value that cannot be used; the message names the file, profile and key."""

    def __init__(self, message: str, profile: str = "", key: str = "") -> None:
        super().__init__(message)
        self.profile = profile
        self.key = key


@dataclass(frozen=True)
class PrinterProfile:
    """What one printer model can do; the driver and the layout read it instead of branching on models."""

    name: str
    description: str
    paper_mm: int
    columns: int
    dots_per_line: int
    encoding: Encoding
    chinese_mode_switch: bool
    qr_mode: QrMode
    cutter: Cutter
    qr_module_size: int = 6
    qr_error_correction: str = "M"
    tear_feed_lines: int = 4
    realtime_status: bool = True
    ambiguous_wide: bool = False
    gb18030_four_byte: FourByte = "cjk_ext_a"
    placeholder: str = "□"
    substitutions: tuple[tuple[str, str], ...] = field(default=())

    @property
    def substitution_map(self) -> dict[str, str]:
        """The substitutions as a dict (character → replacement)."""
        return dict(self.substitutions)


def _fold(fold: Callable[[str], str]) -> BeforeValidator:
    return BeforeValidator(lambda v: fold(v) if isinstance(v, str) else v)


def _choices(options: tuple[str, ...]) -> str:
    return " | ".join(f'"{o}"' for o in options)


def _range(lo: int, hi: int) -> Any:
    return Field(ge=lo, le=hi, description=f"{lo} 到 {hi} 之间的整数")


class ProfileSchema(BaseModel):
    """One [profiles.<name>] table (without its substitutions), as config/printer_profiles.toml documents it."""

    model_config = ConfigDict(extra="forbid", strict=True)

    description: Annotated[str, Field(description="字符串")] = ""
    paper_mm: Annotated[int, _range(30, 120)]
    columns: Annotated[int, _range(16, 96)]
    dots_per_line: Annotated[int, _range(128, 1024)]
    encoding: Annotated[Encoding, _fold(str.lower), Field(description=_choices(ENCODINGS))]
    chinese_mode_switch: Annotated[bool, Field(description="true 或 false")]
    qr_mode: Annotated[QrMode, _fold(str.lower), Field(description=_choices(QR_MODES))]
    cutter: Annotated[Cutter, _fold(str.lower), Field(description=_choices(CUTTERS))]
    qr_module_size: Annotated[int, _range(1, 16)] = 6
    qr_error_correction: Annotated[
        Literal["L", "M", "Q", "H"], _fold(str.upper), Field(description=_choices(QR_EC_LEVELS))
    ] = "M"
    tear_feed_lines: Annotated[int, _range(0, 20)] = 4
    realtime_status: Annotated[bool, Field(description="true 或 false")] = True
    ambiguous_wide: Annotated[bool, Field(description="true 或 false")] = False
    gb18030_four_byte: Annotated[FourByte, _fold(str.lower), Field(description=_choices(FOUR_BYTE))] = "cjk_ext_a"
    placeholder: Annotated[str, Field(min_length=1, max_length=1, description="恰好一个字符")] = "□"


def _fail(source: str, profile: str, key: str, expected: str, actual: Any) -> PrinterProfileError:
    where = f"[profiles.{profile}]" + (f" 的 {key}" if key else "")
    return PrinterProfileError(
        f"打印机配置 {source} 中 {where} 应为 {expected}，实际为 {actual!r}", profile=profile, key=key
    )


def _encodable(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def parse_profile(name: str, data: Mapping[str, Any], source: str = "<data>") -> PrinterProfile:
    """Validate one profile table; raise PrinterProfileError naming the profile and the key."""
    if not isinstance(data, Mapping):
        raise _fail(source, name, "", "一个表（[profiles.名称]）", data)
    try:
        checked = validate_table(ProfileSchema, {k: v for k, v in data.items() if k != "substitutions"})
    except SchemaProblem as exc:
        problem = exc.problem
        if problem.kind == "unknown":
            allowed = ", ".join(sorted({*ProfileSchema.model_fields, "substitutions"}))
            raise PrinterProfileError(f"打印机配置 {source} 中 [profiles.{name}] 有未知的键 {problem.key}，可用的键：{allowed}",
                                      profile=name, key=problem.key) from None
        if problem.kind == "missing":
            raise PrinterProfileError(f"打印机配置 {source} 中 [profiles.{name}] 缺少必填的键 {problem.key}",
                                      profile=name, key=problem.key) from None
        raise _fail(source, name, problem.key, problem.expected, problem.actual) from None
    values = checked.model_dump(exclude_unset=True)
    encoding = values["encoding"]
    codecs.lookup(encoding)  # the three allowed names are all known to Python
    if encoding != "utf-8" and values.get("ambiguous_wide"):
        raise _fail(source, name, "ambiguous_wide", "仅用于 utf-8 的设置（GB 编码按字节数计宽）", True)
    if encoding != "gb18030" and "gb18030_four_byte" in values:
        raise _fail(source, name, "gb18030_four_byte", "仅用于 gb18030 的设置", values["gb18030_four_byte"])
    if values["columns"] % 2:
        raise _fail(source, name, "columns", "偶数（倍宽文字按两列计）", values["columns"])

    placeholder = checked.placeholder
    if not _encodable(placeholder, encoding):
        raise _fail(source, name, "placeholder", f"能用 {encoding} 编码的字符", placeholder)

    subs_raw = data.get("substitutions", {})
    if not isinstance(subs_raw, Mapping):
        raise _fail(source, name, "substitutions", "一个表（字符 = 替换文字）", subs_raw)
    subs: list[tuple[str, str]] = []
    for char, replacement in subs_raw.items():
        key = f"substitutions.{char}"
        if len(char) != 1:
            raise _fail(source, name, key, "以单个字符为键", char)
        if not isinstance(replacement, str) or not _encodable(replacement, encoding):
            raise _fail(source, name, key, f"能用 {encoding} 编码的字符串", replacement)
        subs.append((char, replacement))

    return PrinterProfile(name=name, **checked.model_dump(), substitutions=tuple(subs))


def load_profiles(path: Path | str) -> dict[str, PrinterProfile]:
    """Read every [profiles.<name>] table of a TOML file; raise PrinterProfileError on any bad value."""
    source = str(path)
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise PrinterProfileError(f"找不到打印机配置文件 {source}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise PrinterProfileError(f"打印机配置文件 {source} 格式错误：{exc}") from exc
    unknown = [k for k in data if k != "profiles"]
    if unknown:
        raise PrinterProfileError(f"打印机配置 {source} 有未知的表或键 {unknown[0]}，只允许 [profiles.名称]", key=unknown[0])
    tables = data.get("profiles")
    if not isinstance(tables, dict) or not tables:
        raise PrinterProfileError(f"打印机配置 {source} 中没有任何 [profiles.名称] 表", key="profiles")
    return {name: parse_profile(name, table, source) for name, table in tables.items()}


def profile_named(profiles: Mapping[str, PrinterProfile], name: str) -> PrinterProfile:
    """The profile called name; raise PrinterProfileError listing the ones that exist."""
    try:
        return profiles[name]
    except KeyError:
        raise PrinterProfileError(
            f"未知的打印机型号配置 {name!r}，可选：{', '.join(sorted(profiles))}", profile=name, key="printer_profile"
        ) from None
