"""The printed 一次性告知单 (guidance_slip) for a counter-only item."""

from __future__ import annotations

from datetime import datetime

from devices.printer.document import Cut, Element, Feed, Heading, ReceiptDocument, Text
from kiosk.catalogue import GuidanceSlip
from kiosk.receipts import header
from kiosk.settings import Settings


def guidance_slip_receipt(settings: Settings, slip: GuidanceSlip, now: datetime) -> ReceiptDocument:
    """Every section of the slip, headed, on paper; nothing personal is on it."""
    elements: list[Element] = list(header(settings, slip.title, now))
    for section in slip.sections:
        elements.append(Heading(section.heading))
        elements.extend(Text(line) for line in section.lines)
    elements += [Text(slip.footer, align="center"), Feed(2), Cut()]
    return ReceiptDocument(elements=tuple(elements))
