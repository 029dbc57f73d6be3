"""kiosk/form_flow.py: the order of a form's screens, without a screen; the gates' special cases are data."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from kiosk.catalogue import CATALOGUE_DIR, Catalogue, load_catalogue
from kiosk.form_flow import (
    FormFlow,
    Gate,
    Stage,
    age_refusal,
    certificate_leads,
    eligibility_of,
    needs_certificate,
)
from kiosk.forms import FormDef, load_forms
from kiosk.session import ResidentSession
from tests.helpers.sample_cards import sample_identity

TODAY = date(2026, 6, 1)


@pytest.fixture(scope="module")
def forms() -> dict[str, FormDef]:
    return load_forms()


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(CATALOGUE_DIR, "default")


def session(**kw: object) -> ResidentSession:
    return ResidentSession(identity=sample_identity(), person_key="p", login_method="id_card", **kw)  # type: ignore[arg-type]


def test_a_form_with_a_commitment_asks_it_once_then_every_step_then_the_review(forms: dict[str, FormDef]) -> None:
    form = forms["11"]
    flow = FormFlow(form)
    assert flow.state == "loading"
    assert flow.gates_passed().stage is Stage.CONFIRM and flow.state == "confirm"
    assert not flow.may_submit(problems=False, submitting=False)  # not confirmed yet
    first = flow.confirm()
    steps = form.steps
    assert (first.field_id, first.number, first.total) == (steps[0].id, 1, len(steps))
    assert flow.back(steps[0].id) is None  # nothing before the first question
    for i, f in enumerate(steps):
        assert flow.position.field_id == f.id and flow.state == f"step:{f.id}"
        assert flow.position.to_review == (i == len(steps) - 1)
        flow.answered(f.id)
    assert flow.state == "review"
    assert flow.may_submit(problems=False, submitting=False)
    assert not flow.may_submit(problems=True, submitting=False)
    assert not flow.may_submit(problems=False, submitting=True)
    assert flow.gates_passed().field_id == steps[0].id  # confirmed once: not asked again


def test_edit_from_the_review_goes_straight_back_to_it(forms: dict[str, FormDef]) -> None:
    form = forms["1"]
    flow = FormFlow(form)
    flow.gates_passed()
    steps = form.steps
    flow.step(len(steps))
    assert flow.state == "review"
    at = flow.edit(steps[1].id)
    assert at.to_review and at.number == 2 and flow.editing
    assert flow.answered(steps[1].id).stage is Stage.REVIEW and not flow.editing
    flow.edit(steps[2].id)
    assert flow.back(steps[2].id).stage is Stage.REVIEW  # type: ignore[union-attr]
    hidden = [f for f in form.questions if not f.ask]
    assert hidden, "job_seeker_fixed has a question changed from the review only"
    at = flow.edit(hidden[0].id)
    assert at.number == len(steps) and at.total == len(steps) and at.to_review


def test_back_walks_to_the_previous_question(forms: dict[str, FormDef]) -> None:
    form = forms["1"]
    flow = FormFlow(form)
    flow.gates_passed()
    flow.answered(form.steps[0].id)
    assert flow.back(form.steps[1].id).field_id == form.steps[0].id  # type: ignore[union-attr]


def test_gates_are_named_for_the_screen() -> None:
    flow = FormFlow(FormDef(id="x", item="1", kind="k", fields=()))
    assert flow.gate(Gate.CERTIFICATE).name == "formCertGate" and flow.state == "formCertGate"
    assert flow.gates_passed().stage is Stage.REVIEW  # no questions at all: straight to the review


def test_the_certificate_gate_leads_come_from_the_form_definition(forms: dict[str, FormDef],
                                                                  catalogue: Catalogue) -> None:
    form = forms["S001-01"]
    item = catalogue.item("S001-01")
    assert needs_certificate(form, session()) and not needs_certificate(form, session(has_employment_certificate=True))
    assert not needs_certificate(forms["1"], session())
    leads = certificate_leads(form, item, catalogue)
    assert [lead.item.id for lead in leads] == [p.item_id for p in item.prerequisites]
    assert all(lead.text for lead in leads)
    assert "失业登记" in {lead.item.id: lead.text for lead in leads}["11"]
    # a form that gives no words for an item: the lead is still there, the screen words it
    bare = replace(form, gate_leads={})
    assert [lead.text for lead in certificate_leads(bare, item, catalogue)] == ["", ""]


def test_working_age_gate(catalogue: Catalogue) -> None:
    item = next(i for i in catalogue.items if i.working_age_check and not i.min_age_only)
    rule = catalogue.working_age_rule
    assert age_refusal(item, rule, session(), TODAY) is None
    refused = age_refusal(item, rule, session(receives_basic_pension=True), TODAY)
    assert refused is not None and refused.problem
    unborn = replace(sample_identity(), birth_date=None)
    unknown = age_refusal(item, rule, replace(session(), identity=unborn), TODAY)
    assert unknown is not None and unknown.problem is None
    unchecked = next(i for i in catalogue.items if not i.working_age_check)
    assert age_refusal(unchecked, rule, session(receives_basic_pension=True), TODAY) is None


def test_eligibility_answer() -> None:
    class Rec:
        data = {"eligible": True, "reasons": ["已参保", 3]}

    assert eligibility_of(Rec()).eligible and eligibility_of(Rec()).reasons == ("已参保", "3")
    assert eligibility_of(None).eligible is False and eligibility_of(None).reasons == ()
