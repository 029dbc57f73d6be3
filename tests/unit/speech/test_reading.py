"""Chinese reading of screen text: money, ranges, dates, counts, 长期 — and personal numbers never in full."""

from __future__ import annotations

import pytest

from kiosk.speech.reading import cardinal, speakable


@pytest.mark.parametrize(("n", "said"), [
    (0, "零"), (2, "二"), (10, "十"), (15, "十五"), (20, "二十"), (105, "一百零五"), (1005, "一千零五"),
    (5400, "五千四百"), (7100, "七千一百"), (10000, "一万"), (10500, "一万零五百"), (200000, "二十万"),
    (101010, "十万一千零一十"), (1000001, "一百万零一"), (100000010, "一亿零一十"),
])
def test_cardinal_numbers(n: int, said: str) -> None:
    assert cardinal(n) == said


@pytest.mark.parametrize(("text", "said"), [
    # money and ranges
    ("5400–7100 元/月", "五千四百到七千一百元每月"),
    ("150-250元/天", "一百五十到二百五十元每天"),
    ("3000元以下", "三千元以下"),
    ("月薪 5,400 元", "月薪五千四百元"),
    ("12.5元", "十二点五元"),
    ("35%", "百分之三十五"),
    # dates and times
    ("2026-12-04", "二〇二六年十二月四日"),
    ("2026年12月4日", "二〇二六年十二月四日"),
    ("2008-04", "二〇〇八年四月"),
    ("2015年", "二〇一五年"),
    ("14:30", "十四点三十分"),
    ("09:00", "九点"),
    # counts
    ("共 23 条", "共二十三条"),
    ("2 个岗位", "两个岗位"),
    ("共 2 人", "共两人"),
    ("第 1 / 3 页", "第一页，共三页"),
    # 长期
    ("有效期：2026-12-04至长期", "有效期：二〇二六年十二月四日至长期"),
    ("合同期限：长期", "合同期限：长期"),
    # codes are said digit by digit
    ("编号 007", "编号零零七"),
])
def test_screen_text_is_read_in_chinese(text: str, said: str) -> None:
    assert speakable(text) == said


@pytest.mark.parametrize(("text", "tail"), [
    ("身份证号 110101199003071233", "尾号一二三三"),
    ("身份证号 140222 19900307 0011", "尾号零零一一"),
    ("联系电话 13812345678", "尾号五六七八"),
    ("电话：+86 138-1234-5678", "尾号五六七八"),
    ("已显示 140222********0011", "尾号零零一一"),
])
def test_identity_numbers_and_phones_are_said_only_by_their_last_digits(text: str, tail: str) -> None:
    said = speakable(text)
    assert said.endswith(tail)
    for whole in ("一一零一零一", "一三八", "一四零二二二"):
        assert whole not in said
