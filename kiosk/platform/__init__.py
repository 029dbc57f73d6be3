"""The platform API client: signed requests, typed errors in plain Chinese, frozen reply values."""

from kiosk.platform.client import PlatformClient
from kiosk.platform.credentials import ENV_SECRET, CredentialsError, KioskCredentials, load_credentials
from kiosk.platform.errors import (
    ERRORS,
    CaseNotWithdrawable,
    EsscRejected,
    FeedRefetchRequired,
    IdempotencyConflict,
    IdentityRejected,
    KioskAuthError,
    NotFound,
    PlatformBadResponse,
    PlatformError,
    PlatformRejected,
    PlatformTlsError,
    PlatformUnavailable,
    ResidentAuthError,
    StaffRejected,
    TokenExpired,
    TokenInvalid,
    ValidationRejected,
)
from kiosk.platform.feeds import FEED_FIELDS, FEEDS, RECORD_KINDS, SUBMISSION_KINDS
from kiosk.platform.models import (
    AssistedBy,
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

__all__ = [
    "AssistedBy", "AuditEntry", "AuditReceipt", "StaffLogin", "StaffRejected",
    "ENV_SECRET", "ERRORS", "FEEDS", "FEED_FIELDS", "RECORD_KINDS", "SUBMISSION_KINDS",
    "Case", "CaseNotWithdrawable", "CredentialsError", "EsscRejected", "FaultReport", "FaultReportDraft",
    "FaultReportReceipt", "FeedItem", "FeedPage", "FeedRefetchRequired", "HeartbeatReply", "HeartbeatReport",
    "IdempotencyConflict", "IdentityRejected", "KioskAuthError", "KioskCredentials", "NotFound", "PersonalRecord",
    "PlatformBadResponse", "PlatformClient", "PlatformError", "PlatformRejected", "PlatformTlsError",
    "PlatformUnavailable", "Profile", "Registration", "ResidentAuthError", "PlatformLogin", "Submission",
    "SubmissionReceipt",
    "TokenExpired", "TokenInvalid", "ValidationRejected", "load_credentials",
]
