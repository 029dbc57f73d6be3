"""The value a cached feed row becomes when it leaves the database, and the JSON → column conversion."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from offline_cache.errors import FeedItemInvalid
from offline_cache.feeds import FeedSpec, Kind

META_COLUMNS = ("pk", "id", "version", "updated_at", "deleted")


@dataclass(frozen=True)
class Record:
    """One cached item of a feed: platform id, version, and its fields by JSON name."""

    feed: str
    id: str
    version: int
    updated_at: str | None
    fields: Mapping[str, Any]

    def __getitem__(self, name: str) -> Any:
        return self.fields[name]

    def get(self, name: str, default: Any = None) -> Any:
        """A field, or `default` when it is missing or null."""
        value = self.fields.get(name)
        return default if value is None else value


def select_columns(spec: FeedSpec) -> str:
    """The column list `record_from_row` expects, for a SELECT on the feed table (alias t)."""
    return ", ".join(f"t.{c}" for c in (*META_COLUMNS, *spec.columns))


def record_from_row(spec: FeedSpec, row: Sequence[Any]) -> Record:
    """A Record from a row selected with `select_columns`."""
    values: dict[str, Any] = {}
    for f, value in zip(spec.fields, row[len(META_COLUMNS) :], strict=True):
        if value is not None:
            if f.kind is Kind.LIST:
                value = json.loads(value)
            elif f.kind is Kind.BOOL:
                value = bool(value)
        values[f.name] = value
    return Record(spec.name, row[1], row[2], row[3], MappingProxyType(values))


def _to_text(v: Any) -> str:
    if isinstance(v, (dict, list)):
        raise TypeError("expected a scalar")
    return str(v)


def _to_int(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, float, str)):
        raise TypeError("expected an integer")
    return int(v)


def _to_real(v: Any) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float, str)):
        raise TypeError("expected a number")
    return float(v)


def _to_bool(v: Any) -> int:
    if not isinstance(v, bool):
        raise TypeError("expected true/false")
    return int(v)


def _to_list(v: Any) -> str:
    if not isinstance(v, list):
        raise TypeError("expected a list")
    return json.dumps(v, ensure_ascii=False)


_CONVERT: dict[Kind, Callable[[Any], Any]] = {
    Kind.TEXT: _to_text, Kind.DATE: _to_text, Kind.DATETIME: _to_text,
    Kind.INT: _to_int, Kind.REAL: _to_real, Kind.BOOL: _to_bool, Kind.LIST: _to_list,
}


def item_values(spec: FeedSpec, index: int, item: Mapping[str, Any]) -> tuple[str, int, str | None, bool, tuple[Any, ...]]:
    """(id, version, updated_at, deleted, field values in spec order) of one feed item, or FeedItemInvalid."""
    try:
        item_id = item["id"]
        version = item["version"]
        if not isinstance(item_id, str) or not item_id:
            raise TypeError("id must be a non-empty string")
        if isinstance(version, bool) or not isinstance(version, int):
            raise TypeError("version must be an integer")
        deleted = bool(item.get("deleted", False))
        updated_at = item.get("updated_at")
        if deleted:
            return item_id, version, updated_at, True, ()
        fields = []
        for f in spec.fields:
            value = item.get(f.name)
            fields.append(None if value is None else _CONVERT[f.kind](value))
    except (KeyError, TypeError, ValueError) as exc:
        # no field values in the message: items may hold phone numbers
        raise FeedItemInvalid(f"{spec.name} item #{index}: {type(exc).__name__}: {exc}") from exc
    return item_id, version, updated_at, False, tuple(fields)
