"""The value types the screens need from the layers below, re-exported so that ui/ imports only kiosk.

Device events, health and errors (devices.base) and the cached records, queries and case views
(offline_cache) are plain frozen values; the screens receive them through kiosk's services and the
bridge, and name them by these re-exports.
"""

from devices.base import (
    CameraFrame,
    CardFailed,
    CardInserted,
    CardRemoved,
    DeviceError,
    DeviceEvent,
    DeviceHealth,
    DeviceKind,
    DeviceState,
    HealthChanged,
    IdentityRead,
    PinError,
    QrScanned,
)
from offline_cache import CaseStatus, CaseView, GigNeed, JobIntention, Match, Record, SearchQuery

__all__ = [
    "CameraFrame", "CardFailed", "CardInserted", "CardRemoved", "CaseStatus", "CaseView", "DeviceError", "DeviceEvent",
    "DeviceHealth", "DeviceKind", "DeviceState", "GigNeed", "HealthChanged", "IdentityRead", "JobIntention", "Match",
    "PinError", "QrScanned", "Record", "SearchQuery",
]
