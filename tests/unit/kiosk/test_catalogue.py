"""The service catalogue matches the government documents and refuses broken data with a clear error."""

from __future__ import annotations

import re
import shutil
import tomllib
from datetime import date
from pathlib import Path

import pytest

from kiosk.catalogue import (
    CATALOGUE_DIR,
    Catalogue,
    CatalogueError,
    Channel,
    ItemKind,
    ItemUnavailable,
    ServiceItem,
    available_profiles,
    load_catalogue,
)

PROJECT_ROOT = Path(__file__).resolve().parents[3]
SEEDS_DIR = PROJECT_ROOT.parent / "shared" / "seeds"  # ../shared beside the project (shared/README.md)
PROFILES = ("default", "shanxi-2019")
GROUPS = ("我要找工作", "我要学技能", "我要办社保", "我要办社保卡", "就业见习", "单位业务", "我的办件")


def _seed(prefix: str) -> str:
    found = sorted(SEEDS_DIR.glob(f"{prefix}_*.txt"))
    assert found, f"seed {prefix}_*.txt not found under {SEEDS_DIR}: the tests compare against it"
    return found[0].read_text(encoding="utf-8")


def _seed_service_list() -> dict[int, dict[str, str]]:
    """Seed 003 附件1 as rows: 序号 → 业务类型, 名称, 内容, 渠道, 对象, 条件, 时限 (tab-separated, as written)."""
    text = _seed("003").split("服务事项清单（40 项）", 1)[1].split("附件 2", 1)[0]
    rows: dict[int, dict[str, str]] = {}
    group = ""
    for line in text.splitlines():
        cells = line.split("\t")
        if not cells[0].strip().isdigit():
            continue
        cells = [c.strip() for c in cells] + [""] * 8
        if cells[1]:
            group = re.sub(r"\s*\(\d+\)$", "", cells[1])
        keys = ("name", "content", "channel", "audience", "conditions", "time_limit")
        rows[int(cells[0])] = {"group": group, **dict(zip(keys, cells[2:8], strict=True))}
    return rows


SEED_ROWS = _seed_service_list()


@pytest.fixture(scope="module", params=PROFILES)
def catalogue(request: pytest.FixtureRequest) -> Catalogue:
    return load_catalogue(CATALOGUE_DIR, request.param)


@pytest.fixture(scope="module")
def default() -> Catalogue:
    return load_catalogue(CATALOGUE_DIR, "default")


@pytest.fixture(scope="module")
def shanxi() -> Catalogue:
    return load_catalogue(CATALOGUE_DIR, "shanxi-2019")


@pytest.fixture(scope="module")
def base_items() -> dict[str, dict]:
    with (CATALOGUE_DIR / "services.toml").open("rb") as fh:
        return {r["id"]: r for r in tomllib.load(fh)["item"]}


@pytest.fixture
def cat_copy(tmp_path: Path) -> Path:
    """A writable copy of the real catalogue for the broken-data tests."""
    dst = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE_DIR, dst)
    return dst


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# ---- the 40 items of seed 003 附件1 ---------------------------------------------------------------
def test_seed_list_has_forty_numbered_items() -> None:
    assert sorted(SEED_ROWS) == list(range(1, 41))


@pytest.mark.parametrize("no", range(1, 41))
def test_seed_item_present_with_the_seeds_name_and_channels(catalogue: Catalogue, no: int) -> None:
    row = SEED_ROWS[no]
    item = catalogue.item(no)
    assert item.no == no
    assert item.name == row["name"]
    assert item.group == row["group"]
    assert item.content == row["content"]
    assert item.channel_text == row["channel"]
    assert (
        set(item.channels) == {Channel.COUNTER, Channel.KIOSK}
        if "自助机" in row["channel"]
        else {Channel.COUNTER}
    )


@pytest.mark.parametrize("no", range(1, 41))
def test_base_data_copies_the_seeds_audience_conditions_and_time_limit(base_items: dict, no: int) -> None:
    row, item = SEED_ROWS[no], base_items[str(no)]
    if no == 10:
        # the seed's row 10 is shifted one column and has no 办结时限 (documented in services.toml)
        assert row["audience"] == "" and item["audience"] == row["conditions"]
        assert item["conditions"] == row["time_limit"]
        assert "shifted" in item["source_note"]
        return
    assert item["conditions"] == row["conditions"]
    assert item["time_limit"] == row["time_limit"]
    if row["audience"]:
        assert item["audience"] == row["audience"]
    else:  # merged cell in the original table: same as the row above
        assert item["audience"] == base_items[str(no - 1)]["audience"]


@pytest.mark.parametrize("no", range(1, 41))
def test_kiosk_or_counter_follows_the_seeds_service_channel(catalogue: Catalogue, no: int) -> None:
    on_kiosk = "自助机" in SEED_ROWS[no]["channel"]
    assert catalogue.is_kiosk_item(no) is on_kiosk
    assert (catalogue.item(no).kind is ItemKind.GUIDANCE) is not on_kiosk


def test_item_kinds_follow_the_product_table(default: Catalogue) -> None:
    forms = {1, 4, 7, 10, 11, 22, 23}
    local = {2, 3, 5, 6, 8, 9, 12, 14}
    live = {13, 15, 25, 26, 27, 33, 36}
    for no in range(1, 41):
        kind = default.item(no).kind
        expected = (
            ItemKind.FORM
            if no in forms
            else ItemKind.LOCAL_QUERY
            if no in local
            else ItemKind.LIVE_QUERY
            if no in live
            else ItemKind.GUIDANCE
        )
        assert kind is expected, no


def test_glossary_code_names(default: Catalogue) -> None:
    assert default.by_code("job_seeker_registration", "fixed").no == 1
    assert default.by_code("job_seeker_registration", "gig").no == 4
    assert default.by_code("job_seeker_registration").name == "求职登记"
    expected = {
        7: "gig_hiring_registration",
        10: "flexible_employment_registration",
        11: "unemployment_registration",
        13: "employment_certificate_query",
        14: "job_fair_search",
        15: "archive_institution_query",
        22: "skill_subsidy_application",
        23: "unemployment_benefit_application",
        25: "employee_pension_query",
        26: "employee_pension_payments",
        27: "unemployment_benefit_payments",
        33: "resident_pension_contributions",
        36: "resident_pension_payments",
    }
    for no, code in expected.items():
        assert default.by_code(code).no == no


# ---- items from seeds 000 / 001 / 002 ----------------------------------------------------------------
def test_online_hall_items_are_named_as_seed_000_lists_them(default: Catalogue) -> None:
    personal = re.search(r"个人：(.+?)。", _seed("000")).group(1).split("、")
    employer = re.search(r"单位：(.+?)。", _seed("000")).group(1).split("、")
    ours = {i.name for i in default if i.id.startswith("S000-") and i.group != "单位业务"}
    assert ours <= set(personal)
    # the employer side (单位业务, issue 11 §6): named verbatim, a guidance item pointing to the web hall
    assert {i.name for i in default if i.id.startswith("S000-") and i.group == "单位业务"} == set(employer)
    # everything seed 000 offers is here, 失业登记（申请） being item 11
    assert set(personal) - ours == {"失业登记（申请）"}
    for item in default:
        if item.id.startswith("S000-E"):
            assert employer[int(item.id[-2:]) - 1] == item.name  # S000-Enn: position in seed 000's 单位 list
        elif item.id.startswith("S000-"):
            assert personal[int(item.id[-2:]) - 1] == item.name  # id = position in seed 000's list


def test_internship_items_and_my_cases(default: Catalogue) -> None:
    apply, posts, cases = default.item("S001-01"), default.item("S002-01"), default.item("S001-02")
    assert apply.name == "就业见习人员申请" and apply.name in _seed("001")
    assert cases.name == "我的办件" and cases.name in _seed("001")
    assert posts.name == "见习岗位查询" and "十六、见习岗位查询" in _seed("002")
    assert apply.group == posts.group == "就业见习" and cases.group == "我的办件"
    assert not posts.login_required and posts.is_kiosk_item
    # applicants without a 就业创业证 are led to 求职登记 or 失业登记 first (seed 001)
    targets = {p.item_id for p in apply.prerequisites}
    assert {default.item(t).name for t in targets} == {"求职登记", "失业登记"}


def test_upload_items_are_guidance_only(default: Catalogue) -> None:
    for name in ("高级人才登记", "星火项目申请"):
        item = next(i for i in default if i.name == name)
        assert item.is_guidance and item.channels == (Channel.COUNTER,)


def test_public_information_needs_no_card(default: Catalogue) -> None:
    public = {i.name for i in default.public_items()}
    assert {"见习岗位查询", "就业政策法规查询", "招聘会信息查询"} <= public
    personal = ("企业职工基本养老保险参保情况查询", "失业登记", "我的办件", "《就业创业证》查询")
    assert not public & set(personal)


def test_hard_to_employ_job_fairs_need_the_platform_flag(default: Catalogue) -> None:
    assert default.by_code("hard_to_employ_job_fair_search").restricted_to == "hard_to_employ"


# ---- groups, lookups, switches -----------------------------------------------------------------------
def test_groups_in_display_order(catalogue: Catalogue) -> None:
    assert catalogue.groups() == GROUPS
    assert [i.no for i in catalogue.items_in("我要学技能")] == [16, 17, 18, 19]
    assert len(catalogue.items_in("我要办社保")) == 18
    assert catalogue.items_in("不存在的分组") == ()


def test_unknown_item_says_so(default: Catalogue) -> None:
    with pytest.raises(ItemUnavailable, match="不可用"):
        default.item(41)
    with pytest.raises(ItemUnavailable, match="variant"):
        Catalogue(
            default.profile,
            tuple(i for i in default if i.variant),
            default.group_order,
            default.working_age_rule,
            default.commitment,
        ).by_code("job_seeker_registration")


def test_site_switches_remove_items_and_empty_groups() -> None:
    cat = load_catalogue(
        CATALOGUE_DIR, "default", disabled_items=[11, "S000-10"], enabled=["我要找工作", "my_cases"]
    )
    assert cat.groups() == ("我要找工作", "我的办件")
    assert 11 not in cat and "11" in cat.disabled
    with pytest.raises(ItemUnavailable):
        cat.item(11)


def test_unknown_switch_is_an_error() -> None:
    with pytest.raises(CatalogueError, match="services.disabled_items"):
        load_catalogue(CATALOGUE_DIR, "default", disabled_items=[99])
    with pytest.raises(CatalogueError, match="services.enabled"):
        load_catalogue(CATALOGUE_DIR, "default", enabled=["我要买房"])


# ---- guidance (public disclosure: 办事程序、依据、时限、结果公开) ---------------------------------------
def test_every_item_discloses_procedure_basis_time_limit_and_result(catalogue: Catalogue) -> None:
    for item in catalogue:
        assert item.procedure and item.basis and item.time_limit and item.result_publication, item.id


def test_counter_only_items_print_a_complete_one_time_notice(catalogue: Catalogue) -> None:
    guidance = catalogue.guidance_items()
    # 18 counter-only items of seed 003 + 高级人才登记 + 星火项目申请 + the 3 单位业务 items (issue 11 §6)
    assert len(guidance) == 23
    for item in guidance:
        slip = catalogue.guidance_slip(item, "李家庄村就业社保服务点", "玉泉镇便民服务中心一楼人社窗口")
        sections = {s.heading: s.lines for s in slip.sections}
        assert slip.title == "一次性告知单"
        assert sections["办理事项"] == (item.name,)
        assert sections["服务对象"] == (item.audience,)
        assert sections["所需材料"] and sections["所需材料"][0].startswith("1. ")
        assert sections["办结时限"] == (item.time_limit,)
        assert "玉泉镇便民服务中心一楼人社窗口" in sections["办理地点"][0]
        assert sections["办理流程"] and sections["办事依据"] and sections["结果公开"]
        assert all(isinstance(line, str) and line for line in slip.lines())


def test_notice_for_resident_pension_enrolment_lists_household_register(default: Catalogue) -> None:
    lines = default.guidance_slip(28, "服务点", "柜面", phone="0352-6000000").lines()
    assert "1. 本人身份证" in lines and "2. 户口本" in lines and "2个工作日" in lines
    assert any("0352-6000000" in line for line in lines)


# ---- materials per province profile (告知承诺制 vs Shanxi 2019) ---------------------------------------
def test_default_profile_demands_nothing_beyond_the_id_for_unemployment_registration(
    default: Catalogue,
) -> None:
    item = default.by_code("unemployment_registration")
    assert item.materials == ("本人身份证或社保卡",) and item.material_cases == ()
    assert default.commitment.id_only and default.needs_commitment(item)
    assert item.time_limit == "5个工作日内"  # seed 004, not seed 003's 10 days
    slip = default.guidance_slip(item, "服务点", "柜面")
    assert {s.heading: s.lines for s in slip.sections}["所需材料"] == ("1. 本人身份证或社保卡",)


def test_shanxi_2019_keeps_its_material_list_exactly(shanxi: Catalogue) -> None:
    item = shanxi.by_code("unemployment_registration")
    assert item.time_limit == SEED_ROWS[11]["time_limit"] == "10个工作日"
    section = _seed("000").split("（2）失业登记（申请）", 1)[1].split("（3）求职登记", 1)[0]
    seed_cases = [p.strip().rstrip("；。") for p in section.split("\n") if "：" in p]
    assert len(seed_cases) == 4
    ours = [f"{c.when}：{'、'.join(c.items)}" for c in item.material_cases]
    assert ours == seed_cases
    lines = shanxi.guidance_slip(item, "服务点", "柜面").lines()
    assert any("户籍首页" in line and "终止或解除劳动合同证明" in line for line in lines)
    assert not shanxi.commitment.id_only


def test_commitment_text_quotes_seed_004(default: Catalogue, shanxi: Catalogue) -> None:
    seeds = _seed("004") + _seed("000")
    for cat in (default, shanxi):
        assert cat.commitment_text().startswith(cat.commitment.title)
        for text, source in zip(cat.commitment.paragraphs, cat.commitment.sources, strict=True):
            if "原文" in source:  # quoted: the seed's words (an excerpt may end its sentence early)
                assert text.rstrip("。") in seeds, text
    assert "不得要求失业人员提供除本人身份证件以外其他证明原身份的有关证明" in default.commitment_text()
    assert "严禁未经劳动者本人同意为其办理失业登记" in default.commitment_text()


def test_unemployment_registration_needs_consent_age_check_and_in_person_review(catalogue: Catalogue) -> None:
    item = catalogue.item(11)
    assert item.requires_consent and item.working_age_check and item.in_person_review
    assert any("二次审核" in step for step in item.procedure)


# ---- broken data: the error names the file, the item and the key -----------------------------------
def test_bad_channel_names_file_item_and_key(cat_copy: Path) -> None:
    _edit(
        cat_copy / "services.toml",
        'name = "失业登记"\ncode = "unemployment_registration"\nkind = "form"\n'
        'content = "失业人员进行失业登记后，可以接受公共就业服务或相关就业政策的扶持。"\nchannels = ["counter", "kiosk"]',
        'name = "失业登记"\ncode = "unemployment_registration"\nkind = "form"\n'
        'content = "失业人员进行失业登记后，可以接受公共就业服务或相关就业政策的扶持。"\nchannels = ["counter", "atm"]',
    )
    with pytest.raises(CatalogueError) as err:
        load_catalogue(cat_copy, "default")
    msg = str(err.value)
    assert "services.toml" in msg and "事项 11（失业登记）" in msg and "channels" in msg


def test_missing_and_unknown_keys_are_named(cat_copy: Path) -> None:
    services = cat_copy / "services.toml"
    _edit(services, 'time_limit = "3 个工作日"', 'timelimit = "3 个工作日"')
    with pytest.raises(CatalogueError, match=r"事项 21（社会保险待遇领取资格认证） 有未知的配置项 timelimit"):
        load_catalogue(cat_copy, "default")
    _edit(services, 'timelimit = "3 个工作日"\n', "")
    with pytest.raises(
        CatalogueError, match=r"services.toml: 事项 21（社会保险待遇领取资格认证） 缺少 time_limit"
    ):
        load_catalogue(cat_copy, "default")


@pytest.mark.parametrize(("file", "old", "new", "names"), [
    # every table has its model now: an unknown key in [defaults.*] was read past, a number as rule_text crashed
    ("services.toml", "[defaults.procedure]\n", '[defaults.procedure]\nfrom = ["提交"]\n',
     ["services.toml", "[defaults.procedure]", "from", "local_query"]),
    ("profiles/default.toml", 'rule_text = "', 'rule_text = 16  # "', ["default.toml", "[working_age] 的 rule_text", "字符串"]),
    ("profiles/default.toml", "min_age = 16", "min_age = true", ["default.toml", "[working_age]", "min_age", "正整数"]),
    ("services.toml", '{ when = "专科及专科以上学历的用户", items', '{ when = "专科及专科以上学历的用户", note = "", items',
     ["services.toml", "的 material_cases 无效", "when"]),  # a wrong key inside a case: the case's form
])
def test_every_table_of_both_files_is_checked_and_named(cat_copy: Path, file: str, old: str, new: str,
                                                        names: list[str]) -> None:
    _edit(cat_copy / file, old, new)
    with pytest.raises(CatalogueError) as err:
        load_catalogue(cat_copy, "default")
    for name in names:
        assert name in str(err.value), (name, str(err.value))


def test_counter_only_item_cannot_be_switched_to_the_kiosk_without_a_flow(cat_copy: Path) -> None:
    profile = cat_copy / "profiles" / "default.toml"
    profile.write_text(
        profile.read_text(encoding="utf-8") + '\n[items.38]\nchannels = ["counter", "kiosk"]\n',
        encoding="utf-8",
    )
    with pytest.raises(CatalogueError) as err:
        load_catalogue(cat_copy, "default")
    assert "default.toml" in str(err.value) and "事项 38（社会保障卡启用）" in str(err.value)
    assert "channels" in str(err.value)


def test_kiosk_item_switched_to_counter_becomes_guidance(cat_copy: Path) -> None:
    profile = cat_copy / "profiles" / "default.toml"
    profile.write_text(
        profile.read_text(encoding="utf-8") + '\n[items.7]\nchannels = ["counter"]\n', encoding="utf-8"
    )
    cat = load_catalogue(cat_copy, "default")
    assert not cat.is_kiosk_item(7) and cat.item(7) in cat.guidance_items()


def test_default_profile_refuses_documents_beyond_the_id(cat_copy: Path) -> None:
    _edit(
        cat_copy / "profiles" / "default.toml",
        'materials = ["本人身份证或社保卡"]\nmaterial_cases = []\nhandling_office = "户籍地',
        'materials = ["本人身份证或社保卡", "户口本"]\nmaterial_cases = []\nhandling_office = "户籍地',
    )
    with pytest.raises(CatalogueError) as err:
        load_catalogue(cat_copy, "default")
    msg = str(err.value)
    assert "default.toml" in msg and "事项 11（失业登记）" in msg and "materials" in msg and "户口本" in msg


def test_profile_may_not_rename_items_or_invent_them(cat_copy: Path) -> None:
    profile = cat_copy / "profiles" / "shanxi-2019.toml"
    original = profile.read_text(encoding="utf-8")
    profile.write_text(original + '\n[items.12]\nname = "政策查询"\n', encoding="utf-8")
    with pytest.raises(
        CatalogueError, match=r"shanxi-2019.toml: 事项 12（就业政策法规查询） 的 name 不能在省份配置中修改"
    ):
        load_catalogue(cat_copy, "shanxi-2019")
    profile.write_text(original + '\n[items.99]\ntime_limit = "即时办结"\n', encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"\[items.99\] 不是服务事项目录中的事项"):
        load_catalogue(cat_copy, "shanxi-2019")


def test_duplicate_id_and_bad_toml_and_unknown_profile(cat_copy: Path) -> None:
    services = cat_copy / "services.toml"
    original = services.read_text(encoding="utf-8")
    services.write_text(original.replace('id = "S000-10"', 'id = "S000-07"'), encoding="utf-8")
    with pytest.raises(
        CatalogueError, match=r"事项 S000-07（星火项目申请） 的 id 与 事项 S000-07（高级人才登记） 重复"
    ):
        load_catalogue(cat_copy, "default")
    services.write_text(original + "\n[[item]\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="不是有效的 TOML"):
        load_catalogue(cat_copy, "default")
    with pytest.raises(CatalogueError, match="default, shanxi-2019"):
        load_catalogue(CATALOGUE_DIR, "hunan-2030")


def test_profiles_on_disk() -> None:
    assert available_profiles() == PROFILES
    assert CATALOGUE_DIR == PROJECT_ROOT / "config" / "catalogue"


# ---- working age (seed 004): 16 (inclusive) until one receives a basic pension — never a fixed age -----
TODAY = date(2025, 6, 15)


@pytest.mark.parametrize(
    ("birth", "pension", "ok"),
    [
        (date(2009, 6, 15), None, True),  # 16th birthday today
        (date(2009, 6, 16), None, False),  # turns 16 tomorrow
        (date(1960, 6, 15), None, True),  # 65, not known (offline): the platform decides
        (date(1960, 6, 15), False, True),  # 65, no pension: still of working age
        (date(1975, 6, 15), True, False),  # 50, receives a basic pension
        (date(2026, 1, 1), None, False),  # born in the future: a misread card
    ],
)
def test_working_age_boundaries(default: Catalogue, birth: date, pension: bool | None, ok: bool) -> None:
    assert default.working_age(birth, TODAY, receives_basic_pension=pension) is ok


def test_leap_day_birthday_counts_from_first_of_march(default: Catalogue) -> None:
    born = date(2008, 2, 29)
    assert not default.working_age(born, date(2024, 2, 28))
    assert default.working_age(born, date(2024, 3, 1))


def test_working_age_problem_is_plain_chinese(catalogue: Catalogue) -> None:
    rule = catalogue.working_age_rule
    assert rule.problem(date(2012, 1, 1), TODAY) == "未满16周岁，不在劳动年龄内，暂不能办理。"
    assert "依法享受基本养老保险待遇" in rule.problem(date(1960, 1, 1), TODAY, receives_basic_pension=True)
    assert rule.problem(date(1960, 1, 1), TODAY, receives_basic_pension=True, upper_bound=False) is None
    assert rule.problem(date(1990, 1, 1), TODAY) is None
    assert rule.rule_text.endswith("至依法享受基本养老保险待遇）")  # seed 004's words, in both profiles


def test_gig_work_has_no_upper_age_and_the_retirement_ages_are_gone(catalogue: Catalogue) -> None:
    assert catalogue.item(4).working_age_check and catalogue.item(4).min_age_only
    assert not catalogue.item(7).working_age_check  # 招聘零工登记: no age rule
    for item_id in ("1", "11", "S000-03", "S000-08"):
        assert catalogue.item(item_id).working_age_check and not catalogue.item(item_id).min_age_only
    for path in catalogue.sources:
        assert "retirement_age" not in path.read_text(encoding="utf-8")


def test_min_age_is_data(cat_copy: Path) -> None:
    _edit(cat_copy / "profiles" / "default.toml", "min_age = 16", "min_age = 18")
    cat = load_catalogue(cat_copy, "default")
    assert not cat.working_age(date(2008, 6, 16), TODAY)
    assert cat.working_age(date(2007, 6, 15), TODAY)


def test_the_unemployment_closing_text_differs_by_profile(default: Catalogue, shanxi: Catalogue) -> None:
    """告知承诺制 asks for the ID only; Shanxi 2019 asks for materials by the reason (seed 000)."""
    assert "带身份证" in default.item(11).closing_note and "5个工作日" in default.item(11).closing_note
    assert "户籍首页" in shanxi.item(11).closing_note and "10个工作日" in shanxi.item(11).closing_note
    assert "带身份证" not in shanxi.item(11).closing_note


def test_the_demo_site_uses_the_shanxi_profile() -> None:
    with (PROJECT_ROOT / "config" / "demo.toml").open("rb") as fh:
        assert tomllib.load(fh)["kiosk"]["province_profile"] == "shanxi-2019"  # 天镇县 is in 山西


def test_service_item_is_frozen(default: Catalogue) -> None:
    item: ServiceItem = default.item(1)
    with pytest.raises(AttributeError):
        item.name = "x"  # type: ignore[misc]


def test_employer_matters_are_a_group_named_as_seeds_000_and_002_name_them(default: Catalogue) -> None:
    """单位业务 (issue 11 §6): seed 000's 单位 function and seed 002's two employer applications, verbatim."""
    items = default.items_in("单位业务")
    names = {i.name for i in items}
    assert names == {"发布招聘岗位信息", "就业见习单位申请", "就业见习岗位申请"}
    seed002 = _seed("002")
    assert "就业见习单位申请" in seed002 and "就业见习岗位申请" in seed002
    assert all(i.is_guidance and i.web_hall and not i.login_required for i in items)
