"""Form definitions as data (config/forms/*.toml): load and check them, validate answers, build payloads.

Pure: no Qt, no database, no clock of its own (`today` is passed in). The Chinese texts a resident
reads (questions, options, what-to-do messages) live in the TOML files; the few generic ones are in
MESSAGES below.
"""

from __future__ import annotations

import base64
import enum
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, Literal, TypeVar, get_args

from pydantic import Field, StringConstraints

from config import CONFIG_DIR
from config.schema import NON_BLANK, SchemaProblem, Table, validate_table
from devices.idnumber import IdNumberFault, InvalidIdNumber, validate_id_number
from kiosk.masking import age_band, mask_id_number, mask_name, mask_phone
from kiosk.photo import PhotoInvalid, check_photo

FORMS_DIR = CONFIG_DIR / "forms"

# Generic plain texts; a field's own `messages` table overrides any of the answer messages.
MESSAGES: Mapping[str, str] = MappingProxyType({
    # definition errors (for technicians): they name the file, the form, the field and the key
    "def_invalid_toml": "表单定义文件 {where} 不是有效的 TOML：{detail}",
    "def_missing": "{where}: 表单 {form} {field}缺少 {key}",
    "def_bad": "{where}: 表单 {form} {field}的 {key} 无效：应为{expected}",
    "def_unknown_key": "{where}: 表单 {form} {field}有未知的配置项 {key}；可用的配置项：{allowed}",
    "def_duplicate": "{where}: 表单 {form} {field}的 {key} 重复：{value}",
    "def_unknown_ref": "{where}: 表单 {form} {field}的 {key} 引用了不存在的字段 {value}",
    "def_dup_form": "{where}: 表单 id {value} 与 {other} 重复",
    "def_dup_item": "{where}: 事项 {value} 已由 {other} 定义表单",
    # answers
    "required": "请填写这一项",
    "required_choice": "请点选一项",
    "invalid_phone": "请输入11位手机号码",
    "invalid_date": "请用数字键输入完整的日期：2025年3月1日 就按 20250301",
    "invalid_number": "请输入数字",
    "invalid_id_number": "身份证号码应为18位：17位数字，最后一位是数字或X",
    "invalid_id_number_date": "身份证号码中的出生日期不对，请核对后重新输入",
    "invalid_id_number_check": "身份证号码有误（校验位不符），请逐位核对后重新输入",
    "too_small": "不能小于{min}",
    "too_large": "不能大于{max}",
    "too_early": "日期不能早于{limit}",
    "too_late": "日期不能晚于{limit}",
    "before_other": "不能早于“{other}”",
    "too_long": "最多{max}个字",
    "too_short": "至少{min}位",
    "not_an_option": "请从列表中点选",
    "confirmation_missing": "请先阅读并确认告知内容",
    "photo_missing": "请拍一张照片：点“拍照”，满意后点“使用这张”",
    "photo_invalid": "照片没有拍好，请点“重拍”",
    "photo_taken": "已拍照",
    "photo_at_counter": "到柜台拍摄",
    # previews of what a registration publishes (FieldDef.preview)
    "preview_gig_seeker": "公开后，别人看到的是：\n{name}　{age_band}\n会做：{skills}　{wage}\n{village}　电话 {phone}",
    "preview_wage": "期望{v}元/天",
    # review values
    "not_given": "未填写",
    "yes": "是",
    "no": "否",
})


class FormDefinitionError(ValueError):
    """A broken form definition; the message names the file, the form, the field and the key."""


class FieldKind(enum.StrEnum):
    """How a question is answered on the kiosk."""

    CARD = "card"  # filled from the ID card / social security card; never typed
    CHOICE = "choice"  # a few options from the definition, big buttons
    CODE = "code"  # options from a code list of the offline cache (towns, categories…): buttons or the picker
    PHONE = "phone"  # numeric keypad, 11-digit mobile number
    DATE = "date"  # numeric keypad, YYYYMMDD
    AMOUNT = "amount"  # numeric keypad, whole yuan
    NUMBER = "number"  # numeric keypad, a count (e.g. headcount)
    DIGITS = "digits"  # numeric keypad, a number string (e.g. a certificate number)
    ID_NUMBER = "id_number"  # numeric keypad with X, an 18-character identity number (GB 11643 checked)
    TEXT = "text"  # free text with the pinyin keyboard (rare)
    PHOTO = "photo"  # the 一寸电子照片 taken with the kiosk's camera (a JPEG; base64 in the payload)


# The answer of a photo question whose camera failed on the day: the photo is taken at the counter instead.
PHOTO_AT_COUNTER = "at_counter"
KEYPAD_KINDS = frozenset({FieldKind.PHONE, FieldKind.DATE, FieldKind.AMOUNT, FieldKind.NUMBER, FieldKind.DIGITS,
                          FieldKind.ID_NUMBER})
CARD_SOURCES = ("name", "id_number", "gender", "nation", "birth_date", "address")
Prefill = Literal["", "town", "phone", "today", "village"]  # the service point's town and village, a phone, today
Confirmation = Literal["", "commitment", "consent"]  # the catalogue's 告知承诺 text, or the form's own
Preview = Literal["", "gig_seeker"]  # a question that also shows what will be published (零工求职登记's consent)
Gate = Literal["", "employment_certificate"]
PREFILLS = tuple(p for p in get_args(Prefill) if p)
_PHONE = re.compile(r"1[3-9][0-9]{9}", re.ASCII)
T = TypeVar("T", bound=Table)
_ID_NUMBER_MESSAGES = {IdNumberFault.FORM: "invalid_id_number", IdNumberFault.BIRTH_DATE: "invalid_id_number_date",
                       IdNumberFault.CHECK_DIGIT: "invalid_id_number_check"}


@dataclass(frozen=True)
class Option:
    """One answer a resident can tap."""

    value: Any
    label: str


@dataclass(frozen=True)
class FieldDef:
    """One question of a form."""

    id: str
    kind: FieldKind
    label: str
    review_label: str
    payload: str = ""  # payload key ("" = shown only)
    required: bool = True
    ask: bool = True  # False: not asked step by step; shown with its default on the review (修改 to change)
    hint: str = ""
    as_list: bool = False
    label_payload: str = ""  # also put the chosen option's label under this payload key
    options: tuple[Option, ...] = ()
    source: str = ""  # code list (CODE) or identity attribute (CARD)
    prefill: str = ""  # town | phone | today | village (the service point's)
    default: Any = None
    min: int | None = None
    max: int | None = None
    min_days: int | None = None  # dates: earliest = today + min_days
    max_days: int | None = None  # dates: latest = today + max_days
    not_before: str = ""  # dates: not before this other field's date
    min_length: int | None = None
    max_length: int | None = None
    unit: str = ""
    messages: Mapping[str, str] = field(default_factory=dict)
    preview: str = ""  # a Preview: show beside the question what the answers would publish
    no_camera: str = ""  # kind = photo: said at the form's start instead of asking, on a kiosk without a camera

    @property
    def keypad(self) -> bool:
        return self.kind in KEYPAD_KINDS

    def message(self, key: str, **fmt: Any) -> str:
        """The field's own message for `key`, else the generic one; formatted."""
        text = self.messages.get(key) or MESSAGES[key]
        return text.format(**fmt) if fmt else text


@dataclass(frozen=True)
class FormDef:
    """A whole form: which catalogue item, which submission kind, its questions and gates."""

    id: str
    item: str  # catalogue item id
    kind: str  # submission kind (sandbox/contract.py SUBMISSION_KINDS)
    fields: tuple[FieldDef, ...]
    constants: Mapping[str, Any] = field(default_factory=dict)
    confirmation: str = ""  # "" | commitment (the catalogue's 告知承诺 text) | consent (confirmation_text)
    confirmation_title: str = ""
    confirmation_text: str = ""
    confirmation_payload: str = ""  # e.g. commitment_confirmed → true in the payload
    eligibility: str = ""  # a personal record kind shown first (e.g. skill_subsidy_eligibility)
    gate: str = ""  # employment_certificate: internship applicants need a 就业创业证 first
    gate_leads: Mapping[str, str] = field(default_factory=dict)  # prerequisite item id → the gate's button text
    intro: str = ""
    done_note: str = ""
    source: str = ""  # file name

    def field(self, field_id: str) -> FieldDef:
        for f in self.fields:
            if f.id == field_id:
                return f
        raise KeyError(field_id)

    @property
    def card_fields(self) -> tuple[FieldDef, ...]:
        return tuple(f for f in self.fields if f.kind is FieldKind.CARD)

    @property
    def questions(self) -> tuple[FieldDef, ...]:
        """Fields the resident answers (not the card-filled ones)."""
        return tuple(f for f in self.fields if f.kind is not FieldKind.CARD)

    @property
    def steps(self) -> tuple[FieldDef, ...]:
        """Questions asked one by one (those with ask = false are changed from the review only)."""
        return tuple(f for f in self.questions if f.ask)

    @property
    def code_sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f.source for f in self.fields if f.kind is FieldKind.CODE))


# ---------------------------------------------------------------------------------------------
# loading
# ---------------------------------------------------------------------------------------------
Words = Annotated[str, Field(description="文字")]
Flag = Annotated[bool, Field(description="true 或 false")]
Whole = Annotated[int | None, Field(description="整数")]
NonBlank = Annotated[str, NON_BLANK, Field(description="非空文字")]
Message = Annotated[str | None, NON_BLANK, Field(description="非空文字")]
OPTIONS_FORM = "每项含 value（文字/整数/布尔）和 label（文字）"


class FormFile(Table):
    """A definition file's top level: [form] and its [[field]] list (each checked on its own)."""

    form: Any = None
    field: Any = None


class FormTable(Table):
    """[form]: which catalogue item, which submission kind, the confirmation and the gate."""

    id: NonBlank
    item: Annotated[str, NON_BLANK, Field(description="事项编号（文字，如 \"11\"）")]
    kind: Annotated[str, NON_BLANK, Field(description="提交业务类型")]
    constants: Annotated[dict[str, Any], Field(description="表")] = {}
    confirmation: Annotated[Confirmation, Field(description="commitment 或 consent")] = ""
    confirmation_title: Words = ""
    confirmation_text: Words = ""
    confirmation_payload: Words = ""
    eligibility: Annotated[str, Field(description="记录类型")] = ""
    gate: Annotated[Gate, Field(description="employment_certificate")] = ""
    gate_leads: Annotated[dict[str, Annotated[str, NON_BLANK]], Field(description="表（前置事项编号 = 按钮文字）")] = {}
    intro: Words = ""
    done_note: Words = ""


class FieldTable(Table):
    """One [[field]]: a question (the rules across its keys are checked after it)."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$"), Field(description="小写字母、数字和下划线")]
    kind: Annotated[FieldKind, Field(strict=False, description="、".join(k.value for k in FieldKind))]
    label: NonBlank
    review_label: Words = ""
    payload: Words = ""
    required: Annotated[bool | None, Field(description="true 或 false")] = None  # None: all but text fields
    ask: Flag = True
    hint: Words = ""
    as_list: Flag = False
    label_payload: Words = ""
    options: Any = None  # kind = choice only; each entry an OptionTable
    source: Words = ""
    prefill: Annotated[Prefill, Field(description="、".join(PREFILLS))] = ""
    default: Any = None
    min: Whole = None
    max: Whole = None
    min_days: Whole = None
    max_days: Whole = None
    not_before: Annotated[str, Field(description="字段 id")] = ""
    min_length: Whole = None
    max_length: Whole = None
    unit: Words = ""
    messages: Annotated[dict[str, Any], Field(description="表")] = {}
    preview: Annotated[Preview, Field(description="gig_seeker")] = ""
    no_camera: Words = ""  # kind = photo only (required there)


class OptionTable(Table):
    """One entry of a choice field's options."""

    value: str | int | bool
    label: Annotated[str, NON_BLANK]


class MessagesTable(Table):
    """A field's own answer messages (each overrides the generic one of MESSAGES)."""

    required: Message = None
    required_choice: Message = None
    invalid_phone: Message = None
    invalid_date: Message = None
    invalid_number: Message = None
    invalid_id_number: Message = None
    invalid_id_number_date: Message = None
    invalid_id_number_check: Message = None
    too_small: Message = None
    too_large: Message = None
    too_early: Message = None
    too_late: Message = None
    before_other: Message = None
    too_long: Message = None
    too_short: Message = None
    not_an_option: Message = None


class _Ctx:
    """Where a definition problem is: file, form, field."""

    def __init__(self, where: Path) -> None:
        self.where = where.name
        self.form = "?"
        self.field = ""

    def fail(self, message: str, **kw: Any) -> FormDefinitionError:
        fld = f"字段 {self.field} " if self.field else ""
        return FormDefinitionError(MESSAGES[message].format(where=self.where, form=self.form, field=fld, **kw))

    def table(self, model: type[T], data: Mapping[str, Any], prefix: str = "") -> T:
        """`data` checked against `model`; the first unknown, missing or wrong key named (as `prefix` + key)."""
        try:
            return validate_table(model, data)
        except SchemaProblem as exc:
            problem = exc.first("unknown")
            key = prefix + problem.field
            if problem.kind == "unknown":
                raise self.fail("def_unknown_key", key=key, allowed="、".join(model.model_fields)) from None
            if problem.kind == "missing":
                raise self.fail("def_missing", key=key) from None
            raise self.fail("def_bad", key=key, expected=problem.expected) from None


def _options(ctx: _Ctx, raw: Any) -> tuple[Option, ...]:
    if not isinstance(raw, list) or not raw:
        raise ctx.fail("def_bad", key="options", expected="非空的 [{value, label}] 列表")
    out = []
    seen: set[Any] = set()
    for o in raw:
        try:
            option = validate_table(OptionTable, o) if isinstance(o, dict) else None
        except SchemaProblem:
            option = None
        if option is None:
            raise ctx.fail("def_bad", key="options", expected=OPTIONS_FORM)
        if (type(option.value), option.value) in seen:
            raise ctx.fail("def_duplicate", key="options.value", value=option.value)
        seen.add((type(option.value), option.value))
        out.append(Option(option.value, option.label))
    return tuple(out)


def _build_field(ctx: _Ctx, raw: Any, index: int) -> FieldDef:
    if not isinstance(raw, dict):
        raise ctx.fail("def_bad", key=f"field[{index}]", expected="表")
    ctx.field = str(raw.get("id") or f"#{index + 1}")
    t = ctx.table(FieldTable, raw)
    kind = t.kind
    messages = ctx.table(MessagesTable, t.messages, prefix="messages.").model_dump(exclude_none=True)
    options: tuple[Option, ...] = ()
    if kind is FieldKind.CHOICE:
        options = _options(ctx, t.options)
    elif t.options is not None:
        raise ctx.fail("def_bad", key="options", expected="只用于 kind = choice")
    if kind is FieldKind.CODE and not t.source:
        raise ctx.fail("def_missing", key="source")
    if kind is FieldKind.CARD and t.source not in CARD_SOURCES:
        raise ctx.fail("def_bad", key="source", expected="、".join(CARD_SOURCES))
    if kind is not FieldKind.CARD and not t.payload:
        raise ctx.fail("def_missing", key="payload")
    if t.min is not None and t.max is not None and t.min > t.max:
        raise ctx.fail("def_bad", key="min", expected="不大于 max")
    if kind is FieldKind.PHOTO and not t.no_camera.strip():
        raise ctx.fail("def_missing", key="no_camera")
    if t.no_camera and kind is not FieldKind.PHOTO:
        raise ctx.fail("def_bad", key="no_camera", expected="只用于 kind = photo")
    required = t.required if t.required is not None else kind is not FieldKind.TEXT
    if not t.ask and required and t.default is None:
        raise ctx.fail("def_missing", key="default")
    f = FieldDef(
        id=t.id, kind=kind, label=t.label, review_label=t.review_label or t.label, payload=t.payload,
        required=required, ask=t.ask, hint=t.hint, as_list=t.as_list, label_payload=t.label_payload,
        options=options, source=t.source, prefill=t.prefill, default=t.default, not_before=t.not_before,
        unit=t.unit, messages=MappingProxyType(messages), preview=t.preview, no_camera=t.no_camera,
        min=t.min, max=t.max,
        min_days=t.min_days, max_days=t.max_days, min_length=t.min_length, max_length=t.max_length,
    )
    if t.default is not None:
        problem = check_answer(f, t.default, date(2000, 1, 1)) if kind is not FieldKind.DATE else None
        if kind is FieldKind.CHOICE and not any(o.value == t.default for o in options):
            raise ctx.fail("def_bad", key="default", expected="options 中的一个 value")
        if problem and kind is not FieldKind.CHOICE:
            raise ctx.fail("def_bad", key="default", expected=problem)
    ctx.field = ""
    return f


def parse_form(raw: Mapping[str, Any], where: Path) -> FormDef:
    """A FormDef from a parsed TOML document; FormDefinitionError names file, form, field and key."""
    ctx = _Ctx(where)
    form = raw.get("form")
    if not isinstance(form, dict):
        raise ctx.fail("def_missing", key="[form]")
    ctx.form = str(form.get("id") or where.stem)
    ctx.table(FormFile, raw)
    t = ctx.table(FormTable, form)
    if t.confirmation == "consent" and not t.confirmation_text.strip():
        raise ctx.fail("def_missing", key="confirmation_text")
    raw_fields = raw.get("field")
    if not isinstance(raw_fields, list) or not raw_fields:
        raise ctx.fail("def_missing", key="[[field]]")
    fields = tuple(_build_field(ctx, r, i) for i, r in enumerate(raw_fields))
    ids: set[str] = set()
    keys: dict[str, str] = {}
    for f in fields:
        ctx.field = f.id
        if f.id in ids:
            raise ctx.fail("def_duplicate", key="id", value=f.id)
        ids.add(f.id)
        for k in (f.payload, f.label_payload):
            if k and k in keys:
                raise ctx.fail("def_duplicate", key="payload", value=k)
            if k:
                keys[k] = f.id
    for f in fields:
        ctx.field = f.id
        if f.not_before and (f.not_before not in ids or form_field_kind(fields, f.not_before) is not FieldKind.DATE):
            raise ctx.fail("def_unknown_ref", key="not_before", value=f.not_before)
    ctx.field = ""
    return FormDef(
        id=t.id, item=t.item, kind=t.kind, fields=fields, constants=MappingProxyType(dict(t.constants)),
        confirmation=t.confirmation, confirmation_title=t.confirmation_title, confirmation_text=t.confirmation_text,
        confirmation_payload=t.confirmation_payload, eligibility=t.eligibility, gate=t.gate,
        gate_leads=dict(t.gate_leads), intro=t.intro, done_note=t.done_note, source=where.name,
    )


def for_camera(form: FormDef, camera: bool) -> FormDef:
    """The form as this kiosk asks it: without a camera its photo questions are dropped, and what they say
    instead (the photo is taken at the counter) becomes part of the form's intro, shown at its start."""
    photos = [f for f in form.fields if f.kind is FieldKind.PHOTO]
    if camera or not photos:
        return form
    intro = "\n".join(t for t in (form.intro, *(f.no_camera for f in photos)) if t)
    return replace(form, fields=tuple(f for f in form.fields if f.kind is not FieldKind.PHOTO), intro=intro)


def form_field_kind(fields: Iterable[FieldDef], field_id: str) -> FieldKind | None:
    for f in fields:
        if f.id == field_id:
            return f.kind
    return None


def load_forms(folder: Path = FORMS_DIR, *, kinds: Iterable[str] | None = None) -> dict[str, FormDef]:
    """Every form definition of a folder, by catalogue item id; kinds (if given) must include each form's kind."""
    known = set(kinds) if kinds is not None else None
    by_item: dict[str, FormDef] = {}
    by_id: dict[str, str] = {}
    for path in sorted(folder.glob("*.toml")):
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise FormDefinitionError(MESSAGES["def_invalid_toml"].format(where=path.name, detail=exc)) from exc
        form = parse_form(raw, path)
        ctx = _Ctx(path)
        ctx.form = form.id
        if known is not None and form.kind not in known:
            raise ctx.fail("def_bad", key="kind", expected="、".join(sorted(known)))
        if form.id in by_id:
            raise ctx.fail("def_dup_form", value=form.id, other=by_id[form.id])
        if form.item in by_item:
            raise ctx.fail("def_dup_item", value=form.item, other=by_item[form.item].source)
        by_id[form.id] = path.name
        by_item[form.item] = form
    return by_item


# ---------------------------------------------------------------------------------------------
# answers
# ---------------------------------------------------------------------------------------------
def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _fmt_date(d: date) -> str:
    return f"{d.year}年{d.month:02d}月{d.day:02d}日"


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (isinstance(value, bytes) and not value)


def check_answer(f: FieldDef, value: Any, today: date, answers: Mapping[str, Any] | None = None,
                 options: Sequence[Option] | None = None) -> str | None:
    """What the resident must do about one answer, or None when it is fine."""
    if f.kind is FieldKind.CARD:
        return None
    if f.kind is FieldKind.PHOTO:
        if value == PHOTO_AT_COUNTER:
            return None
        if not value:
            return f.message("photo_missing") if f.required else None
        try:
            check_photo(value)
        except PhotoInvalid:
            return f.message("photo_invalid")
        return None
    if is_empty(value):
        if not f.required:
            return None
        if f.kind in (FieldKind.CHOICE, FieldKind.CODE):
            return f.message("required_choice")
        if f.kind is FieldKind.PHONE:
            return f.message("invalid_phone")
        if f.kind is FieldKind.DATE and "required" not in f.messages:
            return f.message("invalid_date")
        return f.message("required")
    if f.kind is FieldKind.CHOICE:
        return None if any(o.value == value for o in f.options) else f.message("not_an_option")
    if f.kind is FieldKind.CODE:
        if options is not None and not any(o.value == value for o in options):
            return f.message("not_an_option")
        return None
    if f.kind is FieldKind.PHONE:
        return None if isinstance(value, str) and _PHONE.fullmatch(value) else f.message("invalid_phone")
    if f.kind is FieldKind.ID_NUMBER:
        try:
            validate_id_number(str(value), today)
        except InvalidIdNumber as exc:
            return f.message(_ID_NUMBER_MESSAGES[exc.fault])
        return None
    if f.kind is FieldKind.DATE:
        d = _as_date(value)
        if d is None:
            return f.message("invalid_date")
        if f.min_days is not None and d < today + timedelta(days=f.min_days):
            return f.message("too_early", limit=_fmt_date(today + timedelta(days=f.min_days)))
        if f.max_days is not None and d > today + timedelta(days=f.max_days):
            return f.message("too_late", limit=_fmt_date(today + timedelta(days=f.max_days)))
        if f.not_before and answers is not None:
            other = _as_date(answers.get(f.not_before))
            if other is not None and d < other:
                return f.message("before_other", other=f.not_before)
        return None
    if f.kind in (FieldKind.AMOUNT, FieldKind.NUMBER):
        if isinstance(value, bool):
            return f.message("invalid_number")
        try:
            n = int(value)
        except (TypeError, ValueError):
            return f.message("invalid_number")
        if f.min is not None and n < f.min:
            return f.message("too_small", min=f.min)
        if f.max is not None and n > f.max:
            return f.message("too_large", max=f.max)
        return None
    text = str(value)
    if f.kind is FieldKind.DIGITS and not (text.isascii() and text.isdigit()):
        return f.message("invalid_number")
    if f.min_length is not None and len(text.strip()) < f.min_length:
        return f.message("too_short", min=f.min_length)
    if f.max_length is not None and len(text) > f.max_length:
        return f.message("too_long", max=f.max_length)
    return None


def check_answers(form: FormDef, answers: Mapping[str, Any], today: date,
                  options: Mapping[str, Sequence[Option]] | None = None) -> dict[str, str]:
    """field id → what to do, for every question whose answer is missing or wrong (empty when all fine)."""
    problems: dict[str, str] = {}
    for f in form.questions:
        opts = options.get(f.source) if options is not None and f.kind is FieldKind.CODE else None
        p = check_one(form, f, answers.get(f.id), today, answers, opts)
        if p:
            problems[f.id] = p
    return problems


def _before_other_label(form: FormDef, f: FieldDef) -> str:
    return form.field(f.not_before).review_label if f.not_before else ""


def check_one(form: FormDef, f: FieldDef, value: Any, today: date, answers: Mapping[str, Any],
              options: Sequence[Option] | None = None) -> str | None:
    """check_answer with the other field named by its label (for the question screen)."""
    p = check_answer(f, value, today, answers, options)
    if p and f.not_before and p == f.message("before_other", other=f.not_before):
        return f.message("before_other", other=_before_other_label(form, f))
    return p


def initial_answers(form: FormDef, *, today: date, town_code: str | None = None, phone: str = "",
                    prefill: Mapping[str, Any] | None = None, village: str = "") -> dict[str, Any]:
    """Defaults, then prefills (service point's town and village, the phone the platform knows, today), then
    `prefill`."""
    out: dict[str, Any] = {}
    for f in form.questions:
        value = f.default
        if f.prefill == "town" and town_code:
            value = town_code
        elif f.prefill == "village" and village:
            value = village
        elif f.prefill == "phone" and phone:
            value = phone
        elif f.prefill == "today":
            value = today.isoformat()
        if value is not None:
            out[f.id] = value
    for key, value in (prefill or {}).items():
        try:
            form.field(key)
        except KeyError:
            continue  # a resubmission's old payload may hold keys this form no longer asks
        out[key] = value
    return out


def prefill_from_payload(form: FormDef, payload: Mapping[str, Any]) -> dict[str, Any]:
    """Field answers from an earlier submission's payload (for resubmitting a rejected case)."""
    out: dict[str, Any] = {}
    for f in form.questions:
        if f.kind is FieldKind.PHOTO:
            continue  # an earlier photo is not offered again: the resident takes a new one
        if f.payload in payload:
            v = payload[f.payload]
            if f.as_list and isinstance(v, list):
                v = v[0] if v else None
            if v is not None:
                out[f.id] = v
    return out


def _convert(f: FieldDef, value: Any) -> Any:
    if f.kind in (FieldKind.AMOUNT, FieldKind.NUMBER):
        return int(value)
    if f.kind is FieldKind.DATE:
        d = _as_date(value)
        return d.isoformat() if d else value
    if f.kind is FieldKind.ID_NUMBER and isinstance(value, str):
        return value.strip().upper()
    if f.kind is FieldKind.PHOTO and isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")  # JSON carries the JPEG as base64
    if isinstance(value, str):
        return value.strip()
    return value


@dataclass(frozen=True)
class CardValues:
    """What the card gave, for CARD fields (all text)."""

    name: str = ""
    id_number: str = ""
    gender: str = ""
    nation: str = ""
    birth_date: str = ""
    address: str = ""

    @classmethod
    def from_identity(cls, identity: Any) -> CardValues:
        b = getattr(identity, "birth_date", None)
        return cls(name=identity.name or "", id_number=identity.id_number or "", gender=identity.gender or "",
                   nation=identity.nation or "", birth_date=b.isoformat() if b else "",
                   address=identity.address or "")

    def __repr__(self) -> str:
        return "CardValues(<personal>)"


def build_payload(form: FormDef, answers: Mapping[str, Any], *, card: CardValues | None = None,
                  confirmed: bool = False, option_labels: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The submission payload: constants, each answered question under its payload key, card fields with a
    payload key, and the confirmation flag. `option_labels` maps a field id to the label of its answer."""
    payload: dict[str, Any] = dict(form.constants)
    for f in form.fields:
        if f.kind is FieldKind.CARD:
            if f.payload and card is not None and getattr(card, f.source):
                payload[f.payload] = getattr(card, f.source)
            continue
        value = answers.get(f.id)
        if is_empty(value) or (f.kind is FieldKind.PHOTO and not isinstance(value, bytes)):
            continue  # a photo to be taken at the counter is simply not sent
        v = _convert(f, value)
        payload[f.payload] = [v] if f.as_list else v
        if f.label_payload:
            label = (option_labels or {}).get(f.id) or option_label(f, value)
            if label:
                payload[f.label_payload] = label
    if form.confirmation_payload:
        if not confirmed:
            raise ValueError(MESSAGES["confirmation_missing"])
        payload[form.confirmation_payload] = True
    return payload


def public_preview(kind: str, payload: Mapping[str, Any], card: CardValues, today: date) -> str:
    """What a registration would publish, as others will see it (a FieldDef.preview kind; "" for none).

    gig_seeker: the 零工求职信息 row the platform publishes with consent — surname, age band, skills, village and
    a masked phone; never the full name or number."""
    if kind != "gig_seeker":
        return ""
    band = ""
    if card.birth_date:
        born = date.fromisoformat(card.birth_date)
        band = age_band(today.year - born.year - ((today.month, today.day) < (born.month, born.day)))
    phone = str(payload.get("phone") or "")
    return MESSAGES["preview_gig_seeker"].format(
        name=mask_name(card.name), age_band=band, skills=payload.get("job_intention") or MESSAGES["not_given"],
        village=payload.get("village") or "", phone=mask_phone(phone) if phone else MESSAGES["not_given"],
        wage=MESSAGES["preview_wage"].format(v=payload["daily_wage_expect"]) if payload.get("daily_wage_expect") else "")


def option_label(f: FieldDef, value: Any, options: Sequence[Option] | None = None) -> str:
    for o in (*f.options, *(options or ())):
        if o.value == value:
            return o.label
    return ""


def display_value(f: FieldDef, value: Any, options: Sequence[Option] | None = None) -> str:
    """How an answer reads on the review screen (phones masked only on paper, dates in Chinese)."""
    if f.kind is FieldKind.PHOTO:
        if value == PHOTO_AT_COUNTER:
            return f.message("photo_at_counter")
        return f.message("photo_taken") if value else MESSAGES["not_given"]
    if is_empty(value):
        return MESSAGES["not_given"]
    if f.kind in (FieldKind.CHOICE, FieldKind.CODE):
        return option_label(f, value, options) or str(value)
    if f.kind is FieldKind.DATE:
        d = _as_date(value)
        return _fmt_date(d) if d else str(value)
    if f.kind in (FieldKind.AMOUNT, FieldKind.NUMBER):
        return f"{value} {f.unit}".strip()
    if f.kind is FieldKind.ID_NUMBER:
        return mask_id_number(str(value))  # the review screen is seen by bystanders, as for card values
    if isinstance(value, bool):
        return MESSAGES["yes"] if value else MESSAGES["no"]
    return str(value)


def display_card_value(f: FieldDef, card: CardValues) -> str:
    """Card-filled values on screen: the name and identity number masked (bystanders), the rest as read."""
    value = getattr(card, f.source)
    if f.source == "id_number":
        return mask_id_number(value)
    if f.source == "name":
        return mask_name(value)
    if f.source == "birth_date":
        d = _as_date(value)
        return _fmt_date(d) if d else value
    return value or MESSAGES["not_given"]



OptionsFor = Callable[[str], Sequence[Option]]
