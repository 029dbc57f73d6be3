"""The sync engine: the outbox payload format, the worker that delivers it exactly once, feeds and heartbeats."""

from kiosk.sync.backoff import Backoff
from kiosk.sync.cases import PLATFORM_STATUS, apply_cases, case_status, refresh_my_cases, to_platform_case
from kiosk.sync.outcomes import Action, Outcome, from_error, from_receipt
from kiosk.sync.payload import (
    FORMAT_VERSION,
    OutboxPayloadInvalid,
    make_outbox_payload,
    queue_submission,
    to_submission,
)
from kiosk.sync.report import FeedPull, HeartbeatResult, NetworkState, PushSummary, SyncReport
from kiosk.sync.state_file import STATE_FILE_NAME, SyncState, SyncStateFile
from kiosk.sync.worker import SyncWorker, feed_item_dict

__all__ = [
    "FORMAT_VERSION", "PLATFORM_STATUS", "STATE_FILE_NAME", "Action", "Backoff", "FeedPull", "HeartbeatResult",
    "NetworkState", "Outcome", "OutboxPayloadInvalid", "PushSummary", "SyncReport", "SyncState", "SyncStateFile",
    "SyncWorker", "apply_cases", "case_status", "feed_item_dict", "from_error", "from_receipt",
    "make_outbox_payload", "queue_submission", "refresh_my_cases", "to_platform_case", "to_submission",
]
