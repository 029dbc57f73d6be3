"""Unit and property tests for social security card TLV parsing, field decoding and the nation table."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.base import CardReadError
from devices.nations import NATIONS, nation_code, nation_name
from devices.sscard import tlv
from devices.sscard.cardmodel import split_name
from devices.sscard.tlv import TlvError
from tests.helpers.ssc_emulator import ef05_values, ef06_values  # encoded apart from devices/ (issue 13)


def test_parse_record_from_the_reference_trace():
    data = bytes.fromhex("0709413030303030303030")
    assert tlv.record_value(data, 0x07) == b"A00000000"


def test_parse_skips_padding_and_reads_long_lengths():
    data = b"\xff\x00" + bytes([0x09, 0x81, 0x02]) + b"ab" + b"\xff\xff"
    assert tlv.parse_tlvs(data) == [tlv.Tlv(0x09, b"ab")]
    assert tlv.parse_tlvs(bytes([0x5F, 0x20, 0x01, 0x41])) == [tlv.Tlv(0x5F20, b"A")]


@pytest.mark.parametrize("raw", ["09", "0905414243", "0981", "098300", "5F", "5FA0A0A0A001"])
def test_truncated_or_malformed_tlv_is_a_typed_error(raw):
    with pytest.raises(TlvError) as info:
        tlv.parse_tlvs(bytes.fromhex(raw))
    assert isinstance(info.value, CardReadError) and info.value.message


def test_missing_tag_is_a_typed_error():
    with pytest.raises(TlvError):
        tlv.record_value(bytes.fromhex("0701FF"), 0x08)


def test_ef05_decodes_card_identity():
    info = tlv.decode_ef05(ef05_values(version="3.00", card_number="B12345678",
                                       issue_date=date(2021, 5, 6), expiry_date=date(2031, 5, 6)))
    assert info.identification_code == "330300D15600000500000000C1A2B3C4"
    assert info.region_code == "330300"
    assert info.version == "3.00" and info.generation == 3
    assert info.card_number == "B12345678"
    assert (info.issue_date, info.expiry_date) == (date(2021, 5, 6), date(2031, 5, 6))
    assert info.issuer_code == "330300000000000000000001"


def test_ef06_decodes_cardholder_with_rare_gbk_character():
    holder = tlv.decode_ef06(ef06_values(name="王喆堃", gender="2", nation="05", birth_date=date(1985, 1, 2)))
    assert holder.name == "王喆堃"  # 喆/堃 are in GBK but not in GB2312
    assert holder.gender == "女" and holder.nation == "维吾尔" and holder.nation_code == "05"
    assert holder.birth_date == date(1985, 1, 2)
    assert holder.ssn == "11010119900307125X"
    assert holder.birthplace == "110101"
    assert "王" not in repr(holder)


def test_long_name_is_split_over_name_and_extension_and_joined_back():
    name = "买买提明·阿不都热合曼·艾则孜江·喆"  # 19 characters, 38 GBK bytes
    field, ext = split_name(name)
    assert len(field) == 30 and ext is not None and len(ext) == 20
    assert tlv.join_name(field, ext) == name
    assert tlv.join_name(field, None) != name  # without the extension the name is cut short


def test_name_split_inside_a_character_still_decodes():
    raw = "阿依古丽".encode("gbk")
    assert tlv.join_name(raw[:3] + b"\x00" * 27, raw[3:] + b"\x00" * 15) == "阿依古丽"


def test_name_space_padded_and_garbage_name():
    assert tlv.gbk_text("张三".encode("gbk") + b"    ") == "张三"
    with pytest.raises(TlvError):
        tlv.gbk_text(b"\x81\x20")


@pytest.mark.parametrize("raw", ["20201301", "2020AB01", "202002"])
def test_bad_dates_are_typed_errors(raw):
    with pytest.raises(TlvError):
        tlv.bcd_date(bytes.fromhex(raw))


def test_blank_date_is_none_and_padded_bcd():
    assert tlv.bcd_date(b"\xff" * 4) is None
    assert tlv.bcd_digits(bytes.fromhex("3303FF"), allow_padding=True) == "3303"
    with pytest.raises(TlvError):
        tlv.bcd_digits(bytes.fromhex("33F3"), allow_padding=True)


def test_invalid_social_security_number():
    with pytest.raises(TlvError):
        tlv.id_number(b"1101011990X307123X")


def test_nation_table():
    assert len(NATIONS) == 58
    assert nation_name("01") == "汉" and nation_name(1) == "汉" and nation_name("98") == "外国血统中国籍人士"
    assert nation_name("57") == ""
    assert nation_code("蒙古族") == "02" and nation_code("朝鲜") == "10"


@given(st.binary(max_size=200))
def test_tlv_parser_only_raises_typed_errors(raw):
    try:
        elements = tlv.parse_tlvs(raw)
    except TlvError:
        return
    assert sum(len(e.value) for e in elements) <= len(raw)


@given(st.dictionaries(st.sampled_from(sorted(tlv.EF06_LENGTHS)), st.binary(max_size=40)),
       st.dictionaries(st.sampled_from(sorted(tlv.EF05_LENGTHS)), st.binary(max_size=40)))
def test_record_decoders_only_raise_typed_errors(ef06, ef05):
    try:
        tlv.decode_ef06(ef06)
    except TlvError:
        pass
    try:
        tlv.decode_ef05(ef05)
    except TlvError:
        pass
