"""Which platform call delivers an outbox item: submissions, fault reports (问题反映) and audit entries.

Fault reports and technician audit entries travel through the same outbox as residents' submissions,
so they survive a dead network and a crash and are delivered exactly once (idempotent by the item's
key). Their stored payloads have their own small formats, made and read here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from kiosk.platform import AuditEntry, FaultReportDraft, PlatformClient
from kiosk.sync.outcomes import Action, Outcome, from_receipt
from kiosk.sync.payload import OutboxPayloadInvalid, to_submission
from offline_cache import OutboxItem
from offline_cache.clock import LOCAL_TZ

FAULT_REPORT_KIND = "fault_report"
AUDIT_KIND = "audit_event"
AUDIT_PREFIX = "audit_"
FAULT_FORMAT = 1
AUDIT_FORMAT = 1


def is_audit(kind: str) -> bool:
    return kind.startswith(AUDIT_PREFIX)


def fault_report_payload(category: str, description: str, suggestion: str,
                         snapshot: Mapping[str, Any] | None) -> dict[str, Any]:
    """What the outbox stores for a 问题反映 (the key is added when it is sent)."""
    return {"format": FAULT_FORMAT, "kind": FAULT_REPORT_KIND, "category": category, "description": description,
            "suggestion": suggestion, "snapshot": dict(snapshot) if snapshot is not None else None}


def audit_payload(actor: str, action: str, at: datetime, detail: Mapping[str, Any]) -> dict[str, Any]:
    """What the outbox stores for one technician action (`at` fixed once so every retry is byte-identical)."""
    if at.tzinfo is None:
        raise ValueError("at must be timezone-aware")
    return {"format": AUDIT_FORMAT, "kind": AUDIT_KIND, "actor": actor, "action": action,
            "at": at.astimezone(LOCAL_TZ).isoformat(timespec="seconds"), "detail": dict(detail)}


def _payload(item: OutboxItem, fmt: int) -> Mapping[str, Any]:
    p = item.payload
    if not isinstance(p, Mapping):
        raise OutboxPayloadInvalid("no payload (purged or not decrypted)")
    if p.get("format") != fmt:
        raise OutboxPayloadInvalid(f"unknown format {p.get('format')!r}")
    return p


def to_fault_draft(item: OutboxItem) -> FaultReportDraft:
    p = _payload(item, FAULT_FORMAT)
    texts = [p.get(k) for k in ("category", "description", "suggestion")]
    if not all(isinstance(t, str) for t in texts):
        raise OutboxPayloadInvalid("fault report fields are not text")
    snapshot = p.get("snapshot")
    if snapshot is not None and not isinstance(snapshot, Mapping):
        raise OutboxPayloadInvalid("fault report snapshot is not an object")
    return FaultReportDraft(idempotency_key=item.key, category=texts[0], description=texts[1],  # type: ignore[arg-type]
                            suggestion=texts[2], snapshot=snapshot)  # type: ignore[arg-type]


def to_audit_entry(item: OutboxItem) -> AuditEntry:
    p = _payload(item, AUDIT_FORMAT)
    actor, action, at, detail = p.get("actor"), p.get("action"), p.get("at"), p.get("detail")
    if not (isinstance(actor, str) and isinstance(action, str) and isinstance(at, str)):
        raise OutboxPayloadInvalid("audit fields are not text")
    if not isinstance(detail, Mapping):
        raise OutboxPayloadInvalid("audit detail is not an object")
    return AuditEntry(idempotency_key=item.key, actor=actor, action=action, at=at, detail=dict(detail))


def deliver(client: PlatformClient, item: OutboxItem) -> Outcome:
    """Send one outbox item by its kind; raises what the client raises (the worker maps it with from_error)."""
    if item.kind == FAULT_REPORT_KIND:
        receipt = client.report_fault(to_fault_draft(item))
        return Outcome(Action.ACCEPT, case_no=receipt.report_no, duplicate=receipt.duplicate)
    if is_audit(item.kind):
        audit = client.record_audit(to_audit_entry(item))
        return Outcome(Action.ACCEPT, case_no=audit.audit_no, duplicate=audit.duplicate)
    return from_receipt(client.submit(to_submission(item)))
