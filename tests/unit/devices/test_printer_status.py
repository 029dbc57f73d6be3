"""DLE EOT answers map to the status vocabulary; an empty answer is unknown, never 'paper OK'."""

from __future__ import annotations

import pytest

from devices.base import CoverOpen, DeviceState, PaperOut, PrinterError, PrinterOffline
from devices.printer.status import Condition, StatusBytes, classify, interpret, raise_for, reading


@pytest.mark.parametrize(
    ("answers", "condition", "state"),
    [
        ((0x12, 0x12, 0x12), Condition.READY, DeviceState.ONLINE),
        ((0x12, 0x12, 0x1E), Condition.PAPER_NEAR_END, DeviceState.ONLINE),
        ((0x1A, 0x32, 0x72), Condition.PAPER_OUT, DeviceState.USER_ERROR),
        ((0x12, 0x12, 0x72), Condition.PAPER_OUT, DeviceState.USER_ERROR),
        ((0x1A, 0x16, 0x12), Condition.COVER_OPEN, DeviceState.USER_ERROR),
        ((0x1A, 0x52, 0x12), Condition.HARDWARE_ERROR, DeviceState.HARDWARE_ERROR),
        ((0x1A, 0x12, 0x12), Condition.NOT_READY, DeviceState.OFFLINE),
        ((None, None, None), Condition.UNKNOWN_SILENT, DeviceState.UNKNOWN),
        ((0xFF, 0x12, 0x12), Condition.UNKNOWN_GARBLED, DeviceState.UNKNOWN),
    ],
)
def test_status_bytes_map_to_health(answers: tuple, condition: Condition, state: DeviceState) -> None:
    read = interpret(StatusBytes(*answers))
    assert read.condition == condition and read.health.state == state
    assert read.health.message  # always a plain Chinese message


def test_no_answer_is_never_reported_as_paper_ok() -> None:
    """python-escpos's paper_status() returns 2 (adequate) for an empty reply; we say unknown."""
    assert classify(StatusBytes(None)) == Condition.UNKNOWN_SILENT
    assert interpret(StatusBytes(None)).health.message == "无法读取打印机状态（打印机没有应答）"


def test_paper_out_message_is_the_one_residents_see() -> None:
    assert reading(Condition.PAPER_OUT).health.message == "打印机缺纸，请联系工作人员"


@pytest.mark.parametrize(
    ("condition", "error"),
    [
        (Condition.PAPER_OUT, PaperOut),
        (Condition.COVER_OPEN, CoverOpen),
        (Condition.OFFLINE, PrinterOffline),
        (Condition.NOT_READY, PrinterOffline),
        (Condition.HARDWARE_ERROR, PrinterError),
    ],
)
def test_conditions_that_stop_a_print_raise_typed_errors(condition: Condition, error: type) -> None:
    with pytest.raises(error) as err:
        raise_for(reading(condition), during_print=False)
    assert err.value.message
    with pytest.raises(error) as during:
        raise_for(reading(condition), during_print=True)
    if condition in (Condition.PAPER_OUT, Condition.COVER_OPEN, Condition.OFFLINE):
        assert "不完整" in during.value.message


@pytest.mark.parametrize("condition", [Condition.READY, Condition.PAPER_NEAR_END, Condition.UNKNOWN_SILENT])
def test_conditions_that_allow_printing_do_not_raise(condition: Condition) -> None:
    raise_for(reading(condition), during_print=False)
