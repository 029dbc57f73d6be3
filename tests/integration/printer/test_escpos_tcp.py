"""The real driver against a TCP 9100 sink on 127.0.0.1 whose bytes are decoded back."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.base import CoverOpen, DeviceHealth, DeviceState, PaperOut, PrinterOffline
from devices.printer.connection import Timeouts
from devices.printer.document import KeyValue, QrCode, ReceiptDocument, Rule, Text, Title
from devices.printer.encode import width_function
from devices.printer.escpos_driver import EscposPrinter
from devices.printer.layout import display_width
from devices.printer.profiles import DEFAULT_PROFILES_PATH, PrinterProfile, load_profiles
from tests.helpers.escpos_decode import decode_for_profile, image_for_scanning
from tests.helpers.escpos_sink import EscposTcpSink
from tests.helpers.ports import free_port

pytestmark = pytest.mark.integration

PROFILES = load_profiles(DEFAULT_PROFILES_PATH)
TIMEOUTS = Timeouts(connect_s=2.0, write_s=5.0, status_s=0.5)
PAYLOAD = "https://ggfw.example.cn/case?no=SQ2024050100012"
NOTICE = "请于三个工作日内（含节假日）携带《就业创业证》、身份证原件，到便民服务中心：一楼人社窗口。"

DOC = ReceiptDocument(
    (
        Title("失业登记回执"),
        Rule(),
        KeyValue("受理编号：", "SQ2024050100012"),
        KeyValue("申请人：", "张*"),
        Text(NOTICE),
        QrCode(PAYLOAD, "扫码查询办理进度"),
    )
)


@pytest.fixture
def sink() -> Iterator[EscposTcpSink]:
    with EscposTcpSink() as s:
        yield s


def driver_for(sink: EscposTcpSink, profile: str) -> EscposPrinter:
    return EscposPrinter(sink.uri, PROFILES[profile], timeouts=TIMEOUTS)


def zbar(img, tmp_path: Path) -> str:  # noqa: ANN001
    path = tmp_path / "qr.png"
    image_for_scanning(img).save(path)
    out = subprocess.run(["zbarimg", "--quiet", "--raw", str(path)], capture_output=True, text=True, timeout=30)
    return out.stdout.strip()


def test_chinese_text_with_punctuation_native_qr_and_cut_arrive_intact(sink: EscposTcpSink) -> None:
    printer = driver_for(sink, "generic-80")
    health = printer.print_document(DOC)
    printer.close()
    assert health.state == DeviceState.ONLINE
    decoded = decode_for_profile(sink.data, PROFILES["generic-80"])
    joined = "".join(line.strip() for line in decoded.lines)
    assert "失业登记回执" in joined and NOTICE in joined
    for mark in "：、，（）《》":
        assert mark in joined
    assert "?" not in decoded.text and "\ufffd" not in decoded.text
    assert decoded.qr_codes == [PAYLOAD]
    assert decoded.cuts == ["partial"]
    assert decoded.chinese_mode_switches[0] is True
    title = next(line for line in decoded.styled_lines if "失业登记回执" in line.text)
    assert title.bold and title.width_mult == 2
    # it asked before and after printing
    assert decoded.status_queries[:3] == [1, 2, 4] and decoded.status_queries[-3:] == [1, 2, 4]


def test_without_the_chinese_mode_switch_a_gb_printer_would_print_mojibake(sink: EscposTcpSink) -> None:
    """The decoder models a printer in single-byte mode: it proves FS & is what makes Chinese print."""
    driver_for(sink, "generic-58").print_document(DOC)
    stripped = sink.data.replace(b"\x1c&", b"")
    decoded = decode_for_profile(stripped, PROFILES["generic-58"])
    assert "失业登记回执" not in decoded.text


def test_utf8_printer_gets_utf8_text_and_a_raster_qr_that_scans(sink: EscposTcpSink, tmp_path: Path) -> None:
    profile = PROFILES["utf8-80"]
    driver_for(sink, "utf8-80").print_document(DOC)
    decoded = decode_for_profile(sink.data, profile)
    assert NOTICE in "".join(line.strip() for line in decoded.lines)
    assert b"\x1c&" not in sink.data
    assert decoded.qr_codes == [] and len(decoded.images) == 1
    assert decoded.images[0].width <= profile.dots_per_line
    assert zbar(decoded.images[0], tmp_path) == PAYLOAD
    assert decoded.cuts == ["full"]


@pytest.mark.parametrize("name", ["generic-58", "generic-80"])
def test_58_and_80_mm_receipts_stay_within_their_columns(sink: EscposTcpSink, name: str) -> None:
    profile: PrinterProfile = PROFILES[name]
    driver_for(sink, name).print_document(DOC)
    decoded = decode_for_profile(sink.data, profile)
    width = width_function(profile)
    for line in decoded.styled_lines:
        assert display_width(line.text, width) * line.width_mult <= profile.columns, line.text
    assert any(display_width(line.text, width) > 32 for line in decoded.styled_lines) == (profile.columns > 32)


def test_a_printer_that_never_answers_status_is_unknown_not_paper_ok(sink: EscposTcpSink) -> None:
    sink.set_mode("silent")
    printer = driver_for(sink, "generic-80")
    result: list[DeviceHealth] = []
    worker = threading.Thread(target=lambda: result.append(printer.health()), daemon=True)
    worker.start()
    worker.join(timeout=5 * TIMEOUTS.status_s + TIMEOUTS.connect_s)  # a hang guard, not a speed test
    assert not worker.is_alive(), "health() hung on a silent printer"
    (health,) = result
    assert health.state == DeviceState.UNKNOWN and "无法读取打印机状态" in health.message
    printer.close()


def test_paper_out_stops_the_print_before_any_receipt_text_is_sent(sink: EscposTcpSink) -> None:
    sink.set_mode("paper_out")
    printer = driver_for(sink, "generic-80")
    assert printer.health().message == "打印机缺纸，请联系工作人员"
    with pytest.raises(PaperOut) as err:
        printer.print_document(DOC)
    assert err.value.message == "打印机缺纸，请联系工作人员"
    printer.close()
    decoded = decode_for_profile(sink.data, PROFILES["generic-80"])
    assert decoded.lines == [] and decoded.qr_codes == [] and decoded.cuts == []
    assert set(decoded.status_queries) <= {1, 2, 4}


def test_after_paper_is_replaced_the_kept_document_prints_once(sink: EscposTcpSink) -> None:
    sink.set_mode("paper_out")
    printer = driver_for(sink, "generic-80")
    with pytest.raises(PaperOut):
        printer.print_document(DOC)
    sink.set_mode("normal")
    assert printer.print_document(DOC).state == DeviceState.ONLINE
    printer.close()
    decoded = decode_for_profile(sink.data, PROFILES["generic-80"])
    assert decoded.qr_codes == [PAYLOAD] and decoded.cuts == ["partial"]


def test_cover_open_stops_the_print(sink: EscposTcpSink) -> None:
    sink.set_mode("cover_open")
    printer = driver_for(sink, "generic-80")
    with pytest.raises(CoverOpen):
        printer.print_document(DOC)
    printer.close()
    assert decode_for_profile(sink.data, PROFILES["generic-80"]).lines == []


def test_paper_running_out_during_the_job_is_reported_as_a_possibly_incomplete_slip(sink: EscposTcpSink) -> None:
    sink.mode_after_cut = "paper_out"
    printer = driver_for(sink, "generic-80")
    with pytest.raises(PaperOut) as err:
        printer.print_document(DOC)
    assert "不完整" in err.value.message
    printer.close()


def test_paper_near_end_prints_and_says_so(sink: EscposTcpSink) -> None:
    sink.set_mode("paper_near_end")
    printer = driver_for(sink, "generic-58")
    health = printer.print_document(DOC)
    printer.close()
    assert health.state == DeviceState.ONLINE and "即将用完" in health.message
    assert decode_for_profile(sink.data, PROFILES["generic-58"]).qr_codes == [PAYLOAD]


def test_the_driver_reconnects_after_the_printer_drops_the_connection(sink: EscposTcpSink) -> None:
    printer = driver_for(sink, "generic-80")
    assert printer.health().state == DeviceState.ONLINE
    sink.kick()  # printer power-cycled
    assert printer.print_document(DOC).state == DeviceState.ONLINE
    printer.close()
    assert sink.connections == 2
    assert decode_for_profile(sink.data, PROFILES["generic-80"]).qr_codes == [PAYLOAD]


def test_an_unreachable_printer_raises_printer_offline() -> None:
    printer = EscposPrinter(f"tcp://127.0.0.1:{free_port()}", PROFILES["generic-80"], timeouts=TIMEOUTS)
    assert printer.health().state == DeviceState.OFFLINE
    with pytest.raises(PrinterOffline) as err:
        printer.print_document(DOC)
    assert err.value.message == "打印机未连接，请联系工作人员"


def test_the_sink_understood_every_command_the_driver_sent(sink: EscposTcpSink) -> None:
    for name in ("generic-80", "utf8-80"):
        printer = driver_for(sink, name)
        printer.print_document(DOC)
        printer.close()
    assert sink.errors == []
