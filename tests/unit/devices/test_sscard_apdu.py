"""Unit and property tests for the social security card APDU codec."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.base import CardReadError
from devices.sscard import apdu
from devices.sscard.apdu import ApduError, RecordMode, SwKind


def test_select_ssse_matches_the_reference_bytes():
    assert apdu.select_df_name().hex().upper() == "00A404000F7378312E73682EC9E7BBE1B1A3D5CF"


def test_select_ef_and_get_response():
    assert apdu.select_ef(apdu.EF05).hex().upper() == "00A4020002EF05"
    assert apdu.get_response(0x13).hex().upper() == "00C0000013"
    assert apdu.get_response(256).hex().upper() == "00C0000000"


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        (RecordMode.CURRENT_BY_NUMBER, "00B207040B"),
        (RecordMode.CURRENT_BY_ID, "00B207000B"),
        (RecordMode.SFI_BY_NUMBER, "00B2072C0B"),  # the worked trace's form: (5<<3)|4
        (RecordMode.SFI_BY_ID, "00B207280B"),
    ],
)
def test_read_record_four_conventions(mode, expected):
    assert apdu.read_record(0x07, 5, 11, mode).hex().upper() == expected


def test_verify_builds_bcd_pin_and_tries_query():
    assert apdu.verify("123456").hex().upper() == "0020000003123456"
    assert apdu.verify("12345").hex().upper() == "002000000312345F"
    assert apdu.verify(None).hex().upper() == "00200000"
    with pytest.raises(ValueError):
        apdu.verify("12a456")


def test_challenge_and_external_authenticate():
    assert apdu.get_challenge(8).hex().upper() == "0084000008"
    cmd = apdu.external_authenticate(bytes(range(16)))
    assert cmd[:5].hex().upper() == "0082000A10" and cmd[5:] == bytes(range(16))


@pytest.mark.parametrize(
    ("sw", "kind", "tries"),
    [
        ("9000", SwKind.OK, None), ("6113", SwKind.MORE_DATA, None), ("6C06", SwKind.WRONG_LE, None),
        ("63C3", SwKind.TRIES_LEFT, 3), ("6983", SwKind.BLOCKED, 0), ("6A83", SwKind.RECORD_NOT_FOUND, None),
        ("6A82", SwKind.FILE_NOT_FOUND, None), ("6982", SwKind.SECURITY_NOT_SATISFIED, None),
        ("6F00", SwKind.OTHER, None),
    ],
)
def test_status_words_are_typed(sw, kind, tries):
    resp = apdu.parse_response(bytes.fromhex("AABB" + sw))
    assert resp.data == b"\xaa\xbb"
    assert resp.status.kind is kind
    assert resp.status.tries_left == tries


def test_short_response_is_a_typed_error_with_a_plain_message():
    with pytest.raises(ApduError) as info:
        apdu.parse_response(b"\x90")
    assert isinstance(info.value, CardReadError)
    assert "社保卡" in info.value.message


class Script:
    """A transmit that answers from a script and records what was sent."""

    def __init__(self, *answers: str) -> None:
        self.answers = [bytes.fromhex(a) for a in answers]
        self.sent: list[str] = []

    def __call__(self, command: bytes) -> bytes:
        self.sent.append(command.hex().upper())
        return self.answers.pop(0)


def test_transceive_follows_61xx_with_get_response_chained():
    t = Script("6104", "AABBCCDD6102", "EEFF9000")
    resp = apdu.transceive(t, apdu.select_df_name())
    assert resp.ok and resp.data == bytes.fromhex("AABBCCDDEEFF")
    assert t.sent[1:] == ["00C0000004", "00C0000002"]


def test_transceive_resends_with_corrected_le_on_6cxx():
    t = Script("6C06", "0D04199003079000")
    resp = apdu.transceive(t, bytes.fromhex("00B20D0005"))
    assert resp.ok and resp.data == bytes.fromhex("0D0419900307")
    assert t.sent == ["00B20D0005", "00B20D0006"]


def test_transceive_gives_up_on_an_endless_chain():
    t = Script(*(["6101"] * 20))
    with pytest.raises(ApduError):
        apdu.transceive(t, apdu.select_df_name(), max_rounds=5)
    assert len(t.sent) == 5


def test_with_le_for_each_command_case():
    assert apdu.with_le(bytes.fromhex("00200000"), 3).hex() == "0020000003"
    assert apdu.with_le(bytes.fromhex("00B2010405"), 6).hex() == "00b2010406"
    assert apdu.with_le(bytes.fromhex("00A4020002EF05"), 2).hex() == "00a4020002ef0502"
    assert apdu.with_le(bytes.fromhex("00A4020002EF0500"), 2).hex() == "00a4020002ef0502"
    with pytest.raises(ApduError):
        apdu.with_le(bytes.fromhex("00A40200FFEF05"), 2)


@given(st.binary(max_size=300))
def test_parse_response_never_crashes(raw):
    try:
        resp = apdu.parse_response(raw)
    except ApduError:
        assert len(raw) < 2
    else:
        assert resp.data + bytes([resp.status.sw1, resp.status.sw2]) == raw
        assert isinstance(resp.status.kind, SwKind)


@settings(max_examples=300)
@given(st.lists(st.binary(max_size=40), min_size=1, max_size=30), st.binary(min_size=4, max_size=40))
def test_transceive_on_arbitrary_answers_ends_with_a_response_or_a_typed_error(answers, command):
    """Whatever a broken card says, transceive returns or raises ApduError within its bound: no hang."""
    sent: list[bytes] = []

    def transmit(cmd: bytes) -> bytes:
        sent.append(cmd)
        return answers[(len(sent) - 1) % len(answers)]

    try:
        apdu.transceive(transmit, command, max_rounds=8)
    except ApduError:
        pass
    assert len(sent) <= 8
