"""Unit tests for the PC/SC driver's configuration (the real stack is in tests/integration/sscard)."""

from __future__ import annotations

import pytest

from devices.base import CardReadError, DeviceState
from devices.sscard.pcsc_driver import SsCardReader, reader_matches
from devices.uri import DeviceUriError


@pytest.mark.parametrize(
    ("pattern", "name", "expected"),
    [
        ("*", "ACS ACR39U 00 00", True),
        ("Virtual PCD", "Virtual PCD 00 01", True),
        ("Virtual PCD 00 00", "Virtual PCD 00 01", False),
        ("ACS*00 00", "ACS ACR39U 00 00", True),
        ("ACS*00 00", "ACS ACR39U 00 01", False),
    ],
)
def test_reader_name_matching(pattern, name, expected):
    assert reader_matches(pattern, name) is expected


def test_from_uri():
    assert SsCardReader.from_uri("pcsc://*").reader_pattern == "*"
    assert SsCardReader.from_uri("pcsc://Virtual%20PCD").reader_pattern == "Virtual PCD"
    with pytest.raises(DeviceUriError):
        SsCardReader.from_uri("serial:///dev/ttyUSB0")


def test_health_before_start_and_pin_without_worker():
    reader = SsCardReader("*")
    assert reader.health().state is DeviceState.UNKNOWN
    with pytest.raises(CardReadError) as info:
        reader.verify_pin("123456")
    assert info.value.message == "请先插入社保卡"
