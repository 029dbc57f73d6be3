"""发布 (release rollout) in the console: every release, its rollout and where it stands in the account's area.

Province accounts add releases and steer rollouts (a percentage of the fleet, a county, one kiosk; pause,
resume, stop) through Platform.rollouts; city and county accounts only see their area's numbers — enforced
here, not by hiding the forms. Every change and every refusal goes to the console's audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from sandbox import db
from sandbox.console.audit import ConsoleAuditTrail
from sandbox.console.messages import ERRORS
from sandbox.console.scope import Role, Staff, kiosk_clause
from sandbox.rollout import RolloutError, RolloutStatus
from sandbox.service import Platform, conflict_retried

ACTIONS = ("start", "pause", "resume", "stop")
MAX_NOTES = 500


class RolloutRefused(ValueError):
    """A release or rollout change that is not done; the message says why in Chinese."""


class NotProvince(PermissionError):
    """A city or county account tried to change a rollout."""


@dataclass(frozen=True)
class ReleaseView:
    """One release as the 发布 page shows it: its notes, its rollout's stages (in words) and status in the area."""

    version: str
    notes: str
    published_at: float
    stages: tuple[str, ...]
    status: RolloutStatus


def stage_text(kind: str, target: str, percent: float | None) -> str:
    if kind == "percent":
        return f"全省 {percent:g}% 的自助机"
    if kind == "county":
        return f"{target}全部自助机"
    return f"自助机 {target}"


class ReleaseDesk:
    """The 发布 page's reads and the province's rollout commands."""

    def __init__(self, platform: Platform, audit: ConsoleAuditTrail) -> None:
        self._platform = platform
        self._audit = audit

    def view(self, staff: Staff) -> list[ReleaseView]:
        """Every release, newest first, counted over the account's kiosks."""
        rollouts = self._platform.rollouts
        with self._platform.Session() as s:
            stages: dict[str, list[str]] = {}
            for st in s.scalars(select(db.RolloutStage).order_by(db.RolloutStage.id)):
                stages.setdefault(st.version, []).append(stage_text(st.kind, st.target, st.percent))
        return [ReleaseView(r["version"], r["notes"] or "", r["published_at"], tuple(stages.get(r["version"], ())),
                            rollouts.rollout_status(r["version"], scope=kiosk_clause(staff))) for r in rollouts.releases()]

    def add_release(self, staff: Staff, version: str, notes: str) -> None:
        version, notes = version.strip(), notes.strip()[:MAX_NOTES]
        self._province_only(staff, "add_release", version)
        try:
            self._platform.rollouts.add_release(version, notes)
        except RolloutError as exc:
            self._record(staff, "add_release", "refused", {"version": version[:64], "message": exc.message})
            raise RolloutRefused(ERRORS["rollout_refused"].format(message=exc.message)) from exc
        self._record(staff, "add_release", "ok", {"version": version})

    def act(self, staff: Staff, action: str, version: str, percent: str = "", county: str = "",
            kiosk: str = "") -> None:
        """start (with one of percent / county / kiosk), pause, resume or stop the release's rollout."""
        audit_action = f"rollout_{action}" if action in ACTIONS else "rollout"
        self._province_only(staff, audit_action, version)
        rollouts = self._platform.rollouts
        stage = ""
        try:
            if action == "start":
                percent, county, kiosk = percent.strip(), county.strip(), kiosk.strip()
                if sum(1 for x in (percent, county, kiosk) if x) != 1:
                    raise RolloutRefused(ERRORS["rollout_no_target"])
                if percent:
                    try:
                        share = float(percent)
                    except ValueError as exc:
                        raise RolloutRefused(ERRORS["rollout_bad_percent"]) from exc
                    if not 0 < share <= 100:
                        raise RolloutRefused(ERRORS["rollout_bad_percent"])
                    rollouts.start(version, percent=share)
                    stage = stage_text("percent", "", share)
                else:
                    rollouts.start(version, county=county or None, kiosk=kiosk or None)
                    stage = stage_text("county", county, None) if county else stage_text("kiosk", kiosk, None)
            elif action == "pause":
                rollouts.pause(version)
            elif action == "resume":
                rollouts.resume(version)
            elif action == "stop":
                rollouts.stop(version)
            else:
                raise RolloutRefused(ERRORS["rollout_refused"].format(message=action[:20]))
        except RolloutError as exc:
            self._record(staff, audit_action, "refused", {"version": version[:64], "message": exc.message})
            raise RolloutRefused(ERRORS["rollout_refused"].format(message=exc.message)) from exc
        except RolloutRefused as exc:
            self._record(staff, audit_action, "refused", {"version": version[:64], "message": str(exc)})
            raise
        self._record(staff, audit_action, "ok", {"version": version, **({"stage": stage} if stage else {})})

    def _province_only(self, staff: Staff, action: str, version: str) -> None:
        if staff.role is not Role.PROVINCE:
            self._record(staff, action, "refused", {"version": version[:64], "reason": "not_province"})
            raise NotProvince(ERRORS["rollout_not_province"])

    @conflict_retried
    def _record(self, staff: Staff, action: str, outcome: str, detail: dict[str, object]) -> None:
        with self._platform.write_lock, self._platform.Session.begin() as s:
            self._audit.add(s, login=staff.login, staff=staff, action=action, outcome=outcome, detail=detail)
