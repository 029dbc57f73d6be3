"""Device messages are data (config/messages/*.toml) read by one table (devices/messages.py)."""

from __future__ import annotations

import pytest

from devices.messages import MESSAGES_DIR, MessageTable
from devices.printer.messages import message as printer_message
from devices.sscard.messages import message as sscard_message


@pytest.mark.parametrize("device", sorted(p.stem for p in MESSAGES_DIR.glob("*.toml")))
def test_every_message_is_plain_chinese_text(device: str) -> None:
    table = MessageTable(device)
    assert table.messages
    for key, text in table.messages.items():
        assert text.strip() and any("\u4e00" <= ch <= "\u9fff" for ch in text), key


def test_placeholders_are_filled_and_an_unknown_key_is_an_error() -> None:
    assert sscard_message("pin_wrong", tries=2) == "密码错误，还可以再试2次"
    assert printer_message("paper_out") == "打印机缺纸，请联系工作人员"
    with pytest.raises(KeyError):
        printer_message("no_such_message")
