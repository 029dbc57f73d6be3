"""Compose receipts (documents the printer renders); personal values are masked here, before printing.

Each flow area keeps its receipts in a module of this package (forms, jobs, records); the common
header and the technician's test slip live here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from devices.printer.document import (
    Cut,
    Element,
    Feed,
    Heading,
    KeyValue,
    QrCode,
    ReceiptDocument,
    Rule,
    Text,
    Title,
)
from kiosk.settings import Settings

# Receipt wording is data, in one place.
TEXT = {
    "test_title": "打印测试",
    "test_line": "中文、标点：，（）《》￥ 均应正确显示。",
    "test_qr": "扫码核对打印机二维码",
    "kiosk": "终端编号",
    "point": "服务点",
    "time": "时间",
    "footer": "就业社保服务社区村村全覆盖",
}


def time_text(settings: Settings, moment: datetime) -> str:
    """"2026-12-05 05:17" at the service point: an aware moment is turned into its zone, a naive one is
    taken as already local there (kiosk/clock.py gives aware ones)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(settings.service_point.zone)
    return moment.strftime("%Y-%m-%d %H:%M")


def header(settings: Settings, title: str, now: datetime) -> list[Element]:
    return [
        Title(title),
        Rule(),
        KeyValue(TEXT["point"], settings.service_point.name),
        KeyValue(TEXT["kiosk"], settings.kiosk_id),
        KeyValue(TEXT["time"], time_text(settings, now)),
        Rule(),
    ]


def receipt(settings: Settings, title: str, now: datetime, body: Iterable[Element], *,
            footer: str | None = TEXT["footer"]) -> ReceiptDocument:
    """Every slip's frame: the header, the body, the centred footer line (None: no footer), two lines fed, the cut."""
    closing: list[Element] = [] if footer is None else [Text(footer, align="center")]
    return ReceiptDocument(elements=(*header(settings, title, now), *body, *closing, Feed(2), Cut()))


def printer_test_receipt(settings: Settings, now: datetime) -> ReceiptDocument:
    """The technician's test slip: Chinese text with punctuation, a QR code, a cut."""
    return receipt(settings, TEXT["test_title"], now, [
        Heading(settings.service_point.name),
        Text(TEXT["test_line"]),
        QrCode(f"KIOSK-TEST:{settings.kiosk_id}:{now:%Y%m%d%H%M%S}", TEXT["test_qr"]),
    ])
