"""The outbox state machine (allowed transitions as a table) and the 我的办件 case statuses."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType

from offline_cache.errors import IllegalTransition
from offline_cache.texts import CASE_STATUS_LABELS


class OutboxState(enum.StrEnum):
    """Where a submission is on its way to the platform."""

    QUEUED = "queued"
    SENDING = "sending"
    ACCEPTED = "accepted"  # the platform gave a case number
    REJECTED = "rejected"  # the platform refused it (code + message shown in 我的办件)
    NEEDS_ATTENTION = "needs_attention"  # a technician looks at it (repeated permanent failures, conflict)
    WITHDRAWN = "withdrawn"  # the resident withdrew it before it was uploaded


S = OutboxState
TRANSITIONS: Mapping[OutboxState, frozenset[OutboxState]] = MappingProxyType({
    S.QUEUED: frozenset({S.SENDING, S.NEEDS_ATTENTION, S.WITHDRAWN}),
    # SENDING -> QUEUED: a retry, or recovery after a crash (the platform is idempotent by key)
    S.SENDING: frozenset({S.ACCEPTED, S.REJECTED, S.QUEUED, S.NEEDS_ATTENTION}),
    S.NEEDS_ATTENTION: frozenset({S.QUEUED, S.WITHDRAWN}),
    S.ACCEPTED: frozenset(),
    S.REJECTED: frozenset(),
    S.WITHDRAWN: frozenset(),
})
FINAL_STATES = frozenset(s for s, targets in TRANSITIONS.items() if not targets)
UNSENT_STATES = frozenset({S.QUEUED, S.SENDING, S.NEEDS_ATTENTION})


def check_transition(key: str, current: str, target: OutboxState) -> None:
    """Raise IllegalTransition unless `current` → `target` is in TRANSITIONS."""
    if target not in TRANSITIONS[OutboxState(current)]:
        raise IllegalTransition(key, current, target.value)


class CaseStatus(enum.StrEnum):
    """A case's review status as 我的办件 shows it."""

    AWAITING_UPLOAD = "awaiting_upload"  # 待上传: still in the outbox
    PENDING = "pending"  # 未审核
    APPROVED = "approved"  # 审核通过
    REJECTED = "rejected"  # 审核不通过
    WITHDRAWN = "withdrawn"  # 已撤回

    @property
    def label(self) -> str:
        return CASE_STATUS_LABELS[self.value]
