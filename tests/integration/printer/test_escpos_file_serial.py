"""The real driver writing to a file sink (write-only: status unknown) and to a serial pty peer."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from devices.base import DeviceState, PaperOut
from devices.printer.connection import Timeouts
from devices.printer.document import KeyValue, QrCode, ReceiptDocument, Text, Title
from devices.printer.escpos_driver import EscposPrinter
from devices.printer.profiles import DEFAULT_PROFILES_PATH, load_profiles
from tests.helpers.escpos_decode import decode_for_profile, image_for_scanning
from tests.helpers.escpos_sink import EscposPtySink, FileSink

pytestmark = pytest.mark.integration

PROFILES = load_profiles(DEFAULT_PROFILES_PATH)
PAYLOAD = "https://ggfw.example.cn/case?no=SQ2024050100013"
DOC = ReceiptDocument(
    (
        Title("就业创业证申领回执"),
        KeyValue("补贴金额：", "¥1,200（按月发放）"),
        Text("材料：身份证、户口簿、《就业创业证》，请妥善保管。"),
        QrCode(PAYLOAD, "扫码查验"),
    )
)


def test_file_sink_gbk_raster_receipt_reads_back_and_status_is_unknown(tmp_path: Path) -> None:
    sink = FileSink(tmp_path)
    profile = PROFILES["gbk-58-raster"]
    printer = EscposPrinter(sink.uri, profile)
    before = printer.health()
    assert before.state == DeviceState.UNKNOWN and "无法读取打印机状态" in before.message
    after = printer.print_document(DOC)
    printer.close()
    assert after.state == DeviceState.UNKNOWN
    assert "已替换" in after.detail  # ¥ → ￥ was reported
    decoded = decode_for_profile(sink.data, profile)
    text = "".join(line.strip() for line in decoded.lines)
    assert "补贴金额：" in text and "￥1,200（按月发放）" in text
    assert "材料：身份证、户口簿、《就业创业证》，请妥善保管。" in text
    assert decoded.cuts == []  # no cutter: fed for tearing off instead
    assert decoded.status_queries == []  # a file cannot answer: nothing asked
    (img,) = decoded.images
    png = tmp_path / "qr.png"
    image_for_scanning(img).save(png)
    out = subprocess.run(["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, text=True, timeout=30)
    assert out.stdout.strip() == PAYLOAD


def test_file_sink_keeps_earlier_jobs_when_the_driver_reconnects(tmp_path: Path) -> None:
    sink = FileSink(tmp_path)
    for _ in range(2):
        printer = EscposPrinter(sink.uri, PROFILES["generic-80"])
        printer.print_document(DOC)
        printer.close()
    assert decode_for_profile(sink.data, PROFILES["generic-80"]).qr_codes == [PAYLOAD, PAYLOAD]


def test_serial_printer_on_a_pty_prints_and_reports_paper_out() -> None:
    timeouts = Timeouts(connect_s=2.0, write_s=5.0, status_s=0.5)
    with EscposPtySink() as sink:
        printer = EscposPrinter(sink.uri, PROFILES["generic-58"], timeouts=timeouts)
        assert printer.print_document(DOC).state == DeviceState.ONLINE
        sink.set_mode("paper_out")
        with pytest.raises(PaperOut):
            printer.print_document(DOC)
        printer.close()
        decoded = decode_for_profile(sink.data, PROFILES["generic-58"])
    assert decoded.qr_codes == [PAYLOAD]  # printed once, not again after paper ran out
    assert "材料：身份证、户口簿、《就业创业证》，请妥善保管。" in "".join(line.strip() for line in decoded.lines)
