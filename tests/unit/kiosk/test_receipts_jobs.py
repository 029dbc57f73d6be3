"""Receipts of the find-and-browse screens: content a villager needs, personal data masked, punctuation intact."""

from __future__ import annotations

from datetime import datetime

import pytest

from devices.printer.document import QrCode
from devices.printer.sim import SimPrinter
from kiosk.receipts.jobs import (
    archive_receipt,
    detail_url,
    fair_receipt,
    internship_receipt,
    job_receipt,
    pay_text,
    policy_receipt,
    seeker_receipt,
)
from kiosk.settings import load_settings

NOW = datetime(2025, 5, 3, 9, 30)
JOB = {
    "title": "货车司机（B2）", "employer": "天镇县顺达汽车运输有限公司", "category_name": "货车司机",
    "description": "招聘货车司机（B2），包食宿，年龄20-50岁。", "county": "天镇县", "town": "玉泉镇",
    "village": "李家庄", "address": "天镇县玉泉镇李家庄村", "salary_min": 5000, "salary_max": 7000,
    "work_type": "全职", "education": "初中", "headcount": 2, "contact_name": "王先生",
    "contact_phone": "13303521234", "posted_at": "2025-05-01", "expires_at": "2025-07-30",
}


@pytest.fixture(scope="module")
def settings():
    return load_settings(env={})


def printed(doc) -> str:
    p = SimPrinter()
    p.print_document(doc)
    return p.printed[0]


def test_job_receipt_has_what_where_pay_and_the_employers_published_phone(settings) -> None:
    text = printed(job_receipt(settings, "fixed_jobs", "fj-00001", JOB, NOW))
    for part in ("固定工岗位信息", "货车司机（B2）", "天镇县顺达汽车运输有限公司", "5000–7000 元/月",
                 "天镇县玉泉镇李家庄村", "全职", "2 人", "13303521234", "怎样应聘", settings.service_point.name):
        assert part in text, part
    assert "招聘货车司机（B2），包食宿，年龄20-50岁。" in text.replace("\n", "")


def test_job_receipt_carries_a_qr_to_the_placeholder_detail_address(settings) -> None:
    doc = job_receipt(settings, "gig_jobs", "gj-00007", {**JOB, "daily_wage_min": 200, "daily_wage_max": 260}, NOW)
    qrs = [e for e in doc.elements if isinstance(e, QrCode)]
    assert [q.payload for q in qrs] == ["https://jobs.example/gig/gj-00007"]
    assert "200–260 元/天" in printed(doc)


def test_pay_text_covers_ranges_single_values_and_negotiable() -> None:
    assert pay_text("fixed_jobs", {"salary_min": 3000, "salary_max": 3000}) == "3000 元/月"
    assert pay_text("fixed_jobs", {"salary_min": None, "salary_max": 4500}) == "4500 元/月"
    assert pay_text("gig_jobs", {}) == "面议"
    assert detail_url("fixed_jobs", "fj-1") == "https://jobs.example/fixed/fj-1"


def test_seeker_receipt_never_prints_a_full_phone_or_name(settings) -> None:
    seeker = {"name_masked": "王*", "gender": "男", "age": 48, "skill_names": ["瓦工", "建筑小工"],
              "town": "玉泉镇", "village": "葛家屯", "daily_wage_expect": 220, "available_from": "2025-05-05",
              "available_to": "2025-06-30", "phone_masked": "138****5678"}
    text = printed(seeker_receipt(settings, "gs-1", seeker, NOW))
    assert "王*" in text and "138****5678" in text and "瓦工、建筑小工" in text and "220 元/天" in text
    # a full number or name slipped into the feed is masked on paper all the same
    leaked = printed(seeker_receipt(settings, "gs-2", {**seeker, "name_masked": "王建国",
                                                       "phone_masked": "13812345678"}, NOW))
    assert "13812345678" not in leaked and "138****5678" in leaked
    assert "王建国" not in leaked and "王**" in leaked


def test_personal_archive_receipt_masks_the_holder(settings) -> None:
    mine = {"has_archive": True, "institution": "大同市人才交流服务中心", "address": "大同市平城区御河西路人才大厦3层",
            "phone": "0352-6000102", "since": "2010-02"}
    text = printed(archive_receipt(settings, [], NOW, mine=mine, holder_name="赵丽华", holder_id="140222198801011233"))
    assert "140222198801011233" not in text and "140222********1233" in text
    assert "赵丽华" not in text and "赵**" in text
    assert "大同市人才交流服务中心" in text and "0352-6000102" in text


def test_directory_receipt_lists_institutions_without_personal_part(settings) -> None:
    inst = {"name": "天镇县就业和人才服务中心", "address": "天镇县玉泉镇新城汽车站对面人社局一楼", "phone": "0352-6000101",
            "hours": "周一至周五 8:00-12:00", "scope": "流动人员人事档案"}
    text = printed(archive_receipt(settings, [inst], NOW))
    assert "天镇县就业和人才服务中心" in text and "0352-6000101" in text and "本人档案" not in text


def test_fair_policy_and_internship_receipts_keep_chinese_punctuation(settings) -> None:
    fair = {"title": "“10+N”公共就业服务活动·天镇县现场招聘", "venue": "天镇县零工市场（人社局一楼大厅）",
            "organizer": "天镇县人力资源和社会保障局", "audience": "城乡劳动者", "employers_count": 30, "posts_count": 150}
    text = printed(fair_receipt(settings, "jf-1", fair, "5月3日（周六）9:00–12:00", NOW))
    assert "“10+N”公共就业服务活动·天镇县现场招聘" in text and "（人社局一楼大厅）" in text and "约 30 家单位" in text
    policy = {"title": "关于开通山西省就业创业网上服务大厅的通知", "doc_no": "晋人社办函〔2019〕292号",
              "issuer": "山西省人力资源和社会保障厅办公室", "published_at": "2019-10-25", "summary": "提供就业登记等服务。",
              "body": "全文很长，不打印。"}
    text = printed(policy_receipt(settings, "po-1", policy, NOW))
    assert "晋人社办函〔2019〕292号" in text and "提供就业登记等服务。" in text and "全文很长" not in text
    post = {"title": "行政助理", "employer": "天镇县融媒体中心", "city": "大同市", "county": "天镇县", "positions": 2,
            "stipend": 1800, "months": 6, "requirements": "大专及以上，熟练使用办公软件", "contact_phone": "13303520001"}
    text = printed(internship_receipt(settings, "ip-1", post, NOW))
    assert "大同市天镇县" in text and "1800 元/月" in text and "6 个月" in text and "大专及以上，熟练使用办公软件" in text
