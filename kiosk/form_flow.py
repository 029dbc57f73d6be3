"""The flow of one form, as a state machine the form screen renders (no Qt).

gates (login, working age, 就业创业证, eligibility) → own confirmation → one question per step → review
→ done. The screen asks the flow where to go after each event (a gate passed, a confirmation, an
answer, 返回, 修改) and shows the position it gets; it decides nothing about the order itself.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from kiosk.catalogue import Catalogue, ServiceItem, WorkingAgeRule
from kiosk.forms import FormDef
from kiosk.session import ResidentSession


class Stage(enum.StrEnum):
    LOADING = "loading"
    GATE = "gate"
    CONFIRM = "confirm"
    STEP = "step"
    REVIEW = "review"
    DONE = "done"


class Gate(enum.StrEnum):
    """The gates a form may stop at; the value is the screen's object name for it."""

    LOGIN = "formLoginGate"
    AGE = "formAgeGate"
    CERTIFICATE = "formCertGate"
    OFFLINE = "formOfflineGate"
    LOAD_FAILED = "formLoadFailed"
    INELIGIBLE = "formIneligible"
    ELIGIBLE = "formEligible"
    INTRO = "formIntro"  # what the resident must know before starting (config/forms: intro)


@dataclass(frozen=True)
class Position:
    """Where the form is: a stage, the gate or question it shows, and for a question its place in the steps."""

    stage: Stage
    gate: Gate | None = None
    field_id: str | None = None
    number: int = 0  # 1-based step number shown (第 n 步)
    total: int = 0
    to_review: bool = False  # the question's 下一步 goes (back) to the review

    @property
    def name(self) -> str:
        """The position as one word: loading, a gate's name, confirm, step:<field id>, review, done."""
        if self.stage is Stage.GATE and self.gate is not None:
            return self.gate.value
        if self.stage is Stage.STEP:
            return f"step:{self.field_id}"
        return self.stage.value


@dataclass(frozen=True)
class AgeRefusal:
    """Why the working-age check stops a registration: `problem` None means the birth date is unknown."""

    problem: str | None
    rule_text: str


@dataclass(frozen=True)
class Lead:
    """A button of the 就业创业证 gate: the item to do first and the words the form gives it ('' : none)."""

    item: ServiceItem
    text: str


@dataclass(frozen=True)
class Eligibility:
    """The platform's answer to an eligibility check shown before a form."""

    eligible: bool
    reasons: tuple[str, ...]


def age_refusal(item: ServiceItem, rule: WorkingAgeRule, session: ResidentSession, today: date) -> AgeRefusal | None:
    """The working-age gate of an item that checks it (None: the person may go on).

    The upper bound is the platform's answer (receives a basic pension); offline it is not known (None):
    the registration goes ahead and the platform decides. Gig work has no upper bound.
    """
    if not item.working_age_check:
        return None
    birth = session.identity.birth_date
    if birth is None:
        return AgeRefusal(None, "")
    problem = rule.problem(birth, today, receives_basic_pension=session.receives_basic_pension,
                           upper_bound=not item.min_age_only)
    return None if problem is None else AgeRefusal(problem, rule.rule_text)


def needs_certificate(form: FormDef, session: ResidentSession) -> bool:
    """The form is only for holders of a 就业创业证, and the resident has none (as far as the kiosk knows)."""
    return form.gate == "employment_certificate" and not session.has_employment_certificate


def certificate_leads(form: FormDef, item: ServiceItem, catalogue: Catalogue) -> list[Lead]:
    """The items to do first, in the catalogue's order, each with the form's words for it (skips disabled ones)."""
    leads = []
    for pre in item.prerequisites:
        try:
            target = catalogue.item(pre.item_id)
        except KeyError:
            continue
        leads.append(Lead(target, form.gate_leads.get(pre.item_id, "")))
    return leads


def eligibility_of(record: Any) -> Eligibility:
    """The eligibility record's answer (a record without data: not eligible, no reasons)."""
    data: Mapping[str, Any] = dict(getattr(record, "data", {}) or {})
    return Eligibility(bool(data.get("eligible")), tuple(str(r) for r in data.get("reasons") or []))


class FormFlow:
    """The order of one form's screens; each method is an event and returns the position to show."""

    def __init__(self, form: FormDef) -> None:
        self.form = form
        self.has_confirmation = bool(form.confirmation)
        self.confirmed = False
        self.editing = False
        self.position = Position(Stage.LOADING)

    def _at(self, position: Position) -> Position:
        self.position = position
        return position

    @property
    def state(self) -> str:
        return self.position.name

    def loading(self) -> Position:
        return self._at(Position(Stage.LOADING))

    def gate(self, gate: Gate) -> Position:
        return self._at(Position(Stage.GATE, gate=gate))

    def gates_passed(self) -> Position:
        """Every gate passed: the own confirmation first (once), else the first question."""
        if self.has_confirmation and not self.confirmed:
            return self._at(Position(Stage.CONFIRM))
        return self.step(0)

    def confirm(self) -> Position:
        """The resident confirmed: back to the review when they came from it, else the first question."""
        self.confirmed = True
        return self.review() if self.editing else self.step(0)

    def step(self, index: int) -> Position:
        """The question at `index` of the steps (past the last: the review)."""
        steps = self.form.steps
        if index >= len(steps):
            return self.review()
        return self._at(Position(Stage.STEP, field_id=steps[index].id, number=index + 1, total=len(steps),
                                 to_review=self.editing or index == len(steps) - 1))

    def edit(self, field_id: str) -> Position:
        """修改 from the review: that question, then straight back to the review."""
        self.editing = True
        f = self.form.field(field_id)
        steps = self.form.steps
        n = steps.index(f) + 1 if f in steps else len(steps)
        return self._at(Position(Stage.STEP, field_id=field_id, number=n, total=max(len(steps), n), to_review=True))

    def answered(self, field_id: str) -> Position:
        """A valid answer: the next question, or the review when editing or after the last."""
        if self.editing:
            return self.review()
        f = self.form.field(field_id)
        steps = self.form.steps
        return self.step(steps.index(f) + 1 if f in steps else len(steps))

    def back(self, field_id: str) -> Position | None:
        """返回 on a question: the review when editing, the previous question, or None on the first."""
        if self.editing:
            return self.review()
        i = self.form.steps.index(self.form.field(field_id))
        return self.step(i - 1) if i > 0 else None

    def review(self) -> Position:
        self.editing = False
        return self._at(Position(Stage.REVIEW))

    def done(self) -> Position:
        return self._at(Position(Stage.DONE))

    def may_submit(self, *, problems: bool, submitting: bool) -> bool:
        """Every answer fine, the own confirmation given (when the form has one), not already submitting."""
        return not problems and (not self.has_confirmation or self.confirmed) and not submitting
