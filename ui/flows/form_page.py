"""One registration/application form as a page: gates, own confirmation, questions, review, submit, receipt."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.catalogue import ServiceItem
from kiosk.form_flow import (
    FormFlow,
    Gate,
    Position,
    Stage,
    age_refusal,
    certificate_leads,
    eligibility_of,
    needs_certificate,
)
from kiosk.forms import (
    CardValues,
    FieldDef,
    FieldKind,
    FormDef,
    Option,
    build_payload,
    check_answers,
    check_one,
    display_card_value,
    display_value,
    for_camera,
    initial_answers,
    option_label,
    public_preview,
)
from kiosk.receipts.forms import submission_receipt
from kiosk.services import NeedsNetwork, SubmitResult, form_options
from ui.context import UiContext, plain_message
from ui.flows.form_steps import ConfirmStep, MessageStep, QuestionStep, scroll_buttons
from ui.flows.photo_step import PhotoStep
from ui.pages.base import Page
from ui.text import tr
from ui.widgets import big_button, label

log = logging.getLogger(__name__)

FORM_IDLE_WARNING_S = 120.0

OpenItem = Callable[[ServiceItem], None]


class FormPage(Page):
    instruction_key = "voice.form"
    """A form, one question per screen, ending in a review and a submission to the outbox."""

    transient = True
    personal = True
    idle_warning_s = FORM_IDLE_WARNING_S

    def __init__(self, ctx: UiContext, item: ServiceItem, form: FormDef, *, open_item: OpenItem,
                 prefill: Mapping[str, Any] | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.item = item
        # a photo question is asked only with a working camera; else the form's start says "at the counter"
        camera = ctx.camera
        self.camera = camera if camera is not None and camera.present and camera.health().usable else None
        form = for_camera(form, self.camera is not None)
        self.form = form
        self.open_item = open_item
        self.prefill = dict(prefill or {})
        self.page_id = f"form_{item.id}"
        self.setObjectName("formPage")
        self.answers: dict[str, Any] = {}
        self.options: dict[str, list[Option]] = {}
        self.card: CardValues | None = None
        self.flow = FormFlow(form)  # the order of the screens; this page renders its positions
        self.result: SubmitResult | None = None
        self.eligibility: Any = None
        self.steps: dict[str, QuestionStep | PhotoStep] = {}
        self.confirm: ConfirmStep | None = None
        self._intro_seen = False
        self._started = False
        self._submitting = False
        self._portrait = False

        lay = QVBoxLayout(self)
        lay.setContentsMargins(60, 12, 60, 12)
        lay.setSpacing(8)
        top = QHBoxLayout()
        self.title = label("formTitle", item.name, role="heading")
        self.applicant = label("formApplicant", "", role="hint", wrap=False)
        top.addWidget(self.title, 1)
        top.addWidget(self.applicant)
        lay.addLayout(top)
        self.stack = QStackedWidget()
        self.stack.setObjectName("formBody")
        lay.addWidget(self.stack, 1)
        self.loading = label("formLoading", tr("forms.loading"), role="hint")
        self.stack.addWidget(self.loading)
        self.review = ReviewStep(self)
        self.done = DoneStep(self)
        self.stack.addWidget(self.review)
        self.stack.addWidget(self.done)
        self.gate: MessageStep | None = None

    @property
    def state(self) -> str:
        """Where the form is (loading, a gate's name, confirm, step:<field id>, review, done)."""
        return self.flow.state

    @property
    def confirmed(self) -> bool:
        return self.flow.confirmed

    @confirmed.setter
    def confirmed(self, value: bool) -> None:
        self.flow.confirmed = value

    # ---- start ----
    def on_enter(self) -> None:
        if not self._started:
            self._started = True
            self.start()

    def start(self) -> None:
        """Check the gates that need no network, then load code lists (and eligibility) off the GUI thread."""
        session = self.ctx.services.session
        if session is None:
            self._show_gate(Gate.LOGIN, tr("overlay.login_first"), [])
            return
        self.card = CardValues.from_identity(session.identity)
        self.applicant.setText(tr("forms.applicant", name=session.masked_name))
        self.applicant.setAccessibleName(self.applicant.text())
        refusal = age_refusal(self.item, self.ctx.catalogue.working_age_rule, session, self.ctx.services.today())
        if refusal is not None:
            sp = self.ctx.settings.service_point
            title = tr("forms_gate.age_title", item=self.item.name)
            if refusal.problem is None:
                self._show_gate(Gate.AGE, title, [tr("forms_gate.age_unknown", counter=sp.counter)])
            else:
                lines = [refusal.problem, *([refusal.rule_text] if refusal.rule_text else []),
                         tr("forms_gate.age_counter", counter=sp.counter, phone=sp.phone)]
                self._show_gate(Gate.AGE, title, lines)
            return
        if needs_certificate(self.form, session):
            self._certificate_gate(online=session.online)
            return
        self._load()

    def _certificate_gate(self, *, online: bool) -> None:
        sp = self.ctx.settings.service_point
        actions: list[tuple[str, str, str, Callable[[], None]]] = []
        for lead in certificate_leads(self.form, self.item, self.ctx.catalogue):
            text = lead.text or tr("forms_gate.cert_lead", item=lead.item.display_name)

            def open_lead(_checked: bool = False, t: ServiceItem = lead.item) -> None:
                self.open_item(t)

            actions.append((f"formLead_{lead.item.id}", text, "primary", open_lead))
        lines = [tr("forms_gate.cert_text")]
        if not online:
            lines.append(tr("forms_gate.cert_offline"))
            actions.append(("formCertContinue", tr("forms_gate.cert_continue"), "", self._load))
        lines.append(tr("forms_gate.counter_line", counter=sp.counter))
        self._show_gate(Gate.CERTIFICATE, tr("forms_gate.cert_title"), lines, actions)

    def _show_gate(self, gate: Gate, title: str, lines: list[str],
                   actions: list[tuple[str, str, str, Callable[[], None]]] | None = None) -> None:
        if self.gate is not None:
            self.stack.removeWidget(self.gate)
            self.gate.deleteLater()
        self.gate = MessageStep(gate.value, title, lines, actions or [])
        self.stack.addWidget(self.gate)
        self.stack.setCurrentWidget(self.gate)
        self.flow.gate(gate)

    def _load(self) -> None:
        self.flow.loading()
        self.stack.setCurrentWidget(self.loading)
        services = self.ctx.services
        sources = self.form.code_sources
        record_kind = self.form.eligibility

        def work() -> tuple[Any, dict[str, list[Option]]]:
            record = services.personal_record(record_kind) if record_kind else None
            opts = {s: [Option(v, lbl) for v, lbl in form_options(services, s)] for s in sources}
            return record, opts

        if record_kind:
            self.loading.setText(tr("forms_gate.checking"))
        self.ctx.run(work, self._loaded, self._load_failed, busy=None)

    def _load_failed(self, exc: BaseException) -> None:
        sp = self.ctx.settings.service_point
        if isinstance(exc, NeedsNetwork):
            self._show_gate(Gate.OFFLINE, tr("forms_gate.offline_title"),
                            [tr("forms_gate.offline_text", item=self.item.name, counter=sp.counter)])
            return
        self._show_gate(Gate.LOAD_FAILED, tr("forms.load_failed", message=plain_message(exc)),
                        [tr("forms_gate.counter_line", counter=sp.counter)])

    def _loaded(self, result: tuple[Any, dict[str, list[Option]]]) -> None:
        if self.ctx.services.session is None or self.card is None:
            return  # the resident left meanwhile
        record, self.options = result
        session = self.ctx.services.session
        town = next((o.value for o in self.options.get("towns", [])
                     if o.label == self.ctx.settings.service_point.town), None)
        self.answers = initial_answers(self.form, today=self.ctx.services.today(), town_code=town,
                                       phone=session.phone, prefill=self.prefill,
                                       village=self.ctx.settings.service_point.village)
        self._build_steps()
        if self.form.eligibility:
            self.eligibility = record
            answer = eligibility_of(record)
            if not answer.eligible:
                lines = [tr("forms_gate.reasons"), *(f"· {r}" for r in answer.reasons),
                         tr("forms_gate.counter_line", counter=self.ctx.settings.service_point.counter)]
                self._show_gate(Gate.INELIGIBLE, tr("forms_gate.ineligible_title", item=self.item.name), lines)
                return
            self._show_gate(Gate.ELIGIBLE, tr("forms_gate.eligible_title"),
                            [*(f"· {r}" for r in answer.reasons)],
                            [("formEligibleStart", tr("forms_gate.eligible_start"), "primary", self._after_gates)])
            return
        self._after_gates()

    def _after_gates(self) -> None:
        if self.form.intro and not self._intro_seen:
            # what the resident must know before starting (e.g. the photo is taken at the counter)
            counter = tr("forms_gate.intro_counter", counter=self.ctx.settings.service_point.counter)
            self._show_gate(Gate.INTRO, tr("forms_gate.intro_title"), [self.form.intro, counter],
                            [("formIntroStart", tr("forms_gate.intro_start"), "primary", self._intro_done)])
            return
        self._render(self.flow.gates_passed())

    def _render(self, position: Position | None) -> None:
        """Show the flow's position: the confirmation, a question, or the review."""
        if position is None:
            return
        if position.stage is Stage.CONFIRM and self.confirm is not None:
            self.stack.setCurrentWidget(self.confirm)
        elif position.stage is Stage.STEP and position.field_id is not None:
            step = self.steps[position.field_id]
            if isinstance(step, QuestionStep):
                step.attach_keyboard()
            step.set_value(self.answers.get(position.field_id))
            self._show_preview(self.form.field(position.field_id), step)
            step.set_step(position.number, position.total, to_review=position.to_review)
            self.stack.setCurrentWidget(step)
            if not self.flow.editing and step.edit is not None:
                step.edit.setFocus()
        elif position.stage is Stage.REVIEW:
            self.review.refresh()
            self.stack.setCurrentWidget(self.review)

    def _intro_done(self) -> None:
        self._intro_seen = True
        self._after_gates()

    # ---- steps ----
    def _build_steps(self) -> None:
        window = self.ctx.window
        if self.form.confirmation:
            if self.form.confirmation == "commitment":
                title, text = tr("forms_confirm.commitment_title"), self.ctx.catalogue.commitment_text()
            else:
                title, text = self.form.confirmation_title or tr("forms.confirmation_row"), self.form.confirmation_text
            self.confirm = ConfirmStep(title, text)
            self.confirm.confirmed.connect(self._on_confirmed)
            self.stack.addWidget(self.confirm)
        keyboard_factory = _keyboard_factory()
        for f in self.form.questions:
            step: QuestionStep | PhotoStep
            if f.kind is FieldKind.PHOTO and self.camera is not None:
                step = PhotoStep(f, self.camera, portrait=self._portrait)
            else:
                step = QuestionStep(f, self._options_for(f), window=window, elderly=window.elderly,
                                    portrait=self._portrait, keyboard_factory=keyboard_factory)
            step.answered.connect(lambda value, fid=f.id: self._answered(fid, value))
            step.back_requested.connect(lambda fid=f.id: self._back_from(fid))
            step.set_value(self.answers.get(f.id))
            self.steps[f.id] = step
            self.stack.addWidget(step)

    def _options_for(self, f: FieldDef) -> list[Option]:
        if f.kind is FieldKind.CHOICE:
            return list(f.options)
        if f.kind is FieldKind.CODE:
            return self.options.get(f.source, [])
        return []

    def _on_confirmed(self) -> None:
        self._render(self.flow.confirm())

    def _go_step(self, index: int) -> None:
        self._render(self.flow.step(index))

    def _show_preview(self, f: FieldDef, step: QuestionStep | PhotoStep) -> None:
        """A question that decides publication shows what the answers so far would publish (e.g. 王**　40-49岁)."""
        if not f.preview or self.card is None:
            return
        labels = {q.id: option_label(q, self.answers.get(q.id), self._options_for(q)) for q in self.form.questions}
        payload = build_payload(self.form, self.answers, card=self.card, option_labels=labels)
        step.set_preview(public_preview(f.preview, payload, self.card, self.ctx.services.today()))

    def edit_field(self, field_id: str) -> None:
        """修改 from the review: that question, then straight back to the review."""
        self._render(self.flow.edit(field_id))

    def _answered(self, field_id: str, value: Any) -> None:
        f = self.form.field(field_id)
        step = self.steps[field_id]
        answers = {**self.answers, field_id: value}
        problem = check_one(self.form, f, value, self.ctx.services.today(), answers, self._options_for(f) or None)
        if problem:
            step.show_error(problem)
            return
        self.answers[field_id] = value
        self._render(self.flow.answered(field_id))

    def _back_from(self, field_id: str) -> None:
        self._render(self.flow.back(field_id))

    # ---- review and submit ----
    def problems(self) -> dict[str, str]:
        return check_answers(self.form, self.answers, self.ctx.services.today(),
                             {s: o for s, o in self.options.items()})

    def show_review(self) -> None:
        self._render(self.flow.review())

    def can_submit(self) -> bool:
        return self.flow.may_submit(problems=bool(self.problems()), submitting=self._submitting)

    def submit(self) -> None:
        if not self.can_submit():
            self.review.refresh()
            return
        labels = {f.id: option_label(f, self.answers.get(f.id), self._options_for(f)) for f in self.form.questions}
        payload = build_payload(self.form, self.answers, card=self.card, confirmed=self.confirmed,
                                option_labels=labels)
        services = self.ctx.services
        kind, title = self.form.kind, self.item.name
        self._submitting = True
        self.review.submit.setEnabled(False)

        def failed(exc: BaseException) -> None:
            self._submitting = False
            self.review.refresh()
            self.ctx.overlay.failure(plain_message(exc))

        self.ctx.run(lambda: services.submit(kind, title, payload), self._submitted, failed,
                     busy=tr("forms.submitting"))

    def _submitted(self, result: SubmitResult) -> None:
        self._submitting = False
        self.result = result
        self.done.show_result(result, self.done_note())
        self.stack.setCurrentWidget(self.done)
        self.flow.done()
        self._submitted_identity = (self.ctx.services.session.identity if self.ctx.services.session else None)

    def done_note(self) -> str:
        """The closing text: the catalogue's, from the active province profile; else the form's own."""
        return self.item.closing_note or self.form.done_note

    def print_receipt(self) -> None:
        result, identity = self.result, getattr(self, "_submitted_identity", None)
        if result is None or identity is None:
            return
        settings, name, note, now = self.ctx.settings, self.item.name, self.done_note(), self.ctx.services.now
        id_number, person = identity.id_number, identity.name

        def build() -> object:
            return submission_receipt(settings, item_name=name, local_no=result.local_no,
                                      status_text=result.status_text, id_number=id_number, name=person,
                                      submitted_at=result.submitted_at, now=now(), note=note)

        self.ctx.print_document(build)

    # ---- page protocol ----
    def set_portrait(self, portrait: bool) -> None:
        self._portrait = portrait
        for step in self.steps.values():
            step.set_portrait(portrait)
        if self.state == "review":
            self.review.refresh()

    def clear_personal(self) -> None:
        self.answers.clear()
        self.prefill.clear()
        self.card = None
        self.result = None
        self.eligibility = None
        self._submitted_identity = None
        self.applicant.clear()
        for step in self.steps.values():
            step.clear()
        self.review.clear()
        self.done.clear()
        if self.gate is not None:
            self.stack.removeWidget(self.gate)
            self.gate.deleteLater()
            self.gate = None


def _keyboard_factory() -> Callable[[], QWidget | None]:
    """One pinyin keyboard for the whole form, made on first use: the text question shown takes it in
    (QuestionStep.attach_keyboard). A second keyboard panel would take the input engine from the first,
    whose keys then offered no candidates (招聘零工登记 has two text questions)."""
    made: list[QWidget | None] = []

    def shared() -> QWidget | None:
        if not made:
            from ui.vkb import VirtualKeyboard, keyboard_available

            made.append(VirtualKeyboard() if keyboard_available() else None)
        return made[0]

    return shared


class _Step(QWidget):
    """A step of the form page after the questions: a column under its heading."""

    def __init__(self, page: FormPage, name: str, heading: str, spacing: int) -> None:
        super().__init__()
        self.page = page
        self.setObjectName(name)
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(0, 0, 0, 0)
        self.column.setSpacing(spacing)
        self.column.addWidget(label(f"{name}Title", heading, role="heading"))


class ReviewStep(_Step):
    """Every answer with a 修改 button back to its question; 提交 only when everything is fine and confirmed."""

    def __init__(self, page: FormPage) -> None:
        super().__init__(page, "formReview", tr("forms.review_title"), spacing=10)
        lay = self.column
        lay.addWidget(label("formReviewHint", tr("forms.review_hint"), role="hint"))
        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("formReviewScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setMinimumHeight(120)
        lay.addWidget(self.scroll_area, 1)
        self.problems = label("formReviewProblems", "", role="error")
        lay.addWidget(self.problems)
        row = QHBoxLayout()
        for b in scroll_buttons(self.scroll_area, "formReviewScroll"):
            row.addWidget(b)
        row.addStretch(1)
        self.submit = big_button("formSubmit", tr("forms.submit"), role="primary")
        self.submit.setMinimumWidth(320)
        self.submit.clicked.connect(page.submit)
        row.addWidget(self.submit)
        lay.addLayout(row)
        self.rows: dict[str, QWidget] = {}

    def refresh(self) -> None:
        page = self.page
        inner = QWidget()
        inner.setObjectName("formReviewRows")
        il = QVBoxLayout(inner)
        il.setSpacing(8)
        self.rows = {}
        if page.card is not None and page.form.card_fields:
            il.addWidget(label("formReviewCardBlock", tr("forms.card_block"), role="hint"))
            grid = QGridLayout()
            grid.setHorizontalSpacing(40)
            cols = 1 if page._portrait else 2  # portrait: one per line, long values would wrap badly
            for i, f in enumerate(page.form.card_fields):
                text = f"{f.label}：{display_card_value(f, page.card)}"
                grid.addWidget(label(f"formCard_{f.id}", text), i // cols, i % cols)
            il.addLayout(grid)
        il.addWidget(label("formReviewAnswersBlock", tr("forms.answers_block"), role="hint"))
        problems = page.problems()
        for f in page.form.questions:
            value = display_value(f, page.answers.get(f.id), page._options_for(f))
            row = self._row(f"formRow_{f.id}", f.review_label, value, problems.get(f.id),
                            lambda _=False, fid=f.id: page.edit_field(fid), f.id)
            self.rows[f.id] = row
            il.addWidget(row)
        if page.confirm is not None:
            il.addWidget(self._row("formRow_confirmation", tr("forms.confirmation_row"),
                                   tr("forms.confirmation_done") if page.confirmed else "",
                                   None if page.confirmed else tr("forms_confirm.must_confirm"),
                                   None))
        il.addStretch(1)
        old = self.scroll_area.takeWidget()
        if old is not None:
            old.deleteLater()
        self.scroll_area.setWidget(inner)
        if problems:
            self.problems.setText(tr("forms.review_problems", count=len(problems)))
        else:
            self.problems.setText("")
        self.problems.setVisible(bool(problems))
        self.submit.setEnabled(page.can_submit())

    def _row(self, name: str, title: str, value: str, problem: str | None,
             on_edit: Callable[..., None] | None, field_id: str = "") -> QWidget:
        w = QFrame()
        w.setObjectName(name)
        w.setFrameShape(QFrame.Shape.StyledPanel)
        h = QHBoxLayout(w)
        h.setContentsMargins(12, 4, 12, 4)
        texts = QVBoxLayout()
        texts.setSpacing(2)
        val = label(f"{name}_value", f"{title}：{value}")
        texts.addWidget(val)
        if problem:
            texts.addWidget(label(f"{name}_problem", problem, role="error"))
        h.addLayout(texts, 1)
        if on_edit is not None:
            b = big_button(f"formEdit_{field_id}", tr("forms.edit"))
            b.setAccessibleName(f"{tr('forms.edit')}{title}")
            b.clicked.connect(on_edit)
            h.addWidget(b)
        return w

    def clear(self) -> None:
        old = self.scroll_area.takeWidget()
        if old is not None:
            old.deleteLater()
        self.rows = {}


class DoneStep(_Step):
    """The confirmation: local case number, status, the in-person review note, 打印凭条, 返回首页."""

    def __init__(self, page: FormPage) -> None:
        super().__init__(page, "formDone", tr("forms.done_title"), spacing=12)
        lay = self.column
        self.case_no = label("formCaseNo", "", role="guidance")
        self.status = label("formStatus", "")
        self.note = label("formNote", "")
        self.hint = label("formDoneHint", tr("forms.done_hint"), role="hint")
        for w in (self.case_no, self.status, self.note, self.hint):
            lay.addWidget(w)
        lay.addStretch(1)
        row = QHBoxLayout()
        self.print_button = big_button("formPrint", tr("forms.print"), role="primary")
        self.print_button.clicked.connect(page.print_receipt)
        self.home_button = big_button("formHome", tr("forms.home"))
        self.home_button.clicked.connect(lambda: page.ctx.window.go_home())
        row.addWidget(self.print_button)
        row.addStretch(1)
        row.addWidget(self.home_button)
        lay.addLayout(row)

    def show_result(self, result: SubmitResult, note: str) -> None:
        for lbl, text in ((self.case_no, tr("forms.done_case_no", no=result.local_no)),
                          (self.status, tr("forms.done_status", status=result.status_text)), (self.note, note)):
            lbl.setText(text)
            lbl.setAccessibleName(text)
        self.note.setVisible(bool(note))

    def clear(self) -> None:
        for lbl in (self.case_no, self.status, self.note):
            lbl.clear()
