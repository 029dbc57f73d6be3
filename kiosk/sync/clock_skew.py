"""A kiosk clock off the platform's: the technician's warning, and submissions once parked for it going back to the queue."""

from __future__ import annotations

import logging

from kiosk.sync.messages import CLOCK_DIRECTIONS, CLOCK_WARNING, CLOCK_WARNING_S
from offline_cache import Database, IllegalTransition, UnknownSubmission

log = logging.getLogger(__name__)

# Earlier versions parked items the platform refused with this code (text "… (STALE_TIMESTAMP)").
CLOCK_REFUSAL_MARK = "(STALE_TIMESTAMP)"


def _amount(seconds: float) -> str:
    s = round(abs(seconds))
    if s < 120:
        return f"{s} 秒"
    minutes = round(s / 60)
    if minutes < 60:
        return f"{minutes} 分钟"
    hours, rest = divmod(minutes, 60)
    return f"{hours} 小时 {rest} 分钟" if rest else f"{hours} 小时"


def clock_warning(offset_s: float | None) -> str | None:
    """The plain warning when the kiosk clock is more than CLOCK_WARNING_S off (offset = platform − kiosk)."""
    if offset_s is None or abs(offset_s) <= CLOCK_WARNING_S:
        return None
    direction = CLOCK_DIRECTIONS["slow" if offset_s > 0 else "fast"]
    return CLOCK_WARNING.format(direction=direction, amount=_amount(offset_s))


def release_clock_refusals(database: Database) -> int:
    """Items parked in needs-attention only because the platform refused the kiosk's clock → queued again.

    Their refusal happened before the platform did anything, and the client now signs with the
    platform's time, so they can simply be sent again (through the outbox state machine).
    """
    keys = [item.key for item in database.outbox.needing_attention(None, error_contains=CLOCK_REFUSAL_MARK)]
    released = 0
    for key in keys:
        try:
            database.outbox.requeue(key)
            released += 1
        except (IllegalTransition, UnknownSubmission) as exc:  # a technician handled it meanwhile
            log.info("outbox %s not released: %s", key, type(exc).__name__)
    if released:
        log.warning("%d submission(s) parked for the kiosk clock alone are queued again", released)
    return released


__all__ = ["CLOCK_REFUSAL_MARK", "clock_warning", "release_clock_refusals"]
