"""The tactile keypad's key bindings (config/keypad.toml): which key names mean 上/下/左/右/确认/返回/帮助/语音."""

from __future__ import annotations

import tomllib
from pathlib import Path

from config import CONFIG_DIR
from kiosk.settings import ConfigError

KEYPAD_FILE = CONFIG_DIR / "keypad.toml"
ACTIONS = ("up", "down", "left", "right", "confirm", "back", "help", "voice")


def load_key_bindings(path: Path = KEYPAD_FILE) -> dict[str, str]:
    """Qt key name (without "Key_") → action; a key bound twice or an unknown action is a ConfigError."""
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: 无法读取按键设置（{exc}）") from exc
    keys = raw.get("keys")
    if not isinstance(keys, dict):
        raise ConfigError(f"{path}: 缺少 [keys]")
    bindings: dict[str, str] = {}
    for action, names in keys.items():
        if action not in ACTIONS:
            raise ConfigError(f"{path}: 未知的按键动作 {action}；可用：{', '.join(ACTIONS)}")
        if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
            raise ConfigError(f"{path}: keys.{action} 应为按键名列表，例如 [\"Return\"]")
        for name in names:
            if name in bindings:
                raise ConfigError(f"{path}: 按键 {name} 同时用于 {bindings[name]} 和 {action}")
            bindings[name] = action
    return bindings
