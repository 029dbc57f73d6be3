"""The adapter boundary between the gateway and a province's core 人社 system (核心业务系统).

The kiosks speak only the published contract (sandbox/openapi.json) to the gateway. Behind it, what a
province's integration must provide is this one Protocol, `CoreSystem`: take a case (办件), tell its
review status, find a person, read a person's records and hand out reference-data feeds. Everything
else the gateway keeps itself (kiosks and their secrets, nonces, sessions, heartbeats, pushed
settings, audit, fault reports), in its own database.

`GatewayStore` is the default adapter: the gateway's own store, as the demo and the tests run it.
A province writes another class with these five methods (calling its core system's services),
passes it to `sandbox.app.create_app(platform, core=…)`, and runs the contract suite
(tests/integration/gateway/test_core_system_contract.py) with its adapter added to ADAPTERS.

Rules every adapter keeps (the suite checks them):
- Errors are `sandbox.service.ApiError` with the contract's stable codes (NOT_FOUND, VALIDATION_ERROR,
  IDEMPOTENCY_CONFLICT, FEED_REFETCH), never the core system's own exceptions.
- `submit_case` is idempotent per (kiosk_id, idempotency_key): the same body again answers 200 and the
  same case; another body under the same key is IDEMPOTENCY_CONFLICT. It must stay so when several
  gateway processes call it at once.
- Feeds page in change order; `next_cursor` is opaque to the kiosk and must stay valid across gateway
  processes (encode it, or keep it in the database — never in process memory).
- No personal data in logs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from sqlalchemy import select

from sandbox import db
from sandbox.service import ApiError, Platform


@dataclass(frozen=True)
class PersonRef:
    """A person as the core system names them."""

    person_id: str
    name: str
    id_number: str


@runtime_checkable
class CoreSystem(Protocol):
    """What a province's core system offers the gateway (see the module's rules)."""

    def submit_case(self, kiosk_id: str, submission: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Take a submission as the contract's POST /v1/submissions body: (201 new | 200 same again, receipt).

        The receipt is {"case_no", "status", "received_at"}.
        """
        ...

    def case_status(self, case_no: str) -> dict[str, Any]:
        """{"case_no", "kind", "status", "reason", "submitted_at", "received_at", "reviewed_at"}; NOT_FOUND."""
        ...

    def find_person(self, id_number: str) -> PersonRef | None:
        """The person with this 18-digit ID number, or None."""
        ...

    def records(self, person_id: str, kind: str) -> dict[str, Any]:
        """{"kind", "as_of", "found", "data"} for one of contract.RECORD_KINDS; NOT_FOUND for another kind."""
        ...

    def feed_page(self, feed: str, cursor: str | None, limit: int) -> dict[str, Any]:
        """{"items", "next_cursor", "has_more"}: the current set without a cursor, changes after one.

        An unknown or invalidated cursor is FEED_REFETCH; an unknown feed NOT_FOUND.
        """
        ...


class GatewayStore:
    """The default adapter: the gateway's own database is the core system (the demo, the tests)."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform

    def submit_case(self, kiosk_id: str, submission: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return self.platform.submit(kiosk_id, submission)

    def case_status(self, case_no: str) -> dict[str, Any]:
        with self.platform.Session() as s:
            case = s.get(db.Case, case_no)
            if case is None:
                raise ApiError("NOT_FOUND", "没有这个办件")
            return self.platform._case(case)

    def find_person(self, id_number: str) -> PersonRef | None:
        with self.platform.Session() as s:
            person = s.scalar(select(db.Person).where(db.Person.id_number == id_number.upper()))
            return None if person is None else PersonRef(person.person_id, person.name, person.id_number)

    def records(self, person_id: str, kind: str) -> dict[str, Any]:
        with self.platform.Session() as s:
            person = s.get(db.Person, person_id)
            if person is None:
                raise ApiError("NOT_FOUND", "没有这个人")
            return self.platform.record(person, kind)

    def feed_page(self, feed: str, cursor: str | None, limit: int) -> dict[str, Any]:
        return self.platform.feed_page(feed, cursor, limit)
