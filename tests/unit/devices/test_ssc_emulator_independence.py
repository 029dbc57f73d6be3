"""The social security card test emulator speaks card-protocols.md §B itself (issue 13).

It imports nothing from devices/, its answers are the document's worked trace byte for byte, and a
production codec broken on purpose makes a read through it fail: the card's bytes are not made by the
code that reads them, so a bug shared by both sides cannot pass.
"""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest

from devices.base import CardReadError, PinError
from devices.sscard import apdu, tlv
from devices.sscard.reader import SsCardSession
from tests.helpers import psam, ssc_emulator, vcard
from tests.helpers.ssc_emulator import (
    SsCardEmulator,
    SsCardProfile,
    ef05_values,
    ef06_values,
    gbk_name_fields,
    stand_in_cryptogram,
)

TODAY = date(2026, 11, 22)
KEY = b"emulator-key-016"


def _hex(text: str) -> bytes:
    return bytes.fromhex(text.replace(" ", ""))


def _imported_modules(path: str) -> list[str]:
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    modules = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    modules += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    return modules


@pytest.mark.parametrize("module", [ssc_emulator, vcard, psam], ids=lambda m: m.__name__)
def test_the_virtual_cards_import_nothing_from_devices(module) -> None:
    """Not even a type: the card, its vpcd transport and the PSAM are written from the documents alone."""
    source = Path(module.__file__).read_text(encoding="utf-8")
    assert [m for m in _imported_modules(module.__file__) if m.split(".")[0] == "devices"] == []
    assert "import_module" not in source and "__import__" not in source


def test_vpcd_cards_are_the_emulator_by_default() -> None:
    card = vcard.VirtualSsCard(port=1)  # not inserted: no connection is made
    assert isinstance(card.model, SsCardEmulator)


def test_the_worked_trace_of_the_document_byte_for_byte() -> None:
    """card-protocols.md §B "Worked trace (fake data)", T=0 style SELECT and the 6Cxx resend included."""
    card = SsCardEmulator(SsCardProfile(select_with_61=True, ef05=ef05_values(card_number="A00000000"),
                                        ef06=ef06_values(ssn="11010119900307141X")))  # the trace's "1101…1X"
    name = "7378312E73682EC9E7BBE1B1A3D5CF"
    assert card.process(_hex("00A404000F" + name)) == _hex("6113")
    assert card.process(_hex("00C0000013")) == _hex("6F11840F" + name + "9000")
    assert card.process(_hex("00A4020002EF05")) == _hex("9000")
    assert card.process(_hex("00B2072C0B")) == _hex("0709 413030303030303030 9000")
    assert card.process(_hex("00A4020002EF06")) == _hex("9000")
    ssn = card.process(_hex("00B2080014"))
    assert ssn[:7] == _hex("0812 3131303130") and ssn[-4:] == _hex("3158 9000")
    assert ssn == _hex("0812") + b"11010119900307141X" + _hex("9000")
    assert card.process(_hex("00B20D0005")) == _hex("6C06")
    assert card.process(_hex("00B20D0006")) == _hex("0D04 19900307 9000")


def test_ef05_and_ef06_records_in_the_documented_formats() -> None:
    card = SsCardEmulator(SsCardProfile(
        ef05=ef05_values(version="3.00", issue_date=date(2019, 7, 1)),
        ef06=ef06_values(name="李四", gender="2", nation="05", birthplace="6501"),
    ))
    card.process(_hex("00A404000F7378312E73682EC9E7BBE1B1A3D5CF"))
    assert card.process(_hex("00B2032C06")) == _hex("0304 332E3030 9000")  # version "3.00" ASCII, SFI 5 by number
    assert card.process(_hex("00B2052806")) == _hex("0504 20190701 9000")  # issue date BCD, SFI 5 by identifier
    assert card.process(_hex("00B2012C12"))[:5] == _hex("0110 330300")  # 16 bytes binary, region BCD first
    assert card.process(_hex("00B2093420")) == _hex("091E C0EECBC4") + bytes(26) + _hex("9000")  # GBK, 00-padded
    assert card.process(_hex("00B20A3403")) == _hex("0A01 32 9000")  # gender ASCII '2'
    assert card.process(_hex("00B20B3403")) == _hex("0B01 05 9000")  # nation BCD
    assert card.process(_hex("00B20C3405")) == _hex("0C03 6501FF 9000")  # birthplace BCD, FF-padded
    assert card.process(_hex("00B24E3416")) == _hex("6A83")  # no name extension for a short name


def test_a_long_name_is_cut_at_byte_30_even_inside_a_character() -> None:
    name = "A" + "买" * 20  # 41 GBK bytes: the 15th 买 straddles bytes 29-30
    head, extension = gbk_name_fields(name)
    assert len(head) == 30 and head[-1:] == "买".encode("gbk")[:1]
    assert extension is not None and extension[:1] == "买".encode("gbk")[1:] and len(extension) == 20
    card = SsCardEmulator(SsCardProfile(ef06=ef06_values(name=name)))
    assert SsCardSession(card.process, today=lambda: TODAY).read_identity().name == name


def test_pin_tries_count_down_to_63c0_then_6983() -> None:
    card = SsCardEmulator(SsCardProfile(pin="135790"))
    assert card.process(_hex("0020000003 135790")) == _hex("9000")  # `00 20 00 00 03 <BCD PIN>`
    assert card.process(_hex("00200000")) == _hex("63C6")
    answers = [card.process(_hex("0020000003 000000")) for _ in range(6)]
    assert answers == [_hex(sw) for sw in ("63C5", "63C4", "63C3", "63C2", "63C1", "63C0")]
    assert card.process(_hex("0020000003 135790")) == _hex("6983")
    assert card.process(_hex("00200000")) == _hex("6983")
    assert all(c.endswith(b"<pin>") for c in card.log if len(c) > 5)  # the PIN is not kept


def test_third_generation_gives_01_03_07_freely_and_the_rest_after_external_authenticate() -> None:
    card = SsCardEmulator(SsCardProfile(generation=3, auth_key=KEY, ef05=ef05_values(version="3.00")),
                          random_bytes=lambda n: bytes(range(1, n + 1)))
    card.process(_hex("00A404000F7378312E73682EC9E7BBE1B1A3D5CF"))
    assert [card.process(bytes([0, 0xB2, tag, 0x2C, 0]))[-2:] for tag in (1, 3, 7)] == [_hex("9000")] * 3
    assert card.process(_hex("00B2022C03")) == _hex("6982")
    assert card.process(_hex("00B2083414")) == _hex("6982")
    challenge = card.process(_hex("0084000008"))
    assert challenge == _hex("0102030405060708 9000")
    assert card.process(_hex("0082000A10") + bytes(16)) == _hex("6300")
    card.process(_hex("0084000008"))
    assert card.process(_hex("0082000A10") + stand_in_cryptogram(KEY, challenge[:8])) == _hex("9000")
    assert card.process(_hex("00B2083414"))[:2] == _hex("0812")


def _swapped_bcd(original):
    def bcd_digits(value: bytes, allow_padding: bool = False) -> str:
        return original(bytes((b & 0x0F) << 4 | b >> 4 for b in value), allow_padding)

    return bcd_digits


def _big5_text(value: bytes) -> str:
    return value.split(b"\x00", 1)[0].decode("big5", errors="replace")


def _select_utf8_name(name: bytes = b"") -> bytes:
    utf8 = "sx1.sh.社会保障".encode()
    return b"\x00\xa4\x04\x00" + bytes([len(utf8)]) + utf8


@pytest.mark.parametrize(("target", "attribute", "broken"), [
    (tlv, "bcd_digits", _swapped_bcd(tlv.bcd_digits)),  # low nibble first
    (tlv, "gbk_text", _big5_text),  # the name decoded as Big5
    (apdu, "select_df_name", _select_utf8_name),  # the DF name sent as UTF-8
], ids=["bcd-nibbles", "gbk-as-big5", "df-name-utf8"])
def test_a_broken_production_codec_fails_a_read_through_the_emulator(monkeypatch, target, attribute, broken) -> None:
    card = SsCardEmulator(SsCardProfile(ef06=ef06_values(name="张三", birth_date=date(1990, 3, 7))))
    good = SsCardSession(SsCardEmulator(card.profile).process, today=lambda: TODAY).read_identity()
    assert (good.name, good.birth_date) == ("张三", date(1990, 3, 7))
    monkeypatch.setattr(target, attribute, broken)
    try:
        read = SsCardSession(card.process, today=lambda: TODAY).read_identity()
    except CardReadError:
        return
    assert (read.name, read.birth_date, read.valid_until) != (good.name, good.birth_date, good.valid_until)


def test_a_pin_encoded_wrongly_by_the_reader_is_refused_by_the_card(monkeypatch) -> None:
    card = SsCardEmulator(SsCardProfile(pin="123456"))
    monkeypatch.setattr(apdu, "encode_pin", lambda pin: pin.encode("ascii"))  # ASCII instead of packed BCD
    with pytest.raises(PinError) as info:
        SsCardSession(card.process, today=lambda: TODAY).verify_pin("123456")
    assert info.value.tries_left == 5
