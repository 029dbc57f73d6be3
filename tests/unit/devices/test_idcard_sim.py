"""The simulated ID card reader gives the real driver's events in the real order."""

from __future__ import annotations

from datetime import date

from devices.base import CardFailed, CardInserted, CardReaderDriver, CardRemoved, DeviceState, HealthChanged
from devices.idcard.sim import SimIdCardReader
from devices.idcard.text import IdCardExpired
from tests.helpers.pty_peer import EventLog
from tests.helpers.sample_cards import sample_identity


def test_is_a_card_reader_driver() -> None:
    assert isinstance(SimIdCardReader(), CardReaderDriver)


def test_place_and_take_away() -> None:
    clock = [0.0]
    sim, log = SimIdCardReader(clock=lambda: clock[0]), EventLog()
    sim.start(log)
    sim.place(sample_identity())
    sim.take_away()
    clock[0] += 10
    sim.place(sample_identity(valid_until=date(2001, 1, 1), expired=True))
    sim.take_away()
    kinds = [type(e) for e in log.events]
    assert kinds == [HealthChanged, CardInserted, CardRemoved, CardFailed, CardRemoved]
    assert isinstance(log.events[3].error, IdCardExpired)
    assert sim.health().state is DeviceState.ONLINE


def test_the_same_card_put_back_at_once_is_a_new_placement() -> None:
    # Issue 16 item 4: after 退出登录 the resident takes the card and puts it back within seconds.
    sim, log = SimIdCardReader(clock=lambda: 0.0), EventLog()
    sim.start(log)
    sim.place(sample_identity())
    sim.take_away()
    sim.place(sample_identity())
    assert [type(e) for e in log.events[1:]] == [CardInserted, CardRemoved, CardInserted]


def test_a_replugged_reader_does_not_greet_the_same_card_again_within_seconds() -> None:
    sim, log = SimIdCardReader(clock=lambda: 0.0), EventLog()
    sim.start(log)
    sim.place(sample_identity())
    sim.unplug()
    sim.plug_in()
    sim.place(sample_identity())  # the reader is back and reads the card still lying on it
    assert [type(e) for e in log.events[1:]] == [CardInserted, CardRemoved, HealthChanged, HealthChanged]


def test_unplug_reports_removal_then_no_device() -> None:
    sim, log = SimIdCardReader(), EventLog()
    sim.start(log)
    sim.place(sample_identity())
    sim.unplug()
    assert isinstance(log.events[-2], CardRemoved)
    assert log.events[-1].health.state is DeviceState.NO_DEVICE
    sim.stop()
    sim.place(sample_identity(id_number="110101200001011232"))
    assert len(log.events) == 4
