"""The decision table from platform answers to outbox transitions."""

from __future__ import annotations

import pytest

from kiosk.platform import ERRORS, PlatformTlsError, PlatformUnavailable, SubmissionReceipt
from kiosk.platform.errors import error_for
from kiosk.sync import Action, OutboxPayloadInvalid, from_error, from_receipt


def test_a_duplicate_receipt_is_an_acceptance_of_the_same_case() -> None:
    o = from_receipt(SubmissionReceipt("TZ1", "PENDING", "t", duplicate=True))
    assert (o.action, o.case_no, o.duplicate) == (Action.ACCEPT, "TZ1", True)


EXPECTED = {
    # STALE_TIMESTAMP: refused for the time alone, retried, never parked (issue 10 item 6)
    "UNKNOWN_KIOSK": Action.ATTENTION, "BAD_SIGNATURE": Action.ATTENTION, "STALE_TIMESTAMP": Action.RETRY,
    "KIOSK_MISMATCH": Action.ATTENTION, "REPLAYED_NONCE": Action.RETRY, "IDEMPOTENCY_CONFLICT": Action.ATTENTION,
    "VALIDATION_ERROR": Action.REJECT, "PAYLOAD_TOO_LARGE": Action.REJECT, "INTERNAL_ERROR": Action.RETRY,
    "RATE_LIMITED": Action.RETRY,  # 503 with Retry-After: the platform is busy, the item waits, nothing is lost
}


@pytest.mark.parametrize("code", sorted(ERRORS))
def test_every_contract_code_has_a_decision(code: str) -> None:
    status = {"INTERNAL_ERROR": 500, "RATE_LIMITED": 503}.get(code, 400)
    outcome = from_error(error_for(code, status, server_message="x"))
    assert outcome.action is EXPECTED.get(code, Action.REJECT)
    assert outcome.unreachable is (outcome.action is Action.RETRY and code not in ("REPLAYED_NONCE", "STALE_TIMESTAMP"))


def test_a_request_refused_for_the_kiosk_clock_is_retried_and_holds_the_rest_of_the_queue() -> None:
    o = from_error(error_for("STALE_TIMESTAMP", 401))
    assert (o.action, o.stop_pushing, o.unreachable) == (Action.RETRY, True, False)


@pytest.mark.parametrize("exc", [PlatformUnavailable("NETWORK", "m"), PlatformTlsError("TLS", "m")])
def test_no_answer_means_retry_and_offline(exc: Exception) -> None:
    o = from_error(exc)
    assert o.action is Action.RETRY and o.unreachable


def test_a_broken_stored_payload_needs_a_technician() -> None:
    assert from_error(OutboxPayloadInvalid("unknown format")).action is Action.ATTENTION


def test_an_unexpected_error_is_a_permanent_retry() -> None:
    assert from_error(KeyError("x")).action is Action.RETRY_PERMANENT
