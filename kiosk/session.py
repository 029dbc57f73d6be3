"""The resident session (who is logged in, with what) and the timing policy that ends it."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date

from devices.base import IdentityRead
from kiosk.masking import mask_id_number, mask_name


@dataclass(frozen=True)
class ResidentSession:
    """A logged-in resident. Personal data: never log it; everything here is dropped at logout.

    `platform_token` is None when the kiosk logged the resident in offline (card read, platform
    unreachable): local services work, personal records need the network.
    """

    identity: IdentityRead
    person_key: str
    login_method: str  # id_card | ss_card | essc
    platform_token: str | None = field(default=None, repr=False)
    hard_to_employ: bool = False
    registrations: tuple[tuple[str, str], ...] = ()
    has_employment_certificate: bool = False
    phone: str = field(default="", repr=False)
    # The platform's answer (seed 004: working age ends when one 依法享受基本养老保险待遇); None: not known
    receives_basic_pension: bool | None = field(default=None, repr=False)
    notice: str = ""  # e.g. why the login is offline or partial

    @property
    def online(self) -> bool:
        return self.platform_token is not None

    @property
    def masked_name(self) -> str:
        return mask_name(self.identity.name)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.identity.id_number)

    def age_on(self, today: date) -> int | None:
        b = self.identity.birth_date
        if b is None:
            return None
        return today.year - b.year - ((today.month, today.day) < (b.month, b.day))

    def __repr__(self) -> str:
        return f"ResidentSession(method={self.login_method!r}, online={self.online})"

    __str__ = __repr__


@dataclass(frozen=True)
class StaffSession:
    """全程代理: a service-point worker the platform verified, handling matters for residents at this kiosk.

    `started` is monotonic seconds: the worker's session ends `staff_session_s` after it (its own timeout).
    """

    staff_no: str
    name: str = field(repr=False)
    service_point: str
    staff_session: str = field(repr=False)  # the platform's id of this login, sent with every submission
    login_method: str  # essc | pin
    started: float = 0.0

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def actor(self) -> str:
        """The audit trail's actor (the staff number is not personal data, the name is)."""
        return f"staff:{self.staff_no}"


class Phase(enum.StrEnum):
    ACTIVE = "active"
    WARNING = "warning"  # show the countdown with one large 继续使用 button
    EXPIRED = "expired"  # end the session


@dataclass(frozen=True)
class SessionState:
    phase: Phase
    seconds_left: float  # until the warning ends the session (only meaningful in WARNING)
    reason: str  # "idle" | "max_length" | ""
    can_extend: bool


@dataclass(frozen=True)
class SessionPolicy:
    """Idle warning with a countdown, a limited number of extensions, and a maximum session length."""

    idle_warning_s: float
    countdown_s: float
    max_session_s: float
    max_extensions: int

    MIN_COUNTDOWN_S = 20  # WCAG 2.2.1: at least 20 s to answer the warning

    def __post_init__(self) -> None:
        if self.idle_warning_s <= 0 or self.max_session_s <= 0:
            raise ValueError("idle_warning_s and max_session_s must be positive")
        if self.countdown_s < self.MIN_COUNTDOWN_S:
            raise ValueError(f"countdown_s must be at least {self.MIN_COUNTDOWN_S} s")
        if self.max_extensions < 0:
            raise ValueError("max_extensions must not be negative")

    def state(self, *, now: float, started: float, last_activity: float, extensions: int,
              idle_warning_s: float | None = None) -> SessionState:
        """Where a session stands at `now` (monotonic seconds); a page may ask for a longer idle time."""
        idle_limit = idle_warning_s if idle_warning_s is not None else self.idle_warning_s
        can_extend = extensions < self.max_extensions
        max_end = started + self.max_session_s
        # The maximum length warns `countdown_s` before it ends, like the idle warning.
        if now >= max_end:
            return SessionState(Phase.EXPIRED, 0.0, "max_length", False)
        if now >= max_end - self.countdown_s:
            return SessionState(Phase.WARNING, max_end - now, "max_length", False)
        idle_for = now - last_activity
        if idle_for >= idle_limit + self.countdown_s:
            return SessionState(Phase.EXPIRED, 0.0, "idle", False)
        if idle_for >= idle_limit:
            return SessionState(Phase.WARNING, idle_limit + self.countdown_s - idle_for, "idle", can_extend)
        return SessionState(Phase.ACTIVE, 0.0, "", can_extend)
