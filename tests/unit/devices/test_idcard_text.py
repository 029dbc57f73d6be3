"""Decoding the ID card text block: every card type, validity, gender and nation tables, malformed blocks."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.base import CardReadError
from devices.idcard.text import (
    IdCardExpired,
    IdNumberRefused,
    TextBlockError,
    UnsupportedCardType,
    decode_text_block,
    expiry_error,
)
from devices.idnumber import IdNumberFault
from tests.helpers.id_numbers import corrupt, fake_id_number, iso7064_check
from tests.helpers.sam_emulator import encode_text_block
from tests.helpers.sample_cards import sample_identity

TODAY = date(2025, 6, 1)


def test_resident_card_decodes_every_field() -> None:
    card = sample_identity()
    got = decode_text_block(encode_text_block(card), TODAY, photo=b"wlt")
    assert (got.name, got.id_number, got.gender, got.nation) == ("张三丰", "11010119900307125X", "男", "汉")
    assert got.birth_date == date(1990, 3, 7)
    assert (got.valid_from, got.valid_until, got.long_term, got.expired) == (date(2020, 5, 1), date(2040, 5, 1), False, False)
    assert got.address == "北京市东城区景山前街4号" and got.issuer == "北京市公安局东城分局"
    assert (got.source, got.card_type, got.photo) == ("id_card", "resident_id", b"wlt")


def test_reference_layout_offsets() -> None:
    # Hand-made block: only name, ID number and validity at the reference offsets.
    block = bytearray(" ".encode("utf-16-le") * 128)
    block[0:4] = "李四".encode("utf-16-le")
    block[30:32] = b"2\x00"
    block[32:36] = "03".encode("utf-16-le")
    block[122:158] = "440301199912310024".encode("utf-16-le")
    block[204:208] = "长期".encode("utf-16-le")
    got = decode_text_block(bytes(block), TODAY)
    assert (got.name, got.gender, got.nation, got.id_number) == ("李四", "女", "回", "440301199912310024")
    assert got.long_term and got.valid_until is None and not got.expired


def test_long_term_card_never_expires() -> None:
    got = decode_text_block(encode_text_block(sample_identity(long_term=True, valid_until=None)), date(2099, 1, 1))
    assert got.long_term and not got.expired


@pytest.mark.parametrize("today,expired", [(date(2040, 5, 1), False), (date(2040, 5, 2), True)])
def test_card_is_valid_through_its_last_day(today: date, expired: bool) -> None:
    assert decode_text_block(encode_text_block(sample_identity()), today).expired is expired


def test_expired_card_gives_the_plain_message() -> None:
    got = decode_text_block(encode_text_block(sample_identity(valid_until=date(2020, 1, 1))), TODAY)
    error = expiry_error(got)
    assert isinstance(error, IdCardExpired) and error.message.startswith("您的身份证已过有效期")
    assert error.identity is got
    assert expiry_error(decode_text_block(encode_text_block(sample_identity()), TODAY)) is None


@pytest.mark.parametrize("code,name", [("0", "未知"), ("1", "男"), ("2", "女"), ("9", "未说明"), ("7", "未知")])
def test_gender_table(code: str, name: str) -> None:
    block = bytearray(encode_text_block(sample_identity()))
    block[30:32] = code.encode("utf-16-le")
    assert decode_text_block(bytes(block), TODAY).gender == name


@pytest.mark.parametrize("nation", ["汉", "蒙古", "维吾尔", "基诺", "其他", "外国血统中国籍人士"])
def test_nation_names(nation: str) -> None:
    assert decode_text_block(encode_text_block(sample_identity(nation=nation)), TODAY).nation == nation


def test_hk_macau_taiwan_permit() -> None:
    got = decode_text_block(encode_text_block(sample_identity("hk_mo_tw_permit")), TODAY)
    assert got.card_type == "hk_mo_tw_permit" and got.id_number == "810000199003071237"
    assert got.nation == "" and got.card_number == "H01234567"
    assert dict(got.extra) == {"pass_number": "H01234567", "issue_count": "02"}


def test_foreign_permanent_residence_card() -> None:
    got = decode_text_block(encode_text_block(sample_identity("foreign_permanent")), TODAY)
    assert got.card_type == "foreign_permanent"
    assert (got.name, got.id_number, got.birth_date) == ("马克", "CAN110090030701", date(1990, 3, 7))
    assert dict(got.extra) == {"english_name": "MARK, JOHN", "nationality": "CAN", "version": "01"}
    assert got.issuer == "1500" and got.nation == ""


def test_foreign_card_without_chinese_name_uses_the_english_one() -> None:
    got = decode_text_block(encode_text_block(sample_identity("foreign_permanent", name="")), TODAY)
    assert got.name == "MARK, JOHN"


@pytest.mark.parametrize("card_type,word", [("hk_mo_tw_permit", "居住证"), ("foreign_permanent", "永久居留")])
def test_expired_permits_name_their_card(card_type: str, word: str) -> None:
    got = decode_text_block(encode_text_block(sample_identity(card_type, valid_until=date(2021, 1, 1))), TODAY)
    error = expiry_error(got)
    assert error is not None and word in error.message


def test_2023_foreign_card_is_recognised_but_not_decoded() -> None:
    with pytest.raises(UnsupportedCardType) as info:
        decode_text_block(encode_text_block(sample_identity(), flag="Y"), TODAY)
    assert "暂不支持" in info.value.message


@pytest.mark.parametrize(
    "mangle",
    [
        lambda b: b[:200],
        lambda b: b[:204] + "2099-1-1".encode("utf-16-le") + b[220:],
        lambda b: b[:204] + "20991399".encode("utf-16-le") + b[220:],
        lambda b: b[:204] + " ".encode("utf-16-le") * 8 + b[220:],
        lambda b: " ".encode("utf-16-le") * 15 + b[30:],
        lambda b: b[:122] + b"\x00\xd8" * 18 + b[158:],
    ],
    ids=["short", "bad-date-format", "bad-month", "no-expiry", "no-name", "bad-utf16"],
)
def test_malformed_blocks_are_typed_read_errors(mangle) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TextBlockError) as info:
        decode_text_block(mangle(encode_text_block(sample_identity())), TODAY)
    assert info.value.message == "身份证信息读取不完整，请重新放置身份证"


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=256, max_size=256))
def test_any_block_decodes_or_raises_a_card_read_error(block: bytes) -> None:
    try:
        decode_text_block(block, TODAY)
    except CardReadError:
        pass


names = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=15)


@settings(max_examples=150, deadline=None)
@given(
    name=names,
    first17=st.from_regex(r"[1-9][0-9]{5}(19[0-9]{2}|20[01][0-9])(0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])[0-9]{3}",
                          fullmatch=True),
    gender=st.sampled_from(["男", "女", "未知", "未说明"]),
    nation=st.sampled_from(["汉", "壮", "满", "回", "苗"]),
    birth=st.dates(date(1900, 1, 1), date(2025, 1, 1)),
    until=st.one_of(st.none(), st.dates(date(2000, 1, 1), date(2060, 1, 1))),
    address=st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), max_size=35),
)
def test_resident_round_trip(name, first17, gender, nation, birth, until, address) -> None:  # type: ignore[no-untyped-def]
    number = first17 + iso7064_check(first17)
    card = sample_identity(name=name, id_number=number, gender=gender, nation=nation, birth_date=birth,
                           valid_until=until, long_term=until is None, address=address)
    got = decode_text_block(encode_text_block(card), TODAY)
    assert (got.name, got.id_number, got.gender, got.nation, got.birth_date) == (name, number, gender, nation, birth)
    assert (got.valid_until, got.long_term, got.address) == (until, until is None, address)
    assert got.expired == (until is not None and until < TODAY)


def _with_number(number: str, card_type: str = "resident_id") -> bytes:
    return encode_text_block(sample_identity(card_type, id_number=number))


@pytest.mark.parametrize(
    "number,fault",
    [
        (corrupt(fake_id_number()), IdNumberFault.CHECK_DIGIT),
        ("140222199O03071236", IdNumberFault.FORM),  # a letter O among the digits
        ("14022219900307123\u4e00", IdNumberFault.FORM),  # CJK: str.isalnum() said yes
        ("１４０２２２１９９００３０７１２３６", IdNumberFault.FORM),  # full-width digits: str.isdigit() says yes
        ("140222199002301238", IdNumberFault.BIRTH_DATE),  # 30 February
        ("14022219900307123", IdNumberFault.FORM),  # 17 characters
    ],
    ids=["check-digit", "letter", "cjk", "full-width", "no-such-date", "short"],
)
def test_a_card_number_failing_gb11643_is_refused_with_a_plain_message(number: str, fault: IdNumberFault) -> None:
    with pytest.raises(IdNumberRefused) as info:
        decode_text_block(_with_number(number), TODAY)
    assert info.value.fault is fault
    assert info.value.message == "证件号码读取有误，请重新放置证件；多次仍不行请到柜台办理"
    assert number not in str(info.value) and number not in info.value.detail


def test_a_permit_number_is_checked_too() -> None:
    with pytest.raises(IdNumberRefused):
        decode_text_block(_with_number(corrupt("810000199003071237"), "hk_mo_tw_permit"), TODAY)


@pytest.mark.parametrize("number", ["CAN11009003070", "CA1110090030701", "CAN110090023001"])
def test_a_foreign_card_number_of_the_wrong_form_is_refused(number: str) -> None:
    with pytest.raises(IdNumberRefused):
        decode_text_block(_with_number(number, "foreign_permanent"), TODAY)


def test_a_birth_date_after_today_is_refused() -> None:
    with pytest.raises(IdNumberRefused) as info:
        decode_text_block(_with_number(fake_id_number(birth=date(2030, 1, 1))), TODAY)
    assert info.value.fault is IdNumberFault.BIRTH_DATE
