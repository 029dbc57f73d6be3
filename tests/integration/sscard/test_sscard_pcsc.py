"""The social security card reader against the real PC/SC stack: pcscd + vpcd + our virtual card."""

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
    HealthChanged,
    PinError,
)
from devices.sscard.pcsc_driver import SsCardReader
from devices.sscard.tlv import CardInfo
from tests.helpers.ssc_emulator import SsCardProfile, ef05_values, ef06_values, stand_in_cryptogram

pytestmark = pytest.mark.integration

KEY = b"integration-key!"


class KeyAuthenticator:
    """Test authenticator: the stand-in cryptogram under the card's test key."""

    def __init__(self, key: bytes) -> None:
        self.key = key

    def cryptogram(self, challenge: bytes, card: CardInfo) -> bytes:
        return stand_in_cryptogram(self.key, challenge)


def health_is(state: DeviceState):
    return lambda e: isinstance(e, HealthChanged) and e.health.state is state


def test_driver_implements_the_card_reader_interface():
    assert isinstance(SsCardReader("*"), CardReaderDriver)
    assert SsCardReader.from_uri("pcsc://Virtual PCD").reader_pattern == "Virtual PCD"


def test_second_generation_card_with_long_name_rare_character_61xx_and_6cxx(make_card, start_reader):
    name = "买买提明·阿不都热合曼·艾则孜江·喆"  # needs the name extension (4E); 喆 is GBK, not GB2312
    card = make_card(SsCardProfile(
        ef06=ef06_values(name=name, ssn="65010119850615201X", gender="1", nation="05", birth_date=date(1985, 6, 15)),
        select_with_61=True, wrong_le_tags=frozenset({0x07, 0x4E, 0x0D}),
    ))
    reader, rec = start_reader()
    rec.wait_for(health_is(DeviceState.ONLINE))
    card.insert()
    ident = rec.wait_type(CardInserted).identity
    assert ident.name == name
    assert (ident.id_number, ident.gender, ident.nation) == ("65010119850615201X", "男", "维吾尔")
    assert ident.birth_date == date(1985, 6, 15) and ident.card_number == "A00000001"
    assert not ident.partial
    assert any(cmd[:2] == b"\x00\xc0" for cmd in card.model.log)  # SELECT's 61xx was followed up
    card.remove()
    rec.wait_type(CardRemoved)
    assert rec.kinds() == ["HealthChanged(online)", "CardInserted", "CardRemoved"]


def test_missing_name_extension_is_normal_but_missing_name_fails(make_card, start_reader):
    reader, rec = start_reader()
    card = make_card(SsCardProfile(ef06=ef06_values(name="李堃")))
    card.insert()
    assert rec.wait_type(CardInserted).identity.name == "李堃"
    assert any(cmd[1:3] == b"\xb2\x4e" for cmd in card.model.log)  # it asked for 4E and got 6A83
    card.remove()
    rec.wait_type(CardRemoved)
    assert rec.kinds() == ["HealthChanged(online)", "CardInserted", "CardRemoved"]

    ef06 = ef06_values()
    del ef06[0x09]
    broken = make_card(SsCardProfile(ef06=ef06))
    mark = rec.mark()
    broken.insert()
    failed = rec.wait_type(CardFailed, after=mark)
    assert "缺少" in failed.error.message


def test_third_generation_card_without_authenticator_is_partial(make_card, start_reader):
    card = make_card(SsCardProfile(generation=3, auth_key=KEY, ef05=ef05_values(version="3.00")))
    card.insert()
    reader, rec = start_reader()
    ident = rec.wait_type(CardInserted).identity
    assert ident.partial and "平台" in ident.notice
    assert ident.card_number == "A00000001" and ident.name == ""


def test_third_generation_card_with_test_authenticator(make_card, start_reader):
    card = make_card(SsCardProfile(generation=3, auth_key=KEY, ef05=ef05_values(version="3.00")))
    card.insert()
    reader, rec = start_reader(authenticator=KeyAuthenticator(KEY))
    ident = rec.wait_type(CardInserted).identity
    assert not ident.partial and ident.name == "张三" and ident.valid_until == date(2030, 3, 1)
    assert card.model.authenticated


def test_third_generation_card_rejects_a_wrong_key(make_card, start_reader):
    card = make_card(SsCardProfile(generation=3, auth_key=KEY, ef05=ef05_values(version="3.00")))
    card.insert()
    reader, rec = start_reader(authenticator=KeyAuthenticator(b"not-the-key"))
    assert "认证" in rec.wait_type(CardFailed).error.message


def test_wrong_pin_counts_down_to_locked(make_card, start_reader):
    card = make_card(SsCardProfile(pin="135790"))
    card.insert()
    reader, rec = start_reader()
    rec.wait_type(CardInserted)
    assert reader.pin_tries_left() == 6
    for left in (5, 4, 3, 2, 1):
        with pytest.raises(PinError) as info:
            reader.verify_pin("000000")
        assert info.value.tries_left == left and not info.value.locked
        assert reader.pin_tries_left() == left  # what the screen shows before the next try
    with pytest.raises(PinError) as info:
        reader.verify_pin("000000")
    assert info.value.locked and info.value.message == "社保卡密码已锁定，请到柜台解锁"
    assert reader.pin_tries_left() == 0
    with pytest.raises(PinError) as info:
        reader.verify_pin("135790")
    assert info.value.locked


def test_right_pin_is_accepted(make_card, start_reader):
    card = make_card(SsCardProfile(pin="135790"))
    card.insert()
    reader, rec = start_reader()
    rec.wait_type(CardInserted)
    reader.verify_pin("135790")


def test_pin_without_a_card(start_reader):
    reader, rec = start_reader()
    rec.wait_for(health_is(DeviceState.ONLINE))
    with pytest.raises(CardReadError) as info:
        reader.pin_tries_left()
    assert info.value.message == "请先插入社保卡"


def test_expired_card(make_card, start_reader):
    card = make_card(SsCardProfile(ef05=ef05_values(expiry_date=date(2026, 11, 21))))
    reader, rec = start_reader()
    card.insert()
    failed = rec.wait_type(CardFailed)
    assert isinstance(failed.error, CardExpired)
    assert failed.error.message == "您的社保卡已过有效期，请到柜台办理换卡"
    card.remove()
    rec.wait_type(CardRemoved)


def test_card_pulled_out_mid_read_then_next_insert_works(make_card, start_reader):
    reader, rec = start_reader()
    rec.wait_for(health_is(DeviceState.ONLINE))
    card = make_card(SsCardProfile(pull_after_apdus=6))
    card.insert()
    failed = rec.wait_type(CardFailed)
    assert card.pulled.is_set()
    assert failed.error.message == "读卡过程中社保卡被取出，请重新插入并等待读取完成"
    rec.wait_type(CardRemoved)
    card.remove()
    card.configure(pull_after_apdus=None)
    mark = rec.mark()
    card.insert()
    assert rec.wait_type(CardInserted, after=mark).identity.name == "张三"
    assert rec.kinds() == ["HealthChanged(online)", "CardFailed", "CardRemoved", "CardInserted"]


def test_card_already_present_at_start(make_card, start_reader, pcscd):
    card = make_card()
    card.insert()
    pcscd.wait_card(present=True)
    reader, rec = start_reader()
    rec.wait_type(CardInserted)
    assert rec.kinds() == ["HealthChanged(online)", "CardInserted"]


def test_card_in_the_slot_before_start_reaches_a_subscriber_who_listens_later(make_card, pcscd):
    # Issue 16 item 4b: a social security card left in the slot across a restart is reported by the
    # driver before the screens subscribe; the device manager replays it to them.
    from devices.base import DeviceKind
    from devices.manager import DeviceManager
    from devices.printer.sim import SimPrinter
    from tests.helpers.vcard import EventRecorder
    from tests.integration.sscard.conftest import TODAY

    card = make_card()
    card.insert()
    pcscd.wait_card(present=True)
    reader = SsCardReader(pcscd.reader_names[0], today=lambda: TODAY)
    manager = DeviceManager({DeviceKind.SS_CARD: reader}, SimPrinter(), status_interval_s=60)
    first = EventRecorder()
    manager.subscribe(first)
    manager.start()
    try:
        first.wait_type(CardInserted)  # reported before the late subscriber exists
        late = EventRecorder()
        manager.subscribe(late)
        (inserted,) = [e for e in late.events if not isinstance(e, HealthChanged)]  # replayed during subscribe
        assert isinstance(inserted, CardInserted) and inserted.identity.source == "ss_card"
        assert inserted.identity.name == "张三"
        health = {e.health.kind: e.health.state for e in late.events if isinstance(e, HealthChanged)}
        assert health[DeviceKind.SS_CARD] is DeviceState.ONLINE
        card.remove()
        late.wait_type(CardRemoved)
        after_removal = EventRecorder()
        manager.subscribe(after_removal)
        assert all(isinstance(e, HealthChanged) for e in after_removal.events)
    finally:
        manager.stop()


def test_pcscd_restart_while_waiting_then_a_card_is_read(make_card, start_reader, pcscd):
    reader, rec = start_reader()
    rec.wait_for(health_is(DeviceState.ONLINE))
    pcscd.stop()
    rec.wait_for(health_is(DeviceState.OFFLINE))
    assert reader.health().state is DeviceState.OFFLINE
    pcscd.start()
    mark = rec.mark()
    rec.wait_for(health_is(DeviceState.ONLINE), after=mark)
    card = make_card()
    card.insert()
    assert rec.wait_type(CardInserted, after=mark).identity.name == "张三"


def test_pcscd_restart_with_a_card_in_reports_removal_and_reads_again(make_card, start_reader, pcscd):
    card = make_card()
    card.insert()
    reader, rec = start_reader()
    rec.wait_type(CardInserted)
    mark = rec.mark()
    pcscd.restart()  # vpcd drops the card's connection too
    rec.wait_type(CardRemoved, after=mark)
    card.remove()
    card.insert()
    rec.wait_type(CardInserted, after=mark)
    reader.pin_tries_left()  # the rebuilt context talks to the card


def test_no_matching_reader_reports_no_device(start_reader):
    reader, rec = start_reader("No Such Reader")
    rec.wait_for(health_is(DeviceState.NO_DEVICE))
    assert "未找到" in reader.health().message


def test_stop_ends_the_worker(start_reader):
    reader, rec = start_reader()
    rec.wait_for(health_is(DeviceState.ONLINE))
    thread = reader._thread
    reader.stop()
    assert thread is not None and not thread.is_alive()


def test_read_now_reads_without_the_worker(make_card, pcscd):
    card = make_card()
    card.insert()
    pcscd.wait_card(present=True)
    reader = SsCardReader(pcscd.reader_names[0], today=lambda: date(2026, 11, 22))
    assert reader.read_now().name == "张三"
