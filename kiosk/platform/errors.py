"""Typed platform errors and the ONE table mapping the contract's error codes to plain Chinese."""

from __future__ import annotations


class PlatformError(Exception):
    """Base of every platform error: a stable code, the plain Chinese message the UI shows, a technical detail."""

    def __init__(self, code: str, message: str, *, http_status: int | None = None, server_message: str = "",
                 detail: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.http_status = http_status
        self.server_message = server_message  # the platform's own words; may be shown for VALIDATION_ERROR
        self.detail = detail  # for technicians/logs: never personal data

    def __str__(self) -> str:
        return self.message


class PlatformUnavailable(PlatformError):
    """No usable answer: connection refused, timeout, TLS failure, 5xx, or a reply that is not the contract."""


class PlatformBadResponse(PlatformUnavailable):
    """The platform answered with something that is not the contract's JSON (HTML, empty, truncated, wrong shape)."""


class PlatformTlsError(PlatformUnavailable):
    """The platform's certificate could not be verified against the configured CA bundle."""


class PlatformRejected(PlatformError):
    """The platform understood the request and refused it (4xx with a code)."""


class KioskAuthError(PlatformRejected):
    """The kiosk's own credentials or clock were refused (technician matter)."""


class ResidentAuthError(PlatformRejected):
    """The resident's login is no longer valid: log in again."""


class TokenExpired(ResidentAuthError):
    """The resident token ran out (15 minutes)."""


class TokenInvalid(ResidentAuthError):
    """The resident token is unknown or belongs to another kiosk."""


class EsscRejected(PlatformRejected):
    """The e-SSC QR token was invalid, expired or used already."""


class IdentityRejected(PlatformRejected):
    """The card data did not match the platform's records, or the card is unknown."""


class StaffRejected(PlatformRejected):
    """全程代理: the platform refused a worker login (not a worker, wrong PIN, another service point, locked)."""


class NotFound(PlatformRejected):
    """No such thing on the platform (case, record kind, feed)."""


class IdempotencyConflict(PlatformRejected):
    """The idempotency key was already used for a different body."""


class CaseNotWithdrawable(PlatformRejected):
    """Only PENDING cases can be withdrawn."""


class FeedRefetchRequired(PlatformRejected):
    """The feed cursor is unknown or expired: fetch the feed from scratch."""


class ValidationRejected(PlatformRejected):
    """The platform found the submission incomplete or against a rule (server_message says which)."""


UNAVAILABLE_MESSAGE = "网络暂时不可用，请稍后再试，或到柜台办理"
BAD_RESPONSE_MESSAGE = "网络暂时不可用（平台应答异常），请稍后再试，或到柜台办理"
DEADLINE_MESSAGE = "网络暂时不可用（平台应答太慢），请稍后再试，或到柜台办理"
TLS_MESSAGE = "网络暂时不可用（与平台的安全连接校验失败），请联系技术员"
UNKNOWN_REJECTION_MESSAGE = "平台暂时无法办理该业务，请到柜台咨询"

# THE table: contract code → (error type, plain Chinese message shown to residents/staff).
ERRORS: dict[str, tuple[type[PlatformError], str]] = {
    "UNKNOWN_KIOSK": (KioskAuthError, "本机尚未在平台登记，暂时不能联网办理，请联系技术员"),
    "BAD_SIGNATURE": (KioskAuthError, "本机与平台的安全校验未通过，请联系技术员"),
    "STALE_TIMESTAMP": (KioskAuthError, "本机时间不准，暂时不能联网办理，请联系技术员校准时间"),
    "REPLAYED_NONCE": (KioskAuthError, "请求重复，请稍后再试"),
    "KIOSK_MISMATCH": (KioskAuthError, "本机身份与请求不一致，请联系技术员"),
    "TOKEN_EXPIRED": (TokenExpired, "登录已超时，请重新刷卡或扫码"),
    "TOKEN_INVALID": (TokenInvalid, "登录已失效，请重新刷卡或扫码"),
    "ESSC_INVALID": (EsscRejected, "电子社保卡二维码无效或已过期，请在手机上刷新后再扫"),
    "ESSC_REUSED": (EsscRejected, "这个二维码已经用过了，请在手机上刷新后再扫"),
    "IDENTITY_MISMATCH": (IdentityRejected, "卡片信息与平台登记的信息不一致，请到柜台核实"),
    "CARD_NOT_FOUND": (IdentityRejected, "平台上没有这张社保卡的记录，请改用身份证，或到柜台办理"),
    "STAFF_INVALID": (StaffRejected, "工作人员身份核验未通过：工号或密码不正确，或这张电子社保卡不是工作人员账号"),
    "STAFF_NOT_HERE": (StaffRejected, "您不是本服务点的工作人员，不能在这台自助机上代办"),
    "STAFF_LOCKED": (StaffRejected, "您的工作人员账号超过3个月未使用，已被平台锁定。请联系县级人社部门系统管理员解锁"),
    "NOT_FOUND": (NotFound, "没有查到相关信息"),
    "METHOD_NOT_ALLOWED": (PlatformRejected, "本机软件版本与平台不匹配，请联系技术员"),
    "IDEMPOTENCY_CONFLICT": (IdempotencyConflict, "这份申请与平台上已有的记录冲突，请到柜台核实"),
    "CASE_NOT_WITHDRAWABLE": (CaseNotWithdrawable, "这件申请已经审核（或已撤回），不能再撤回"),
    "CASE_ALREADY_REVIEWED": (CaseNotWithdrawable, "这件申请已经审核过了"),
    "FAULT_NOT_AT_LEVEL": (PlatformRejected, "这条问题反映已转到其他部门处理"),
    "FEED_REFETCH": (FeedRefetchRequired, "信息需要重新下载，请稍候"),
    "PAYLOAD_TOO_LARGE": (ValidationRejected, "提交的内容太多，请精简后再试"),
    "VALIDATION_ERROR": (ValidationRejected, "填写的信息不完整或不符合办理条件"),
    "INTERNAL_ERROR": (PlatformUnavailable, UNAVAILABLE_MESSAGE),
    "RATE_LIMITED": (PlatformUnavailable, UNAVAILABLE_MESSAGE),  # 503: the sync worker backs off and tries later
}


def error_for(code: str, http_status: int | None, server_message: str = "", detail: str = "") -> PlatformError:
    """The typed error for a contract code (unknown 4xx codes → PlatformRejected with a generic message)."""
    if http_status is not None and http_status >= 500:
        return PlatformUnavailable(code or f"HTTP_{http_status}", UNAVAILABLE_MESSAGE, http_status=http_status,
                                   server_message=server_message, detail=detail)
    cls, message = ERRORS.get(code, (PlatformRejected, UNKNOWN_REJECTION_MESSAGE))
    return cls(code, message, http_status=http_status, server_message=server_message, detail=detail)


# What kiosk.platform re-exports: the error classes and their table (the messages stay here).
__all__ = [
    "ERRORS", "PlatformError", "PlatformUnavailable", "PlatformBadResponse", "PlatformTlsError",
    "PlatformRejected", "KioskAuthError", "ResidentAuthError", "TokenExpired", "TokenInvalid",
    "EsscRejected", "IdentityRejected", "StaffRejected", "NotFound", "IdempotencyConflict",
    "CaseNotWithdrawable", "FeedRefetchRequired", "ValidationRejected",
]
