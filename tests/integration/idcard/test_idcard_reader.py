"""The ID card reader driver against a SAM emulator on a real pseudo-terminal."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest

from devices.base import CardFailed, CardInserted, CardReadError, CardRemoved, DeviceState, HealthChanged
from devices.idcard.frames import Command
from devices.idcard.text import IdCardExpired, IdNumberRefused
from devices.idnumber import IdNumberFault
from tests.helpers.id_numbers import iso7064_check
from tests.helpers.pty_peer import EventLog
from tests.helpers.sam_emulator import FAKE_PHOTO, FLIPPED_DIGITS, SAM_STATUS, SamEmulator
from tests.helpers.sample_cards import sample_identity
from tests.integration.idcard.conftest import StartReader

pytestmark = pytest.mark.integration


def states(log: EventLog) -> list[DeviceState]:
    return [e.health.state for e in log.of(HealthChanged)]


def test_resident_card_is_read_with_photo(emulator: SamEmulator, start_reader: StartReader) -> None:
    emulator.place(sample_identity())
    reader, log = start_reader()
    (event,) = log.wait_count(CardInserted)
    got = event.identity
    assert (got.name, got.id_number, got.nation, got.gender) == ("张三丰", "11010119900307125X", "汉", "男")
    assert got.photo == FAKE_PHOTO and not got.expired
    assert isinstance(log.events[0], HealthChanged) and log.events[0].health.state is DeviceState.ONLINE
    assert reader.health().usable


@pytest.mark.parametrize("card_type", ["resident_id", "hk_mo_tw_permit", "foreign_permanent"])
def test_each_card_type(emulator: SamEmulator, start_reader: StartReader, card_type: str) -> None:
    emulator.place(sample_identity(card_type))
    _, log = start_reader()
    (event,) = log.wait_count(CardInserted)
    assert event.identity.card_type == card_type
    assert event.identity.id_number == sample_identity(card_type).id_number


def test_expired_card_fails_with_a_plain_message(emulator: SamEmulator, start_reader: StartReader) -> None:
    emulator.place(sample_identity(valid_until=date(2024, 12, 31)))
    _, log = start_reader()
    (event,) = log.wait_count(CardFailed)
    assert isinstance(event.error, IdCardExpired)
    assert event.error.message.startswith("您的身份证已过有效期")
    assert event.error.identity.expired and not log.of(CardInserted)


def test_removal_then_another_card(emulator: SamEmulator, start_reader: StartReader) -> None:
    emulator.place(sample_identity())
    _, log = start_reader()
    log.wait_count(CardInserted)
    emulator.take_away()
    log.wait_count(CardRemoved)
    emulator.place(sample_identity(id_number="110101200001011232", name="李四"))
    inserted = log.wait_count(CardInserted, 2)
    assert inserted[1].identity.name == "李四"
    assert [type(e) for e in log.events[1:]] == [CardInserted, CardRemoved, CardInserted]


def test_same_card_put_back_within_seconds_after_its_removal_is_reported_again(
    emulator: SamEmulator, start_reader: StartReader
) -> None:
    # Issue 16 item 4: 退出登录, card taken away, the same card put back at once → read into a new session.
    now = [1000.0]  # the clock stands still: everything happens "within the repeat window"
    emulator.place(sample_identity())
    _, log = start_reader(clock=lambda: now[0])
    log.wait_count(CardInserted)
    emulator.take_away()
    log.wait_count(CardRemoved)
    emulator.place(sample_identity())
    inserted = log.wait_count(CardInserted, 2)
    assert inserted[1].identity.id_number == sample_identity().id_number
    assert [type(e) for e in log.events[1:]] == [CardInserted, CardRemoved, CardInserted]


def test_same_card_after_the_reader_came_back_within_seconds_is_not_reported_again(
    emulator: SamEmulator, start_reader: StartReader
) -> None:
    now = [1000.0]
    emulator.place(sample_identity())
    _, log = start_reader(clock=lambda: now[0])
    log.wait_count(CardInserted)
    emulator.silent = True  # the reader stops answering: the card on it counts as removed
    log.wait_for(lambda events: DeviceState.OFFLINE in states(log))
    assert log.of(CardRemoved)
    reads = emulator.count(Command.READ_TEXT_PHOTO)
    emulator.silent = False  # back, with the same card still lying on it
    emulator.peer.wait_received(lambda _: emulator.count(Command.READ_TEXT_PHOTO) >= reads + 2)
    assert len(log.of(CardInserted)) == 1
    emulator.take_away()  # now seen taken away: putting it back is a new placement
    emulator.peer.wait_received(lambda _: emulator.count(Command.FIND_CARD) >= emulator.count(Command.READ_TEXT_PHOTO) + 5)
    emulator.place(sample_identity())
    assert len(log.wait_count(CardInserted, 2)) == 2


def test_real_reader_habit_card_halted_after_read(emulator: SamEmulator, start_reader: StartReader) -> None:
    emulator.halt_after_read = True
    emulator.place(sample_identity())
    _, log = start_reader()
    log.wait_count(CardRemoved)  # "find" now fails although the card lies there
    assert emulator.count(Command.READ_TEXT_PHOTO) == 1
    emulator.peer.wait_received(lambda _: emulator.count(Command.FIND_CARD) >= emulator.count(Command.READ_TEXT_PHOTO) + 5)
    assert len(log.of(CardInserted)) == 1  # lying there halted: not read again
    emulator.place(sample_identity())  # lifted and put down again: a new placement, read again
    log.wait_count(CardInserted, 2)
    assert emulator.count(Command.READ_TEXT_PHOTO) == 2


def test_garbage_before_frames_is_skipped(emulator: SamEmulator, start_reader: StartReader) -> None:
    emulator.halt_after_read = True  # exactly one successful read is possible
    for command in (Command.SAM_STATUS, Command.FIND_CARD, Command.SELECT_CARD, Command.READ_TEXT_PHOTO):
        emulator.fault_once(command, "garbage")
    emulator.place(sample_identity())
    _, log = start_reader()
    (event,) = log.wait_count(CardInserted)
    assert event.identity.photo == FAKE_PHOTO
    assert emulator.count(Command.READ_TEXT_PHOTO) == 1 and emulator.count(Command.SAM_STATUS) == 1


def test_bad_checksum_reply_is_retried(emulator: SamEmulator, start_reader: StartReader) -> None:
    emulator.fault_once(Command.READ_TEXT_PHOTO, "bad_checksum")
    emulator.fault_once(Command.FIND_CARD, "bad_checksum")
    emulator.place(sample_identity())
    _, log = start_reader()
    (event,) = log.wait_count(CardInserted)
    assert event.identity.photo == FAKE_PHOTO
    assert emulator.count(Command.READ_TEXT_PHOTO) >= 2
    assert states(log) == [DeviceState.ONLINE]


def test_frames_split_into_single_bytes(emulator: SamEmulator, start_reader: StartReader) -> None:
    emulator.split = True
    emulator.place(sample_identity("foreign_permanent"))
    _, log = start_reader()
    (event,) = log.wait_count(CardInserted)
    assert event.identity.photo == FAKE_PHOTO and event.identity.name == "马克"


def test_unreadable_card_is_reported_once_then_removed(emulator: SamEmulator, start_reader: StartReader) -> None:
    emulator.place(b"\x00\xd8" * 128)  # not UTF-16 at all
    _, log = start_reader()
    (event,) = log.wait_count(CardFailed)
    assert isinstance(event.error, CardReadError) and "重新放置" in event.error.message
    emulator.take_away()
    log.wait_count(CardRemoved)
    assert len(log.of(CardFailed)) == 1


def test_read_failed_status_is_reported_after_retries(emulator: SamEmulator, start_reader: StartReader) -> None:
    for _ in range(3):
        emulator.fault_once(Command.READ_TEXT_PHOTO, 0x41)
    emulator.place(sample_identity())
    _, log = start_reader()
    (event,) = log.wait_count(CardFailed)
    assert event.error.detail == "READ_FAILED" and "不要移动" in event.error.message


def test_reader_that_stops_answering_goes_offline_and_comes_back(
    emulator: SamEmulator, start_reader: StartReader
) -> None:
    emulator.place(sample_identity())
    reader, log = start_reader()
    log.wait_count(CardInserted)
    emulator.silent = True
    log.wait_for(lambda events: DeviceState.OFFLINE in states(log))
    assert log.of(CardRemoved), "a card on a dead reader counts as removed"
    assert reader.health().state is DeviceState.OFFLINE and "无响应" in reader.health().message
    emulator.silent = False
    log.wait_for(lambda events: states(log)[-1:] == [DeviceState.ONLINE] and len(states(log)) >= 3)


def test_unplug_and_replug(emulator: SamEmulator, start_reader: StartReader, device_link: Path) -> None:
    emulator.place(sample_identity())
    _, log = start_reader()
    log.wait_count(CardInserted)
    emulator.disconnect()
    log.wait_for(lambda events: DeviceState.NO_DEVICE in states(log))
    assert log.of(CardRemoved)
    with SamEmulator(link=device_link) as again:
        again.place(sample_identity(id_number="110101200001011232"))
        inserted = log.wait_count(CardInserted, 2)
        assert inserted[1].identity.id_number == "110101200001011232"
        assert states(log)[-1] is DeviceState.ONLINE


def test_reader_missing_at_start_is_found_later(tmp_path: Path, start_reader: StartReader) -> None:
    late = tmp_path / "ttyLATE"
    reader, log = start_reader(uri=f"serial://{late}?baud=115200")
    log.wait_for(lambda events: states(log) == [DeviceState.NO_DEVICE])
    assert "未找到" in reader.health().message
    with SamEmulator(link=late):
        log.wait_for(lambda events: states(log)[-1:] == [DeviceState.ONLINE])


def test_baud_rate_is_detected(tmp_path: Path, start_reader: StartReader) -> None:
    with SamEmulator(baud=38400, link=tmp_path / "tty38400") as emu:
        emu.place(sample_identity())
        reader, log = start_reader(uri=f"serial://{emu.path}?baud=115200")
        log.wait_count(CardInserted)
        assert reader.baud == 38400
        probes = [baud for command, baud in emu.commands if command == SAM_STATUS]
        assert probes == [115200, 57600, 38400]


def test_sam_fault_is_a_hardware_error_then_recovers(emulator: SamEmulator, start_reader: StartReader) -> None:
    emulator.fault_once(Command.FIND_CARD, 0x60)
    reader, log = start_reader()
    log.wait_for(lambda events: states(log)[-1:] == [DeviceState.ONLINE] and len(states(log)) == 3)
    error = log.of(HealthChanged)[1].health
    assert error.state is DeviceState.HARDWARE_ERROR and "自检失败" in error.message


def test_a_failing_subscriber_does_not_stop_the_reader(emulator: SamEmulator, device_link: Path) -> None:
    from devices.idcard.driver import IdCardReader
    from tests.integration.idcard.conftest import FAST

    log = EventLog()

    def sink(event: object) -> None:
        log(event)
        if isinstance(event, HealthChanged):
            raise RuntimeError("subscriber bug")

    reader = IdCardReader(f"serial://{device_link}", timing=FAST)
    reader.start(sink)
    try:
        emulator.place(sample_identity())
        log.wait_count(CardInserted)
    finally:
        reader.stop()


def test_stop_ends_the_worker_even_mid_read(emulator: SamEmulator, start_reader: StartReader) -> None:
    emulator.place(sample_identity())
    emulator.fault_once(Command.READ_TEXT_PHOTO, "silent")  # the driver waits up to 2 s for this reply
    reader, _ = start_reader()
    emulator.peer.wait_received(lambda _: emulator.count(Command.READ_TEXT_PHOTO) >= 1)
    reader.stop()
    assert not [t for t in threading.enumerate() if t.name == "idcard-reader"]
    assert reader.health().state is DeviceState.OFFLINE


def test_personal_data_never_reaches_the_log(
    emulator: SamEmulator, start_reader: StartReader, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    card = sample_identity()
    emulator.place(card)
    _, log = start_reader()
    log.wait_count(CardInserted)
    emulator.take_away()
    log.wait_count(CardRemoved)
    assert "CardInserted" in caplog.text
    for secret in (card.id_number, card.name, card.address, card.id_number[-6:]):
        assert secret not in caplog.text


def test_two_bit_flips_in_one_column_pass_the_xor_but_the_number_is_refused(
    emulator: SamEmulator, start_reader: StartReader
) -> None:
    right = sample_identity().id_number
    flipped = list(right)
    for i in FLIPPED_DIGITS:
        flipped[i] = chr(ord(flipped[i]) ^ 1)
    wrong = "".join(flipped)
    # The damage is invisible to everything but the check digit: another person's well-formed number,
    # and the same XOR over the bytes (so the frame's checksum still matches).
    assert wrong != right and wrong[:14] == right[:14] and wrong[14:17].isdigit()
    assert iso7064_check(wrong[:17]) != wrong[17]
    assert ord(right[14]) ^ ord(right[15]) == ord(wrong[14]) ^ ord(wrong[15])
    for _ in range(3):  # noise on every read attempt the driver makes before it gives up
        emulator.fault_once(Command.READ_TEXT_PHOTO, "two_bit_flips")
    emulator.place(sample_identity())
    _, log = start_reader()
    (failed,) = log.wait_count(CardFailed)
    assert isinstance(failed.error, IdNumberRefused) and failed.error.fault is IdNumberFault.CHECK_DIGIT
    assert failed.error.message == "证件号码读取有误，请重新放置证件；多次仍不行请到柜台办理"
    assert not log.of(CardInserted)


def test_a_single_noisy_read_is_refused_and_the_retry_reads_the_right_person(
    emulator: SamEmulator, start_reader: StartReader
) -> None:
    emulator.fault_once(Command.READ_TEXT_PHOTO, "two_bit_flips")
    emulator.place(sample_identity())
    _, log = start_reader()
    (inserted,) = log.wait_count(CardInserted)
    assert inserted.identity.id_number == sample_identity().id_number
    assert emulator.count(Command.READ_TEXT_PHOTO) >= 2 and not log.of(CardFailed)


def test_card_on_the_reader_before_start_reaches_a_subscriber_who_listens_later(
    emulator: SamEmulator, device_link: Path
) -> None:
    # Issue 16 item 4b: after a restart the card already lies there; the driver reports it at once,
    # before the screens subscribe. The device manager replays it to them.
    from devices.base import DeviceKind
    from devices.idcard.driver import IdCardReader
    from devices.manager import DeviceManager
    from devices.printer.sim import SimPrinter
    from tests.integration.idcard.conftest import FAST, TODAY

    emulator.place(sample_identity())
    reader = IdCardReader(f"serial://{device_link}", today=lambda: TODAY, timing=FAST)
    manager = DeviceManager({DeviceKind.ID_CARD: reader}, SimPrinter(), status_interval_s=60)
    first = EventLog()
    manager.subscribe(first)
    manager.start()
    try:
        first.wait_count(CardInserted)  # reported before the late subscriber exists
        late = EventLog()
        manager.subscribe(late)
        (event,) = late.of(CardInserted)  # replayed during subscribe, on this thread
        assert event.identity.id_number == sample_identity().id_number
        assert late.of(HealthChanged)[0].health.state is DeviceState.ONLINE
        emulator.take_away()
        late.wait_count(CardRemoved)
        after_removal = EventLog()
        manager.subscribe(after_removal)
        assert not after_removal.of(CardInserted) and not after_removal.of(CardRemoved)
    finally:
        manager.stop()


@pytest.mark.parametrize(("today", "expired"), [(date(2026, 12, 5), True), (date(2026, 12, 4), False)])
def test_the_kiosk_judges_expiry_by_the_date_it_is_given(
    emulator: SamEmulator, device_link: Path, today: date, expired: bool
) -> None:
    """The factory hands the service point's date (kiosk/clock.py) to the driver, not the system's date.

    At 05:17 on 5 December in China a machine set to UTC still says 4 December: a card valid until
    the 4th must be refused then.
    """
    from devices.base import DeviceKind
    from devices.factory import make_reader

    emulator.place(sample_identity(valid_until=date(2026, 12, 4)))
    reader = make_reader(DeviceKind.ID_CARD, f"serial://{device_link}", today=lambda: today)
    assert reader is not None
    log = EventLog()
    reader.start(log)
    try:
        log.wait_for(lambda events: any(isinstance(e, CardInserted | CardFailed) for e in events))
        assert bool(log.of(CardFailed)) is expired and bool(log.of(CardInserted)) is not expired
    finally:
        reader.stop()
