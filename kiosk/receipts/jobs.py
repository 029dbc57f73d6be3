"""Receipts of the find-and-browse screens: a job, a gig seeker, a job fair, a policy, an archive office, an internship."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from devices.printer.document import Element, Heading, KeyValue, QrCode, ReceiptDocument, Rule, Text
from kiosk.masking import mask_id_number, mask_name, mask_phone
from kiosk.receipts import receipt
from kiosk.settings import Settings

# Where a detail opens on a phone. PLACEHOLDER host: the platform's public detail pages are not known yet.
DETAIL_URL = "https://jobs.example/{kind}/{id}"
URL_KIND = {"fixed_jobs": "fixed", "gig_jobs": "gig", "gig_seekers": "seeker", "job_fairs": "fair",
            "policies": "policy", "archive_institutions": "archive", "internship_posts": "internship"}

# Receipt wording is data, in one place.
TEXT = {
    "fixed_title": "固定工岗位信息", "gig_title": "零工岗位信息", "seeker_title": "零工求职信息",
    "fair_title": "招聘会信息", "policy_title": "就业政策法规（摘要）", "archive_title": "档案存放机构",
    "internship_title": "见习岗位信息",
    "employer": "用工单位", "pay": "工资", "place": "工作地点", "category": "工种", "work_type": "用工形式",
    "education": "学历要求", "headcount": "招聘人数", "contact": "联系人", "phone": "联系电话",
    "posted": "发布日期", "expires": "截止日期", "dates": "用工日期", "people": "{n} 人",
    "monthly": "{lo}–{hi} 元/月", "monthly_one": "{v} 元/月", "daily": "{lo}–{hi} 元/天", "daily_one": "{v} 元/天",
    "negotiable": "面议",
    "how_heading": "怎样应聘",
    "how": "拨打上面的联系电话，说明在自助机上看到这个岗位；也可以带上身份证到{counter}，请工作人员帮您联系。",
    "qr_job": "手机扫码查看岗位详情",
    "seeker": "求职人", "gender_age": "性别/年龄", "age": "{gender} {age} 岁", "skills": "会做的活",
    "wage_expect": "期望日薪", "available": "可上工日期", "seeker_how": "联系方式已隐去。要联系这位求职者，请到{counter}，"
                                                                   "由工作人员帮您联系。",
    "fair_time": "时间", "venue": "地点", "organizer": "主办单位", "audience": "服务对象",
    "scale": "规模", "scale_value": "约 {employers} 家单位、{posts} 个岗位", "qr_fair": "手机扫码查看招聘会详情",
    "doc_no": "文号", "issuer": "发布单位", "published": "发布日期", "summary": "摘要", "qr_policy": "手机扫码查看全文",
    "address": "地址", "hours": "办公时间", "scope": "业务范围",
    "mine_heading": "本人档案存放信息", "holder": "查询人", "id_no": "证件号码", "institution": "存放机构",
    "since": "存放时间", "no_archive": "平台上没有查到您的档案存放记录，请到柜台咨询。",
    "city_county": "地区", "positions": "见习岗位数", "stipend": "见习补贴", "stipend_value": "{v} 元/月",
    "start": "开始日期", "months": "见习期", "months_value": "{v} 个月", "requirements": "要求",
    "internship_how": "符合条件的，请先办理“就业见习人员申请”，或到{counter}咨询。",
    "qr_internship": "手机扫码查看见习岗位",
}


def detail_url(feed: str, item_id: str) -> str:
    """The placeholder address of an item's detail page for the phone."""
    return DETAIL_URL.format(kind=URL_KIND.get(feed, feed), id=item_id)


def pay_text(feed: str, f: Mapping[str, Any]) -> str:
    """'5000–7000 元/月' / '200–300 元/天' / '面议'."""
    if feed == "gig_jobs":
        lo, hi, one, both = f.get("daily_wage_min"), f.get("daily_wage_max"), "daily_one", "daily"
    else:
        lo, hi, one, both = f.get("salary_min"), f.get("salary_max"), "monthly_one", "monthly"
    if lo is None and hi is None:
        return TEXT["negotiable"]
    if lo is None or hi is None or lo == hi:
        return TEXT[one].format(v=lo if lo is not None else hi)
    return TEXT[both].format(lo=lo, hi=hi)


def _kv(pairs: list[tuple[str, object]]) -> list[Element]:
    return [KeyValue(TEXT[k], str(v)) for k, v in pairs if v not in (None, "")]


def _linked(settings: Settings, title: str, now: datetime, body: list[Element], qr_payload: str,
            caption: str) -> ReceiptDocument:
    """A slip that ends with the QR code of the item's detail page."""
    return receipt(settings, title, now, [*body, QrCode(qr_payload, caption)])


def job_receipt(settings: Settings, feed: str, item_id: str, f: Mapping[str, Any], now: datetime) -> ReceiptDocument:
    """A fixed or gig job: what, where, pay, the employer's published contact (in full: it is how to apply)."""
    title = TEXT["gig_title" if feed == "gig_jobs" else "fixed_title"]
    place = f.get("address") or "".join(str(f.get(k) or "") for k in ("county", "town", "village"))
    dates = ""
    if feed == "gig_jobs" and (f.get("start_date") or f.get("end_date")):
        dates = f"{f.get('start_date') or ''} 至 {f.get('end_date') or ''}"
    rows = _kv([
        ("employer", f.get("employer")), ("pay", pay_text(feed, f)), ("place", place),
        ("category", f.get("category_name")), ("work_type", f.get("work_type")), ("dates", dates),
        ("education", f.get("education")),
        ("headcount", TEXT["people"].format(n=f["headcount"]) if f.get("headcount") else None),
        ("contact", f.get("contact_name")), ("phone", f.get("contact_phone")),
        ("posted", f.get("posted_at")), ("expires", f.get("expires_at")),
    ])
    body: list[Element] = [Heading(str(f.get("title") or "")), *rows]
    if f.get("description"):
        body += [Rule(), Text(str(f["description"]))]
    body += [Rule(), Heading(TEXT["how_heading"]), Text(TEXT["how"].format(counter=settings.service_point.counter))]
    return _linked(settings, title, now, body, detail_url(feed, item_id), TEXT["qr_job"])


def _masked_phone(value: object) -> str:
    """The feed sends phones masked already; mask again in case a full number slipped through."""
    text = str(value or "")
    return text if "*" in text or not text else mask_phone(text)


def _masked_name(value: object) -> str:
    text = str(value or "")
    return text if "*" in text or not text else mask_name(text)


def seeker_receipt(settings: Settings, item_id: str, f: Mapping[str, Any], now: datetime) -> ReceiptDocument:
    """A published gig seeker: masked name and phone only; the counter makes the contact."""
    skills = "、".join(f.get("skill_names") or ())
    available = f"{f.get('available_from') or ''} 至 {f.get('available_to') or ''}" if f.get("available_from") else ""
    rows = _kv([
        ("seeker", _masked_name(f.get("name_masked"))),
        ("gender_age", TEXT["age"].format(gender=f.get("gender") or "", age=f["age"]) if f.get("age") else None),
        ("skills", skills),
        ("wage_expect", TEXT["daily_one"].format(v=f["daily_wage_expect"]) if f.get("daily_wage_expect") else None),
        ("available", available),
        ("place", "".join(str(f.get(k) or "") for k in ("county", "town", "village"))),
        ("phone", _masked_phone(f.get("phone_masked"))),
    ])
    body: list[Element] = list(rows)
    if f.get("description"):
        body += [Rule(), Text(str(f["description"]))]
    body += [Rule(), Text(TEXT["seeker_how"].format(counter=settings.service_point.counter))]
    return receipt(settings, TEXT["seeker_title"], now, body)


def fair_receipt(settings: Settings, item_id: str, f: Mapping[str, Any], when: str, now: datetime) -> ReceiptDocument:
    """A job fair: when, where, for whom; `when` is the time as the screen shows it."""
    scale = None
    if f.get("employers_count"):
        scale = TEXT["scale_value"].format(employers=f["employers_count"], posts=f.get("posts_count") or "—")
    rows = _kv([("fair_time", when), ("venue", f.get("venue")), ("organizer", f.get("organizer")),
                ("audience", f.get("audience")), ("scale", scale)])
    body: list[Element] = [Heading(str(f.get("title") or "")), *rows]
    if f.get("description"):
        body += [Rule(), Text(str(f["description"]))]
    return _linked(settings, TEXT["fair_title"], now, body, detail_url("job_fairs", item_id), TEXT["qr_fair"])


def policy_receipt(settings: Settings, item_id: str, f: Mapping[str, Any], now: datetime) -> ReceiptDocument:
    """A policy's summary (not the whole body): title, number, issuer, date, summary, QR to the full text."""
    rows = _kv([("doc_no", f.get("doc_no")), ("issuer", f.get("issuer")), ("published", f.get("published_at"))])
    body: list[Element] = [Heading(str(f.get("title") or "")), *rows,
                          Rule(), Heading(TEXT["summary"]), Text(str(f.get("summary") or ""))]
    return _linked(settings, TEXT["policy_title"], now, body, detail_url("policies", item_id), TEXT["qr_policy"])


def archive_receipt(settings: Settings, institutions: list[Mapping[str, Any]], now: datetime, *,
                    mine: Mapping[str, Any] | None = None, holder_name: str = "",
                    holder_id: str = "") -> ReceiptDocument:
    """Archive institutions (address, phone, hours) and, when queried, the person's own archive (masked holder)."""
    body: list[Element] = []
    if mine is not None:
        body.append(Heading(TEXT["mine_heading"]))
        body += _kv([("holder", mask_name(holder_name)), ("id_no", mask_id_number(holder_id))])
        if mine.get("has_archive"):
            body += _kv([("institution", mine.get("institution")), ("address", mine.get("address")),
                         ("phone", mine.get("phone")), ("since", mine.get("since"))])
        else:
            body.append(Text(TEXT["no_archive"]))
        body.append(Rule())
    for f in institutions:
        body.append(Heading(str(f.get("name") or "")))
        body += _kv([("address", f.get("address")), ("phone", f.get("phone")), ("hours", f.get("hours")),
                     ("scope", f.get("scope"))])
    return receipt(settings, TEXT["archive_title"], now, body)


def internship_receipt(settings: Settings, item_id: str, f: Mapping[str, Any], now: datetime) -> ReceiptDocument:
    """An internship post: employer, area, stipend, length, requirements, contact."""
    rows = _kv([
        ("employer", f.get("employer")), ("city_county", f"{f.get('city') or ''}{f.get('county') or ''}"),
        ("address", f.get("address")), ("positions", TEXT["people"].format(n=f["positions"]) if f.get("positions") else None),
        ("stipend", TEXT["stipend_value"].format(v=f["stipend"]) if f.get("stipend") else None),
        ("start", f.get("start_date")), ("months", TEXT["months_value"].format(v=f["months"]) if f.get("months") else None),
        ("requirements", f.get("requirements")), ("phone", f.get("contact_phone")), ("posted", f.get("posted_at")),
    ])
    body: list[Element] = [Heading(str(f.get("title") or "")), *rows,
                          Rule(), Text(TEXT["internship_how"].format(counter=settings.service_point.counter))]
    return _linked(settings, TEXT["internship_title"], now, body, detail_url("internship_posts", item_id),
                   TEXT["qr_internship"])
