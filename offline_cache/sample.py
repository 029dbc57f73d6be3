"""Seeded generator of realistic Chinese feed items (jobs, seekers, categories) for benches, tests and demos."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

COUNTIES = ("宁乡市", "浏阳市", "望城区", "长沙县", "湘潭县", "韶山市", "攸县", "醴陵市")
TOWNS = ("城郊镇", "花明楼镇", "双江口镇", "大成桥镇", "沙田乡", "永安镇", "官桥镇", "枫林镇", "白马桥街道", "洞阳镇")
VILLAGES = ("石门村", "桃源村", "新塘村", "双凫村", "枫树湾村", "龙山村", "金星村", "大塘村", "白沙村", "和平村")
CATEGORIES = (
    ("01", "家政服务", None), ("0101", "保洁", "01"), ("0102", "育婴", "01"), ("0103", "护工", "01"),
    ("02", "交通运输", None), ("0201", "司机", "02"), ("0202", "快递配送", "02"), ("0203", "装卸", "02"),
    ("03", "建筑施工", None), ("0301", "焊工", "03"), ("0302", "电工", "03"), ("0303", "瓦工", "03"),
    ("0304", "木工", "03"), ("04", "餐饮服务", None), ("0401", "厨师", "04"), ("0402", "服务员", "04"),
    ("05", "生产制造", None), ("0501", "普工", "05"), ("0502", "缝纫工", "05"), ("06", "农业", None),
    ("0601", "采茶工", "06"), ("0602", "养殖工", "06"),
)
_TITLES = {
    "0101": ("保洁员", "保洁", "商场保洁", "小区保洁员"), "0102": ("育婴师", "月嫂"), "0103": ("护工", "养老护理员"),
    "0201": ("司机", "货车司机", "叉车司机", "挖掘机司机"), "0202": ("快递员", "外卖骑手"), "0203": ("装卸工", "搬运工"),
    "0301": ("焊工", "电焊工", "氩弧焊工"), "0302": ("电工", "水电工", "维修电工"), "0303": ("瓦工", "砌砖工"),
    "0304": ("木工", "装修木工"), "0401": ("厨师", "面点师"), "0402": ("服务员", "传菜员"),
    "0501": ("普工", "包装工"), "0502": ("缝纫工", "车工"), "0601": ("采茶工",), "0602": ("养殖工", "饲养员"),
}
_PREFIX = ("招聘", "急招", "长期招聘", "", "", "诚聘")
_SUFFIX = ("", "（包吃住）", "若干名", "（可日结）", "（男女不限）")
_EMPLOYER_KINDS = ("家政服务有限公司", "物流有限公司", "建筑工程有限公司", "食品厂", "农业专业合作社", "大酒店", "超市",
                   "纺织有限公司", "汽车维修厂", "劳务有限公司")
_BRANDS = ("湘江", "金穗", "鑫达", "顺心", "宏源", "绿野", "长盛", "华美", "乐家", "福运", "兴旺", "惠民")
_DESCRIPTIONS = (
    "工作地点在{town}{village}附近，{work}，工作认真负责即可，有经验者优先。",
    "{work}，按时发放工资，缴纳社保，年龄18至55岁，身体健康。",
    "负责日常{work}工作，上班时间灵活，适合本地村民就近就业。",
    "需要吃苦耐劳，{work}，提供培训，试用期一个月。",
)
_BASE_LAT, _BASE_LON = 28.25, 112.55


def categories() -> list[dict[str, Any]]:
    """The job category code table as feed items."""
    return [{"id": f"cat-{code}", "version": 1, "updated_at": "2025-01-01T00:00:00+08:00", "deleted": False,
             "code": code, "name": name, "parent_code": parent} for code, name, parent in CATEGORIES]


def fixed_jobs(n: int, seed: int = 7, today: date = date(2025, 6, 1)) -> Iterator[dict[str, Any]]:
    """`n` fixed job items, the same for the same seed."""
    rng = random.Random(seed)
    leaf = [c for c in CATEGORIES if c[2]]
    for i in range(n):
        code, name, _ = rng.choice(leaf)
        work = rng.choice(_TITLES[code])
        county, town, village = rng.choice(COUNTIES), rng.choice(TOWNS), rng.choice(VILLAGES)
        low = rng.randrange(2000, 6000, 100)
        posted = today - timedelta(days=rng.randrange(0, 90))
        yield {
            "id": f"fj-{i:07d}", "version": 1, "updated_at": f"{posted.isoformat()}T08:00:00+08:00", "deleted": False,
            "title": f"{rng.choice(_PREFIX)}{work}{rng.choice(_SUFFIX)}",
            "employer": f"{county[:2]}{rng.choice(_BRANDS)}{rng.choice(_EMPLOYER_KINDS)}",
            "category_code": code, "category_name": name,
            "description": rng.choice(_DESCRIPTIONS).format(town=town, village=village, work=work),
            "county": county, "town": town, "village": village, "address": f"{town}{village}{rng.randint(1, 99)}号",
            "lat": round(_BASE_LAT + rng.uniform(-0.4, 0.4), 6), "lon": round(_BASE_LON + rng.uniform(-0.4, 0.4), 6),
            "salary_min": low, "salary_max": low + rng.randrange(0, 3000, 100),
            "work_type": rng.choice(("全职", "全职", "兼职", "季节工")), "education": rng.choice(("不限", "初中", "高中")),
            "headcount": rng.randint(1, 20), "contact_name": "王先生", "contact_phone": "0731-8888" + f"{i % 10000:04d}",
            "posted_at": posted.isoformat(), "expires_at": (posted + timedelta(days=rng.randrange(30, 180))).isoformat(),
        }
