"""Which picture a home or group tile gets: data in config/pictograms.toml (ui/pictograms.py draws them).

A group's picture by its name; an item's by the first word of its name that a rule lists, else its group's.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from config import CONFIG_DIR

PICTOGRAMS_FILE = CONFIG_DIR / "pictograms.toml"


@cache
def _rules(path: Path = PICTOGRAMS_FILE) -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    with path.open("rb") as fh:
        raw = tomllib.load(fh)
    return dict(raw.get("groups", {})), tuple((r["word"], r["picture"]) for r in raw.get("items", []))


def picture_for_group(group: str) -> str:
    return _rules()[0].get(group, "document")


def picture_for_item(name: str, group: str) -> str:
    for word, picture in _rules()[1]:
        if word in name:
            return picture
    return picture_for_group(group)
