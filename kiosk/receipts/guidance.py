"""The printed 一次性告知单 (guidance_slip) for a counter-only item."""

from __future__ import annotations

from datetime import datetime

from devices.printer.document import Element, Heading, QrCode, ReceiptDocument, Text
from kiosk.catalogue import GuidanceSlip
from kiosk.receipts import receipt
from kiosk.settings import Settings

MESSAGES = {"web_hall_caption": "用手机扫码，打开省网上办事大厅（单位办事）"}


def guidance_slip_receipt(settings: Settings, slip: GuidanceSlip, now: datetime, *,
                          web_hall: bool = False) -> ReceiptDocument:
    """Every section of the slip, headed, on paper; nothing personal is on it.

    `web_hall`: an employer-side matter (单位业务) done at the province's web hall: its address is printed as a
    QR code and as text when the site settings name one (service_point.web_hall_url).
    """
    elements: list[Element] = []
    for section in slip.sections:
        elements.append(Heading(section.heading))
        elements.extend(Text(line) for line in section.lines)
    url = settings.service_point.web_hall_url
    if web_hall and url:
        elements += [QrCode(url, MESSAGES["web_hall_caption"]), Text(url, align="center")]
    return receipt(settings, slip.title, now, elements, footer=slip.footer)
