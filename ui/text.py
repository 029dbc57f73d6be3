"""The UI's text tables (ui/strings/*.toml, one per area): look up a Chinese string by key."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

STRINGS_DIR = Path(__file__).with_name("strings")


class StringsError(ValueError):
    """A strings file is broken or two files define the same key."""


@cache
def _table() -> dict[str, str]:
    flat: dict[str, str] = {}
    for path in sorted(STRINGS_DIR.glob("*.toml")):
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
        for section, values in raw.items():
            for key, value in values.items():
                full = f"{section}.{key}"
                if full in flat:
                    raise StringsError(f"{path.name}: {full} is defined twice")
                flat[full] = value
    return flat


def tr(key: str, /, **fmt: object) -> str:
    """The text for `key` ("section.name"), formatted with `fmt`; a missing key is a bug and raises."""
    text = _table()[key]
    return text.format(**fmt) if fmt else text


def has(key: str) -> bool:
    return key in _table()
