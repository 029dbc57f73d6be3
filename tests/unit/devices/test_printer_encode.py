"""Our text encoder keeps Chinese punctuation intact where python-escpos's text() turns it into '?'."""

from __future__ import annotations

import pytest
from escpos.printer import Dummy
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.printer.encode import (
    FS_CHINESE_OFF,
    FS_CHINESE_ON,
    chinese_mode_off,
    chinese_mode_on,
    encode_text,
    prepare_text,
    width_function,
)
from devices.printer.profiles import DEFAULT_PROFILES_PATH, PrinterProfile, load_profiles

PROFILES = load_profiles(DEFAULT_PROFILES_PATH)
PUNCTUATION = "：、，（）《》。！？“”"


@pytest.fixture(params=sorted(PROFILES))
def profile(request: pytest.FixtureRequest) -> PrinterProfile:
    return PROFILES[request.param]


def test_python_escpos_text_loses_chinese_punctuation() -> None:
    """The library trap this module exists for: without a CJK ideograph, text() sends '?'."""
    printer = Dummy()
    printer.text("：、，（）")
    assert b"?" in printer.output


def test_chinese_punctuation_survives_every_profile(profile: PrinterProfile) -> None:
    prepared = prepare_text(PUNCTUATION + "失业登记", profile)
    assert prepared.text == PUNCTUATION + "失业登记" and prepared.substitutions == ()
    data = encode_text(prepared.text, profile)
    assert b"?" not in data
    assert data.decode(profile.encoding) == PUNCTUATION + "失业登记"


def test_the_chinese_mode_switch_follows_the_profile() -> None:
    assert chinese_mode_on(PROFILES["generic-58"]) == FS_CHINESE_ON == b"\x1c\x26"
    assert chinese_mode_off(PROFILES["generic-58"]) == FS_CHINESE_OFF == b"\x1c\x2e"
    assert chinese_mode_on(PROFILES["utf8-80"]) == b"" == chinese_mode_off(PROFILES["utf8-80"])


def test_yen_sign_becomes_full_width_yuan_on_gbk_and_is_reported() -> None:
    prepared = prepare_text("补贴¥300", PROFILES["gbk-58-raster"])
    assert prepared.text == "补贴￥300"
    assert [(s.original, s.replacement, s.reason) for s in prepared.substitutions] == [("¥", "￥", "mapped")]
    assert encode_text(prepared.text, PROFILES["gbk-58-raster"]).decode("gbk") == "补贴￥300"


def test_characters_the_printer_lacks_become_a_visible_placeholder_and_are_reported() -> None:
    gbk = PROFILES["gbk-58-raster"]
    prepared = prepare_text("张𠮷😀", gbk)  # 𠮷 (U+20BB7, a name character) and an emoji: not in GBK
    assert prepared.text == "张□□"
    assert {(s.original, s.reason) for s in prepared.substitutions} == {("𠮷", "unprintable"), ("😀", "unprintable")}
    assert "?" not in prepared.text


def test_gb18030_prints_extension_a_but_not_four_byte_characters_the_font_lacks() -> None:
    gb = PROFILES["generic-80"]
    assert prepare_text("㐀", gb).text == "㐀"  # CJK Extension A: in GB18030 printer fonts
    assert prepare_text("𠮷", gb).text == "□"


def test_utf8_printers_take_any_character() -> None:
    assert prepare_text("张𠮷¥", PROFILES["utf8-80"]).text == "张𠮷¥"


def test_control_characters_in_data_cannot_inject_printer_commands(profile: PrinterProfile) -> None:
    prepared = prepare_text("名称\x1bi\x1dV\x00\t完", profile)
    data = encode_text(prepared.text, profile)
    assert not any(b < 0x20 for b in data)
    assert {s.reason for s in prepared.substitutions} == {"control"}
    assert prepared.text == f"名称{profile.placeholder}i{profile.placeholder}V{profile.placeholder} 完"


def test_invisible_format_characters_are_removed_and_reported() -> None:
    prepared = prepare_text("失业\u200b登记\ufeff", PROFILES["generic-58"])
    assert prepared.text == "失业登记" and {s.reason for s in prepared.substitutions} == {"format"}


def test_decomposed_accents_are_composed_before_encoding() -> None:
    assert prepare_text("Lu\u0308", PROFILES["generic-58"]).text == "Lü"


def test_gb_width_is_two_for_every_character_printed_from_the_chinese_font() -> None:
    width = width_function(PROFILES["generic-58"])
    assert [width(c) for c in "a·—①é失"] == [1, 2, 2, 2, 2, 2]
    assert width_function(PROFILES["utf8-80"])("·") == 1


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=100))
def test_prepared_text_always_encodes_and_never_invents_question_marks(text: str) -> None:
    for profile in PROFILES.values():
        prepared = prepare_text(text, profile)
        encode_text(prepared.text, profile)  # strict: raises if anything slipped through
        assert prepared.text.count("?") == text.count("?")
