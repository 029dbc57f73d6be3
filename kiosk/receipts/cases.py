"""The printed 我的办件 list: the resident's cases as the screen shows them, with the identity masked."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from devices.printer.document import Element, Heading, KeyValue, ReceiptDocument, Rule, Text
from kiosk.masking import mask_id_number, mask_name
from kiosk.receipts import receipt, time_text
from kiosk.settings import Settings
from offline_cache import CaseStatus, CaseView

# Receipt wording (data, in one place).
TEXT = {
    "title": "我的办件",
    "name": "姓名",
    "id_number": "身份证号",
    "scope": "查询范围",
    "count": "办件数",
    "count_value": "{count}件",
    "status": "状态：{status}",
    "number": "办件编号：{number}",
    "submitted": "提交时间：{time}",
    "reason": "不通过原因：{reason}",
    "empty": "没有查到办件。",
    "footer": "本单仅供本人查询参考，以经办机构记录为准",
}


def my_cases_receipt(settings: Settings, cases: Sequence[CaseView], *, name: str, id_number: str, scope: str,
                     number_of: Callable[[CaseView], str], now: datetime) -> ReceiptDocument:
    """One block per case (title, status, number, time, a rejection's reason); name and ID masked here."""
    elements: list[Element] = [
        KeyValue(TEXT["name"], mask_name(name)),
        KeyValue(TEXT["id_number"], mask_id_number(id_number)),
        KeyValue(TEXT["scope"], scope),
        KeyValue(TEXT["count"], TEXT["count_value"].format(count=len(cases))),
        Rule(),
    ]
    if not cases:
        elements.append(Text(TEXT["empty"]))
    for case in cases:
        elements += [Heading(case.title), Text(TEXT["status"].format(status=case.status_label))]
        number = number_of(case)
        if number:
            elements.append(Text(TEXT["number"].format(number=number)))
        elements.append(Text(TEXT["submitted"].format(time=time_text(settings, case.submitted_at))))
        if case.status is CaseStatus.REJECTED and case.reason:
            elements.append(Text(TEXT["reason"].format(reason=case.reason)))
    elements.append(Rule())
    return receipt(settings, TEXT["title"], now, elements, footer=TEXT["footer"])
