"""The sandbox's HTTP face: FastAPI routes, kiosk-signature middleware, contract-shaped errors."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Route

from sandbox import schemas
from sandbox.console.web import PREFIX as CONSOLE_PREFIX
from sandbox.console.web import ConsoleSettings, create_console_app
from sandbox.contract import (
    API_PREFIX,
    CARD_HOLDER_SESSION_PATH,
    ERROR_CODES,
    FEED_FIELDS,
    MY_REGISTRATIONS_PATH,
    RECORD_KINDS,
    STAFF_SESSION_PATH,
)
from sandbox.core_system import CoreSystem, GatewayStore
from sandbox.schemas import CURSOR_PATTERN, MONTH_PATTERN
from sandbox.service import ApiError, Platform
from sandbox.signing import SignatureRejected, verify

log = logging.getLogger(__name__)

MAX_BODY = 1_000_000
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

SIGNING_DOC = """
**Signing.** Every request under `/v1` except `/v1/admin/*` and `GET /v1/time` carries `X-Kiosk-Id`, `X-Timestamp`
(Unix seconds), `X-Nonce` (32 lowercase hex), `X-Body-SHA256` (hex SHA-256 of the raw body; an
empty body hashes b"") and `X-Signature` = hex(HMAC-SHA256(secret, "\\n".join([METHOD,
path_with_query, kiosk_id, timestamp, nonce, body_sha256]))), where path_with_query is the
request target exactly as sent (percent-encoded path, then `?` and the raw query when there is one).
Rejections, each 401 with its own code: UNKNOWN_KIOSK, BAD_SIGNATURE (also a body-hash mismatch or
a missing header), STALE_TIMESTAMP (more than 300 s off), REPLAYED_NONCE (nonce reused inside the window).

**Time.** `GET /v1/time` is unsigned and answers the platform's clock, so a kiosk whose clock is off
(STALE_TIMESTAMP) can learn the offset and sign with the platform's time. Being unsigned, it is only
a hint: every signed request is still checked against the platform's own clock.

**Resident calls** also carry `Authorization: Bearer <resident_token>` from `POST /v1/sessions`
(15 minutes; TOKEN_EXPIRED / TOKEN_INVALID, 401).

**Errors** are `{"code": "<STABLE_CODE>", "message": "<human message>"}` with the HTTP status below;
each operation lists the codes it can answer. A body that is not JSON, breaks its schema or a rule the
schema states in words (ID number check digit, calendar dates, working age) is 422 VALIDATION_ERROR,
and so is a query parameter the operation does not list. A method a path does not list is 405
METHOD_NOT_ALLOWED with an `Allow` header, before any signature check.

**Feeds.** `GET /v1/feeds/{feed}` for each feed listed. Without a cursor: the current set (no
tombstones) in pages; the last page's `next_cursor` continues with changes (upserts and
tombstones, `deleted: true`). An unknown or invalidated cursor → 410 FEED_REFETCH: drop the
table's cursor and fetch from scratch.

**e-SSC tokens** are single-use: a fresh token is valid 60 s; the fixed demo tokens
(`DEMO-ESSC-P000n`) may be used again once 60 s have passed since their last use. A repeat → ESSC_REUSED.

**Submissions** are idempotent per (kiosk, idempotency_key): the same body again → 200 with the
same case; a different body → 409 IDEMPOTENCY_CONFLICT.
""".strip()

ADMIN_DOC = """
**Sandbox only, unauthenticated.** These routes let a demo or a test play the other side of the platform
(the reviewer, the task force, the county's fleet view). They carry no kiosk signature and no staff
authentication on purpose: the sandbox listens on 127.0.0.1 only. They are not part of what a kiosk
calls and not part of what a province must implement; a real deployment serves its staff views
behind its own staff authentication.
""".strip()

ERROR_TABLE = "\n".join(f"| {code} | {status} |" for code, status in ERROR_CODES.items())

RESIDENT_PATHS = {f"{API_PREFIX}/me/cases", f"{API_PREFIX}/cases/{{case_no}}/withdraw", f"{API_PREFIX}/me/records/{{kind}}",
                  MY_REGISTRATIONS_PATH}


def _error(code: str, message: str, retry_after_s: int | None = None) -> JSONResponse:
    headers = {"Retry-After": str(retry_after_s)} if retry_after_s else None
    return JSONResponse({"code": code, "message": message}, status_code=ERROR_CODES[code], headers=headers)


TIME_PATH = f"{API_PREFIX}/time"


def _needs_signature(path: str) -> bool:
    return (path.startswith(API_PREFIX + "/") and not path.startswith(API_PREFIX + "/admin/")
            and path != TIME_PATH)


class SigningMiddleware:
    """Verify the kiosk signature of /v1 requests before routing; hand the body on unchanged."""

    def __init__(self, app: Any, platform: Platform) -> None:
        self.app = app
        self.platform = platform

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refused = _method_not_allowed(scope)  # an undeclared method is 405 whoever asks
        if refused is not None:
            await refused(scope, receive, send)
            return
        if not _needs_signature(scope["path"]):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_BODY:
                await _error("PAYLOAD_TOO_LARGE", "请求体过大")(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        raw_path = scope.get("raw_path") or scope["path"].encode("utf-8")
        target = raw_path.decode("latin-1")
        if scope.get("query_string"):
            target += "?" + scope["query_string"].decode("latin-1")
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        try:  # the secret lookup and the nonce row are database calls: in the thread pool, off the event loop
            verified = await run_in_threadpool(
                verify, method=scope["method"], path_with_query=target, headers=headers, body=body,
                now=self.platform.clock(), secret_for=self.platform.secret_for,
                remember_nonce=self.platform.remember_nonce)
        except SignatureRejected as exc:
            log.info("request rejected: %s %s", exc.code, scope["path"])
            await _error(exc.code, exc.message, exc.retry_after_s)(scope, receive, send)
            return
        scope.setdefault("state", {})["kiosk_id"] = verified.kiosk_id
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def _describe(errors: list[dict[str, Any]]) -> str:
    parts = []
    for e in errors[:3]:
        loc = ".".join(str(x) for x in e.get("loc", ()) if x != "body")
        parts.append(f"{loc or '请求'}: {e.get('msg', '格式不正确')}")
    return "请求格式不正确（" + "；".join(parts) + "）"


def _method_not_allowed(scope: Scope) -> JSONResponse | None:
    """405 with Allow when the path names a route but not with this method (before any signature check)."""
    allowed: set[str] = set()
    for route in scope["app"].router.routes:
        match, _child = route.matches(scope)
        if match is Match.FULL:
            return None
        if match is Match.PARTIAL and isinstance(route, Route | APIRoute):
            allowed |= set(route.methods or ())
    if not allowed:
        return None
    response = _error("METHOD_NOT_ALLOWED", "不支持这种请求方法")
    response.headers["Allow"] = ", ".join(sorted(allowed))
    return response


async def _reject_unknown_query(request: Request) -> None:
    """Every route takes only the query parameters it declares; anything else is VALIDATION_ERROR (422)."""
    route = request.scope.get("route")
    declared = {param.alias for param in route.dependant.query_params} if isinstance(route, APIRoute) else set()
    unknown = sorted(set(request.query_params) - declared)
    if unknown:
        raise ApiError("VALIDATION_ERROR", "不认识的查询参数：" + ", ".join(u[:40] for u in unknown[:5]))


IdSegment = Annotated[str, Path(min_length=1, max_length=64)]

# Which error codes each status carries, per kind of route: the document lists them per operation.
SIGNATURE_CODES = ("UNKNOWN_KIOSK", "BAD_SIGNATURE", "STALE_TIMESTAMP", "REPLAYED_NONCE", "RATE_LIMITED")
TOKEN_CODES = ("TOKEN_EXPIRED", "TOKEN_INVALID")


def _errors(*codes: str) -> dict[int | str, dict[str, Any]]:
    """OpenAPI responses for these error codes, grouped by their HTTP status."""
    by_status: dict[int, list[str]] = {}
    for code in codes:
        by_status.setdefault(ERROR_CODES[code], []).append(code)
    return {status: {"model": schemas.ErrorBody, "description": "code: " + " | ".join(names)}
            for status, names in sorted(by_status.items())}


SIGNED = (*SIGNATURE_CODES, "VALIDATION_ERROR")
SIGNED_BODY = (*SIGNED, "PAYLOAD_TOO_LARGE")


def _idempotent_post(model: Any, new: str, links: Any) -> dict[int | str, dict[str, Any]]:
    """OpenAPI responses of an idempotent POST: 201 a new one, 200 the same key and body again, the errors."""
    return {201: {"description": new, "links": links},
            200: {"model": model, "description": "the same key and body again", "links": links},
            **_errors(*SIGNED_BODY, "IDEMPOTENCY_CONFLICT")}
RESIDENT = (*SIGNED, *TOKEN_CODES)


def _bearer(expression: str) -> str:
    return "Bearer {" + expression + "}"


def _links() -> dict[str, dict[str, Any]]:
    """OpenAPI links: which answer feeds which later call (the resident token, case and report numbers)."""
    token = {"header.Authorization": _bearer("$response.body#/resident_token")}
    return {
        "sessions": {
            "MyCases": {"operationId": "my_cases", "parameters": token,
                        "description": "the resident token answers the resident's own calls"},
            "MyRecord": {"operationId": "my_record", "parameters": token},
            "MyRegistrations": {"operationId": "my_registrations", "parameters": token},
            "Withdraw": {"operationId": "withdraw_case", "parameters": token},
        },
        "submissions": {
            "Withdraw": {"operationId": "withdraw_case", "parameters": {"path.case_no": "$response.body#/case_no"},
                         "description": "with the token of the person the case is for"},
            "Review": {"operationId": "admin_review_case", "parameters": {"path.case_no": "$response.body#/case_no"}},
        },
        "fault_reports": {
            "Answer": {"operationId": "admin_answer_fault_report",
                       "parameters": {"path.report_no": "$response.body#/report_no"}},
        },
    }


def create_app(platform: Platform, core: CoreSystem | None = None, console: ConsoleSettings | None = None) -> FastAPI:
    """The FastAPI application over one Platform; cases, records and feeds go through `core`.

    core is the adapter to the province's core system (sandbox/core_system.py); by default the
    gateway's own store. The fleet console's pages are mounted under /console (sandbox/console).
    """
    core = core or GatewayStore(platform)
    app = FastAPI(title="人社一体化公共服务平台 — 自助机接口 (sandbox)", version="1.0.0",
                  description=SIGNING_DOC + "\n\n| code | HTTP |\n|---|---|\n" + ERROR_TABLE,
                  docs_url="/docs", redoc_url=None, openapi_url="/openapi.json",
                  dependencies=[Depends(_reject_unknown_query)],
                  openapi_tags=[{"name": "sandbox admin", "description": ADMIN_DOC}])
    app.add_middleware(SigningMiddleware, platform=platform)

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return _error(exc.code, exc.message)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return _error("VALIDATION_ERROR", _describe(list(exc.errors())))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 405:
            response = _error("METHOD_NOT_ALLOWED", "不支持这种请求方法")
            response.headers.update(exc.headers or {})
            return response
        if exc.status_code == 404:
            return _error("NOT_FOUND", "没有这个接口")
        if exc.status_code == 400:  # FastAPI's answer to a body that is not JSON: the contract says 422
            return _error("VALIDATION_ERROR", "请求体不是合法的 JSON")
        code = "VALIDATION_ERROR" if 400 <= exc.status_code < 500 else "INTERNAL_ERROR"
        return JSONResponse({"code": code, "message": str(exc.detail)}, status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def _crash(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error: %s", type(exc).__name__)
        return _error("INTERNAL_ERROR", "平台内部错误")

    links = _links()

    def kiosk_of(request: Request) -> str:
        return request.state.kiosk_id

    def person_of(request: Request) -> Any:
        return platform.resident(kiosk_of(request), request.headers.get("authorization"))

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get(TIME_PATH, response_model=schemas.TimeOut, tags=["kiosk"], operation_id="server_time",
             responses=_errors("VALIDATION_ERROR"),
             summary="The platform's clock (unsigned): a kiosk with a wrong clock learns the offset here")
    def server_time() -> dict[str, Any]:
        return platform.server_time()

    @app.post(f"{API_PREFIX}/kiosks/{{kiosk_id}}/heartbeat", response_model=schemas.HeartbeatOut,
              responses=_errors(*SIGNED_BODY, "KIOSK_MISMATCH"), response_model_exclude_unset=True,
              tags=["kiosk"], operation_id="heartbeat",
              summary="Health, versions, queue depth → server time and pushed settings")
    def heartbeat(body: schemas.HeartbeatIn, request: Request, kiosk_id: IdSegment) -> dict[str, Any]:
        if kiosk_id != kiosk_of(request):
            raise ApiError("KIOSK_MISMATCH", "签名的自助机与路径中的自助机不一致")
        return platform.heartbeat(kiosk_id, body.model_dump(mode="json"))

    def add_feed_route(feed: str) -> None:
        def read_feed(
            cursor: str | None = Query(None, min_length=1, max_length=200, json_schema_extra={
                "pattern": CURSOR_PATTERN,
                "description": "the next_cursor of the previous page, as handed out; an unknown, malformed or "
                               "invalidated cursor is 410 FEED_REFETCH"}),
            limit: int = Query(200, ge=1, le=1000, description="items per page"),
        ) -> dict[str, Any]:
            return core.feed_page(feed, cursor, limit)

        app.add_api_route(f"{API_PREFIX}/feeds/{feed}", read_feed, methods=["GET"],
                          response_model=schemas.FEED_PAGE_MODELS[feed], responses=_errors(*SIGNED, "FEED_REFETCH"),
                          tags=["feeds"], operation_id=f"feed_{feed}", summary=f"Delta feed of {feed}")

    for feed in FEED_FIELDS:
        add_feed_route(feed)

    @app.post(f"{API_PREFIX}/sessions", response_model=schemas.SessionOut, tags=["residents"], operation_id="login",
              responses={200: {"description": "logged in", "links": links["sessions"]},
                         **_errors(*SIGNED_BODY, "ESSC_INVALID", "ESSC_REUSED", "IDENTITY_MISMATCH", "CARD_NOT_FOUND")},
              summary="Resident login by ID card, social security card or e-SSC token")
    def sessions(body: schemas.SessionIn, request: Request) -> dict[str, Any]:
        return platform.login(kiosk_of(request), body.model_dump())

    @app.post(f"{API_PREFIX}/submissions", response_model=schemas.SubmissionOut, status_code=201,
              operation_id="submit", tags=["cases"],
              responses=_idempotent_post(schemas.SubmissionOut, "a new case", links["submissions"]),
              summary="Idempotent submission of a registration or application (the payload's schema by kind)")
    def submissions(body: schemas.SubmissionIn, request: Request) -> JSONResponse:  # type: ignore[valid-type]
        status, out = core.submit_case(kiosk_of(request), body.model_dump(mode="json", exclude_unset=True))  # type: ignore[attr-defined]
        return JSONResponse(out, status_code=status)

    @app.get(f"{API_PREFIX}/me/cases", response_model=schemas.CasesOut, responses=_errors(*RESIDENT), tags=["cases"],
             operation_id="my_cases", summary="The resident's cases, filtered by review status and month")
    def my_cases(request: Request, status: Annotated[schemas.CaseStatus | None, Query()] = None,
                 month: str | None = Query(None, pattern=MONTH_PATTERN, description="YYYY-MM")) -> dict[str, Any]:
        person = person_of(request)
        return {"cases": platform.cases(person.person_id, status, month)}

    @app.post(f"{API_PREFIX}/cases/{{case_no}}/withdraw", response_model=schemas.CaseOut,
              responses=_errors(*RESIDENT, "PAYLOAD_TOO_LARGE", "NOT_FOUND", "CASE_NOT_WITHDRAWABLE"),
              tags=["cases"], operation_id="withdraw_case", summary="Withdraw a case while it is PENDING")
    def withdraw(request: Request, case_no: IdSegment) -> dict[str, Any]:
        person = person_of(request)
        return platform.withdraw(person.person_id, case_no)

    @app.get(f"{API_PREFIX}/me/records/{{kind}}", response_model=schemas.RecordOut,
             responses=_errors(*RESIDENT, "NOT_FOUND"), tags=["records"], operation_id="my_record",
             summary="Live personal records (pension, payments, certificate, archive, eligibility)")
    def records(request: Request,
                kind: str = Path(max_length=64, json_schema_extra={"enum": list(RECORD_KINDS)},
                                 description="another kind is 404 NOT_FOUND")) -> dict[str, Any]:
        person = person_of(request)
        return core.records(person.person_id, kind)

    @app.post(f"{API_PREFIX}/fault-reports", response_model=schemas.FaultReportOut, status_code=201,
              operation_id="report_fault", tags=["fault reports"],
              responses=_idempotent_post(schemas.FaultReportOut, "a new report", links["fault_reports"]),
              summary="问题反映: routed by category")
    def fault_reports_post(body: schemas.FaultReportIn, request: Request) -> JSONResponse:
        status, out = platform.fault_report(kiosk_of(request), body.model_dump(mode="json"))
        return JSONResponse(out, status_code=status)

    @app.get(f"{API_PREFIX}/fault-reports", response_model=schemas.FaultReportsOut,
             responses=_errors(*SIGNED, "KIOSK_MISMATCH"), operation_id="fault_reports", tags=["fault reports"],
             summary="This kiosk's fault reports with answers and deadlines")
    def fault_reports_get(request: Request, kiosk: str | None = Query(
            None, min_length=1, max_length=64, description="only the signing kiosk itself (else 403)")) -> dict[str, Any]:
        signer = kiosk_of(request)
        if kiosk not in (None, signer):
            raise ApiError("KIOSK_MISMATCH", "只能查看本机的问题反映")
        return {"reports": platform.fault_reports(signer)}

    @app.post(f"{API_PREFIX}/kiosks/{{kiosk_id}}/audit", response_model=schemas.AuditOut, status_code=201,
              operation_id="record_audit", tags=["kiosk"],
              responses={200: {"model": schemas.AuditOut, "description": "the same key and body again"},
                         **_errors(*SIGNED_BODY, "KIOSK_MISMATCH", "IDEMPOTENCY_CONFLICT")},
              summary="One technician action for the audit trail (idempotent by key)")
    def audit_post(body: schemas.AuditIn, request: Request, kiosk_id: IdSegment) -> JSONResponse:
        if kiosk_id != kiosk_of(request):
            raise ApiError("KIOSK_MISMATCH", "签名的自助机与路径中的自助机不一致")
        status, out = platform.audit(kiosk_id, body.model_dump(mode="json"))
        return JSONResponse(out, status_code=status)

    # ---- 3rd-generation social security card holder login (issue 11 §1; kept apart on purpose) ----
    @app.post(CARD_HOLDER_SESSION_PATH, response_model=schemas.SessionOut, tags=["residents"],
              operation_id="card_holder_session",
              responses=_errors(*SIGNED_BODY, "IDENTITY_MISMATCH", "CARD_NOT_FOUND"),
              summary="Resident login by a 3rd-generation social security card whose PIN the kiosk verified on "
                      "the card: the platform names the holder from the card number, identification code and "
                      "issuing region (CARD_NOT_FOUND / IDENTITY_MISMATCH)")
    def card_holder_session(body: schemas.CardHolderSessionIn, request: Request) -> dict[str, Any]:
        return platform.login_card_holder(kiosk_of(request), body.model_dump())

    # ---- the job intentions the platform holds for the resident (issue 11 §3; kept apart on purpose) ----
    @app.get(MY_REGISTRATIONS_PATH, response_model=schemas.RegistrationsOut, responses=_errors(*RESIDENT),
             tags=["cases"], operation_id="my_registrations",
             summary="The resident's job intentions the platform holds (求职登记, 失业登记's job intention, "
                     "招聘零工登记), newest first: recommendations use them")
    def my_registrations(request: Request) -> dict[str, Any]:
        person = person_of(request)
        return {"registrations": platform.registrations(person.person_id)}

    # ---- 全程代理: a service-point worker logs in (issue 11 §5) ----
    @app.post(STAFF_SESSION_PATH, response_model=schemas.StaffSessionOut, tags=["staff"],
              operation_id="staff_session",
              responses=_errors(*SIGNED_BODY, "ESSC_INVALID", "ESSC_REUSED", "STAFF_INVALID", "STAFF_NOT_HERE",
                                "STAFF_LOCKED"),
              summary="A service-point worker (业务操作员) logs in by e-SSC or staff number + PIN: refused when not "
                      "a worker of the signing kiosk's service point (STAFF_NOT_HERE) or unused for 3 months "
                      "(STAFF_LOCKED)")
    def staff_session(body: schemas.StaffSessionIn, request: Request) -> dict[str, Any]:  # type: ignore[valid-type]
        return platform.staff_login(kiosk_of(request), body.model_dump())  # type: ignore[attr-defined]

    # ---- sandbox-only administration (unsigned; the server listens on 127.0.0.1 only) ----
    admin = f"{API_PREFIX}/admin"
    plain = _errors("VALIDATION_ERROR")

    @app.get(f"{admin}/kiosks", response_model=schemas.KiosksOut, tags=["sandbox admin"], responses=plain,
             operation_id="admin_kiosks",
             summary="Kiosks with their last heartbeat and status (ok / attention / silent / never)")
    def admin_kiosks() -> dict[str, Any]:
        return {"kiosks": platform.list_kiosks()}

    @app.get(f"{admin}/kiosks/{{kiosk_id}}/heartbeats", response_model=schemas.HeartbeatsOut, tags=["sandbox admin"],
             responses=plain, operation_id="admin_heartbeats", summary="The last heartbeats of one kiosk, as received")
    def admin_heartbeats(kiosk_id: IdSegment, limit: int = Query(50, ge=1, le=1000)) -> dict[str, Any]:
        return {"heartbeats": platform.heartbeats(kiosk_id, limit)}

    @app.get(f"{admin}/audit", response_model=schemas.AuditListOut, tags=["sandbox admin"], responses=plain,
             operation_id="admin_audit", summary="Technician audit entries, newest first")
    def admin_audit(kiosk: str | None = Query(None, min_length=1, max_length=64),
                    limit: int = Query(200, ge=1, le=5000)) -> dict[str, Any]:
        return {"entries": platform.audit_entries(kiosk, limit)}

    @app.post(f"{admin}/kiosks/{{kiosk_id}}/settings", response_model=schemas.SettingsOut, tags=["sandbox admin"],
              responses=_errors("VALIDATION_ERROR", "NOT_FOUND"), operation_id="admin_push_settings",
              summary="Merge settings pushed with the next heartbeat (null removes a key)")
    def admin_settings(body: schemas.SettingsIn, kiosk_id: IdSegment) -> dict[str, Any]:
        settings = platform.kiosk_settings(kiosk_id)
        for key, value in (body.model_extra or {}).items():
            settings = platform.push_setting(kiosk_id, key, value)
        return {"settings": settings}

    @app.post(f"{admin}/cases/{{case_no}}/review", response_model=schemas.CaseOut, tags=["sandbox admin"],
              responses=_errors("VALIDATION_ERROR", "NOT_FOUND", "CASE_ALREADY_REVIEWED"),
              operation_id="admin_review_case", summary="Play the reviewer: approve, or reject with a reason")
    def admin_review(body: schemas.ReviewIn, case_no: IdSegment) -> dict[str, Any]:
        return platform.review(case_no, body.decision, body.reason)

    def add_feed_admin_route(feed: str) -> None:
        def touch(body: Any) -> dict[str, Any]:
            fields = body.fields.model_dump(mode="json", exclude_unset=True) if body.fields else None
            return platform.touch_item(feed, body.id, fields, body.delete)

        touch.__annotations__["body"] = schemas.FEED_TOUCH_MODELS[feed]  # per feed: its own fields

        app.add_api_route(f"{admin}/feeds/{feed}", touch, methods=["POST"],
                          response_model=schemas.FEED_ITEM_MODELS[feed], tags=["sandbox admin"],
                          responses=_errors("VALIDATION_ERROR", "NOT_FOUND"), operation_id=f"admin_touch_{feed}",
                          summary=f"Create, update or tombstone one {feed} item (deleting an unknown id: 404)")

    for feed in FEED_FIELDS:
        add_feed_admin_route(feed)

    @app.post(f"{admin}/cursors/invalidate", response_model=schemas.EpochOut, tags=["sandbox admin"],
              responses=plain, operation_id="admin_invalidate_cursors", summary="Every cursor → FEED_REFETCH")
    def admin_invalidate() -> dict[str, int]:
        return {"epoch": platform.invalidate_cursors()}

    @app.post(f"{admin}/essc-tokens", response_model=schemas.EsscIssueOut, tags=["sandbox admin"],
              responses=_errors("VALIDATION_ERROR", "NOT_FOUND"),
              operation_id="admin_issue_essc_token", summary="A fresh one-time e-SSC token (60 s)")
    def admin_essc(body: schemas.EsscIssueIn) -> dict[str, Any]:
        return platform.issue_essc_token(body.person)

    @app.post(f"{admin}/fault-reports/{{report_no}}/answer", response_model=schemas.AnswerOut, tags=["sandbox admin"],
              responses=_errors("VALIDATION_ERROR", "NOT_FOUND", "FAULT_NOT_AT_LEVEL"),
              operation_id="admin_answer_fault_report", summary="Answer a fault report with a deadline")
    def admin_answer(body: schemas.AnswerIn, report_no: IdSegment) -> dict[str, Any]:
        return platform.answer_fault(report_no, body.response, body.deadline, by=body.by, level=body.level)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    # Staff pages, not part of the kiosk's contract (a mounted app: not in the OpenAPI document)
    app.mount(CONSOLE_PREFIX, create_console_app(platform, console))
    return app


_SIGNING_SCHEMES = {
    "kioskId": "X-Kiosk-Id", "timestamp": "X-Timestamp", "nonce": "X-Nonce", "bodySha256": "X-Body-SHA256",
    "signature": "X-Signature",
}


def build_openapi(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI 3.1 document with the signing and resident-token security schemes filled in."""
    doc = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes,
                      tags=app.openapi_tags)
    schemes: dict[str, Any] = {name: {"type": "apiKey", "in": "header", "name": header}
                               for name, header in _SIGNING_SCHEMES.items()}
    schemes["residentToken"] = {"type": "http", "scheme": "bearer", "description": "resident token from POST /v1/sessions"}
    doc.setdefault("components", {})["securitySchemes"] = schemes
    for path, ops in doc["paths"].items():
        if not _needs_signature(path):
            for op in ops.values():
                op["security"] = []  # said outright: no signature, no token (see the operation's tag)
            continue
        requirement: dict[str, list[str]] = {name: [] for name in _SIGNING_SCHEMES}
        if path in RESIDENT_PATHS:
            requirement["residentToken"] = []
        for op in ops.values():
            op["security"] = [requirement]
    return doc


def openapi_text(app: FastAPI) -> str:
    """The document as committed in sandbox/openapi.json."""
    return json.dumps(app.openapi(), ensure_ascii=False, indent=2, sort_keys=False) + "\n"
