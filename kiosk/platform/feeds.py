"""The reference-data feeds the platform publishes and the fields of each (the contract's list).

The lists are data, shared with the sandbox platform: config/platform_contract.toml.
"""

from __future__ import annotations

import tomllib
from typing import Any

from config import CONFIG_DIR

CONTRACT_FILE = CONFIG_DIR / "platform_contract.toml"


class ContractFileError(ValueError):
    """The contract's vocabulary file is malformed (a packaging mistake, never a site setting)."""


def _names(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ContractFileError(f"{CONTRACT_FILE.name}: {where} should be a list of names")
    return tuple(value)


with CONTRACT_FILE.open("rb") as _fh:
    _VOCABULARY = tomllib.load(_fh)

# Every item also carries id, version, updated_at and deleted (a tombstone when true).
ITEM_KEYS = _names(_VOCABULARY.get("feed_item_keys"), "feed_item_keys")
FEED_FIELDS: dict[str, tuple[str, ...]] = {
    feed: _names(fields, f"feed_fields.{feed}") for feed, fields in dict(_VOCABULARY.get("feed_fields", {})).items()
}
FEEDS = tuple(FEED_FIELDS)
SUBMISSION_KINDS = _names(_VOCABULARY.get("submission_kinds"), "submission_kinds")
RECORD_KINDS = _names(_VOCABULARY.get("record_kinds"), "record_kinds")
# 问题反映 categories and where the platform routes each (seed 003 附件4).
FAULT_ROUTES: dict[str, str] = {
    str(k): str(v) for k, v in dict(_VOCABULARY.get("fault_categories", {})).items()
}
FAULT_CATEGORIES = tuple(FAULT_ROUTES)
# The age bands a published gig seeker shows instead of the exact age (low, high), youngest first.
AGE_BANDS: tuple[tuple[int, int], ...] = tuple(
    (int(low), int(high)) for low, high in list(_VOCABULARY.get("gig_seeker_age_bands", []))
)
