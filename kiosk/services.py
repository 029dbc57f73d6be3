"""What the resident screens can do, in one place: log in, search, recommend, submit, query, print.

Every method may block (database, platform, printer): the UI calls them off the GUI thread through
its bridge. Errors are typed and carry the plain Chinese message to show.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Protocol

from devices.base import DeviceHealth, IdentityRead, SsCardPinReader
from devices.idnumber import InvalidIdNumber, validate_id_number
from kiosk.catalogue import Catalogue
from kiosk.clock import ServicePointClock
from kiosk.errors import PlainError
from kiosk.live_catalogue import LiveCatalogue
from kiosk.logging_setup import NameRegistry
from kiosk.platform.errors import (
    PlatformError,
    PlatformRejected,
    PlatformUnavailable,
    ResidentAuthError,
)
from kiosk.platform.models import Case, PersonalRecord, PlatformLogin, Profile, Registration, StaffLogin
from kiosk.session import ResidentSession, StaffSession
from kiosk.settings import Settings
from kiosk.sync.cases import apply_cases
from offline_cache import (  # noqa: E402
    CaseView,
    Database,
    GigNeed,
    JobIntention,
    Match,
    PayloadUnreadable,
    Record,
    SearchPage,
    SearchQuery,
    ServicePointLocation,
    UnknownSubmission,
)

log = logging.getLogger(__name__)

# Plain messages of this module (data, in one place).
MESSAGES = {
    "offline_login": "网络暂时不可用：您可以查看岗位、办理登记（联网后自动上传）；个人参保记录需联网查询。",
    "partial_card": "这张社保卡需要先输入密码，再由平台核对持卡人。",
    "third_gen_needs_network": "这张社保卡（第三代）只能在联网时读取，现在网络暂时不可用。",
    "third_gen_bad_id_number": "平台返回的持卡人身份证号码有误，无法登录。请改用身份证，或到柜台办理。",
    "essc_needs_network": "电子社保卡需要联网核验。网络暂时不可用，请改用身份证或社保卡。",
    "essc_bad_id_number": "电子社保卡核验返回的身份证号码有误，无法登录。请改用身份证或社保卡，或到柜台办理。",
    "records_need_network": "个人记录需要联网查询。网络暂时不可用，请稍后再试，或到柜台查询（{counter}）。",
    "not_logged_in": "请先插入身份证或社保卡，或扫描电子社保卡。",
    "card_expired": "您的证件已过有效期，请使用有效证件或到柜台办理。",
    "queued_offline": "已保存，联网后自动上传",
    "accepted": "已受理，待审核",
    "withdraw_local": "已撤回（尚未上传，不会提交到平台）",
    "not_withdrawable": "这件业务已经不能撤回，请到柜台咨询。",
    "staff_needs_network": "工作人员身份需要联网核验。网络暂时不可用，请稍后再试。",
}


PERSONAL_MESSAGES = {
    "reader_unavailable": "社保卡读卡器暂时不可用，请改用身份证登录，或联系工作人员。",
    "payload_gone": "这份办件的原内容已不在本机保存，请重新填写。",
    "not_yours": "这份办件不是您本人的。",
}

class ServiceError(PlainError):
    """A service could not be done; `message` is what the resident reads."""


class NotLoggedIn(ServiceError):
    """A personal service was asked for without a resident session."""


class NeedsNetwork(ServiceError):
    """A live personal query while the platform is unreachable."""


class CardNeedsNetwork(NeedsNetwork):
    """A 3rd-generation social security card without a PSAM: only the platform can name its holder."""


class PartialCardRead(ServiceError):
    """A card read that does not name the holder cannot start a session (use the card holder login)."""


class QueueSubmission(Protocol):
    def __call__(self, kind: str, title: str, id_number: str, name: str, payload: Mapping[str, Any],
                 assisted_by: Mapping[str, str] | None = None) -> Any: ...


RecordAudit = Callable[[str, str, Mapping[str, Any]], Any]


class ResidentPlatform(Protocol):
    """What the resident services ask the platform (kiosk.platform.PlatformClient)."""

    def login_identity(self, identity: IdentityRead) -> PlatformLogin: ...

    def login_essc(self, essc_token: str) -> PlatformLogin: ...

    def login_card_holder(self, card_number: str, card_identification_code: str,
                          issuing_region: str) -> PlatformLogin: ...

    def my_cases(self, token: str, status: str | None = None, month: str | None = None) -> tuple[Case, ...]: ...

    def withdraw(self, token: str, case_no: str) -> Case: ...

    def record(self, token: str, kind: str) -> PersonalRecord: ...

    def my_registrations(self, token: str) -> tuple[Registration, ...]: ...

    def login_staff(self, *, essc_token: str | None = None, staff_no: str | None = None,
                    pin: str | None = None) -> StaffLogin: ...


class ResidentDevices(Protocol):
    """What the resident services need of the devices (devices.manager.DeviceManager)."""

    def forget_cards(self) -> None: ...

    def print_document(self, document: object) -> DeviceHealth: ...

    def ss_card_reader(self) -> SsCardPinReader | None: ...


@dataclass(frozen=True)
class SubmitResult:
    """What the confirmation screen shows after a submission."""

    local_no: str  # short local case number (from the idempotency key)
    key: str
    title: str
    status_text: str  # 已受理，待审核 / 已保存，联网后自动上传
    online: bool
    submitted_at: datetime


@dataclass(frozen=True)
class HeldIntention:
    """What a recommendation starts from: the person's job intention (or, as a gig employer, their need).

    source: "platform" (the registrations the platform holds), "kiosk" (a registration still in this kiosk's
    outbox), or "" (none: ask the two questions). offline: the platform could not be asked, so matching runs
    on the cached feeds and the screen says so.
    """

    intention: JobIntention | None = None
    need: GigNeed | None = None
    made: datetime | None = None
    source: str = ""
    offline: bool = False
    category_names: tuple[str, ...] = ()  # the names of the work codes (a group such as 建筑施工, or a trade)


def local_case_no(key: str) -> str:
    """A short number a resident can read out at the counter: B + the key's first 10 hex digits."""
    return "B" + key.replace("-", "")[:10].upper()


class ResidentServices:
    """The application services behind every resident screen."""

    def __init__(
        self,
        *,
        settings: Settings,
        catalogues: LiveCatalogue,
        database: Database,
        platform: ResidentPlatform,
        devices: ResidentDevices,
        names: NameRegistry,
        queue_submission: QueueSubmission,
        kick_sync: Callable[[], None] = lambda: None,
        is_online: Callable[[], bool | None] = lambda: None,
        clock: ServicePointClock,
        record_audit: RecordAudit = lambda actor, action, detail: None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self._catalogues = catalogues
        self.database = database
        self.platform = platform
        self.devices = devices
        self.names = names
        self._queue = queue_submission
        self._kick = kick_sync
        self._is_online = is_online
        self.clock = clock  # the service point's time (kiosk/clock.py), for everything shown or printed
        self.today: Callable[[], date] = clock.today
        self.now: Callable[[], datetime] = clock.now
        self._lock = threading.Lock()
        self._session: ResidentSession | None = None
        self._pin_identity: IdentityRead | None = None  # the card read whose PIN was given (this session only)
        self._logouts = 0  # a login still under way when this moves belongs to a resident who left
        self._staff: StaffSession | None = None  # 全程代理: the worker handling matters for residents
        self._audit = record_audit
        self._monotonic = monotonic
        sp = settings.service_point
        self.point = ServicePointLocation(lat=sp.lat, lon=sp.lon, county=sp.county, town=sp.town, village=sp.village)

    @property
    def catalogue(self) -> Catalogue:
        """The kiosk's catalogue now (its one owner is the core's LiveCatalogue; the platform may change it)."""
        return self._catalogues.current

    # ---- session ----
    @property
    def session(self) -> ResidentSession | None:
        return self._session

    def require_session(self) -> ResidentSession:
        s = self._session
        if s is None:
            raise NotLoggedIn(MESSAGES["not_logged_in"])
        return s

    def begin_card_session(self, identity: IdentityRead) -> ResidentSession:
        """Start a session from a card read at once (greeting within a second); the platform comes after."""
        if identity.expired:
            raise ServiceError(MESSAGES["card_expired"])
        if identity.partial or not identity.id_number or not identity.name:
            raise PartialCardRead(MESSAGES["partial_card"])  # never a session with an empty identity
        self.names.add(identity.name)
        session = ResidentSession(identity, self.database.person_key(identity.id_number), identity.source,
                                  notice=identity.notice if identity.partial else "")
        with self._lock:
            self._session = session
        return session

    def connect_session(self) -> ResidentSession | None:
        """Log the current card session in at the platform; offline it stays a local session with a notice.

        Returns the updated session, or None when the resident left meanwhile.
        """
        with self._lock:
            local = self._session
        if local is None or local.platform_token is not None:
            return local
        try:
            remote = self.platform.login_identity(local.identity)
        except PlatformUnavailable:
            updated = replace(local, notice=local.notice or MESSAGES["offline_login"])
        except PlatformRejected as exc:
            raise ServiceError(exc.message) from exc
        else:
            updated = self._from_remote(local.identity, local.person_key, local.login_method, remote)
            if local.notice:
                updated = replace(updated, notice=local.notice)
        with self._lock:
            if self._session is not local:  # logged out (or another card) while we waited
                return None
            self._session = updated
        return updated

    def login_card(self, identity: IdentityRead) -> ResidentSession:
        """Both steps in one call (for commands and tests)."""
        self.begin_card_session(identity)
        session = self.connect_session()
        assert session is not None
        return session

    def _checked_profile(self, remote: PlatformLogin, login: str, message_key: str) -> Profile:
        """The platform's profile, its ID number checked: the answer is a way in like a card, and a malformed
        number is nobody, not a person."""
        p = remote.profile
        try:
            validate_id_number(p.id_number, self.today())
        except InvalidIdNumber as exc:
            log.warning("%s login refused: the platform's ID number fails %s", login, exc.fault.value)
            raise ServiceError(MESSAGES[message_key]) from exc
        return p

    def login_essc(self, token: str) -> ResidentSession:
        """Log in with the e-SSC QR token: the platform verifies it (online only)."""
        try:
            remote = self.platform.login_essc(token)
        except PlatformUnavailable as exc:
            raise NeedsNetwork(MESSAGES["essc_needs_network"]) from exc
        except PlatformRejected as exc:
            raise ServiceError(exc.message) from exc
        p = self._checked_profile(remote, "e-SSC", "essc_bad_id_number")
        self.names.add(p.name)
        birth = date.fromisoformat(p.birth_date) if p.birth_date else None
        identity = IdentityRead(source="essc", card_type="essc", id_number=p.id_number, name=p.name,
                                gender=p.gender, birth_date=birth)
        session = self._from_remote(identity, self.database.person_key(p.id_number), "essc", remote)
        with self._lock:
            self._session = session
        return session

    # ---- 3rd-generation social security card without a PSAM: PIN on the card, holder from the platform ----
    def card_holder_login_start(self, identity: IdentityRead) -> int | None:
        """Before asking the PIN of a card that hides its holder: the card's PIN tries left (blocking, card I/O).

        CardNeedsNetwork when the kiosk knows it is offline (asking a PIN that cannot be used helps nobody).
        """
        if identity.expired:
            raise ServiceError(MESSAGES["card_expired"])
        if self._is_online() is False:
            raise CardNeedsNetwork(MESSAGES["third_gen_needs_network"])
        return self._ss_reader().pin_tries_left()

    def login_card_holder(self, identity: IdentityRead, pin: str) -> ResidentSession | None:
        """Verify the PIN on the card (possession), then let the platform name the holder from what the card
        gives freely; the session then holds the full identity, like any other login.

        PinError when the card refuses the PIN; CardNeedsNetwork when the platform cannot be reached; None
        when the resident left (logout, card out) before the platform answered. The PIN is neither logged
        nor kept.
        """
        with self._lock:
            started = self._logouts
        self._ss_reader().verify_pin(pin)
        del pin
        extra = dict(identity.extra)
        try:
            remote = self.platform.login_card_holder(identity.card_number, extra.get("card_identification_code", ""),
                                                     extra.get("region_code", ""))
        except PlatformUnavailable as exc:
            raise CardNeedsNetwork(MESSAGES["third_gen_needs_network"]) from exc
        except PlatformRejected as exc:
            raise ServiceError(exc.message) from exc
        p = self._checked_profile(remote, "card holder", "third_gen_bad_id_number")
        birth = date.fromisoformat(p.birth_date) if p.birth_date else None
        full = replace(identity, id_number=p.id_number, name=p.name, gender=p.gender, birth_date=birth,
                       partial=False, notice="", extra=(*identity.extra, ("holder_from", "platform")))
        session = self._from_remote(full, self.database.person_key(p.id_number), "ss_card", remote)
        with self._lock:
            if self._logouts != started or self._session is not None:
                log.info("3rd-generation card holder login dropped: the resident left meanwhile")
                return None
            self._session = session
            self._pin_identity = full  # PIN given at this login: records do not ask again
        self.names.add(p.name)
        log.info("3rd-generation card holder logged in through the platform")
        return session

    @staticmethod
    def _from_remote(identity: IdentityRead, person_key: str, method: str, remote: PlatformLogin) -> ResidentSession:
        p = remote.profile
        return ResidentSession(
            identity=identity, person_key=person_key, login_method=method, platform_token=remote.token,
            hard_to_employ=bool(p.hard_to_employ), registrations=tuple(sorted(dict(p.registrations).items())),
            has_employment_certificate=bool(p.has_employment_certificate), phone=p.phone or "",
            receives_basic_pension=p.receives_basic_pension,
        )

    # ---- 全程代理: a service-point worker logs in, then the resident confirms with their own card ----
    @property
    def staff(self) -> StaffSession | None:
        return self._staff

    def staff_login(self, *, essc_token: str | None = None, staff_no: str | None = None,
                    pin: str | None = None) -> StaffSession:
        """Verify a worker at the platform (e-SSC scan, or staff number + PIN); online only. The PIN is neither
        logged nor kept. ServiceError with the platform's refusal (not staff here, locked after 3 months…)."""
        method = "essc" if essc_token is not None else "pin"
        try:
            login = self.platform.login_staff(essc_token=essc_token, staff_no=staff_no, pin=pin)
        except PlatformUnavailable as exc:
            raise NeedsNetwork(MESSAGES["staff_needs_network"]) from exc
        except PlatformRejected as exc:
            self._audit("staff:" + (staff_no or "e-SSC"), "staff_refused", {"code": exc.code, "method": method})
            raise ServiceError(exc.message) from exc
        finally:
            del pin
        staff = StaffSession(staff_no=login.staff_no, name=login.name, service_point=login.service_point,
                             staff_session=login.staff_session, login_method=method, started=self._monotonic())
        self.names.add(login.name)
        with self._lock:
            self._staff = staff
        self._audit(staff.actor, "staff_login", {"method": method})
        log.info("staff %s logged in for assisted service (%s)", staff.staff_no, method)
        return staff

    def staff_seconds_left(self) -> float | None:
        """Seconds until the worker's own timeout (timeouts.staff_session_s); None without a worker."""
        staff = self._staff
        if staff is None:
            return None
        return staff.started + self.settings.timeouts.staff_session_s - self._monotonic()

    def end_staff(self, reason: str = "logout") -> None:
        """The worker leaves (logout, timeout): recorded; the resident they served is logged out by the caller."""
        with self._lock:
            staff, self._staff = self._staff, None
        if staff is not None:
            self._audit(staff.actor, "staff_logout", {"reason": reason})

    def logout(self) -> None:
        """Forget the resident: session, token, and the names the log filter was masking."""
        self.end_staff()
        with self._lock:
            self._session = None
            self._pin_identity = None
            self._logouts += 1
        self.names.clear()
        self.devices.forget_cards()  # the manager's replay memory of the card read

    # ---- public information (cached) ----
    def search(self, feed: str, query: SearchQuery) -> SearchPage:
        return self.database.search.search(feed, query)

    def record(self, feed: str, item_id: str) -> Any:
        return self.database.feeds.get(feed, item_id)

    def recommend(self, feed: str, intention: JobIntention, limit: int = 20) -> list[Match]:
        matcher = self.database.matcher
        if feed == "gig_jobs":
            return matcher.gig_jobs(intention, self.point, limit)
        return matcher.fixed_jobs(intention, self.point, limit)

    # ---- submissions ----
    def submit(self, kind: str, title: str, payload: Mapping[str, Any]) -> SubmitResult:
        """Write the submission to the outbox (durable before this returns) and wake the sync worker."""
        s = self.require_session()
        staff = self._staff
        if staff is None:
            item = self._queue(kind, title, s.identity.id_number, s.identity.name, payload)
        else:  # 全程代理: the submission carries both identities; the audit trail says who, for whom, what
            item = self._queue(kind, title, s.identity.id_number, s.identity.name, payload,
                               assisted_by={"staff_no": staff.staff_no, "staff_session": staff.staff_session})
            self._audit(staff.actor, "assisted_submit",
                        {"resident": f"{s.masked_name} {s.masked_id_number}", "item": title, "kind": kind,
                         "case": local_case_no(item.key)})
        self._kick()
        online = bool(self._is_online())
        return SubmitResult(
            local_no=local_case_no(item.key), key=item.key, title=title,
            status_text=MESSAGES["accepted"] if online else MESSAGES["queued_offline"], online=online,
            submitted_at=self.now(),
        )

    # ---- 我的办件 ----
    def _title_for(self, kind: str) -> str:
        try:
            return self.catalogue.by_code(kind).name
        except KeyError:
            return kind

    def my_cases(self, *, month: str | None = None, status: str | None = None) -> list[CaseView]:
        """The resident's cases: refreshed from the platform when reachable, always with the local outbox."""
        s = self.require_session()
        if s.platform_token:
            try:
                remote = self.platform.my_cases(s.platform_token)
            except (PlatformUnavailable, ResidentAuthError) as exc:
                log.info("case list not refreshed: %s", exc.code)
            else:
                apply_cases(self.database, s.person_key, remote, self._title_for)
        from offline_cache import CaseStatus

        return self.database.cases.list_for_person(
            s.person_key, month=month, status=CaseStatus(status) if status else None
        )

    def withdraw(self, case: CaseView) -> str:
        """Withdraw a case while 未审核 (locally if not uploaded yet); returns the message to show."""
        s = self.require_session()
        if case.case_no is None:
            if case.key is None:
                raise ServiceError(MESSAGES["not_withdrawable"])
            self.database.outbox.withdraw(case.key)
            return MESSAGES["withdraw_local"]
        if not s.platform_token:
            raise NeedsNetwork(MESSAGES["records_need_network"].format(counter=self.settings.service_point.counter))
        try:
            self.platform.withdraw(s.platform_token, case.case_no)
        except PlatformUnavailable as exc:
            raise NeedsNetwork(exc.message) from exc
        except PlatformError as exc:
            raise ServiceError(exc.message) from exc
        self.database.cases.mark_withdrawn(case.case_no)
        return "已撤回"

    # ---- live personal records ----
    def personal_record(self, kind: str) -> PersonalRecord:
        """A live query (pension, benefits, certificate…); never cached."""
        s = self.require_session()
        counter = self.settings.service_point.counter
        if not s.platform_token:
            raise NeedsNetwork(MESSAGES["records_need_network"].format(counter=counter))
        try:
            return self.platform.record(s.platform_token, kind)
        except PlatformUnavailable as exc:
            raise NeedsNetwork(MESSAGES["records_need_network"].format(counter=counter)) from exc
        except PlatformError as exc:
            raise ServiceError(exc.message) from exc

    # ---- paper ----
    def print_document(self, document: object) -> DeviceHealth:
        """Print (blocking); PrinterError subclasses carry the message ('打印机缺纸，请联系工作人员')."""
        return self.devices.print_document(document)

    # ---- lists for pickers, the person's last job intention, matching published gig seekers ----
    def towns(self) -> list[Record]:
        """The towns (乡镇) of the service point's county, by code (all cached towns if the county is unknown)."""
        return self.database.codes.towns_of_county(self.settings.service_point.county)


    def job_categories(self) -> list[Record]:
        """Concrete job categories (those under a group: 焊工, 保洁…), by code."""
        out: list[Record] = []
        for group in self.database.codes.children("job_categories", None):
            out.extend(self.database.codes.children("job_categories", group["code"]))
        return out


    def distinct_values(self, feed: str, column: str, **equals: str) -> list[str]:
        """The distinct non-empty values of one column of a cached feed (e.g. internship cities), sorted."""
        return self.database.search.distinct_values(feed, column, **equals)


    def _local_payloads(self, kind: str) -> Any:
        """(payload, submitted_at) of the resident's registrations of `kind` still readable in the local outbox,
        newest first (withdrawn ones skipped)."""
        s = self.require_session()
        for case in self.database.cases.list_for_person(s.person_key):
            if case.kind != kind or case.key is None or case.status.value == "withdrawn":
                continue
            try:
                item = self.database.outbox.get(case.key, with_payload=True)
            except (UnknownSubmission, PayloadUnreadable) as exc:  # only means "no prefill"
                log.info("job intention not readable from the outbox: %s", type(exc).__name__)
                continue
            stored = item.payload or {}
            p = stored.get("payload", stored)  # the outbox keeps {"format", "kind", "person", "payload": {...}}
            if p:
                yield p, case.submitted_at

    def _town_of(self, codes: Any) -> str | None:
        for code in codes or ():
            region = self.database.codes.lookup("regions", code)
            if region is not None and region.get("level") == "town":
                return str(region.get("name"))
        return None

    def last_job_intention(self, job_type: str) -> tuple[JobIntention, datetime] | None:
        """The intention of the resident's latest job-seeker registration of `job_type` ("fixed"/"gig") still
        readable in the local outbox, and when it was made; None when there is none (or it was purged)."""
        for p, submitted_at in self._local_payloads("job_seeker_registration"):
            if p.get("job_type") != job_type:
                continue
            codes = tuple(p.get("category_codes") or p.get("skill_codes") or ())
            intention = JobIntention(
                category_codes=codes, town=self._town_of(p.get("region_codes")),
                salary_min=p.get("salary_expect_min") if job_type == "fixed" else None,
                daily_wage_min=p.get("daily_wage_expect") if job_type == "gig" else None,
            )
            return intention, submitted_at
        return None

    def _held_registrations(self) -> tuple[tuple[Any, ...] | None, bool]:
        """(the registrations the platform holds for the resident, or None; offline?)."""
        s = self.require_session()
        if not s.platform_token:
            return None, True
        try:
            return tuple(self.platform.my_registrations(s.platform_token)), False
        except PlatformUnavailable as exc:
            log.info("registrations not fetched: %s", exc.code)
            return None, True
        except PlatformError as exc:  # e.g. the token expired: recommend from what the kiosk has
            log.info("registrations not fetched: %s", exc.code)
            return None, False

    def job_intention(self, job_type: str) -> HeldIntention:
        """The job intention recommendations (items 2 and 5) start from: the platform's registrations first, then
        one still in this kiosk's outbox; none → the screen asks its two questions."""
        held, offline = self._held_registrations()
        found = HeldIntention(offline=offline)
        for r in held or ():
            if r.kind != "gig_hiring_registration" and r.job_type == job_type:
                intention = JobIntention(
                    category_codes=tuple(r.category_codes), town=self._town_of(r.region_codes),
                    salary_min=r.salary_min if job_type == "fixed" else None,
                    daily_wage_min=r.daily_wage_min if job_type == "gig" else None,
                    available_from=_opt_date(r.available_from) if job_type == "gig" else None,
                    available_to=_opt_date(r.available_to) if job_type == "gig" else None)
                found = HeldIntention(intention=intention, made=_opt_instant(r.submitted_at), source="platform",
                                      offline=offline)
                break
        local = self.last_job_intention(job_type)
        if local is not None and _newer(local[1], found):  # e.g. registered here a minute ago, not uploaded yet
            found = HeldIntention(intention=local[0], made=local[1], source="kiosk", offline=offline)
        codes = found.intention.category_codes if found.intention else ()
        return replace(found, category_names=self._category_names(codes))

    def employer_need(self) -> HeldIntention:
        """What a gig employer needs (item 8): their latest 招聘零工登记 held by the platform, else one still in
        this kiosk's outbox; none → the screen asks its two questions."""
        held, offline = self._held_registrations()
        found = HeldIntention(offline=offline)
        for r in held or ():
            if r.kind == "gig_hiring_registration":
                need = GigNeed(skill_codes=tuple(r.category_codes), town=self._town_of(r.region_codes),
                               daily_wage_max=r.daily_wage_max, start_date=_opt_date(r.available_from),
                               end_date=_opt_date(r.available_to))
                found = HeldIntention(need=need, made=_opt_instant(r.submitted_at), source="platform", offline=offline)
                break
        for p, submitted_at in self._local_payloads("gig_hiring_registration"):
            if not _newer(submitted_at, found):
                break
            code = p.get("category_code")
            need = GigNeed(skill_codes=(code,) if code else (),
                           town=self._town_of([p["region_code"]] if p.get("region_code") else ()),
                           daily_wage_max=_opt_whole(p.get("daily_wage")), start_date=_opt_date(p.get("start_date")),
                           end_date=_opt_date(p.get("end_date")))
            found = HeldIntention(need=need, made=submitted_at, source="kiosk", offline=offline)
            break
        return replace(found, category_names=self._category_names(found.need.skill_codes if found.need else ()))

    def _category_names(self, codes: Any) -> tuple[str, ...]:
        names = []
        for code in codes:
            row = self.database.codes.lookup("job_categories", code)
            if row is not None and row.get("name"):
                names.append(str(row.get("name")))
        return tuple(names)


    def recommend_seekers(self, need: GigNeed, limit: int = 20) -> list[Match]:
        """Published gig seekers for a gig employer's need, best first, with reasons (item 8)."""
        return self.database.matcher.gig_seekers(need, self.point, limit)

    # ---- the social security card PIN and resubmission (personal screens) ----
    # The social security card PIN is asked once per session before live record queries (ss_card logins only);
    # 我的办件 resubmission reads the original answers back from the (encrypted) outbox.
    def _ss_reader(self) -> SsCardPinReader:
        reader = self.devices.ss_card_reader()
        if reader is None:
            raise ServiceError(PERSONAL_MESSAGES["reader_unavailable"])
        return reader


    def ss_pin_needed(self) -> bool:
        """True when the resident logged in with the social security card and has not given its PIN yet."""
        s = self._session
        if s is None or s.login_method != "ss_card":
            return False
        # The identity object is the card read of this login: a new login (even of the same card) asks again.
        return self._pin_identity is not s.identity


    def ss_pin_tries_left(self) -> int | None:
        """PIN tries the inserted card reports (None if it does not say); blocking (card I/O)."""
        self.require_session()
        return self._ss_reader().pin_tries_left()


    def verify_ss_pin(self, pin: str) -> None:
        """Check the card's PIN (PinError with tries_left / locked when wrong); the PIN is neither logged nor kept."""
        s = self.require_session()
        self._ss_reader().verify_pin(pin)
        del pin
        with self._lock:
            if self._session is not None and self._session.identity is s.identity:
                self._pin_identity = s.identity


    def case_payload(self, case: CaseView) -> dict[str, Any]:
        """The answers a case was submitted with (to prefill a resubmission); ServiceError if purged or not the resident's."""
        s = self.require_session()
        if case.key is None:
            raise ServiceError(PERSONAL_MESSAGES["payload_gone"])
        item = self.database.outbox.get(case.key, with_payload=True)
        stored = item.payload
        if not isinstance(stored, Mapping) or not isinstance(stored.get("payload"), Mapping):
            raise ServiceError(PERSONAL_MESSAGES["payload_gone"])
        person = stored.get("person")
        id_number = str(person.get("id_number", "")) if isinstance(person, Mapping) else ""
        if id_number.upper() != "".join(s.identity.id_number.split()).upper():
            raise ServiceError(PERSONAL_MESSAGES["not_yours"])
        return dict(stored["payload"])


def _opt_date(value: Any) -> date | None:
    """A YYYY-MM-DD text as a date; None for nothing or a malformed text (logged)."""
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        log.info("a registration date is not YYYY-MM-DD; ignored")
        return None


def _opt_instant(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        log.info("a registration time is not ISO 8601; ignored")
        return None


def _newer(made: datetime, held: HeldIntention) -> bool:
    """True when a registration made at `made` is newer than what the platform holds (or it holds nothing);
    the same submission seen on both sides (equal times) counts as the platform's."""
    if held.made is None:
        return True
    mine, theirs = made.replace(microsecond=0), held.made.replace(microsecond=0)  # the platform keeps whole seconds
    try:
        return mine > theirs
    except TypeError:  # one side without a UTC offset: compare as wall-clock times
        return mine.replace(tzinfo=None) > theirs.replace(tzinfo=None)


def _opt_whole(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


# ---- forms (register and apply): code lists for form questions; added by the forms area ----
def form_options(services: ResidentServices, source: str) -> list[tuple[str, str]]:
    """(value, label) options of a form question's code list, read from the offline cache.

    Sources: job_categories (top level), job_categories_all (every specific trade), towns (of the
    service point's county), education_levels, internship_posts (current cached posts).
    """
    codes = services.database.codes
    if source == "job_categories":
        return [(r["code"], r["name"]) for r in codes.children("job_categories", None)]
    if source == "job_categories_all":
        parents = codes.children("job_categories", None)
        return [(c["code"], c["name"]) for p in parents for c in codes.children("job_categories", p["code"])]
    if source == "education_levels":
        return [(r["code"], r["name"]) for r in codes.education_levels() if r["code"] != "00"]
    if source == "towns":
        county = _county_code(services)
        return [(r["code"], r["name"]) for r in codes.children("regions", county)] if county else []
    if source == "internship_posts":
        page = services.database.search.search("internship_posts", SearchQuery(page_size=60))
        return [(r.id, f"{r.get('title', '')}（{r.get('employer', '')}）") for r in page.items]
    raise ValueError(f"unknown option source {source}")


def _county_code(services: ResidentServices) -> str | None:
    """The region code of the service point's county (looked up by name in the cached region table)."""
    return services.database.codes.code_by_name("regions", "county", services.settings.service_point.county)
