"""HTTP client of the platform API: signs every request, verifies TLS, maps every failure to a typed error."""

from __future__ import annotations

import http.client
import json
import logging
import secrets
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import quote

import requests
import urllib3.exceptions

from devices.base import IdentityRead
from kiosk.platform.credentials import KioskCredentials
from kiosk.platform.errors import (
    BAD_RESPONSE_MESSAGE,
    DEADLINE_MESSAGE,
    TLS_MESSAGE,
    UNAVAILABLE_MESSAGE,
    KioskAuthError,
    PlatformBadResponse,
    PlatformError,
    PlatformTlsError,
    PlatformUnavailable,
    error_for,
)
from kiosk.platform.feeds import ITEM_KEYS
from kiosk.platform.models import (
    AuditEntry,
    AuditReceipt,
    Case,
    FaultReport,
    FaultReportDraft,
    FaultReportReceipt,
    FeedItem,
    FeedPage,
    HeartbeatReply,
    HeartbeatReport,
    PersonalRecord,
    PlatformLogin,
    Profile,
    Registration,
    StaffLogin,
    Submission,
    SubmissionReceipt,
)
from kiosk.platform.signing import sign
from kiosk.platform.transport import (
    ACCEPT_ENCODING,
    NESTED_TOO_DEEP,
    DeadlineAdapter,
    DeadlineWatch,
    ReplyTooLarge,
    ReplyUndecodable,
    parse_json,
    read_capped,
)

log = logging.getLogger(__name__)
_T = TypeVar("_T")

TIME_PATH = "/v1/time"  # unsigned: the platform's clock
STALE_TIMESTAMP = "STALE_TIMESTAMP"


def _nonce() -> str:
    return secrets.token_hex(16)


def _seg(value: str) -> str:
    """One URL path segment, percent-encoded."""
    return quote(value, safe="")


def _parse_time(value: Any) -> datetime:
    """An ISO 8601 time WITH its UTC offset (a naive time cannot be compared with the kiosk's clock)."""
    if not isinstance(value, str):
        raise TypeError("time is not a string")
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ValueError("time without a UTC offset")
    return parsed


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("expected a string")
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError("expected true/false")
    return value


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("expected an integer")
    return value


def _optional(check: Callable[[Any], _T]) -> Callable[[Any], _T | None]:
    """`check`, letting null through: the reader of a field the platform may leave out."""
    return lambda value: None if value is None else check(value)


_opt_str = _optional(_str)
_opt_bool = _optional(_bool)
_opt_int = _optional(_int)


def _dict(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError("expected an object")
    return value


def _rows(values: Any, one: Callable[[dict[str, Any]], _T]) -> tuple[_T, ...]:
    """A reply's list of objects, each read by `one`."""
    return tuple(one(_dict(raw)) for raw in values)


class PlatformClient:
    """One method per endpoint of the platform API; every failure is a PlatformError subclass."""

    def __init__(
        self,
        base_url: str,
        kiosk_id: str,
        secret: str,
        *,
        ca_bundle: str | bool = True,
        connect_timeout: float = 3.0,
        read_timeout: float = 10.0,
        call_deadline: float = 30.0,
        max_reply_bytes: int = 8 * 1024 * 1024,
        clock: Callable[[], float] = time.time,
        nonce_source: Callable[[], str] = _nonce,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.kiosk_id = kiosk_id
        self._secret = secret
        # "" in settings means the system bundle; a path pins the platform's CA.
        self._verify: str | bool = ca_bundle if ca_bundle != "" else True
        self._timeout = (connect_timeout, read_timeout)
        self._deadline_s = call_deadline
        self._offset_s = 0.0  # platform time - kiosk time, learned when the platform says STALE_TIMESTAMP
        self._max_reply_bytes = max_reply_bytes
        self._clock = clock
        self._nonce = nonce_source
        if session is None:
            session = requests.Session()
            adapter = DeadlineAdapter()  # its connections can be cut when a call's deadline passes
            session.mount("http://", adapter)
            session.mount("https://", adapter)
        self._session = session
        self._session.trust_env = False  # no proxies or netrc from the environment on a kiosk

    @classmethod
    def from_credentials(cls, base_url: str, credentials: KioskCredentials, **kwargs: Any) -> PlatformClient:
        """A client for loaded credentials."""
        return cls(base_url, credentials.kiosk_id, credentials.secret, **kwargs)

    def __repr__(self) -> str:
        return f"PlatformClient({self.base_url!r}, kiosk_id={self.kiosk_id!r})"

    def close(self) -> None:
        self._session.close()

    # ---- transport ---------------------------------------------------------------------------
    def _call(self, method: str, path: str, *, params: Mapping[str, Any] | None = None, body: Any = None,
              token: str | None = None) -> tuple[int, dict[str, Any]]:
        """Send one signed request; (status, JSON object) for 2xx, else a typed error.

        STALE_TIMESTAMP (the kiosk's clock is off by more than the platform allows) is refused before
        anything is done, so the client asks the platform's time, keeps the offset and sends once more.
        """
        try:
            return self._call_signed(method, path, params=params, body=body, token=token)
        except KioskAuthError as exc:
            if exc.code != STALE_TIMESTAMP:
                raise
            log.warning("platform %s %s: STALE_TIMESTAMP; asking the platform's time", method, path)
            try:
                self.sync_time()
            except PlatformError as time_exc:
                log.warning("platform time unavailable (%s): the kiosk clock stays uncorrected", time_exc.code)
                raise exc from time_exc
            return self._call_signed(method, path, params=params, body=body, token=token)

    def _prepare(self, method: str, path: str, params: Mapping[str, Any] | None, data: bytes,
                 headers: dict[str, str]) -> requests.PreparedRequest:
        clean = {k: v for k, v in (params or {}).items() if v is not None}
        try:
            return self._session.prepare_request(
                requests.Request(method, self.base_url + path, params=clean, data=data or None, headers=headers))
        except (requests.RequestException, ValueError) as exc:
            raise PlatformUnavailable("BAD_URL", UNAVAILABLE_MESSAGE, detail=f"cannot build request: {type(exc).__name__}") from exc

    def _call_signed(self, method: str, path: str, *, params: Mapping[str, Any] | None, body: Any,
                     token: str | None) -> tuple[int, dict[str, Any]]:
        data = b"" if body is None else json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        headers = {"Accept": "application/json", "Accept-Encoding": ACCEPT_ENCODING}
        if body is not None:
            headers["Content-Type"] = "application/json; charset=utf-8"
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        prepared = self._prepare(method, path, params, data, headers)
        prepared.headers.update(sign(secret=self._secret, method=method, path_with_query=prepared.path_url,
                                     kiosk_id=self.kiosk_id, timestamp=round(self._clock() + self._offset_s),
                                     nonce=self._nonce(), body=data))
        started = time.monotonic()
        status, body_bytes = self._exchange(method, path, prepared)
        return self._interpret(method, path, status, body_bytes, time.monotonic() - started)

    # ---- the platform's clock ----------------------------------------------------------------
    @property
    def clock_offset_s(self) -> float:
        """Platform time minus kiosk time, as last learned from GET /v1/time (0 until then)."""
        return self._offset_s

    def sync_time(self) -> float:
        """Ask the platform's time (unsigned GET /v1/time) and sign with it from now on; the new offset in s.

        The answer is unsigned, so it is only a hint: the platform still checks every signed request
        against its own clock. An absurd answer just makes the next request fail again.
        """
        prepared = self._prepare("GET", TIME_PATH, None, b"",
                                 {"Accept": "application/json", "Accept-Encoding": ACCEPT_ENCODING})
        sent = self._clock()
        status, body_bytes = self._exchange("GET", TIME_PATH, prepared)
        received = self._clock()
        _s, out = self._interpret("GET", TIME_PATH, status, body_bytes, 0.0)
        server = self._shape("time", lambda: _parse_time(out["server_time"]))
        offset = round(server.timestamp() - (sent + received) / 2, 3)
        if abs(offset - self._offset_s) >= 1:
            log.warning("kiosk clock is %+.0f s off the platform's; signing with the platform's time", -offset)
        self._offset_s = offset
        return offset

    def _exchange(self, method: str, path: str, prepared: requests.PreparedRequest) -> tuple[int, bytes]:
        """Send and read the whole reply within the call deadline and the size cap; (status, body bytes)."""
        with DeadlineWatch(self._deadline_s) as watch:
            try:
                timeout = (min(self._timeout[0], max(watch.remaining(), 0.001)), self._timeout[1])
                resp = self._session.send(prepared, timeout=timeout, verify=self._verify, allow_redirects=False,
                                          stream=True)
                try:
                    body = read_capped(resp.raw, resp.headers.get("Content-Encoding", ""), self._max_reply_bytes,
                                       watch)
                finally:
                    resp.close()
            except ReplyTooLarge as exc:
                log.warning("platform %s %s: reply too large (%s)", method, path, exc)
                raise PlatformBadResponse("REPLY_TOO_LARGE", BAD_RESPONSE_MESSAGE, detail=str(exc)) from exc
            except ReplyUndecodable as exc:
                log.warning("platform %s %s: reply undecodable (%s)", method, path, exc)
                raise PlatformBadResponse("BAD_ENCODING", BAD_RESPONSE_MESSAGE, detail=str(exc)) from exc
            except requests.exceptions.SSLError as exc:
                if watch.fired:
                    raise self._deadline(method, path) from exc
                log.warning("platform %s %s: TLS verification failed", method, path)
                raise PlatformTlsError("TLS", TLS_MESSAGE, detail=type(exc).__name__) from exc
            except (requests.RequestException, urllib3.exceptions.HTTPError, OSError, http.client.HTTPException,
                    ValueError) as exc:
                if watch.fired:
                    raise self._deadline(method, path) from exc
                log.warning("platform %s %s: %s", method, path, type(exc).__name__)
                raise PlatformUnavailable("NETWORK", UNAVAILABLE_MESSAGE, detail=type(exc).__name__) from exc
            if watch.fired:  # the cut came between two reads: the body is incomplete
                raise self._deadline(method, path)
        return resp.status_code, body

    def _deadline(self, method: str, path: str) -> PlatformUnavailable:
        log.warning("platform %s %s: no complete answer within %.1f s", method, path, self._deadline_s)
        return PlatformUnavailable("DEADLINE", DEADLINE_MESSAGE, detail=f"call deadline {self._deadline_s:g} s")

    def _interpret(self, method: str, path: str, status: int, body: bytes, elapsed: float) -> tuple[int, dict[str, Any]]:
        log.info("platform %s %s → %d in %.0f ms", method, path, status, elapsed * 1000)
        payload, problem = parse_json(body)
        if status >= 500:
            code = payload["code"] if isinstance(payload, dict) and isinstance(payload.get("code"), str) else ""
            raise error_for(code, status, detail=f"HTTP {status}")
        if problem == NESTED_TOO_DEEP:
            raise PlatformBadResponse("JSON_TOO_DEEP", BAD_RESPONSE_MESSAGE, http_status=status,
                                      detail=f"HTTP {status}, JSON {problem}")
        if not isinstance(payload, dict):
            raise PlatformBadResponse(f"HTTP_{status}", BAD_RESPONSE_MESSAGE, http_status=status,
                                      detail=f"HTTP {status}, not a JSON object ({problem or 'JSON'}, "
                                             f"{len(body)} bytes)")
        if 200 <= status < 300:
            return status, payload
        code = payload.get("code")
        message = payload.get("message")
        if 400 <= status < 500 and isinstance(code, str) and code:
            raise error_for(code, status, server_message=message if isinstance(message, str) else "",
                            detail=f"HTTP {status} {code}")
        raise PlatformBadResponse(f"HTTP_{status}", BAD_RESPONSE_MESSAGE, http_status=status,
                                  detail=f"HTTP {status} without an error code")

    @staticmethod
    def _shape(what: str, build: Callable[[], _T]) -> _T:
        """Build a value from a reply; a reply of the wrong shape is PlatformBadResponse, not a crash."""
        try:
            return build()
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise PlatformBadResponse("BAD_SHAPE", BAD_RESPONSE_MESSAGE,
                                      detail=f"{what}: {type(exc).__name__}") from exc

    # ---- kiosk -------------------------------------------------------------------------------
    def heartbeat(self, report: HeartbeatReport) -> HeartbeatReply:
        """Report health, versions and queue depth; get server time and pushed settings."""
        _s, out = self._call("POST", f"/v1/kiosks/{_seg(self.kiosk_id)}/heartbeat", body=report.to_json())
        return self._shape("heartbeat", lambda: HeartbeatReply(server_time=_parse_time(out["server_time"]),
                                                               settings=dict(_dict(out["settings"]))))

    def record_audit(self, entry: AuditEntry) -> AuditReceipt:
        """Send one technician action for the audit trail; the same key and body again is a duplicate, not a second entry."""
        status, out = self._call("POST", f"/v1/kiosks/{_seg(self.kiosk_id)}/audit", body=entry.to_json())
        return self._shape("audit", lambda: AuditReceipt(audit_no=_str(out["audit_no"]), duplicate=status == 200))

    def fetch_feed(self, feed: str, cursor: str | None = None, limit: int = 200) -> FeedPage:
        """One page of a reference feed (FeedRefetchRequired when the cursor is no longer valid)."""
        _s, out = self._call("GET", f"/v1/feeds/{_seg(feed)}", params={"cursor": cursor or None, "limit": limit})

        def one(raw: dict[str, Any]) -> FeedItem:
            return FeedItem(id=_str(raw["id"]), version=_int(raw["version"]), updated_at=_str(raw["updated_at"]),
                            deleted=_bool(raw["deleted"]), fields={k: v for k, v in raw.items() if k not in ITEM_KEYS})

        def build() -> FeedPage:
            return FeedPage(feed=feed, items=_rows(out["items"], one), next_cursor=_str(out["next_cursor"]),
                            has_more=_bool(out["has_more"]))

        return self._shape("feed", build)

    # ---- residents ---------------------------------------------------------------------------
    def _session_from(self, out: dict[str, Any]) -> PlatformLogin:
        def build() -> PlatformLogin:
            p = _dict(out["profile"])
            profile = Profile(person_id=_str(p["person_id"]), name=_str(p["name"]), id_number=_str(p["id_number"]),
                              gender=_str(p["gender"]), birth_date=_str(p["birth_date"]), age=_int(p["age"]),
                              hard_to_employ=_bool(p["hard_to_employ"]),
                              registrations={str(k): str(v) for k, v in _dict(p["registrations"]).items()},
                              has_employment_certificate=_bool(p["has_employment_certificate"]),
                              phone=_opt_str(p.get("phone")),
                              receives_basic_pension=_opt_bool(p.get("receives_basic_pension")))
            return PlatformLogin(token=_str(out["resident_token"]), expires_at=_parse_time(out["expires_at"]),
                                   profile=profile)

        return self._shape("session", build)

    def login_id_card(self, id_number: str, name: str) -> PlatformLogin:
        """Log a resident in with the data read from their ID card."""
        _s, out = self._call("POST", "/v1/sessions", body={"method": "id_card", "id_number": id_number, "name": name})
        return self._session_from(out)

    def login_ss_card(self, card_number: str, id_number: str | None = None, name: str | None = None) -> PlatformLogin:
        """Log in with a social security card (EF05 card number; EF06 id/name when the card gave them)."""
        body = {"method": "ss_card", "card_number": card_number, "id_number": id_number or None, "name": name or None}
        _s, out = self._call("POST", "/v1/sessions", body=body)
        return self._session_from(out)

    def login_essc(self, essc_token: str) -> PlatformLogin:
        """Log in with the e-SSC QR token as scanned (sent at once, never stored)."""
        _s, out = self._call("POST", "/v1/sessions", body={"method": "essc", "essc_token": essc_token})
        return self._session_from(out)

    def login_card_holder(self, card_number: str, card_identification_code: str,
                          issuing_region: str) -> PlatformLogin:
        """Log in the holder of a 3rd-generation social security card whose PIN was just verified on the card.

        The card hides its holder from a kiosk without a PSAM; the platform names the person from what the
        card gives freely (CardNotFound / IdentityMismatch when its record disagrees). Call only after VERIFY
        answered 9000: the request says the holder was checked by the card's PIN.
        """
        body = {"card_number": card_number, "card_identification_code": card_identification_code,
                "issuing_region": issuing_region, "holder_verified_by": "card_pin"}
        _s, out = self._call("POST", "/v1/sessions/ss-card-holder", body=body)
        return self._session_from(out)

    def login_identity(self, identity: IdentityRead) -> PlatformLogin:
        """Log in from a card read: ID card → id_card, social security card → ss_card (e-SSC: use login_essc)."""
        if identity.source == "ss_card":
            return self.login_ss_card(identity.card_number, identity.id_number or None, identity.name or None)
        if identity.source == "id_card":
            return self.login_id_card(identity.id_number, identity.name)
        raise ValueError("e-SSC scans log in with login_essc(token)")

    # ---- 全程代理: a service-point worker ----------------------------------------------------------
    def login_staff(self, *, essc_token: str | None = None, staff_no: str | None = None,
                    pin: str | None = None) -> StaffLogin:
        """A worker logs in by their e-SSC token, or staff number + PIN (sent once over TLS, never kept).

        StaffRejected when the platform refuses (not staff, wrong PIN, another service point, locked).
        """
        if essc_token is not None:
            body: dict[str, Any] = {"method": "essc", "essc_token": essc_token}
        else:
            body = {"method": "pin", "staff_no": staff_no, "pin": pin}
        _s, out = self._call("POST", "/v1/staff-sessions", body=body)
        del pin, body

        def build() -> StaffLogin:
            st = _dict(out["staff"])
            return StaffLogin(staff_no=_str(st["staff_no"]), name=_str(st["name"]), role=_str(st["role"]),
                              service_point=_str(st["service_point"]), staff_session=_str(out["staff_session"]))

        login: StaffLogin = self._shape("staff session", build)
        return login

    # ---- cases -------------------------------------------------------------------------------
    def submit(self, submission: Submission) -> SubmissionReceipt:
        """Send one outbox entry; the same key and body again returns the same case (duplicate=True)."""
        status, out = self._call("POST", "/v1/submissions", body=submission.to_json())
        return self._shape("submission", lambda: SubmissionReceipt(
            case_no=_str(out["case_no"]), status=_str(out["status"]), received_at=_str(out["received_at"]),
            duplicate=status == 200))

    @staticmethod
    def _case(raw: Any) -> Case:
        c = _dict(raw)
        return Case(case_no=_str(c["case_no"]), kind=_str(c["kind"]), status=_str(c["status"]),
                    submitted_at=_str(c["submitted_at"]), received_at=_str(c["received_at"]),
                    reason=_opt_str(c.get("reason")), reviewed_at=_opt_str(c.get("reviewed_at")))

    def my_cases(self, token: str, status: str | None = None, month: str | None = None) -> tuple[Case, ...]:
        """The resident's cases, optionally by review status and month (YYYY-MM)."""
        _s, out = self._call("GET", "/v1/me/cases", params={"status": status, "month": month}, token=token)
        return self._shape("cases", lambda: tuple(self._case(c) for c in out["cases"]))

    def withdraw(self, token: str, case_no: str) -> Case:
        """Withdraw a PENDING case (CaseNotWithdrawable otherwise)."""
        _s, out = self._call("POST", f"/v1/cases/{_seg(case_no)}/withdraw", token=token)
        return self._shape("case", lambda: self._case(out))

    def record(self, token: str, kind: str) -> PersonalRecord:
        """A live personal record (employee_pension, employment_certificate, …)."""
        _s, out = self._call("GET", f"/v1/me/records/{_seg(kind)}", token=token)
        return self._shape("record", lambda: PersonalRecord(kind=_str(out["kind"]), as_of=_str(out["as_of"]),
                                                            found=_bool(out["found"]), data=_dict(out["data"])))

    def my_registrations(self, token: str) -> tuple[Registration, ...]:
        """The job intentions the platform holds for the resident (求职登记, 失业登记, 招聘零工登记), newest first."""
        _s, out = self._call("GET", "/v1/me/registrations", token=token)

        def one(r: dict[str, Any]) -> Registration:
            return Registration(
                case_no=_str(r["case_no"]), kind=_str(r["kind"]), status=_str(r["status"]),
                submitted_at=_str(r["submitted_at"]), job_type=_str(r["job_type"]),
                category_codes=tuple(_str(c) for c in r["category_codes"]),
                region_codes=tuple(_str(c) for c in r["region_codes"]),
                salary_min=_opt_int(r.get("salary_min")), daily_wage_min=_opt_int(r.get("daily_wage_min")),
                daily_wage_max=_opt_int(r.get("daily_wage_max")), available_from=_opt_str(r.get("available_from")),
                available_to=_opt_str(r.get("available_to")), published=_bool(r.get("published", False)))

        return self._shape("registrations", lambda: _rows(out["registrations"], one))

    # ---- fault reports -----------------------------------------------------------------------
    def report_fault(self, draft: FaultReportDraft) -> FaultReportReceipt:
        """Send a 问题反映; the platform routes it by category."""
        status, out = self._call("POST", "/v1/fault-reports", body=draft.to_json())
        return self._shape("fault report", lambda: FaultReportReceipt(
            report_no=_str(out["report_no"]), routed_to=_str(out["routed_to"]), duplicate=status == 200))

    def fault_reports(self) -> tuple[FaultReport, ...]:
        """This kiosk's reports, newest first, with answers and deadlines once answered."""
        _s, out = self._call("GET", "/v1/fault-reports", params={"kiosk": self.kiosk_id})

        def one(r: dict[str, Any]) -> FaultReport:
            return FaultReport(
                report_no=_str(r["report_no"]), category=_str(r["category"]), description=_str(r["description"]),
                suggestion=_str(r["suggestion"]), routed_to=_str(r["routed_to"]), created_at=_str(r["created_at"]),
                status=_str(r["status"]), response=_opt_str(r.get("response")),
                deadline=_opt_str(r.get("deadline")), answered_at=_opt_str(r.get("answered_at")),
                level=_opt_str(r.get("level")), due_at=_opt_str(r.get("due_at")),
                overdue=bool(_opt_bool(r.get("overdue"))), escalated=bool(_opt_bool(r.get("escalated"))),
                answered_by=_opt_str(r.get("answered_by")))

        return self._shape("fault reports", lambda: _rows(out["reports"], one))


__all__ = ["PlatformClient", "PlatformError"]
