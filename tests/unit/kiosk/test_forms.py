"""Form definitions as data: they load, a broken one names form+field+key, answers are checked, payloads built."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kiosk.catalogue import load_catalogue
from kiosk.forms import (
    CardValues,
    FieldKind,
    FormDefinitionError,
    build_payload,
    check_answers,
    display_card_value,
    initial_answers,
    load_forms,
    parse_form,
    prefill_from_payload,
)
from sandbox.contract import SUBMISSION_KINDS
from sandbox.rules import PAYLOAD_RULES, check_payload

TODAY = date(2025, 6, 10)
CARD = CardValues(name="李建军", id_number="140222197503150011", gender="男", nation="汉",
                  birth_date="1975-03-15", address="山西省天镇县玉泉镇李家庄村123号")


def test_every_definition_loads_and_names_a_kiosk_form_item() -> None:
    forms = load_forms(kinds=SUBMISSION_KINDS)
    catalogue = load_catalogue()
    for item_id, form in forms.items():
        item = catalogue.item(item_id)
        assert item.kind.value == "form" and item.is_kiosk_item, item_id
        for f in form.questions:
            assert f.label and f.payload
    kinds = {f.kind for f in forms.values()}
    assert kinds == set(SUBMISSION_KINDS)  # every submission kind the platform knows has a kiosk form
    assert {"1", "4", "7", "10", "11", "22", "23", "S000-01", "S000-03", "S000-04", "S000-05", "S000-08",
            "S001-01"} == set(forms)


def _photo() -> bytes:
    """A one-inch photo as the kiosk takes it (from the simulated camera's picture)."""
    from devices.camera.sim import SimCamera
    from kiosk.photo import one_inch_jpeg

    camera = SimCamera()
    camera.start(lambda event: None)
    return one_inch_jpeg(camera.frame())


def _valid_answers(form) -> dict:
    answers = {}
    for f in form.questions:
        if f.kind is FieldKind.CHOICE:
            answers[f.id] = f.options[0].value
        elif f.kind is FieldKind.CODE:
            answers[f.id] = "20"
        elif f.kind is FieldKind.PHONE:
            answers[f.id] = "13912345678"
        elif f.kind is FieldKind.DATE:
            answers[f.id] = "2025-06-01" if (f.max_days is not None and f.max_days <= 0) else "2025-06-12"
        elif f.kind in (FieldKind.AMOUNT, FieldKind.NUMBER):
            answers[f.id] = str(max(f.min or 1, 100))
        elif f.kind is FieldKind.DIGITS:
            answers[f.id] = "1234567890"
        elif f.kind is FieldKind.PHOTO:
            answers[f.id] = _photo()
        else:
            answers[f.id] = "天镇县某公司"
    return answers


@pytest.mark.parametrize("item_id", sorted(load_forms()))
def test_a_fully_answered_form_builds_a_payload_the_platform_accepts(item_id: str) -> None:
    form = load_forms()[item_id]
    answers = _valid_answers(form)
    assert check_answers(form, answers, TODAY) == {}
    labels = {f.id: "建筑施工" for f in form.questions if f.kind is FieldKind.CODE}  # the code list's names
    payload = build_payload(form, answers, card=CARD, confirmed=True, option_labels=labels)
    check_payload(form.kind, payload)
    for key, (_typ, required) in PAYLOAD_RULES[form.kind].items():
        if required:
            assert key in payload, (item_id, key)


def test_fixed_job_seeker_payload_shape() -> None:
    form = load_forms()["1"]
    answers = initial_answers(form, today=TODAY, town_code="140222100")
    assert answers == {"area": "140222100", "work_type": "全职"}
    answers |= {"category": "20", "pay": 4000, "phone": "13912345678"}
    payload = build_payload(form, answers, option_labels={"category": "建筑施工"})
    assert payload == {"job_type": "fixed", "category_codes": ["20"], "job_intention": "建筑施工",
                       "region_codes": ["140222100"], "salary_expect_min": 4000, "work_type": "全职",
                       "phone": "13912345678"}


def test_unemployment_needs_the_confirmation_in_the_payload() -> None:
    form = load_forms()["11"]
    answers = _valid_answers(form)
    with pytest.raises(ValueError, match="确认"):
        build_payload(form, answers)
    assert build_payload(form, answers, confirmed=True)["commitment_confirmed"] is True


def test_messages_say_what_to_do() -> None:
    form = load_forms()["7"]
    answers = _valid_answers(form) | {"contact_phone": "1391234", "start_date": "2025-06-12",
                                      "end_date": "2025-06-11", "headcount": "0", "pay": "20"}
    problems = check_answers(form, answers, TODAY)
    assert problems["contact_phone"] == "请输入11位手机号码"
    assert problems["end_date"] == "不能早于“开始日期”"
    assert problems["headcount"] == "至少招1人"
    assert problems["pay"] == "日工资请不低于50元"
    problems = check_answers(form, answers | {"start_date": "2025-06-01"}, TODAY)
    assert problems["start_date"] == "开始日期不能早于今天（2025年06月10日）"
    problems = check_answers(form, {}, TODAY)
    assert problems["work"] == "请点选要招的活"
    assert "description" not in problems  # optional free text


def test_resubmission_prefill_maps_payload_back_to_fields() -> None:
    form = load_forms()["1"]
    prefill = prefill_from_payload(form, {"category_codes": ["30"], "salary_expect_min": 3000, "phone": "13900000000",
                                          "job_type": "fixed"})
    assert prefill == {"category": "30", "pay": 3000, "phone": "13900000000"}
    answers = initial_answers(form, today=TODAY, prefill=prefill | {"no_such_field": 1})
    assert answers["category"] == "30" and "no_such_field" not in answers


def test_card_values_are_masked_on_screen() -> None:
    form = load_forms()["11"]
    shown = {f.source: display_card_value(f, CARD) for f in form.card_fields}
    assert shown["id_number"] == "140222********0011" and shown["name"] == "李**"
    assert shown["birth_date"] == "1975年03月15日"
    assert "140222197503150011" not in repr(CARD)


def _broken(tmp_path: Path, text: str) -> str:
    p = tmp_path / "broken.toml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(FormDefinitionError) as err:
        load_forms(tmp_path)
    return str(err.value)


BASE = '[form]\nid = "demo"\nitem = "1"\nkind = "job_seeker_registration"\n'


def test_broken_definitions_name_file_form_field_and_key(tmp_path: Path) -> None:
    msg = _broken(tmp_path, BASE + '[[field]]\nid = "pay"\nkind = "choice"\nlabel = "工资"\npayload = "x"\n')
    assert "broken.toml" in msg and "demo" in msg and "pay" in msg and "options" in msg
    msg = _broken(tmp_path, BASE + '[[field]]\nid = "phone"\nkind = "phone"\nlabel = "电话"\n')
    assert "phone" in msg and "payload" in msg
    msg = _broken(tmp_path, BASE + '[[field]]\nid = "a"\nkind = "keypad"\nlabel = "x"\npayload = "a"\n')
    assert "字段 a" in msg and "kind" in msg
    msg = _broken(tmp_path, BASE + '[[field]]\nid = "a"\nkind = "text"\nlabel = "x"\npayload = "a"\ncolour = 1\n')
    assert "colour" in msg
    msg = _broken(tmp_path, BASE + '[[field]]\nid = "d"\nkind = "date"\nlabel = "x"\npayload = "d"\nnot_before = "zz"\n')
    assert "not_before" in msg and "zz" in msg
    msg = _broken(tmp_path, '[form]\nid = "demo"\nkind = "x"\n[[field]]\nid = "a"\nkind = "text"\nlabel = "x"\npayload = "a"\n')
    assert "item" in msg
    msg = _broken(tmp_path, BASE + '[[field]]\nid = "a"\nkind = "text"\nlabel = "x"\npayload = "p"\n'
                  '[[field]]\nid = "b"\nkind = "text"\nlabel = "y"\npayload = "p"\n')
    assert "字段 b" in msg and "重复" in msg
    msg = _broken(tmp_path, BASE + "[[field]\n")
    assert "TOML" in msg


def test_parse_form_accepts_a_minimal_definition() -> None:
    form = parse_form({"form": {"id": "x", "item": "S000-04", "kind": "employment_support_registration"},
                       "field": [{"id": "policy", "kind": "choice", "label": "政策", "payload": "policy",
                                  "options": [{"value": "社会保险补贴", "label": "社会保险补贴"}]}]},
                      Path("x.toml"))
    assert [f.id for f in form.steps] == ["policy"]


def _id_form():  # type: ignore[no-untyped-def]
    return parse_form({"form": {"id": "x", "item": "S000-04", "kind": "employment_support_registration"},
                       "field": [{"id": "member_id", "kind": "id_number", "label": "家庭成员身份证号码",
                                  "payload": "member_id_number"}]}, Path("x.toml"))


@pytest.mark.parametrize("typed,message", [
    ("14022219750315001", "身份证号码应为18位：17位数字，最后一位是数字或X"),
    ("1402221975031500１1", "身份证号码应为18位：17位数字，最后一位是数字或X"),  # one full-width digit
    ("140222197502300011", "身份证号码中的出生日期不对，请核对后重新输入"),
    ("140222197503150012", "身份证号码有误（校验位不符），请逐位核对后重新输入"),
    ("140222197503150101", "身份证号码有误（校验位不符），请逐位核对后重新输入"),  # two digits swapped
])
def test_a_typed_id_number_is_checked_with_a_plain_message(typed: str, message: str) -> None:
    form = _id_form()
    assert form.field("member_id").keypad
    assert check_answers(form, {"member_id": typed}, TODAY) == {"member_id": message}


def test_a_valid_typed_id_number_goes_into_the_payload_normalised_and_shows_masked() -> None:
    from kiosk.forms import display_value

    form = _id_form()
    assert check_answers(form, {"member_id": "14022219750315002x"}, TODAY) == {}
    assert build_payload(form, {"member_id": "14022219750315002x"}, card=CARD) == {"member_id_number": "14022219750315002X"}
    assert display_value(form.field("member_id"), "14022219750315002X") == "140222********002X"
