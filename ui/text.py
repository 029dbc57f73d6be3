"""The UI's text table (ui/strings.toml): look up a Chinese string by key."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

STRINGS_FILE = Path(__file__).with_name("strings.toml")


@cache
def _table() -> dict[str, str]:
    with STRINGS_FILE.open("rb") as fh:
        raw = tomllib.load(fh)
    flat: dict[str, str] = {}
    for section, values in raw.items():
        for key, value in values.items():
            flat[f"{section}.{key}"] = value
    return flat


def tr(key: str, **fmt: object) -> str:
    """The text for `key` ("section.name"), formatted with `fmt`; a missing key is a bug and raises."""
    text = _table()[key]
    return text.format(**fmt) if fmt else text
