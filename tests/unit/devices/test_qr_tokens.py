"""e-SSC tokens: a repeat within the lifetime is refused with a plain message; tokens never reach the log."""

from __future__ import annotations

import logging

import pytest

from devices.base import CardFailed, QrScanned
from devices.qr.linereader import LineTooLong
from devices.qr.tokens import QrRepeated, QrUnreadable, ScanInterpreter, TokenGuard, token_tag

TOKEN = "essc:8f3a2b9c7d1e4f5a6b0c9d8e7f6a5b4c3d2e1f0a"


def test_repeat_within_lifetime_is_refused_then_accepted_after_it() -> None:
    now = [0.0]
    guard = TokenGuard(lambda: now[0], lifetime=60.0)
    assert guard.admit(TOKEN)
    now[0] = 59.9
    assert not guard.admit(TOKEN)
    assert guard.admit(TOKEN + "x")
    now[0] = 60.1
    assert guard.admit(TOKEN)


def test_interpreter_events_and_messages() -> None:
    events = ScanInterpreter(lambda: 0.0).events([TOKEN, TOKEN, LineTooLong(600, 512)])
    assert events[0] == QrScanned(TOKEN)
    assert isinstance(events[1], CardFailed) and isinstance(events[1].error, QrRepeated)
    assert events[1].error.message == "该二维码已使用，请在手机上刷新电子社保卡后重新扫描"
    assert events[1].source == "essc"
    assert isinstance(events[2], CardFailed) and isinstance(events[2].error, QrUnreadable)


def test_token_never_logged_in_full(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    events = ScanInterpreter(lambda: 0.0).events([TOKEN, TOKEN])
    assert TOKEN[:12] not in caplog.text and token_tag(TOKEN) in caplog.text
    assert TOKEN not in repr(events) and TOKEN not in str(events[1].error)


def test_guard_keeps_no_token_text() -> None:
    guard = TokenGuard(lambda: 0.0)
    guard.admit(TOKEN)
    assert TOKEN.encode() not in repr(vars(guard)).encode()
