"""Tests for the simulated social security card reader: same events and behaviour as the PC/SC driver."""

from __future__ import annotations

from datetime import date

import pytest

from devices.base import (
    CardExpired,
    CardFailed,
    CardInserted,
    CardReaderDriver,
    CardReadError,
    CardRemoved,
    DeviceState,
    IdentityRead,
    PinError,
)
from devices.sscard.cardmodel import CardProfile, ef05_records
from devices.sscard.sim import SimSsCardReader
from tests.helpers.vcard import EventRecorder


@pytest.fixture
def sim():
    reader = SimSsCardReader(today=lambda: date(2026, 11, 22), insert_delay=0.01, remove_delay=0.01, apdu_delay=0)
    rec = EventRecorder()
    reader.start(rec)
    rec.wait_type(object)
    yield reader, rec
    reader.stop()


def test_sim_is_a_card_reader_driver():
    assert isinstance(SimSsCardReader(), CardReaderDriver)


def test_insert_identity_then_remove(sim):
    reader, rec = sim
    person = IdentityRead(source="ss_card", card_type="social_security", id_number="33030219800101006X",
                          name="陈喆", gender="女", nation="畲族", birth_date=date(1980, 1, 1))
    reader.insert(person)
    got = rec.wait_type(CardInserted).identity
    assert (got.name, got.id_number, got.gender, got.nation) == ("陈喆", "33030219800101006X", "女", "畲")
    reader.remove()
    rec.wait_type(CardRemoved)
    assert rec.kinds() == ["HealthChanged(online)", "CardInserted", "CardRemoved"]
    assert reader.health().state is DeviceState.ONLINE


def test_expired_card_fails_with_the_plain_message(sim):
    reader, rec = sim
    reader.insert(CardProfile(ef05=ef05_records(expiry_date=date(2020, 1, 1))))
    failed = rec.wait_type(CardFailed)
    assert isinstance(failed.error, CardExpired)
    assert failed.error.message == "您的社保卡已过有效期，请到柜台办理换卡"


def test_wrong_pin_counts_down_then_locks(sim):
    reader, rec = sim
    reader.insert(CardProfile(pin="112233", pin_tries=3))
    rec.wait_type(CardInserted)
    assert reader.pin_tries_left() == 3
    for left in (2, 1):
        with pytest.raises(PinError) as info:
            reader.verify_pin("000000")
        assert info.value.tries_left == left
    with pytest.raises(PinError) as info:
        reader.verify_pin("000000")
    assert info.value.locked


def test_pulled_out_mid_read_then_next_card_works(sim):
    reader, rec = sim
    reader.insert(CardProfile(pull_after_apdus=4))
    failed = rec.wait_type(CardFailed)
    assert "取出" in failed.error.message
    rec.wait_type(CardRemoved)
    mark = rec.mark()
    reader.insert(CardProfile())
    rec.wait_type(CardInserted, after=mark)
    assert rec.kinds() == ["HealthChanged(online)", "CardFailed", "CardRemoved", "CardInserted"]


def test_pin_without_card(sim):
    reader, _ = sim
    with pytest.raises(CardReadError):
        reader.pin_tries_left()


def test_card_present_at_start_is_reported():
    reader = SimSsCardReader(insert_delay=0.01, apdu_delay=0)
    reader.insert(CardProfile())
    rec = EventRecorder()
    reader.start(rec)
    try:
        rec.wait_type(CardInserted)
        assert rec.kinds() == ["HealthChanged(online)", "CardInserted"]
    finally:
        reader.stop()


def test_reader_going_offline_removes_the_card(sim):
    reader, rec = sim
    reader.insert(CardProfile())
    rec.wait_type(CardInserted)
    reader.set_state(DeviceState.OFFLINE)
    rec.wait_for(lambda e: getattr(getattr(e, "health", None), "state", None) is DeviceState.OFFLINE)
    assert rec.kinds()[-2:] == ["CardRemoved", "HealthChanged(offline)"]
