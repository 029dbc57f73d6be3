"""The 办件回执: item, local case number, status, masked identity, time, service point, lookup QR."""

from __future__ import annotations

from datetime import datetime

from devices.printer.document import KeyValue, QrCode, Text
from kiosk.receipts.forms import case_qr_payload, submission_receipt
from kiosk.settings import load_settings


def test_receipt_masks_identity_and_carries_the_case_number() -> None:
    settings = load_settings(env={})
    when = datetime(2025, 6, 10, 9, 30)
    doc = submission_receipt(settings, item_name="失业登记", local_no="B1234567890", status_text="已受理，待审核",
                             id_number="140222197503150011", name="李建军", submitted_at=when, now=when,
                             note="初审通过后需本人前往进行二次审核")
    pairs = {e.label: e.value for e in doc.elements if isinstance(e, KeyValue)}
    assert pairs["办理事项"] == "失业登记" and pairs["本机办件编号"] == "B1234567890"
    assert pairs["办理状态"] == "已受理，待审核" and pairs["身份证号码"] == "140222********0011"
    assert pairs["申请人"] == "李**" and pairs["服务点"] == settings.service_point.name
    assert pairs["提交时间"] == "2025-06-10 09:30"
    texts = " ".join(e.text for e in doc.elements if isinstance(e, Text))
    assert "二次审核" in texts
    [qr] = [e for e in doc.elements if isinstance(e, QrCode)]
    assert qr.payload == case_qr_payload("B1234567890") == "KIOSK-CASE:B1234567890"
    everything = repr(doc.elements) + str(pairs) + texts
    assert "140222197503150011" not in everything and "李建军" not in everything


def test_receipt_without_note_has_no_empty_lines() -> None:
    settings = load_settings(env={})
    when = datetime(2025, 6, 10, 9, 30)
    doc = submission_receipt(settings, item_name="固定工求职登记", local_no="B1", status_text="已保存，联网后自动上传",
                             id_number="140222197503150011", name="李建军", submitted_at=when, now=when)
    assert all(e.text for e in doc.elements if isinstance(e, Text))
