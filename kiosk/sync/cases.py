"""我的办件 from the platform: the one mapping of the platform's case statuses onto offline_cache's."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime

from kiosk.platform import Case, PlatformClient
from offline_cache import CaseStatus, Database, PlatformCase

log = logging.getLogger(__name__)

# Platform (contract) status -> offline_cache CaseStatus. The only place these names meet.
PLATFORM_STATUS: dict[str, CaseStatus] = {
    "PENDING": CaseStatus.PENDING,
    "APPROVED": CaseStatus.APPROVED,
    "REJECTED": CaseStatus.REJECTED,
    "WITHDRAWN": CaseStatus.WITHDRAWN,
}


def case_status(platform_status: str) -> CaseStatus | None:
    """The local status for a platform status (None: unknown to this program)."""
    return PLATFORM_STATUS.get(platform_status.upper())


def _when(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None


def to_platform_case(case: Case, title_for: Callable[[str], str] | None = None) -> PlatformCase | None:
    """offline_cache's view of a platform case (None, logged, when the status is unknown)."""
    status = case_status(case.status)
    if status is None:
        log.warning("case %s: unknown platform status %r", case.case_no, case.status)
        return None
    title = title_for(case.kind) if title_for else case.kind
    reason = case.reason if status is CaseStatus.REJECTED else None
    return PlatformCase(case_no=case.case_no, status=status.value, kind=case.kind, title=title,
                        submitted_at=_when(case.submitted_at), reason_code=None, reason=reason)


def apply_cases(database: Database, person_key: str, cases: Iterable[Case],
                title_for: Callable[[str], str] | None = None) -> int:
    """Bring the person's local cases in line with the platform's list; returns the number changed."""
    mapped = [pc for pc in (to_platform_case(c, title_for) for c in cases) if pc is not None]
    return database.cases.apply_platform_cases(person_key, mapped)


def refresh_my_cases(client: PlatformClient, database: Database, token: str, id_number: str,
                     title_for: Callable[[str], str] | None = None) -> int:
    """Fetch the logged-in resident's cases and apply them locally (blocking: not on the GUI thread)."""
    return apply_cases(database, database.person_key(id_number), client.my_cases(token), title_for)
