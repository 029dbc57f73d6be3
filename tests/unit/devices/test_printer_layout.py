"""Receipt layout: Chinese takes two columns, nothing overflows the paper, nothing is lost."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from devices.printer.layout import (
    NO_LINE_START,
    center,
    char_width,
    display_width,
    key_value,
    rule,
    wrap,
)

RECEIPT_TEXT = "请于三个工作日内（含节假日）携带《就业创业证》、身份证原件，到玉泉镇便民服务中心一楼人社窗口：办理失业登记。"

# Text a receipt can hold: CJK, full-width punctuation, ASCII words, Latin with accents, combining marks.
receipt_chars = st.one_of(
    st.sampled_from(list("失业登记回执：、，（）《》。！？“”—…·ＡＢ１２ 　")),
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5),
    st.characters(min_codepoint=0x20, max_codepoint=0x7E),
    st.characters(min_codepoint=0xC0, max_codepoint=0x17F),
    st.sampled_from(["\u0301", "\u200b", "\uff01", "\u3000"]),
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")),
)
texts = st.text(receipt_chars, max_size=200)


def test_cjk_and_full_width_take_two_columns() -> None:
    assert char_width("失") == 2 and char_width("：") == 2 and char_width("（") == 2 and char_width("１") == 2
    assert char_width("a") == 1 and char_width(":") == 1
    assert char_width("\u0301") == 0
    assert display_width("受理编号：SQ01") == 5 * 2 + 4


def test_a_chinese_paragraph_fits_58mm_and_keeps_punctuation_off_line_starts() -> None:
    lines = wrap(RECEIPT_TEXT, 32)
    assert all(display_width(line) <= 32 for line in lines)
    assert "".join(lines) == RECEIPT_TEXT
    assert not any(line[0] in NO_LINE_START for line in lines)


def test_english_words_are_not_split_when_a_space_can_break() -> None:
    assert wrap("Please bring your identity card", 16) == ["Please bring", "your identity", "card"]


def test_explicit_newlines_break_lines() -> None:
    assert wrap("第一行\n第二行", 32) == ["第一行", "第二行"]


@settings(max_examples=300, deadline=None)
@given(text=texts, width=st.integers(min_value=2, max_value=64))
def test_no_line_exceeds_the_width_and_no_character_is_lost(text: str, width: int) -> None:
    lines = wrap(text, width)
    assert all(display_width(line) <= width for line in lines)
    # only the ASCII spaces a break falls on may go; everything else stays, in order
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


@settings(max_examples=200, deadline=None)
@given(text=st.text(receipt_chars.filter(lambda c: c != " "), max_size=200), width=st.integers(2, 64))
def test_without_spaces_wrapping_is_lossless(text: str, width: int) -> None:
    assert "".join(wrap(text, width)) == text


@settings(max_examples=200, deadline=None)
@given(label=st.text(receipt_chars, max_size=30), value=st.text(receipt_chars, max_size=80),
       width=st.integers(16, 64))
def test_key_value_rows_fit_and_keep_label_and_value(label: str, value: str, width: int) -> None:
    lines = key_value(label, value, width)
    assert all(display_width(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == (label + value).replace(" ", "")


def test_short_key_value_shares_a_line_with_the_value_at_the_right_edge() -> None:
    (line,) = key_value("受理编号：", "SQ2024050100012", 32)
    assert display_width(line) == 32 and line.startswith("受理编号：") and line.endswith("SQ2024050100012")


def test_long_value_wraps_beside_a_short_label() -> None:
    lines = key_value("地址：", "山西省大同市天镇县玉泉镇李家庄村村委会", 32)
    assert len(lines) == 2 and lines[0].startswith("地址： 山西")
    assert lines[1].startswith(" " * display_width("地址： "))


def test_long_label_puts_the_value_underneath_right_aligned() -> None:
    lines = key_value("这是一个非常长的标签文字说明", "值", 20)
    assert lines[-1] == " " * 18 + "值"


def test_centring_counts_chinese_as_two_columns() -> None:
    assert center("失业登记回执", 32) == " " * 10 + "失业登记回执"
    assert rule(32) == "-" * 32
