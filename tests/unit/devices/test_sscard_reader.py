"""Unit tests for the social security card reading logic against an in-memory card (tests/helpers/ssc_emulator.py)."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.base import CardExpired, CardReadError, DeviceError, PinError
from devices.sscard.apdu import RecordMode
from devices.sscard.reader import SsCardSession
from devices.sscard.tlv import CardInfo
from tests.helpers.ssc_emulator import (
    ALL_CONVENTIONS,
    SFI_BY_ID,
    SsCardEmulator,
    SsCardProfile,
    ef05_values,
    ef06_values,
    stand_in_cryptogram,
)

TODAY = date(2026, 11, 22)
KEY = b"test-key-0123456"


class KeyAuthenticator:
    """Test authenticator: answers the challenge with the stand-in cryptogram under a key."""

    def __init__(self, key: bytes) -> None:
        self.key = key
        self.calls = 0

    def cryptogram(self, challenge: bytes, card: CardInfo) -> bytes:
        self.calls += 1
        return stand_in_cryptogram(self.key, challenge)


def session(model: SsCardEmulator, **kw) -> SsCardSession:
    return SsCardSession(model.process, today=lambda: TODAY, **kw)


def gen3(**kw) -> SsCardProfile:
    return SsCardProfile(generation=3, auth_key=KEY, ef05=ef05_values(version="3.00"), **kw)


def test_second_generation_card_reads_everything():
    model = SsCardEmulator(SsCardProfile(ef06=ef06_values(name="李堃", gender="2", nation="03")))
    ident = session(model).read_identity()
    assert (ident.source, ident.card_type) == ("ss_card", "social_security")
    assert ident.name == "李堃" and ident.id_number == "11010119900307125X"
    assert ident.gender == "女" and ident.nation == "回" and ident.birth_date == date(1990, 3, 7)
    assert ident.valid_until == date(2030, 3, 1) and ident.card_number == "A00000001"
    assert not ident.partial and ("card_version", "2.00") in ident.extra


def test_61xx_and_6cxx_answers_are_followed():
    model = SsCardEmulator(SsCardProfile(select_with_61=True, wrong_le_tags=frozenset({0x07, 0x0D})))
    ident = session(model).read_identity()
    assert ident.card_number == "A00000001" and ident.birth_date == date(1990, 3, 7)
    assert any(c[:2] == b"\x00\xc0" for c in model.log)  # a GET RESPONSE went out


@pytest.mark.parametrize("convention", sorted(ALL_CONVENTIONS))
def test_card_accepting_only_one_read_record_convention(convention):
    model = SsCardEmulator(SsCardProfile(conventions=frozenset({convention})))
    assert session(model).read_identity().name == "张三"


def test_configured_single_convention_is_used_without_probing():
    model = SsCardEmulator(SsCardProfile(conventions=frozenset({SFI_BY_ID})))
    session(model, record_modes=[RecordMode.SFI_BY_ID]).read_identity()
    reads = [c for c in model.log if c[1] == 0xB2]
    assert all(c[3] & 0x07 == 0 and c[3] >> 3 in (5, 6) for c in reads)


def test_missing_name_extension_is_fine_but_missing_name_is_an_error():
    profile = SsCardProfile()
    assert 0x4E not in profile.ef06
    assert session(SsCardEmulator(profile)).read_identity().name == "张三"
    ef06 = dict(profile.ef06)
    del ef06[0x09]
    with pytest.raises(CardReadError) as info:
        session(SsCardEmulator(replace(profile, ef06=ef06))).read_identity()
    assert "缺少" in info.value.message


def test_expired_card():
    profile = SsCardProfile(ef05=ef05_values(expiry_date=date(2026, 11, 21)))
    with pytest.raises(CardExpired) as info:
        session(SsCardEmulator(profile)).read_identity()
    assert info.value.message == "您的社保卡已过有效期，请到柜台办理换卡"


def test_card_expiring_today_is_still_valid():
    profile = SsCardProfile(ef05=ef05_values(expiry_date=TODAY))
    assert session(SsCardEmulator(profile)).read_identity().valid_until == TODAY


def test_not_a_social_security_card():
    def transmit(cmd: bytes) -> bytes:
        return bytes.fromhex("6A82")

    with pytest.raises(CardReadError) as info:
        SsCardSession(transmit).read_identity()
    assert "不是社会保障卡" in info.value.message


def test_third_generation_without_authenticator_is_partial():
    ident = session(SsCardEmulator(gen3())).read_identity()
    assert ident.partial and ident.notice and "平台" in ident.notice
    assert ident.card_number == "A00000001" and ident.id_number == "" and ident.name == ""


def test_third_generation_with_authenticator_reads_everything():
    auth = KeyAuthenticator(KEY)
    model = SsCardEmulator(gen3())
    ident = session(model, authenticator=auth).read_identity()
    assert not ident.partial and ident.name == "张三" and ident.valid_until == date(2030, 3, 1)
    assert auth.calls == 1 and model.authenticated


def test_third_generation_with_wrong_key_is_refused():
    with pytest.raises(CardReadError) as info:
        session(SsCardEmulator(gen3()), authenticator=KeyAuthenticator(b"wrong")).read_identity()
    assert "认证" in info.value.message


def test_authenticator_that_cannot_answer_falls_back_to_partial():
    class Down:
        def cryptogram(self, challenge: bytes, card: CardInfo) -> bytes:
            raise DeviceError("平台暂时无法连接")

    assert session(SsCardEmulator(gen3()), authenticator=Down()).read_identity().partial


def test_pin_counts_down_to_locked():
    model = SsCardEmulator(SsCardProfile(pin="246810"))
    s = session(model)
    assert s.pin_tries_left() == 6
    for expected in (5, 4, 3, 2, 1):
        with pytest.raises(PinError) as info:
            s.verify_pin("000000")
        assert info.value.tries_left == expected and not info.value.locked
        assert str(expected) in info.value.message
        assert s.pin_tries_left() == expected
    with pytest.raises(PinError) as info:
        s.verify_pin("000000")
    assert info.value.locked and info.value.message == "社保卡密码已锁定，请到柜台解锁"
    sent_before = len(model.log)
    with pytest.raises(PinError) as info:
        s.verify_pin("246810")  # even the right PIN: the card is locked and is not asked to verify it
    assert info.value.locked
    assert not any(c.endswith(b"<pin>") for c in model.log[sent_before:])


def test_right_pin_resets_the_counter():
    model = SsCardEmulator(SsCardProfile(pin="246810"))
    s = session(model)
    with pytest.raises(PinError):
        s.verify_pin("111111")
    s.verify_pin("246810")
    assert s.pin_tries_left() == 6


def test_pin_format_is_checked_before_the_card_is_asked():
    model = SsCardEmulator(SsCardProfile())
    with pytest.raises(PinError) as info:
        session(model).verify_pin("12345")
    assert info.value.message == "密码应为6位数字" and model.log == []


def test_card_without_tries_query_still_verifies():
    model = SsCardEmulator(SsCardProfile(tries_query=False))
    s = session(model)
    assert s.pin_tries_left() is None
    with pytest.raises(PinError) as info:
        s.verify_pin("999999")
    assert info.value.tries_left == 5


def test_pin_and_personal_data_are_never_logged(caplog):
    caplog.set_level(logging.DEBUG)
    model = SsCardEmulator(SsCardProfile(pin="975310", ef06=ef06_values(name="王喆", ssn="110101199003071233")))
    s = session(model)
    s.read_identity()
    with pytest.raises(PinError):
        s.verify_pin("135799")
    s.verify_pin("975310")
    text = caplog.text
    for secret in ("975310", "135799", "97 53 10", "0020000003975310", "王喆", "110101199003071233"):
        assert secret not in text
    assert "PIN verified" in text


@settings(max_examples=200, deadline=None)
@given(st.lists(st.binary(max_size=48), min_size=1, max_size=40))
def test_any_card_answers_end_in_an_identity_or_a_typed_error(answers):
    """A broken or hostile card never crashes or hangs the reader: it reads, or raises a DeviceError."""
    count = 0

    def transmit(cmd: bytes) -> bytes:
        nonlocal count
        count += 1
        return answers[(count - 1) % len(answers)]

    try:
        SsCardSession(transmit, today=lambda: TODAY).read_identity()
    except DeviceError as exc:
        assert exc.message
    assert count < 500


@pytest.mark.parametrize("ssn", ["110101199003071250", "11010119900230125X", "1101011990030712 X", "1101011990030712"])
def test_a_social_security_number_failing_gb11643_is_refused(ssn: str) -> None:
    from devices.sscard.tlv import SsnRefused

    model = SsCardEmulator(SsCardProfile(ef06=ef06_values(ssn=ssn)))
    with pytest.raises(SsnRefused) as info:
        session(model).read_identity()
    assert info.value.message == "社保卡上的社会保障号码读取有误，请取出后重新插入；多次仍不行请到柜台核查"
    assert ssn not in str(info.value)
