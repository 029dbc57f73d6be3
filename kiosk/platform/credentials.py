"""Load the kiosk's platform credentials (kiosk id + secret) from a TOML file, secret overridable by env."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

ENV_SECRET = "KIOSK_PLATFORM_SECRET"


class CredentialsError(ValueError):
    """The credentials file is missing or malformed; the message names the file and key (never the secret)."""


@dataclass(frozen=True)
class KioskCredentials:
    """Who this kiosk is to the platform. The secret never appears in repr/str."""

    kiosk_id: str
    secret: str = field(repr=False)


def load_credentials(path: str | os.PathLike[str], env: Mapping[str, str] | None = None) -> KioskCredentials:
    """Read `kiosk_id` and `secret` from a TOML file; $KIOSK_PLATFORM_SECRET replaces the file's secret."""
    env = os.environ if env is None else env
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CredentialsError(f"找不到平台凭据文件 {p}") from exc
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CredentialsError(f"平台凭据文件 {p} 无法读取：{type(exc).__name__}") from exc
    kiosk_id = data.get("kiosk_id")
    if not isinstance(kiosk_id, str) or not kiosk_id.strip():
        raise CredentialsError(f"平台凭据文件 {p} 缺少 kiosk_id（非空字符串）")
    secret = env.get(ENV_SECRET) or data.get("secret")
    if not isinstance(secret, str) or len(secret) < 16:
        raise CredentialsError(f"平台凭据文件 {p} 缺少 secret（至少 16 个字符），或设置环境变量 {ENV_SECRET}")
    return KioskCredentials(kiosk_id=kiosk_id.strip(), secret=secret)
