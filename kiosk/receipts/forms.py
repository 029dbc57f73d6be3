"""The printed 办件回执 after a registration or application: case number, status, masked ID, lookup QR."""

from __future__ import annotations

from datetime import datetime

from devices.printer.document import Element, KeyValue, QrCode, ReceiptDocument, Rule, Text
from kiosk.masking import mask_id_number, mask_name
from kiosk.receipts import receipt, time_text
from kiosk.settings import Settings

# Receipt wording (data, in one place).
TEXT = {
    "title": "办件回执",
    "item": "办理事项",
    "case_no": "本机办件编号",
    "status": "办理状态",
    "name": "申请人",
    "id_number": "身份证号码",
    "submitted": "提交时间",
    "qr_caption": "到柜台出示此码，可查询办理进度",
    "lookup": "也可在自助机“我的办件”中查看审核结果。",
}

QR_PREFIX = "KIOSK-CASE:"


def case_qr_payload(local_no: str) -> str:
    """What the receipt's QR code holds: the local case number, nothing personal."""
    return f"{QR_PREFIX}{local_no}"


def submission_receipt(settings: Settings, *, item_name: str, local_no: str, status_text: str, id_number: str,
                       name: str, submitted_at: datetime, now: datetime, note: str = "") -> ReceiptDocument:
    """The receipt of one submission; the ID number and name are masked here, before printing."""
    elements: list[Element] = [
        KeyValue(TEXT["item"], item_name),
        KeyValue(TEXT["case_no"], local_no),
        KeyValue(TEXT["status"], status_text),
        KeyValue(TEXT["name"], mask_name(name)),
        KeyValue(TEXT["id_number"], mask_id_number(id_number)),
        KeyValue(TEXT["submitted"], time_text(settings, submitted_at)),
        Rule(),
    ]
    if note:
        elements.append(Text(note, bold=True))
    elements += [Text(TEXT["lookup"]), QrCode(case_qr_payload(local_no), TEXT["qr_caption"])]
    return receipt(settings, TEXT["title"], now, elements, footer=None)
