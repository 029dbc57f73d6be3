"""What one send attempt means for its outbox item: the single table from platform result to outbox transition."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from kiosk.platform import (
    IdempotencyConflict,
    KioskAuthError,
    PlatformRejected,
    PlatformUnavailable,
    SubmissionReceipt,
    ValidationRejected,
)
from kiosk.sync.messages import AUDIT_TEXTS, REJECTED_FALLBACK
from kiosk.sync.payload import OutboxPayloadInvalid


class Action(enum.StrEnum):
    """The outbox transition an attempt leads to."""

    ACCEPT = "accept"  # mark_accepted(case_no)
    REJECT = "reject"  # mark_rejected(code, message): 审核不通过 in 我的办件
    ATTENTION = "attention"  # mark_needs_attention(text): a technician must look
    RETRY = "retry"  # mark_retry(later): the platform could not be reached / answered garbage
    RETRY_PERMANENT = "retry_permanent"  # mark_retry(later, permanent=True): an unexpected failure


@dataclass(frozen=True)
class Outcome:
    """The decision for one attempt. `unreachable` pauses all network work (global backoff)."""

    action: Action
    case_no: str | None = None
    duplicate: bool = False
    code: str | None = None
    text: str = ""  # reject message or audit text; never personal data
    unreachable: bool = False
    stop_pushing: bool = False  # the platform refuses this kiosk: do not burn through the queue


def from_receipt(receipt: SubmissionReceipt) -> Outcome:
    """An accepted submission (a duplicate receipt is the same case again: accepted)."""
    return Outcome(Action.ACCEPT, case_no=receipt.case_no, duplicate=receipt.duplicate)


def from_error(exc: Exception) -> Outcome:
    """The decision for a failed attempt (order matters: the subclasses first)."""
    if isinstance(exc, PlatformUnavailable):
        return Outcome(Action.RETRY, code=exc.code, text=AUDIT_TEXTS["unavailable"].format(code=exc.code),
                       unreachable=True)
    if isinstance(exc, IdempotencyConflict):
        return Outcome(Action.ATTENTION, code=exc.code, text=AUDIT_TEXTS["idempotency_conflict"])
    if isinstance(exc, KioskAuthError):
        if exc.code == "REPLAYED_NONCE":  # a nonce collision: the next attempt has a fresh one
            return Outcome(Action.RETRY, code=exc.code, text=AUDIT_TEXTS["replayed_nonce"].format(code=exc.code))
        if exc.code == "STALE_TIMESTAMP":
            # Refused for the time alone, before anything was done: never parked. The client has
            # already asked the platform's time; the rest of the queue waits for the next cycle.
            return Outcome(Action.RETRY, code=exc.code, text=AUDIT_TEXTS["stale_timestamp"].format(code=exc.code),
                           stop_pushing=True)
        return Outcome(Action.ATTENTION, code=exc.code, text=AUDIT_TEXTS["kiosk_auth"].format(code=exc.code),
                       stop_pushing=True)
    if isinstance(exc, ValidationRejected):
        detail = exc.server_message.strip()
        message = f"{exc.message}：{detail}" if detail else exc.message
        return Outcome(Action.REJECT, code=exc.code, text=message)
    if isinstance(exc, PlatformRejected):
        return Outcome(Action.REJECT, code=exc.code or "REJECTED", text=exc.message or REJECTED_FALLBACK)
    if isinstance(exc, OutboxPayloadInvalid):
        return Outcome(Action.ATTENTION, code="PAYLOAD_INVALID",
                       text=AUDIT_TEXTS["payload_invalid"].format(detail=str(exc)))
    return Outcome(Action.RETRY_PERMANENT, code=type(exc).__name__,
                   text=AUDIT_TEXTS["unexpected"].format(detail=type(exc).__name__))
