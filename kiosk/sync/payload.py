"""The outbox payload format: what is stored at submit time and turned, unchanged, into the platform's Submission."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from kiosk.platform import AssistedBy, Submission
from offline_cache import Database, OutboxItem
from offline_cache.clock import LOCAL_TZ

FORMAT_VERSION = 1


class OutboxPayloadInvalid(ValueError):
    """A stored outbox payload is not in this format (a technician must look); the text holds no personal data."""


def make_outbox_payload(kind: str, person: Mapping[str, str], payload: Mapping[str, Any],
                        submitted_at: datetime, assisted_by: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The dict stored (encrypted) in the outbox: everything a retry must resend byte-identically.

    `submitted_at` is fixed here, once, so every retry carries the same body (the platform compares
    the whole body for idempotency).
    """
    if submitted_at.tzinfo is None:
        raise ValueError("submitted_at must be timezone-aware")
    id_number = "".join(str(person["id_number"]).split()).upper()
    name = str(person["name"]).strip()
    if not id_number or not name:
        raise ValueError("person needs id_number and name")
    out = {
        "format": FORMAT_VERSION,
        "kind": kind,
        "submitted_at": submitted_at.astimezone(LOCAL_TZ).isoformat(timespec="seconds"),
        "person": {"id_number": id_number, "name": name},
        "payload": dict(payload),
    }
    if assisted_by is not None:  # 全程代理: both identities travel with the submission
        out["assisted_by"] = {"staff_no": str(assisted_by["staff_no"]), "staff_session": str(assisted_by["staff_session"])}
    return out


def to_submission(item: OutboxItem) -> Submission:
    """The Submission for an outbox item (its key is the idempotency key); OutboxPayloadInvalid if malformed."""
    p = item.payload
    if not isinstance(p, Mapping):
        raise OutboxPayloadInvalid("no payload (purged or not decrypted)")
    if p.get("format") != FORMAT_VERSION:
        raise OutboxPayloadInvalid(f"unknown format {p.get('format')!r}")
    person, body = p.get("person"), p.get("payload")
    submitted_at = p.get("submitted_at")
    if not isinstance(person, Mapping) or not isinstance(body, Mapping) or not isinstance(submitted_at, str):
        raise OutboxPayloadInvalid("missing person, payload or submitted_at")
    id_number, name = person.get("id_number"), person.get("name")
    if not isinstance(id_number, str) or not isinstance(name, str):
        raise OutboxPayloadInvalid("person fields are not text")
    if p.get("kind") != item.kind:
        raise OutboxPayloadInvalid("kind differs from the outbox row")
    assisted = p.get("assisted_by")
    assisted_by = None
    if assisted is not None:
        if not isinstance(assisted, Mapping) or not all(isinstance(assisted.get(k), str)
                                                         for k in ("staff_no", "staff_session")):
            raise OutboxPayloadInvalid("assisted_by is malformed")
        assisted_by = AssistedBy(staff_no=assisted["staff_no"], staff_session=assisted["staff_session"])
    return Submission(idempotency_key=item.key, kind=item.kind, submitted_at=submitted_at, id_number=id_number,
                      name=name, payload=dict(body), assisted_by=assisted_by)


def queue_submission(database: Database, kind: str, title: str, identity_id_number: str, name: str,
                     payload: Mapping[str, Any], clock: Callable[[], datetime],
                     assisted_by: Mapping[str, str] | None = None) -> OutboxItem:
    """Queue a resident's submission (and its 我的办件 case, 待上传) in one transaction; returns the outbox item.

    When this returns the submission is durable: the kiosk may tell the resident it was received.
    """
    outbox_payload = make_outbox_payload(kind, {"id_number": identity_id_number, "name": name}, payload, clock(),
                                         assisted_by)
    person_key = database.person_key(outbox_payload["person"]["id_number"])
    return database.outbox.submit(kind, title, person_key, outbox_payload)
