"""The kiosk's offline cache: cached platform feeds, Chinese search, matching, the outbox and 我的办件."""

from offline_cache.cases import CaseBook, CaseView, PlatformCase
from offline_cache.crypto import PayloadCipher, PersonKeyer, load_or_create_key
from offline_cache.db import Database, open_database
from offline_cache.errors import (
    DatabaseCorrupt,
    DiskFull,
    FeedItemInvalid,
    IllegalTransition,
    KeyChanged,
    KeyFileInvalid,
    KeyMissing,
    MigrationFailed,
    OfflineCacheError,
    PayloadUnreadable,
    SchemaMismatch,
    StorageFault,
    StorageReadOnly,
    UnknownFeed,
    UnknownSubmission,
    UnsupportedFilter,
    WithdrawNotAllowed,
)
from offline_cache.feeds import FEEDS
from offline_cache.ingest import ApplyResult, FeedStatus
from offline_cache.matching import GigNeed, JobIntention, Match, ServicePointLocation, Weights
from offline_cache.outbox import AttentionItem, Outbox, OutboxItem
from offline_cache.records import Record
from offline_cache.search import SearchPage, SearchQuery
from offline_cache.states import TRANSITIONS, CaseStatus, OutboxState
from offline_cache.storage import probe_folder, storage_fault

__all__ = [
    "FEEDS", "TRANSITIONS", "ApplyResult", "AttentionItem", "CaseBook", "CaseStatus", "CaseView", "Database", "DatabaseCorrupt",
    "DiskFull", "FeedItemInvalid", "FeedStatus", "GigNeed", "IllegalTransition", "JobIntention", "KeyChanged",
    "KeyFileInvalid", "KeyMissing", "Match",
    "MigrationFailed", "OfflineCacheError", "Outbox", "OutboxItem", "OutboxState", "PayloadCipher",
    "PayloadUnreadable", "PersonKeyer", "PlatformCase", "Record", "SchemaMismatch", "SearchPage", "SearchQuery",
    "ServicePointLocation", "StorageFault", "StorageReadOnly", "UnknownFeed", "UnknownSubmission", "UnsupportedFilter", "Weights", "WithdrawNotAllowed",
    "load_or_create_key", "open_database", "probe_folder", "storage_fault",
]
