"""SessionPolicy: idle warning, countdown, limited extensions, maximum length; ResidentSession keeps data out of repr."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.base import IdentityRead
from kiosk.session import Phase, ResidentSession, SessionPolicy

POLICY = SessionPolicy(idle_warning_s=60, countdown_s=30, max_session_s=900, max_extensions=10)


def at(now: float, *, last: float = 0.0, extensions: int = 0, page: float | None = None, policy=POLICY):
    return policy.state(now=now, started=0.0, last_activity=last, extensions=extensions, idle_warning_s=page)


def test_active_until_the_idle_time_then_a_countdown_then_expired() -> None:
    assert at(59.9).phase is Phase.ACTIVE
    warning = at(60)
    assert (warning.phase, warning.reason, warning.seconds_left, warning.can_extend) == (Phase.WARNING, "idle", 30, True)
    assert at(75).seconds_left == 15
    expired = at(90)
    assert (expired.phase, expired.reason) == (Phase.EXPIRED, "idle")


def test_activity_restarts_the_idle_time() -> None:
    assert at(100, last=50).phase is Phase.ACTIVE
    assert at(110, last=50).phase is Phase.WARNING


def test_extensions_are_limited() -> None:
    assert at(60, extensions=9).can_extend
    last = at(60, extensions=10)
    assert last.phase is Phase.WARNING and not last.can_extend  # warned, but 继续使用 is no longer offered
    assert at(90, extensions=10).phase is Phase.EXPIRED


def test_a_page_may_ask_for_a_longer_idle_time() -> None:
    assert at(100, page=180).phase is Phase.ACTIVE
    assert at(180, page=180).phase is Phase.WARNING
    assert at(210, page=180).phase is Phase.EXPIRED


def test_maximum_length_warns_then_ends_without_extension_even_when_busy() -> None:
    assert at(869, last=869).phase is Phase.ACTIVE
    warning = at(870, last=870)
    assert (warning.phase, warning.reason, warning.can_extend) == (Phase.WARNING, "max_length", False)
    assert warning.seconds_left == 30
    assert at(900, last=899).phase is Phase.EXPIRED and at(900, last=899).reason == "max_length"
    assert at(5000, last=4999, extensions=0).phase is Phase.EXPIRED


def test_the_maximum_length_wins_over_a_running_idle_countdown() -> None:
    state = at(880, last=810)  # idle for 70 s and 20 s before the maximum
    assert state.reason == "max_length" and not state.can_extend


@pytest.mark.parametrize("kwargs", [
    {"countdown_s": 10}, {"idle_warning_s": 0}, {"max_session_s": 0}, {"max_extensions": -1},
])
def test_a_policy_against_the_usability_numbers_is_refused(kwargs) -> None:
    values = {"idle_warning_s": 60, "countdown_s": 30, "max_session_s": 900, "max_extensions": 10, **kwargs}
    with pytest.raises(ValueError):
        SessionPolicy(**values)


@given(now=st.floats(0, 2000), idle=st.floats(0, 2000), ext=st.integers(0, 20))
def test_the_countdown_never_exceeds_its_length_and_expiry_is_final(now: float, idle: float, ext: int) -> None:
    last = max(0.0, now - idle)
    state = at(now, last=last, extensions=ext)
    if state.phase is Phase.WARNING:
        assert 0 < state.seconds_left <= POLICY.countdown_s
    if state.phase is Phase.EXPIRED:
        assert at(now + 1, last=last, extensions=ext).phase is Phase.EXPIRED


def test_resident_session_repr_holds_nothing_personal() -> None:
    identity = IdentityRead(source="id_card", card_type="resident_id", id_number="140222197503150011", name="李建军",
                            birth_date=date(1975, 3, 15))
    s = ResidentSession(identity, "pk", "id_card", platform_token="secret-token", phone="13800000001")
    text = repr(s) + str(s)
    assert "李建军" not in text and "140222197503150011" not in text and "secret-token" not in text
    assert s.masked_name == "李**" and s.masked_id_number == "140222********0011"
    assert s.age_on(date(2026, 3, 14)) == 50 and s.age_on(date(2026, 3, 15)) == 51
