"""Deterministic demo reference data for 天镇县 (seed 003 附件2): regions, jobs, seekers, fairs, policies…"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from sandbox.rules import age_band

COUNTY = ("140222", "天镇县", 40.4210, 114.0910)

# town -> (code suffix, lat, lon, villages). 玉泉镇's villages are from seed 003 附件2; the others are plausible.
TOWNS: dict[str, tuple[str, float, float, tuple[str, ...]]] = {
    "玉泉镇": ("100", 40.4210, 114.0910, (
        "李家庄", "葛家屯", "三里屯", "唐八里", "石家庄", "滹沱店", "魏家山", "薛辛密", "杨家屯",
        "东北街", "西南街", "西北街", "东南街")),
    "谷前堡镇": ("101", 40.4630, 114.2380, ("谷前堡", "白羊口", "水磨口", "瓦窑口", "东高庄")),
    "米薪关镇": ("102", 40.3810, 113.9760, ("米薪关", "西马市", "北徐家窑", "黄家湾")),
    "逯家湾镇": ("103", 40.5020, 114.1690, ("逯家湾", "双寨", "南沙河", "东水地")),
    "新平堡镇": ("104", 40.5880, 114.3020, ("新平堡", "平远头", "保平堡", "西洋河")),
    "贾家屯乡": ("200", 40.3630, 114.1720, ("贾家屯", "夏家屯", "辛窑", "五墩")),
    "赵家沟乡": ("201", 40.3320, 114.0480, ("赵家沟", "南河堡", "黑狗沟")),
    "马家皂乡": ("202", 40.3010, 114.1210, ("马家皂", "堡子湾", "红土沟")),
    "张西河乡": ("203", 40.5210, 114.0130, ("张西河", "榆林口", "二十里铺")),
    "卅里铺乡": ("204", 40.4420, 113.9530, ("卅里铺", "东沙河", "水桶寺")),
    "南高崖乡": ("205", 40.2820, 113.9620, ("南高崖", "常家堡", "大坊城")),
}

CATEGORIES: tuple[tuple[str, str, str], ...] = (
    ("10", "生产制造", ""), ("1001", "焊工", "10"), ("1002", "电工", "10"), ("1003", "普工", "10"),
    ("20", "建筑施工", ""), ("2001", "建筑小工", "20"), ("2002", "瓦工", "20"), ("2003", "钢筋工", "20"),
    ("30", "生活服务", ""), ("3001", "保洁", "30"), ("3002", "餐饮服务员", "30"), ("3003", "厨师", "30"),
    ("3004", "保安", "30"),
    ("40", "交通运输", ""), ("4001", "货车司机", "40"), ("4002", "客车司机", "40"), ("4003", "快递员", "40"),
    ("50", "农林牧渔", ""), ("5001", "农业种植", "50"), ("5002", "畜禽养殖", "50"), ("5003", "农产品采摘", "50"),
    ("60", "医疗护理", ""), ("6001", "护工", "60"), ("6002", "养老护理员", "60"), ("6003", "育婴员", "60"),
    ("70", "商贸零售", ""), ("7001", "营业员", "70"), ("7002", "电商客服", "70"),
    ("80", "办公文职", ""), ("8001", "文员", "80"), ("8002", "会计", "80"),
)

EDUCATION: tuple[tuple[str, str, int], ...] = (
    ("00", "不限", 0), ("10", "小学及以下", 1), ("20", "初中", 2), ("30", "高中/中专/技校", 3),
    ("40", "大专", 4), ("50", "本科", 5), ("60", "硕士及以上", 6),
)

# category code -> (fixed job titles, monthly salary range, education codes, gig titles, daily wage range)
JOB_SHAPES: dict[str, tuple[tuple[str, ...], tuple[int, int], tuple[str, ...], tuple[str, ...], tuple[int, int]]] = {
    "1001": (("电焊工", "氩弧焊工", "二保焊工"), (5000, 8500), ("00", "20"), ("钢结构临时焊接", "大棚骨架焊接"), (250, 400)),
    "1002": (("维修电工", "物业电工", "光伏电站运维电工"), (4000, 6500), ("20", "30"), ("农户线路检修", "临时水电安装"), (200, 350)),
    "1003": (("包装普工", "食品加工普工", "杂粮加工车间普工"), (2800, 4200), ("00", "20"), ("仓库装卸", "杂粮分拣"), (130, 200)),
    "2001": (("建筑小工", "工地杂工"), (3500, 5500), ("00",), ("房屋修缮小工", "砌墙搬砖小工", "搬家装卸"), (160, 260)),
    "2002": (("瓦工", "抹灰工"), (5500, 8000), ("00", "20"), ("院墙砌筑", "农房抹灰"), (250, 380)),
    "2003": (("钢筋工",), (5500, 7500), ("00",), ("钢筋绑扎临时工",), (250, 350)),
    "3001": (("保洁员", "酒店客房保洁", "医院保洁员"), (2000, 2800), ("00",), ("开荒保洁", "红白事帮工保洁"), (120, 180)),
    "3002": (("餐饮服务员", "传菜员", "收银服务员"), (2300, 3200), ("00", "20"), ("婚宴帮厨", "宴席服务员"), (120, 200)),
    "3003": (("厨师", "面点师", "食堂厨师"), (3500, 6000), ("00", "20"), ("红白事掌勺", "宴席厨师"), (250, 450)),
    "3004": (("保安员", "门卫"), (2200, 3200), ("00", "20"), ("活动临时安保",), (120, 180)),
    "4001": (("货车司机（B2）", "渣土车司机", "冷链配送司机"), (5000, 8000), ("00", "20"), ("秋收运粮司机", "临时货运司机"), (250, 400)),
    "4002": (("客车司机（A1）", "校车司机", "公交司机"), (4500, 6500), ("20", "30"), ("包车司机",), (250, 350)),
    "4003": (("快递员", "乡村快递站分拣员"), (3500, 6000), ("00", "20"), ("双十一快递分拣",), (150, 220)),
    "5001": (("大棚种植工", "农业技术员", "食用菌种植工"), (2800, 4500), ("00", "20"), ("秋收掰玉米", "大棚摘西红柿", "土豆收获"), (130, 200)),
    "5002": (("养殖场饲养员", "肉牛养殖工"), (3000, 4500), ("00",), ("羊圈清理", "防疫辅助"), (130, 200)),
    "5003": (("黄花菜加工工", "果蔬分拣工"), (2600, 3600), ("00",), ("黄花菜采摘", "葡萄采摘", "杏采摘"), (120, 220)),
    "6001": (("医院护工", "康复护工"), (3000, 4500), ("00", "20"), ("住院陪护", "夜间陪护"), (150, 250)),
    "6002": (("养老护理员", "居家养老服务员"), (2800, 4200), ("00", "20"), ("居家照料临时工",), (130, 200)),
    "6003": (("育婴员", "月嫂"), (4000, 8000), ("20", "30"), ("临时看护孩子",), (150, 250)),
    "7001": (("超市营业员", "农资店营业员"), (2200, 3200), ("20", "30"), ("节日促销员",), (120, 180)),
    "7002": (("电商客服", "直播助理"), (2800, 4500), ("30", "40"), ("农产品直播打包",), (130, 200)),
    "8001": (("办公室文员", "村级便民服务代办员"), (2400, 3500), ("30", "40"), ("资料录入临时工",), (120, 180)),
    "8002": (("出纳会计", "合作社会计"), (3200, 5000), ("40", "50"), ("年终账务整理",), (200, 300)),
}

# employer -> the category codes it hires for
EMPLOYERS: tuple[tuple[str, str], ...] = (
    ("天镇县恒通建筑工程有限公司", "2001 2002 2003 1002"), ("天镇县鑫源建材有限公司", "1003 4001 2001"),
    ("大同市晋北钢结构工程有限公司", "1001 1002 2003"), ("天镇县玉泉物业服务有限公司", "3001 1002 3004"),
    ("天镇县人民医院", "6001 3001 8001"), ("天镇县康宁养老服务中心", "6002 6001 3003"),
    ("天镇县福临门餐饮有限公司", "3002 3003"), ("天镇县聚德楼酒店", "3002 3003 3001"),
    ("天镇县顺达汽车运输有限公司", "4001 4002"), ("大同市云通公交有限公司天镇分公司", "4002"),
    ("天镇县邮政快递物流园", "4003 1003"), ("天镇县绿源蔬菜种植专业合作社", "5001 5003"),
    ("天镇县丰盛养殖专业合作社", "5002"), ("天镇县塞上杂粮加工有限公司", "1003 5003 8002"),
    ("天镇县光伏扶贫电站运维中心", "1002"), ("天镇县家家福超市", "7001 3004"),
    ("天镇县农特产品电商服务中心", "7002 8001"), ("天镇县爱心家政服务有限公司", "6003 6002 3001"),
    ("天镇县宏达保安服务有限公司", "3004"), ("天镇县万家乐农资有限公司", "7001 4001"),
    ("天镇县金穗食用菌专业合作社", "5001 1003"), ("天镇县诚信财务咨询有限公司", "8002 8001"),
    ("天镇县便民综合服务中心", "8001"), ("天镇县黄花菜产业园", "5003 1003"),
)

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"

SKILLS: tuple[tuple[str, str], ...] = (
    ("2001", "建筑小工"), ("2002", "瓦工"), ("1001", "焊工"), ("1002", "电工"), ("3001", "保洁"),
    ("3003", "厨师"), ("3002", "餐饮服务员"), ("4001", "货车司机"), ("5001", "农业种植"), ("5003", "农产品采摘"),
    ("6001", "护工"), ("6002", "养老护理员"), ("5002", "畜禽养殖"), ("1003", "普工"),
)

POLICIES: tuple[tuple[str, str, str, str, str], ...] = (
    ("关于开通山西省就业创业网上服务大厅的通知", "晋人社办函〔2019〕292号", "山西省人力资源和社会保障厅办公室", "就业服务",
     "山西就业网厅为个人提供就业登记、失业登记（申请）、求职登记、享受就业扶持政策登记、农村劳动力登记、电子就业创业证打印等服务。"),
    ("山西省人力资源和社会保障业务系统安全运行维护管理办法（试行）", "晋人社办发〔2022〕21号", "山西省人力资源和社会保障厅办公室", "服务管理",
     "规范业务系统账号、权限与操作行为，确保业务系统的安全性、稳定性、可用性。"),
    ("就业失业登记告知承诺制实施办法（示例）", "示例〔2024〕1号", "天镇县人力资源和社会保障局", "就业失业登记",
     "办理失业登记、求职登记时只需本人身份证件，不得要求提供其他证明材料；严禁未经本人同意办理登记。"),
    ("就业困难人员认定和就业援助实施细则（示例）", "示例〔2024〕2号", "天镇县人力资源和社会保障局", "就业援助",
     "大龄、残疾、零就业家庭、脱贫劳动力等就业困难人员可申请认定，享受公益性岗位、社会保险补贴等援助。"),
    ("失业保险金申领发放办法（示例）", "示例〔2024〕3号", "天镇县社会保险中心", "失业保险",
     "失业前参保缴费满一年、非因本人意愿中断就业、已办理失业登记并有求职要求的，可申领失业保险金。"),
    ("职工技能提升补贴申领指南（示例）", "示例〔2024〕4号", "天镇县社会保险中心", "技能提升补贴",
     "企业在职参保职工或领取失业保险金期间的失业人员取得职业资格证书或职业技能等级证书的，可申请技能提升补贴。"),
    ("灵活就业人员社会保险补贴办法（示例）", "示例〔2024〕5号", "天镇县人力资源和社会保障局", "社会保险补贴",
     "就业困难人员灵活就业后缴纳社会保险费的，按规定给予一定比例的社会保险补贴，期限一般不超过3年。"),
    ("公益性岗位开发管理办法（示例）", "示例〔2024〕6号", "天镇县人力资源和社会保障局", "就业援助",
     "优先安置就业困难人员和脱贫劳动力，岗位补贴按月发放，原则上不超过3年。"),
    ("创业担保贷款及贴息实施办法（示例）", "示例〔2024〕7号", "天镇县人力资源和社会保障局", "创业扶持",
     "符合条件的个人可申请最高30万元创业担保贷款，财政按规定给予贴息。"),
    ("就业见习管理办法（示例）", "示例〔2024〕8号", "大同市人力资源和社会保障局", "就业见习",
     "离校2年内未就业高校毕业生和16-24岁失业青年可参加3-12个月就业见习，见习单位按月发放基本生活费。"),
    ("一次性求职创业补贴发放办法（示例）", "示例〔2024〕9号", "天镇县人力资源和社会保障局", "高校毕业生就业",
     "对毕业年度内有就业创业意愿并积极求职创业的困难家庭高校毕业生发放一次性求职创业补贴。"),
    ("农村劳动力转移就业交通补贴办法（示例）", "示例〔2024〕10号", "天镇县人力资源和社会保障局", "农村劳动力",
     "脱贫劳动力跨省外出务工的，按规定给予一次性交通补贴。"),
    ("城乡居民基本养老保险缴费档次及补贴标准（示例）", "示例〔2024〕11号", "天镇县社会保险中心", "城乡居民养老保险",
     "缴费档次分为每年200元至5000元等多个档次，多缴多补；重度残疾人等困难群体由政府代缴最低档次。"),
    ("零工市场建设和服务规范（示例）", "示例〔2024〕12号", "天镇县人力资源和社会保障局", "零工服务",
     "县零工市场免费提供零工求职登记、招聘零工登记、岗位推荐和权益保障服务。"),
)

ARCHIVES: tuple[tuple[str, str, str, str, str], ...] = (
    ("天镇县就业和人才服务中心", "天镇县", "天镇县玉泉镇新城汽车站对面人社局一楼", "0352-6000101", "流动人员人事档案接收、保管、转递、查询"),
    ("大同市人才交流服务中心", "平城区", "大同市平城区御河西路人才大厦3层", "0352-6000102", "市属流动人员及高校毕业生档案"),
    ("阳高县就业和人才服务中心", "阳高县", "阳高县龙泉镇人社局二楼", "0352-6000103", "流动人员人事档案"),
    ("山西省人才交流服务中心", "太原市", "太原市小店区长治路人才大厦", "0351-6000104", "省属单位流动人员档案"),
    ("大同市云州区就业和人才服务中心", "云州区", "大同市云州区西坪镇人社局", "0352-6000105", "流动人员人事档案"),
    ("天镇县教育科技局学籍档案室", "天镇县", "天镇县玉泉镇教育科技局院内", "0352-6000106", "中职、高中毕业生学籍档案"),
    ("广灵县就业和人才服务中心", "广灵县", "广灵县壶泉镇人社局一楼", "0352-6000107", "流动人员人事档案"),
    ("大同市退役军人服务中心档案室", "平城区", "大同市平城区魏都大道退役军人事务局", "0352-6000108", "退役军人档案"),
)

INTERNSHIP_COUNTIES = {
    "大同市": ("天镇县", "阳高县", "平城区", "云冈区", "新荣区", "云州区", "广灵县", "灵丘县", "浑源县", "左云县"),
    "太原市": ("小店区", "迎泽区", "晋源区"),
}
INTERNSHIP_TITLES = (
    ("行政助理", "大专及以上，熟练使用办公软件"), ("会计助理", "会计相关专业，大专及以上"),
    ("电商运营见习生", "熟悉直播或网店运营优先"), ("护理见习生", "护理专业，中专及以上"),
    ("农业技术员见习生", "农学、园艺相关专业"), ("幼儿教师见习生", "学前教育专业"),
    ("社区服务见习生", "有服务意识，吃苦耐劳"), ("机电维修见习生", "机电一体化相关专业"),
)

FAIRS: tuple[tuple[str, str, bool, int], ...] = (
    ("2025年“春风行动”天镇县专场招聘会", "城乡劳动者、农民工", False, -40),
    ("就业援助月·就业困难人员专场招聘会", "就业困难人员、零就业家庭成员", True, -10),
    ("民营企业服务月天镇县招聘会", "城乡劳动者", False, 5),
    ("玉泉镇零工市场周三用工对接会", "零工求职人员", False, 2),
    ("高校毕业生就业见习岗位推介会", "离校2年内未就业高校毕业生", False, 12),
    ("脱贫劳动力和就业困难人员专场招聘会", "脱贫劳动力、就业困难人员", True, 18),
    ("金秋招聘月·大同市县域联合招聘会", "城乡劳动者", False, 25),
    ("退役军人专场招聘会", "退役军人", False, 33),
    ("残疾人就业专场招聘会", "持证残疾人", True, 40),
    ("冬季农民工返乡就业招聘会", "返乡农民工", False, 55),
    ("谷前堡镇农业用工对接会", "农村劳动力", False, 9),
    ("“10+N”公共就业服务活动·天镇县现场招聘", "城乡劳动者", False, 70),
)


def _iso(d: date) -> str:
    return d.isoformat()


def _jitter(rng: random.Random, lat: float, lon: float, spread: float = 0.006) -> tuple[float, float]:
    return round(lat + rng.uniform(-spread, spread), 6), round(lon + rng.uniform(-spread, spread), 6)


def village_points(rng: random.Random) -> list[tuple[str, str, str, float, float]]:
    """(town, village, code, lat, lon) for every village, stable for a given rng seed."""
    out = []
    for town, (suffix, tlat, tlon, villages) in TOWNS.items():
        for i, village in enumerate(villages):
            if i == 0 and town != "玉泉镇":
                lat, lon = tlat, tlon  # the town seat village sits at the town centre
            else:
                lat, lon = _jitter(rng, tlat, tlon, 0.035)
            out.append((town, village, f"{COUNTY[0]}{suffix}{201 + i:03d}", lat, lon))
    return out


def _phone(rng: random.Random) -> str:
    return f"1330352{rng.randint(0, 9999):04d}"


def generate(today: date, seed: int = 2024) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Yield (feed, item_id, fields) for every demo reference item."""
    rng = random.Random(seed)
    cat_names = {c: n for c, n, _ in CATEGORIES}
    edu_names = {c: n for c, n, _ in EDUCATION}

    yield "regions", COUNTY[0], {"code": COUNTY[0], "name": COUNTY[1], "level": "county", "parent_code": "140200",
                                 "lat": COUNTY[2], "lon": COUNTY[3]}
    for town, (suffix, lat, lon, _v) in TOWNS.items():
        code = COUNTY[0] + suffix
        yield "regions", code, {"code": code, "name": town, "level": "town", "parent_code": COUNTY[0],
                                "lat": lat, "lon": lon}
    points = village_points(rng)
    for town, village, code, lat, lon in points:
        yield "regions", code, {"code": code, "name": village, "level": "village",
                                "parent_code": COUNTY[0] + TOWNS[town][0], "lat": lat, "lon": lon}
    for code, name, parent in CATEGORIES:
        yield "job_categories", code, {"code": code, "name": name, "parent_code": parent or None}
    for code, name, rank in EDUCATION:
        yield "education_levels", code, {"code": code, "name": name, "rank": rank}

    # Jobs lean towards 玉泉镇 (the county seat) the way real postings do.
    weights = [6 if p[0] == "玉泉镇" else 1 for p in points]

    def place() -> tuple[str, str, float, float]:
        town, village, _code, lat, lon = rng.choices(points, weights)[0]
        jlat, jlon = _jitter(rng, lat, lon)
        return town, village, jlat, jlon

    for n in range(1, 301):
        cat = rng.choice(list(JOB_SHAPES))
        titles, (smin, smax), edus, _gt, _gw = JOB_SHAPES[cat]
        employer = rng.choice([e for e, codes in EMPLOYERS if cat in codes.split()] or [e for e, _ in EMPLOYERS])
        town, village, lat, lon = place()
        lo = rng.randrange(smin, smax - 400, 100)
        hi = min(smax + 1000, lo + rng.randrange(500, 2500, 100))
        posted = today - timedelta(days=rng.randint(0, 45))
        title = rng.choice(titles)
        edu = rng.choice(edus)
        yield "fixed_jobs", f"fj-{n:05d}", {
            "title": title, "employer": employer, "category_code": cat, "category_name": cat_names[cat],
            "description": f"招聘{title}，{rng.choice(['包午餐', '包食宿', '缴纳五险', '月休4天', '长期稳定', '有经验者优先'])}，"
                           f"{rng.choice(['年龄18-55岁', '年龄20-50岁', '年龄不限，身体健康', '男女不限'])}。",
            "county": COUNTY[1], "town": town, "village": village,
            "address": f"{COUNTY[1]}{town}{village}{'社区' if village.endswith('街') else '村'}",
            "lat": lat, "lon": lon, "salary_min": lo, "salary_max": hi,
            "work_type": rng.choices(["全职", "兼职", "季节工"], [7, 2, 1])[0],
            "education": edu_names[edu], "headcount": rng.choice([1, 1, 2, 2, 3, 5, 10]),
            "contact_name": rng.choice(SURNAMES) + rng.choice(["先生", "女士"]), "contact_phone": _phone(rng),
            "posted_at": _iso(posted), "expires_at": _iso(posted + timedelta(days=rng.choice([60, 90, 120]))),
        }

    for n in range(1, 201):
        cat = rng.choice(list(JOB_SHAPES))
        _t, _s, _e, gig_titles, (wmin, wmax) = JOB_SHAPES[cat]
        town, village, lat, lon = place()
        lo = rng.randrange(wmin, wmax - 20, 10)
        start = today + timedelta(days=rng.randint(-3, 20))
        title = rng.choice(gig_titles)
        yield "gig_jobs", f"gj-{n:05d}", {
            "title": title, "employer": rng.choice(SURNAMES) + rng.choice(["先生", "女士"]) if rng.random() < 0.5
            else rng.choice(EMPLOYERS)[0],
            "category_code": cat, "category_name": cat_names[cat],
            "description": f"{title}，{rng.choice(['管一顿午饭', '日结', '完工结算', '自带工具加20元/天'])}。",
            "county": COUNTY[1], "town": town, "village": village,
            "address": f"{COUNTY[1]}{town}{village}{'社区' if village.endswith('街') else '村'}",
            "lat": lat, "lon": lon, "daily_wage_min": lo, "daily_wage_max": min(wmax + 50, lo + rng.randrange(0, 100, 10)),
            "start_date": _iso(start), "end_date": _iso(start + timedelta(days=rng.randint(0, 20))),
            "headcount": rng.choice([1, 2, 2, 3, 4, 6, 8]),
            "contact_name": rng.choice(SURNAMES) + rng.choice(["先生", "女士"]), "contact_phone": _phone(rng),
            "posted_at": _iso(today - timedelta(days=rng.randint(0, 10))),
        }

    for n in range(1, 81):
        skills = rng.sample(SKILLS, rng.randint(1, 3))
        town, village, lat, lon = place()
        gender = rng.choice(["男", "男", "女"])
        frm = today + timedelta(days=rng.randint(-5, 10))
        wage = rng.randrange(120, 320, 10)
        seeker = {
            "name_masked": rng.choice(SURNAMES) + "*" * rng.choice([1, 2]), "gender": gender,
            "age": rng.randint(22, 62), "skill_codes": [s[0] for s in skills], "skill_names": [s[1] for s in skills],
            "description": f"会{'、'.join(s[1] for s in skills)}，{rng.choice(['能吃苦', '有多年经验', '就近干活', '可长期干'])}。",
            "county": COUNTY[1], "town": town, "village": village, "lat": lat, "lon": lon,
            "daily_wage_expect": wage, "available_from": _iso(frm),
            "available_to": _iso(frm + timedelta(days=rng.randint(10, 90))),
            "phone_masked": f"1{rng.choice('3578')}{rng.randint(0, 9)}****{rng.randint(0, 9999):04d}",
            "published_at": _iso(today - timedelta(days=rng.randint(0, 20))),
        }
        yield "gig_seekers", f"gs-{n:05d}", {**seeker, "age_band": age_band(seeker["age"])}

    for n, (title, audience, hard_only, offset) in enumerate(FAIRS, start=1):
        town = "谷前堡镇" if "谷前堡" in title else "玉泉镇"
        start = datetime.combine(today + timedelta(days=offset), datetime.min.time()).replace(hour=9)
        employers = rng.randint(12, 60)
        yield "job_fairs", f"jf-{n:04d}", {
            "title": title, "organizer": "天镇县人力资源和社会保障局", "county": COUNTY[1], "town": town,
            "venue": "天镇县零工市场（人社局一楼大厅）" if town == "玉泉镇" else "谷前堡镇便民服务中心广场",
            "start_at": start.isoformat(timespec="minutes"), "end_at": start.replace(hour=12).isoformat(timespec="minutes"),
            "audience": audience, "hard_to_employ_only": hard_only, "employers_count": employers,
            "posts_count": employers * rng.randint(3, 8),
            "description": f"现场提供岗位推荐、政策咨询、求职登记服务。请携带身份证或社保卡。服务对象：{audience}。",
        }

    for n, (title, doc_no, issuer, category, summary) in enumerate(POLICIES, start=1):
        published = today - timedelta(days=30 * n + rng.randint(0, 20))
        if "2019" in doc_no:
            published = date(2019, 10, 25)
        elif "2022" in doc_no:
            published = date(2022, 6, 1)
        yield "policies", f"po-{n:04d}", {
            "title": title, "doc_no": doc_no, "issuer": issuer, "category": category, "published_at": _iso(published),
            "summary": summary,
            "body": f"{summary}\n\n一、适用对象\n符合条件的城乡劳动者。\n\n二、办理方式\n携带本人身份证或社保卡，到村（社区）"
                    f"服务点或自助机办理；柜面办理地址：天镇县人社局一楼服务大厅。\n\n三、咨询电话\n0352-12333（示例）",
        }

    for n, (name, county, address, phone, scope) in enumerate(ARCHIVES, start=1):
        yield "archive_institutions", f"ai-{n:04d}", {
            "name": name, "county": county, "address": address, "phone": phone,
            "hours": "周一至周五 8:00-12:00，14:30-17:30（法定节假日除外）", "scope": scope,
        }

    n = 0
    for city, counties in INTERNSHIP_COUNTIES.items():
        for county in counties:
            for _ in range(rng.randint(2, 5) if city == "大同市" else 2):
                n += 1
                title, req = rng.choice(INTERNSHIP_TITLES)
                yield "internship_posts", f"ip-{n:04d}", {
                    "title": title, "employer": f"{county}{rng.choice(['融媒体中心', '人民医院', '农业农村局', '幼儿园', '供销社', '电商服务中心', '社区服务中心'])}",
                    "city": city, "county": county, "address": f"{city}{county}", "positions": rng.randint(1, 5),
                    "stipend": rng.randrange(1600, 2400, 100), "start_date": _iso(today + timedelta(days=rng.randint(5, 60))),
                    "months": rng.choice([3, 6, 6, 12]), "requirements": req, "contact_phone": _phone(rng),
                    "posted_at": _iso(today - timedelta(days=rng.randint(0, 30))),
                }
