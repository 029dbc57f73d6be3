"""How a screen's text is read aloud in Chinese: numbers, money, dates, ranges, times — and no personal numbers.

A synthesiser reads "5400–7100 元/月" digit by digit or in English; a villager must hear
五千四百到七千一百元每月. `speakable(text)` rewrites a line of screen text into what should be said:

- identity numbers and phones are masked first (kiosk.masking.scrub) and then said only by their last
  digits (尾号〇〇一一): never in full;
- dates: 2026-12-04 → 二〇二六年十二月四日, 2008-04 → 二〇〇八年四月, 2015年 → 二〇一五年;
- times: 14:30 → 十四点三十分;
- ranges: 5400–7100 → 五千四百到七千一百; money and rates: 元/月 → 元每月;
- counts and amounts: 23 → 二十三, 2 个 → 两个, 12.5 → 十二点五, 35% → 百分之三十五;
- codes with a leading zero or more than twelve digits are said digit by digit.
"""

from __future__ import annotations

import re

from kiosk.masking import scrub

DIGITS = "零一二三四五六七八九"
YEAR_DIGITS = "〇一二三四五六七八九"  # a year is read digit by digit, as it is written: 二〇二六
_SMALL_UNITS = ("", "十", "百", "千")
_BIG_UNITS = ((100_000_000, "亿"), (10_000, "万"), (1, ""))
# measure words after which 2 is 两 (两个, 两人), never 二
_MEASURE_WORDS = "个人天次份张条项位名家件本岁周"

_MASKED = re.compile(r"[0-9]*\*+[0-9Xx]*")
_GROUPED_NUMBER = re.compile(r"(?<=\d),(?=\d{3})")
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_CN_DATE = re.compile(r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_ISO_MONTH = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})(?![\d-])")
_YEAR = re.compile(r"(?<!\d)(\d{4})\s*年")
_TIME = re.compile(r"(?<!\d)(\d{1,2}):(\d{2})(?!\d)")
_NUM = r"\d+(?:\.\d+)?"
_RANGE = re.compile(rf"({_NUM})\s*(?:[–—~～]|-(?=\s*\d))\s*({_NUM})")
_PAGE = re.compile(r"第\s*(\d+)\s*/\s*(\d+)\s*页")
_PER = re.compile(r"\s*/\s*(月|天|日|小时|时|年|人|次|周|件)")
_PERCENT = re.compile(rf"({_NUM})\s*%")
_NUMBER = re.compile(rf"{_NUM}")
_UNITS = {"km": "公里", "KM": "公里", "kg": "公斤", "㎡": "平方米", "m²": "平方米"}
_DROP = re.compile(r"[✔✓•·›»«‹→←↑↓★☆■□●○◆◇▶◀🔊]")
_SPACES = re.compile(r"[ \t\u3000]+")


def cardinal(n: int) -> str:
    """An integer as a Chinese number: 5400 → 五千四百, 10500 → 一万零五百, 15 → 十五, 0 → 零."""
    if n < 0:
        return "负" + cardinal(-n)
    if n == 0:
        return DIGITS[0]
    out = ""
    gap = False  # a zero group or leading zeros since the last group said
    for size, unit in _BIG_UNITS:
        group = n // size % 10_000 if size < 100_000_000 else n // size
        if group == 0:
            gap = gap or bool(out)
            continue
        if out and (gap or group < 1000):
            out += DIGITS[0]
        out += _below_10000(group) + unit
        gap = False
    if out.startswith("一十"):
        out = out[1:]
    return out


def _below_10000(n: int) -> str:
    out = ""
    zero = False
    for pos in (3, 2, 1, 0):
        d = n // 10**pos % 10
        if d == 0:
            zero = zero or bool(out)
            continue
        if zero:
            out += DIGITS[0]
            zero = False
        out += DIGITS[d] + _SMALL_UNITS[pos]
    return out


def digit_by_digit(text: str, digits: str = DIGITS) -> str:
    """Each digit on its own: 0011 → 零零一一 (codes, the last digits of a masked number)."""
    return "".join(digits[int(c)] if c.isdigit() else ("叉" if c in "Xx" else c) for c in text)


def number(text: str, *, count: bool = False) -> str:
    """A number as written on screen: 5400 → 五千四百, 12.5 → 十二点五, 007 → 零零七; `count`: 2 → 两."""
    whole, _, frac = text.partition(".")
    if len(whole) > 1 and whole.startswith("0") or len(whole) > 12:
        said = digit_by_digit(whole)
    elif count and whole == "2" and not frac:
        said = "两"
    else:
        said = cardinal(int(whole))
    if frac:
        said += "点" + digit_by_digit(frac)
    return said


def _year(y: str) -> str:
    return digit_by_digit(y, YEAR_DIGITS) + "年"


def _date(m: re.Match[str]) -> str:
    return f"{_year(m.group(1))}{cardinal(int(m.group(2)))}月{cardinal(int(m.group(3)))}日"


def _time(m: re.Match[str]) -> str:
    hour, minute = int(m.group(1)), int(m.group(2))
    return f"{cardinal(hour)}点" + (f"{cardinal(minute)}分" if minute else "")


def _masked(m: re.Match[str]) -> str:
    tail = re.sub(r"^[0-9]*\*+", "", m.group(0))
    return f"尾号{digit_by_digit(tail)}" if tail else ""


def _plain_number(m: re.Match[str]) -> str:
    after = m.string[m.end():].lstrip()[:1]
    return number(m.group(0), count=bool(after) and after in _MEASURE_WORDS)


def _range(m: re.Match[str]) -> str:
    first, second = m.group(1), m.group(2)
    if len(first) > 1 and first.startswith("0"):  # a code such as an area code and number, not a range
        return f"{number(first)}，{number(second)}"
    return f"{number(first)}到{number(second)}"


def speakable(text: str) -> str:
    """What to say for a line of screen text (see the module's docstring); personal numbers masked first."""
    out = scrub(text)
    out = _MASKED.sub(_masked, out)
    out = _GROUPED_NUMBER.sub("", out)
    for written, said in _UNITS.items():
        out = out.replace(written, said)
    out = _ISO_DATE.sub(_date, out)
    out = _CN_DATE.sub(_date, out)
    out = _ISO_MONTH.sub(lambda m: f"{_year(m.group(1))}{cardinal(int(m.group(2)))}月", out)
    out = _YEAR.sub(lambda m: _year(m.group(1)), out)
    out = _TIME.sub(_time, out)
    out = _PERCENT.sub(lambda m: "百分之" + number(m.group(1)), out)
    out = _PAGE.sub(lambda m: f"第{number(m.group(1))}页，共{number(m.group(2))}页", out)
    out = _RANGE.sub(_range, out)
    out = _PER.sub(lambda m: "每" + m.group(1), out)
    out = _NUMBER.sub(_plain_number, out)
    out = _DROP.sub("", out)
    out = _SPACES.sub(" ", out).strip()
    # between two Chinese characters a space is only a pause the synthesiser would say as a gap; keep it short
    return re.sub(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])", "", out)
