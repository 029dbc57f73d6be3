"""Load, validate and query the service catalogue (服务事项目录) and its province profile."""

from __future__ import annotations

import enum
import logging
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, Field, create_model

from config import CONFIG_DIR
from config.schema import NON_BLANK, SchemaProblem, Table, validate_table

log = logging.getLogger(__name__)

CATALOGUE_DIR = CONFIG_DIR / "catalogue"
SERVICES_FILE = "services.toml"
PROFILES_DIR = "profiles"
SCHEMA_VERSION = 1

# Plain-Chinese texts shown to people (errors for technicians, slip headings, age messages).
MESSAGES: Mapping[str, str] = MappingProxyType(
    {
        # configuration errors: {where} is a file, {item} "事项 11（失业登记）", {key} the TOML key
        "file_missing": "服务事项目录文件不存在：{where}",
        "file_invalid": "服务事项目录文件 {where} 不是有效的 TOML：{detail}",
        "file_unreadable": "无法读取服务事项目录文件 {where}：{detail}",
        "profile_unknown": "没有名为 {profile} 的省份配置（{where}）；可用的配置：{available}",
        "bad_value": "{where}: {item} 的 {key} 无效：应为{expected}",
        "missing_key": "{where}: {item} 缺少 {key}",
        "unknown_key": "{where}: {item} 有未知的配置项 {key}；可用的配置项：{allowed}",
        "duplicate": "{where}: {item} 的 {key} 与 {other} 重复：{value}",
        "unknown_group": "{where}: {item} 的 group {value} 不在 groups 列表中：{groups}",
        "guidance_on_kiosk": "{where}: {item} 的 channels 含自助机，但 kind = guidance 的事项在自助机上没有办理流程",
        "no_materials": "{where}: {item} 需要在柜面或登录后办理，materials 与 material_cases 不能都为空",
        "unknown_ref": "{where}: {item} 的 {key} 引用了不存在的事项 {value}",
        "override_unknown_item": "{where}: [items.{value}] 不是服务事项目录中的事项",
        "override_forbidden": "{where}: {item} 的 {key} 不能在省份配置中修改；可修改的配置项：{allowed}",
        "commitment_materials": (
            "{where}: {item} 的 {key} 违反告知承诺制：除本人身份证件外不得要求其他材料，多出的材料：{value}"
        ),
        "commitment_cases": "{where}: {item} 的 {key} 违反告知承诺制：不得按情形要求身份证件以外的材料",
        "selection_unknown": "服务开关 {key} 中的 {value} 不是事项编号、事项代码、分组名或 all",
        "schema_version": "{where}: schema_version 应为 {expected}，实际为 {value}",
        # lookups
        "item_unavailable": "该服务事项在本机不可用：{value}",
        "code_ambiguous": "事项代码 {value} 有多个变体，请指定 variant：{variants}",
        # working age
        "age_too_young": "未满{min_age}周岁，不在劳动年龄内，暂不能办理。",
        "age_pension": "平台记录显示您已依法享受基本养老保险待遇，不在劳动年龄内，暂不能办理。",
        "age_unborn": "出生日期晚于今天，请核对身份信息。",
        # guidance slip (一次性告知单)
        "slip_title": "一次性告知单",
        "slip_item": "办理事项",
        "slip_content": "事项说明",
        "slip_audience": "服务对象",
        "slip_conditions": "办理条件",
        "slip_materials": "所需材料",
        "slip_case": "{when}：{items}",
        "slip_no_materials": "无需提交材料",
        "slip_time_limit": "办结时限",
        "slip_place": "办理地点",
        "slip_phone": "联系电话：{phone}",
        "slip_office": "受理机构",
        "slip_procedure": "办理流程",
        "slip_basis": "办事依据",
        "slip_result": "结果公开",
        "slip_notes": "温馨提示",
        "slip_channel_kiosk": "本事项也可在本服务点自助机上办理。",
        "slip_footer": "依照首问负责制、全程代理制、一次性告知制，本单一次性告知办理本事项所需的全部材料，请备齐后一次办结。",
    }
)


def _msg(message: str, **kw: Any) -> str:
    return MESSAGES[message].format(**kw)


class CatalogueError(ValueError):
    """A catalogue or profile problem; the message names the file, the item and the key."""


class ItemUnavailable(KeyError):
    """Asked for an item that does not exist or is switched off on this kiosk."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class Channel(enum.StrEnum):
    """Where an item can be done: the self-service kiosk (自助机) or the staffed counter (柜面)."""

    KIOSK = "kiosk"
    COUNTER = "counter"

    @property
    def label(self) -> str:
        """The Chinese word residents see."""
        return {"kiosk": "自助机", "counter": "柜面"}[self.value]


class ItemKind(enum.StrEnum):
    """How the kiosk serves an item."""

    FORM = "form"  # a registration/application written to the outbox, reviewed by the platform
    LOCAL_QUERY = "local_query"  # search over cached reference data (works offline)
    LIVE_QUERY = "live_query"  # personal records asked from the platform (never cached)
    GUIDANCE = "guidance"  # counter-only: guidance page and printed 一次性告知单


@dataclass(frozen=True)
class MaterialCase:
    """Extra materials needed in one situation, e.g. 就业类型为个体经营 → 营业执照."""

    when: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class Prerequisite:
    """Who must first do another item (e.g. internship applicants without a 就业创业证)."""

    when: str
    item_id: str


@dataclass(frozen=True)
class ServiceItem:
    """One service item (服务事项) as the active province profile sees it."""

    id: str
    no: int | None  # 序号 in seed 003 附件1, None for items from other documents
    group: str
    name: str
    code: str
    variant: str | None
    kind: ItemKind
    content: str
    channels: tuple[Channel, ...]
    audience: str
    conditions: str
    time_limit: str
    login_required: bool
    materials: tuple[str, ...]
    material_cases: tuple[MaterialCase, ...]
    procedure: tuple[str, ...]
    basis: tuple[str, ...]
    result_publication: str
    source: str
    requires_consent: bool = False
    working_age_check: bool = False  # 劳动年龄: at least min_age, and not receiving a basic pension
    min_age_only: bool = False  # with working_age_check: the lower bound only (gig work: no upper age)
    in_person_review: bool = False
    restricted_to: str | None = None  # a platform flag the person needs, e.g. "hard_to_employ"
    handling_office: str = ""
    prerequisites: tuple[Prerequisite, ...] = ()
    notes: tuple[str, ...] = ()
    source_note: str = ""
    closing_note: str = ""  # what the kiosk says and prints after a submission (differs by province)
    short_name: str = ""  # the plain words a villager says ("查养老保险缴费"); the official name stays beneath
    web_hall: bool = False  # done at the province's web hall (单位业务): its 办事指南 shows the web hall's QR code

    @property
    def display_name(self) -> str:
        """What a tile shows first: the short name when the catalogue gives one, else the official name."""
        return self.short_name or self.name

    @property
    def is_kiosk_item(self) -> bool:
        """Done on the kiosk end to end (channel includes 自助机 and there is a kiosk flow)."""
        return Channel.KIOSK in self.channels and self.kind is not ItemKind.GUIDANCE

    @property
    def is_guidance(self) -> bool:
        """Shown as guidance only: the resident is sent to the counter with a 一次性告知单."""
        return not self.is_kiosk_item

    @property
    def channel_text(self) -> str:
        """服务渠道 as the seed writes it, e.g. 柜面、自助机."""
        order = (Channel.COUNTER, Channel.KIOSK)
        return "、".join(c.label for c in order if c in self.channels)


@dataclass(frozen=True)
class WorkingAgeRule:
    """劳动年龄 as seed 004 states it: from min_age (inclusive) until the person receives a basic pension.

    The upper bound is never an age: only the platform knows whether someone 依法享受基本养老保险待遇,
    so it is checked only when the platform has answered (None = not known, e.g. offline: the
    registration is accepted and the platform decides). Items with `min_age_only` have no upper bound.
    """

    min_age: int
    rule_text: str = ""

    @staticmethod
    def age_on(birth_date: date, today: date) -> int:
        """Full years (周岁) on `today`; a 29 February birthday counts from 1 March in other years."""
        years = today.year - birth_date.year
        if (today.month, today.day) < (birth_date.month, birth_date.day):
            years -= 1
        return years

    def problem(self, birth_date: date, today: date, *, receives_basic_pension: bool | None = None,
                upper_bound: bool = True) -> str | None:
        """The plain-Chinese reason a person is outside working age, or None when inside (or not known)."""
        if birth_date > today:
            return _msg("age_unborn")
        if self.age_on(birth_date, today) < self.min_age:
            return _msg("age_too_young", min_age=self.min_age)
        if upper_bound and receives_basic_pension:
            return _msg("age_pension")
        return None

    def applies(self, birth_date: date, today: date, *, receives_basic_pension: bool | None = None,
                upper_bound: bool = True) -> bool:
        """True when the person is of working age on `today` as far as the kiosk can tell."""
        return self.problem(birth_date, today, receives_basic_pension=receives_basic_pension,
                            upper_bound=upper_bound) is None


@dataclass(frozen=True)
class Commitment:
    """The 告知承诺 / own-confirmation text a resident reads before the listed items are submitted."""

    title: str
    paragraphs: tuple[str, ...]
    items: tuple[str, ...]  # item ids whose flow shows this text and needs the resident's confirmation
    id_only: bool  # 告知承诺制: no document beyond the ID may be demanded for those items
    allowed_materials: tuple[str, ...]
    sources: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """Title and paragraphs, one per line."""
        return "\n".join((self.title, *self.paragraphs))


@dataclass(frozen=True)
class ProvinceProfile:
    """A province/year profile (which document's materials, conditions and time limits apply)."""

    name: str
    title: str
    description: str
    source: str


@dataclass(frozen=True)
class SlipSection:
    """One headed block of a printed slip."""

    heading: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class GuidanceSlip:
    """A 一次性告知单 as plain data; receipts/UI decide the layout."""

    title: str
    item_id: str
    sections: tuple[SlipSection, ...]
    footer: str

    def lines(self) -> tuple[str, ...]:
        """Flat text lines: title, then each heading followed by its lines, then the footer."""
        out: list[str] = [self.title]
        for s in self.sections:
            out.append(f"【{s.heading}】")
            out.extend(s.lines)
        out.append(self.footer)
        return tuple(out)


# ----------------------------------------------------------------------------------------------
# raw TOML → validated values
# ----------------------------------------------------------------------------------------------
Text = Annotated[str, NON_BLANK, Field(description="非空字符串")]
AnyText = Annotated[str, Field(description="字符串")]
Flag = Annotated[bool, Field(description="true 或 false")]
PositiveInt = Annotated[int, Field(ge=1, description="正整数")]
Texts = Annotated[list[Annotated[str, NON_BLANK]], Field(description="非空字符串的列表")]
SomeTexts = Annotated[list[Annotated[str, NON_BLANK]], Field(min_length=1, description="至少含一项的字符串列表")]
CHANNELS_FORM = '由 "counter"（柜面）和/或 "kiosk"（自助机）组成的非空列表'
CASES_FORM = '列表，每项形如 { when = "情形", items = ["材料", …] }'
PREREQUISITES_FORM = '列表，每项形如 { when = "情形", item = "事项编号" }'


def _distinct(channels: list[Channel]) -> list[Channel]:
    if len(set(channels)) != len(channels):
        raise ValueError(CHANNELS_FORM)
    return channels


class CaseTable(Table):
    """One entry of material_cases: in this situation, these extra materials."""

    when: Text
    items: SomeTexts


class PrerequisiteTable(Table):
    """One entry of prerequisites: in this situation, that item first."""

    when: Text
    item: Text


class ItemTable(Table):
    """One [[item]] of services.toml, merged with its profile override; absent optional keys take ServiceItem's default."""

    id: Text
    no: Annotated[PositiveInt | None, Field(description="正整数")] = None
    group: Text
    name: Text
    short_name: AnyText = ""
    code: Text
    variant: Annotated[Text | None, Field(description="非空字符串")] = None
    kind: Annotated[ItemKind, Field(strict=False, description="以下之一：" + " / ".join(k.value for k in ItemKind))]
    content: Text
    channels: Annotated[list[Annotated[Channel, Field(strict=False)]], AfterValidator(_distinct),
                        Field(min_length=1, description=CHANNELS_FORM)]
    audience: Text
    conditions: Text
    time_limit: Text
    login_required: Flag
    materials: Texts
    material_cases: Annotated[list[CaseTable], Field(description=CASES_FORM)] = []
    procedure: Annotated[SomeTexts | None, Field(description="至少含一项的字符串列表")] = None  # None: [defaults]
    basis: SomeTexts
    result_publication: Annotated[Text | None, Field(description="非空字符串")] = None  # None: [defaults]
    source: Text
    requires_consent: Flag = False
    working_age_check: Flag = False
    min_age_only: Flag = False
    in_person_review: Flag = False
    restricted_to: Annotated[Text | None, Field(description="非空字符串")] = None
    handling_office: AnyText = ""
    prerequisites: Annotated[list[PrerequisiteTable], Field(description=PREREQUISITES_FORM)] = []
    notes: Texts = []
    source_note: AnyText = ""
    closing_note: AnyText = ""
    web_hall: Flag = False


class ServicesFile(Table):
    """services.toml's top level (schema_version, [defaults] and [[item]] are checked on their own)."""

    schema_version: Any = None
    groups: SomeTexts
    defaults: Any = None
    item: Any = None


def _by_kind(name: str, value: Any) -> type[Table]:
    """A [defaults.<key>] table: one `value` for each item kind (ItemKind), no other key."""
    fields: dict[str, Any] = {kind.value: (value, ...) for kind in ItemKind}
    return create_model(name, __base__=Table, **fields)


ProcedureDefaults = _by_kind("ProcedureDefaults", SomeTexts)  # [defaults.procedure]: an item that gives none
ResultDefaults = _by_kind("ResultDefaults", Text)  # [defaults.result_publication]: how the result is made known


class DefaultsTable(Table):
    """[defaults] of services.toml."""

    procedure: Any = None
    result_publication: Any = None


class ProfileFile(Table):
    """A province profile's top level."""

    profile: Any = None
    working_age: Any = None
    commitment: Any = None
    items: Any = None


class ProfileTable(Table):
    """[profile]: which document this profile follows."""

    name: Text
    title: Text
    description: AnyText
    source: AnyText


class WorkingAgeTable(Table):
    """[working_age]: 劳动年龄 from min_age (seed 004)."""

    min_age: PositiveInt
    rule_text: AnyText = ""


class CommitmentTable(Table):
    """[commitment]: the 告知承诺 text (its [[commitment.paragraph]] are checked one by one)."""

    title: Text
    id_only: Flag
    items: Texts
    allowed_materials: Texts
    paragraph: Any = None


class ParagraphTable(Table):
    """One [[commitment.paragraph]]: a paragraph and the document it quotes."""

    text: Text
    source: Text


# what a province profile may change (an override replaces the whole value)
OVERRIDABLE = (
    "short_name",
    "audience",
    "conditions",
    "time_limit",
    "materials",
    "material_cases",
    "procedure",
    "basis",
    "result_publication",
    "handling_office",
    "channels",
    "login_required",
    "notes",
    "closing_note",
)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise CatalogueError(_msg("file_missing", where=path)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(_msg("file_invalid", where=path, detail=exc)) from exc
    except OSError as exc:
        raise CatalogueError(_msg("file_unreadable", where=path, detail=exc)) from exc


def _label(raw: Mapping[str, Any], index: int | None = None) -> str:
    ident = raw.get("id")
    name = raw.get("name")
    if isinstance(ident, str) and isinstance(name, str):
        return f"事项 {ident}（{name}）"
    if isinstance(ident, str):
        return f"事项 {ident}"
    return f"第 {index + 1} 个 [[item]]" if index is not None else "事项"


T = TypeVar("T", bound=Table)


def _table(model: type[T], data: Mapping[str, Any], label: str, where: Path | Callable[[str], Path],
           names: Mapping[str, str] | None = None) -> T:
    """`data` checked against `model`; CatalogueError naming the file, `label` and the first wrong key.

    Unknown keys are named before wrong or missing ones; `where` may depend on the key (an item's value
    from its profile override is the profile's); `names` shows a key as the file writes it ("[[item]]").
    """
    try:
        return validate_table(model, data)
    except SchemaProblem as exc:
        problem = exc.first("unknown")
        place = where if isinstance(where, Path) else where(problem.field)
        key = (names or {}).get(problem.field, problem.field)
        if problem.kind == "unknown":
            raise CatalogueError(_msg("unknown_key", where=place, item=label, key=problem.field,
                                      allowed=", ".join(model.model_fields))) from None
        if problem.kind == "missing":
            raise CatalogueError(_msg("missing_key", where=place, item=label, key=key)) from None
        raise CatalogueError(_msg("bad_value", where=place, item=label, key=key, expected=problem.expected)) from None


def _section(where: Path, raw: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = raw.get(name)
    if not isinstance(value, dict):
        raise CatalogueError(_msg("missing_key", where=where, item="文件", key=f"[{name}]"))
    return value


def _build_item(
    raw: Mapping[str, Any],
    origin: Callable[[str], Path],
    label: str,
    defaults: Mapping[str, Mapping[str, Any]],
) -> ServiceItem:
    t = _table(ItemTable, raw, label, origin)
    kind = t.kind.value
    if t.no is not None and t.id != str(t.no):
        raise CatalogueError(_msg("bad_value", where=origin("id"), item=label, key="id", expected=f'与 no 相同的 "{t.no}"'))
    values = t.model_dump()
    values.update(
        channels=tuple(t.channels),
        materials=tuple(t.materials),
        material_cases=tuple(MaterialCase(when=c.when, items=tuple(c.items)) for c in t.material_cases),
        procedure=tuple(t.procedure) if t.procedure is not None else defaults["procedure"][kind],
        basis=tuple(t.basis),
        result_publication=t.result_publication or defaults["result_publication"][kind],
        prerequisites=tuple(Prerequisite(when=p.when, item_id=p.item) for p in t.prerequisites),
        notes=tuple(t.notes),
    )
    item = ServiceItem(**values)
    if item.kind is ItemKind.GUIDANCE and Channel.KIOSK in item.channels:
        raise CatalogueError(_msg("guidance_on_kiosk", where=origin("channels"), item=label))
    needs_materials = item.login_required or item.is_guidance
    if needs_materials and not item.materials and not item.material_cases:
        raise CatalogueError(_msg("no_materials", where=origin("materials"), item=label))
    return item


def _load_defaults(where: Path, raw: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    d = _table(DefaultsTable, _section(where, raw, "defaults"), "[defaults]", where)
    for key in ("procedure", "result_publication"):
        if not isinstance(getattr(d, key), dict):
            raise CatalogueError(_msg("missing_key", where=where, item="[defaults]", key=key))
    procedure = _table(ProcedureDefaults, d.procedure, "[defaults.procedure]", where)
    result = _table(ResultDefaults, d.result_publication, "[defaults.result_publication]", where)
    return {
        "procedure": {k.value: tuple(getattr(procedure, k.value)) for k in ItemKind},
        "result_publication": {k.value: getattr(result, k.value) for k in ItemKind},
    }


def _load_profile_meta(where: Path, raw: Mapping[str, Any]) -> tuple[ProvinceProfile, WorkingAgeRule, Commitment]:
    _table(ProfileFile, raw, "省份配置", where)
    p = _table(ProfileTable, _section(where, raw, "profile"), "[profile]", where)
    profile = ProvinceProfile(name=p.name, title=p.title, description=p.description, source=p.source)
    w = _table(WorkingAgeTable, _section(where, raw, "working_age"), "[working_age]", where)
    cl = "[commitment]"
    c = _table(CommitmentTable, _section(where, raw, "commitment"), cl, where)
    if not isinstance(c.paragraph, list) or not c.paragraph:
        raise CatalogueError(_msg("missing_key", where=where, item=cl, key="[[commitment.paragraph]]"))
    paragraphs = []
    for i, para in enumerate(c.paragraph):
        pl = f"[[commitment.paragraph]] 第 {i + 1} 段"
        if not isinstance(para, dict):
            raise CatalogueError(_msg("bad_value", where=where, item=pl, key="paragraph", expected="表"))
        paragraphs.append(_table(ParagraphTable, para, pl, where))
    commitment = Commitment(
        title=c.title,
        paragraphs=tuple(para.text for para in paragraphs),
        items=tuple(c.items),
        id_only=c.id_only,
        allowed_materials=tuple(c.allowed_materials),
        sources=tuple(para.source for para in paragraphs),
    )
    return profile, WorkingAgeRule(min_age=w.min_age, rule_text=w.rule_text), commitment


def available_profiles(catalogue_dir: Path = CATALOGUE_DIR) -> tuple[str, ...]:
    """Names of the province profiles found under <catalogue_dir>/profiles."""
    return tuple(sorted(p.stem for p in (Path(catalogue_dir) / PROFILES_DIR).glob("*.toml")))


# ----------------------------------------------------------------------------------------------
# the catalogue
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Catalogue:
    """The enabled service items of one kiosk under one province profile, with lookups."""

    profile: ProvinceProfile
    items: tuple[ServiceItem, ...]
    group_order: tuple[str, ...]
    working_age_rule: WorkingAgeRule
    commitment: Commitment
    disabled: tuple[str, ...] = ()  # ids switched off by the site settings
    sources: tuple[Path, ...] = ()
    _by_id: Mapping[str, ServiceItem] = field(init=False, repr=False, compare=False)
    _by_code: Mapping[tuple[str, str | None], ServiceItem] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", MappingProxyType({i.id: i for i in self.items}))
        object.__setattr__(self, "_by_code", MappingProxyType({(i.code, i.variant): i for i in self.items}))

    def __iter__(self) -> Iterator[ServiceItem]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __contains__(self, item_id: object) -> bool:
        return str(item_id) in self._by_id

    def groups(self) -> tuple[str, ...]:
        """Groups that have at least one enabled item, in display order."""
        present = {i.group for i in self.items}
        return tuple(g for g in self.group_order if g in present)

    def items_in(self, group: str) -> tuple[ServiceItem, ...]:
        """The enabled items of a group in display order (empty for an unknown group)."""
        return tuple(i for i in self.items if i.group == group)

    def item(self, item_id: str | int) -> ServiceItem:
        """The item with this id ("11", 11, "S000-01"); ItemUnavailable if absent or switched off."""
        try:
            return self._by_id[str(item_id)]
        except KeyError:
            raise ItemUnavailable(_msg("item_unavailable", value=item_id)) from None

    def by_code(self, code: str, variant: str | None = None) -> ServiceItem:
        """The item with this code name and variant (None = the plain one, e.g. 求职登记)."""
        try:
            return self._by_code[(code, variant)]
        except KeyError:
            variants = sorted(str(v) for (c, v) in self._by_code if c == code)
            if variant is None and variants:
                raise ItemUnavailable(
                    _msg("code_ambiguous", value=code, variants=", ".join(variants))
                ) from None
            raise ItemUnavailable(
                _msg("item_unavailable", value=f"{code}/{variant}" if variant else code)
            ) from None

    def is_kiosk_item(self, item: ServiceItem | str | int) -> bool:
        """True when the item is done on the kiosk end to end; False means guidance (counter)."""
        return self._resolve(item).is_kiosk_item

    def kiosk_items(self) -> tuple[ServiceItem, ...]:
        """Items with a kiosk flow."""
        return tuple(i for i in self.items if i.is_kiosk_item)

    def guidance_items(self) -> tuple[ServiceItem, ...]:
        """Items shown as guidance and 一次性告知单 only."""
        return tuple(i for i in self.items if i.is_guidance)

    def public_items(self) -> tuple[ServiceItem, ...]:
        """Kiosk items that can be browsed without a card."""
        return tuple(i for i in self.items if i.is_kiosk_item and not i.login_required)

    def commitment_text(self) -> str:
        """The text a resident reads and confirms before 失业登记 (and the other commitment items)."""
        return self.commitment.text

    def needs_commitment(self, item: ServiceItem | str | int) -> bool:
        """True when the item's flow must show the commitment text and get the resident's confirmation."""
        return self._resolve(item).id in self.commitment.items

    def working_age(self, birth_date: date, today: date, *, receives_basic_pension: bool | None = None) -> bool:
        """True when the person is of working age (劳动年龄) on `today` under this profile."""
        return self.working_age_rule.applies(birth_date, today, receives_basic_pension=receives_basic_pension)

    def guidance_slip(
        self, item: ServiceItem | str | int, service_point_name: str, counter: str, *, phone: str = ""
    ) -> GuidanceSlip:
        """Everything a 一次性告知单 for this item needs, as headed plain-text lines."""
        it = self._resolve(item)
        m = MESSAGES
        materials = list(it.materials)
        materials += [_msg("slip_case", when=c.when, items="、".join(c.items)) for c in it.material_cases]
        materials_lines = tuple(f"{n}. {t}" for n, t in enumerate(materials, 1)) or (m["slip_no_materials"],)
        place = [f"{service_point_name} {counter}".strip()]
        if phone:
            place.append(_msg("slip_phone", phone=phone))
        sections = [
            SlipSection(m["slip_item"], (it.name,)),
            SlipSection(m["slip_content"], (it.content,)),
            SlipSection(m["slip_audience"], (it.audience,)),
            SlipSection(m["slip_conditions"], (it.conditions,)),
            SlipSection(m["slip_materials"], materials_lines),
            SlipSection(m["slip_time_limit"], (it.time_limit,)),
            SlipSection(m["slip_place"], tuple(place)),
        ]
        if it.handling_office:
            sections.append(SlipSection(m["slip_office"], (it.handling_office,)))
        sections += [
            SlipSection(m["slip_procedure"], tuple(f"{n}. {t}" for n, t in enumerate(it.procedure, 1))),
            SlipSection(m["slip_basis"], it.basis),
            SlipSection(m["slip_result"], (it.result_publication,)),
        ]
        notes = list(it.notes)
        if it.is_kiosk_item:
            notes.append(m["slip_channel_kiosk"])
        if notes:
            sections.append(SlipSection(m["slip_notes"], tuple(notes)))
        return GuidanceSlip(
            title=m["slip_title"], item_id=it.id, sections=tuple(sections), footer=m["slip_footer"]
        )

    def _resolve(self, item: ServiceItem | str | int) -> ServiceItem:
        return item if isinstance(item, ServiceItem) else self.item(item)


def _select(
    items: list[ServiceItem], groups: tuple[str, ...], enabled: Iterable[str], disabled: Iterable[str | int]
) -> tuple[list[ServiceItem], tuple[str, ...]]:
    """Apply the site's [services] switches: enabled = all / groups / ids / codes; disabled = ids / codes."""
    ids = {i.id for i in items}
    codes = {i.code for i in items}

    def matches(token: str | int, key: str, allow_groups: bool) -> Callable[[ServiceItem], bool]:
        t = str(token)
        if isinstance(token, int) and not isinstance(token, bool) and t in ids:
            return lambda i: i.id == t
        if isinstance(token, str):
            if t == "all" and allow_groups:
                return lambda i: True
            if t in ids:
                return lambda i: i.id == t
            if t in codes:
                return lambda i: i.code == t
            if allow_groups and t in groups:
                return lambda i: i.group == t
        raise CatalogueError(_msg("selection_unknown", key=key, value=repr(token)))

    on = [matches(t, "services.enabled", True) for t in enabled]
    off = [matches(t, "services.disabled_items", False) for t in disabled]
    kept, dropped = [], []
    for i in items:
        if any(f(i) for f in on) and not any(f(i) for f in off):
            kept.append(i)
        else:
            dropped.append(i.id)
    return kept, tuple(dropped)


def _load_items(
    raw_items: list[Any],
    overrides: Mapping[str, Mapping[str, Any]],
    groups: tuple[str, ...],
    defaults: Mapping[str, Mapping[str, Any]],
    services_path: Path,
    profile_path: Path,
) -> list[ServiceItem]:
    """Each [[item]] merged with its profile override, validated, checked for duplicates."""
    items: list[ServiceItem] = []
    seen: dict[str, dict[Any, str]] = {"id": {}, "name": {}, "code": {}, "no": {}}
    for index, r in enumerate(raw_items):
        if not isinstance(r, dict):
            raise CatalogueError(
                _msg("bad_value", where=services_path, item=_label({}, index), key="item", expected="表")
            )
        label = _label(r, index)
        over = overrides.get(str(r.get("id")), {})
        for key in over:
            if key not in OVERRIDABLE:
                raise CatalogueError(
                    _msg(
                        "override_forbidden",
                        where=profile_path,
                        item=label,
                        key=key,
                        allowed=", ".join(OVERRIDABLE),
                    )
                )
        merged = {**r, **over}

        def origin(key: str, _over: Mapping[str, Any] = over) -> Path:
            return profile_path if key in _over else services_path

        item = _build_item(merged, origin, label, defaults)
        for key, value in (
            ("id", item.id),
            ("name", item.name),
            ("code", (item.code, item.variant)),
            ("no", item.no),
        ):
            if value is None:
                continue
            if value in seen[key]:
                shown = "/".join(str(v) for v in value if v) if isinstance(value, tuple) else value
                raise CatalogueError(
                    _msg(
                        "duplicate",
                        where=services_path,
                        item=label,
                        key=key,
                        other=seen[key][value],
                        value=shown,
                    )
                )
            seen[key][value] = label
        if item.group not in groups:
            raise CatalogueError(
                _msg(
                    "unknown_group",
                    where=services_path,
                    item=label,
                    value=item.group,
                    groups=", ".join(groups),
                )
            )
        items.append(item)
    return items


def load_catalogue(
    catalogue_dir: Path = CATALOGUE_DIR,
    profile: str = "default",
    *,
    disabled_items: Iterable[str | int] = (),
    enabled: Iterable[str] = ("all",),
) -> Catalogue:
    """Read services.toml and profiles/<profile>.toml, validate them, apply the site's switches.

    Raises CatalogueError naming the file, the item and the key of the first problem found.
    """
    catalogue_dir = Path(catalogue_dir)
    services_path = catalogue_dir / SERVICES_FILE
    profile_path = catalogue_dir / PROFILES_DIR / f"{profile}.toml"
    if not profile_path.is_file():
        raise CatalogueError(
            _msg(
                "profile_unknown",
                profile=profile,
                where=profile_path,
                available=", ".join(available_profiles(catalogue_dir)) or "无",
            )
        )
    raw = _read_toml(services_path)
    prof_raw = _read_toml(profile_path)
    if raw.get("schema_version") != SCHEMA_VERSION:
        raise CatalogueError(
            _msg(
                "schema_version",
                where=services_path,
                expected=SCHEMA_VERSION,
                value=raw.get("schema_version"),
            )
        )
    groups = tuple(_table(ServicesFile, raw, "文件", services_path).groups)
    defaults = _load_defaults(services_path, raw)
    prof, rule, commitment = _load_profile_meta(profile_path, prof_raw)

    raw_items = raw.get("item")
    if not isinstance(raw_items, list) or not raw_items:
        raise CatalogueError(_msg("missing_key", where=services_path, item="文件", key="[[item]]"))
    overrides = prof_raw.get("items", {})
    if not isinstance(overrides, dict):
        raise CatalogueError(_msg("bad_value", where=profile_path, item="文件", key="items", expected="表"))
    known_ids = {r.get("id") for r in raw_items if isinstance(r, dict)}
    for oid, table in overrides.items():
        if oid not in known_ids:
            raise CatalogueError(_msg("override_unknown_item", where=profile_path, value=oid))
        if not isinstance(table, dict):
            raise CatalogueError(
                _msg("bad_value", where=profile_path, item=f"事项 {oid}", key=oid, expected="表")
            )

    items = _load_items(raw_items, overrides, groups, defaults, services_path, profile_path)

    by_id = {i.id: i for i in items}
    for item in items:
        for pre in item.prerequisites:
            if pre.item_id not in by_id:
                raise CatalogueError(
                    _msg(
                        "unknown_ref",
                        where=services_path,
                        item=_label(vars(item)),
                        key="prerequisites",
                        value=pre.item_id,
                    )
                )
    for cid in commitment.items:
        if cid not in by_id:
            raise CatalogueError(
                _msg("unknown_ref", where=profile_path, item="[commitment]", key="items", value=cid)
            )
        if commitment.id_only:
            _check_commitment(by_id[cid], commitment, overrides.get(cid, {}), profile_path, services_path)

    kept, dropped = _select(items, groups, enabled, disabled_items)
    if dropped:
        log.info("service items switched off by site settings: %s", ", ".join(dropped))
    return Catalogue(
        profile=prof,
        items=tuple(kept),
        group_order=groups,
        working_age_rule=rule,
        commitment=commitment,
        disabled=dropped,
        sources=(services_path, profile_path),
    )


def _check_commitment(
    item: ServiceItem,
    commitment: Commitment,
    over: Mapping[str, Any],
    profile_path: Path,
    services_path: Path,
) -> None:
    """告知承诺制: an id_only commitment item may ask for nothing beyond the ID documents."""
    label = f"事项 {item.id}（{item.name}）"

    def where(key: str) -> Path:
        return profile_path if key in over else services_path

    extra = [m for m in item.materials if m not in commitment.allowed_materials]
    if extra:
        raise CatalogueError(
            _msg(
                "commitment_materials",
                where=where("materials"),
                item=label,
                key="materials",
                value="、".join(extra),
            )
        )
    if item.material_cases:
        raise CatalogueError(
            _msg("commitment_cases", where=where("material_cases"), item=label, key="material_cases")
        )
