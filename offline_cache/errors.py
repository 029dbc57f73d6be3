"""Typed errors of the offline cache, each carrying the plain-Chinese message the kiosk shows."""

from __future__ import annotations

from offline_cache.texts import ERRORS


class OfflineCacheError(Exception):
    """Base class: `message` is for people at the kiosk, `detail` for technicians' logs (no personal data)."""

    message_key = ""

    def __init__(self, detail: str = "", *, message: str | None = None) -> None:
        self.message = message if message is not None else ERRORS[self.message_key]
        self.detail = detail
        super().__init__(self.message)

    def __str__(self) -> str:
        return f"{self.message} ({self.detail})" if self.detail else self.message


class StorageFault(OfflineCacheError):
    """The kiosk's data folder cannot be used: the kiosk stops serving (暂停服务) until a technician comes.

    `message` is the technician's plain explanation (it says which fault: full, read-only, damaged).
    """

    message_key = "storage_io"


class DiskFull(StorageFault):
    """No space left where the data folder lives."""

    message_key = "disk_full"


class StorageReadOnly(StorageFault):
    """The data folder cannot be written (mounted read-only, or no permission)."""

    message_key = "storage_read_only"


class DatabaseCorrupt(StorageFault):
    """The SQLite file is not a readable database; it is left untouched for a technician."""

    message_key = "database_corrupt"


class SchemaMismatch(StorageFault):
    """The file's schema is newer than this program or not one of ours."""

    message_key = "schema_mismatch"


class MigrationFailed(StorageFault):
    """An Alembic upgrade failed; the backup copy made before it is named in `detail`."""

    message_key = "migration_failed"


class KeyFileInvalid(StorageFault):
    """The payload key file exists but cannot be used. Base of every key trouble that stops the kiosk."""

    message_key = "key_file_invalid"


class KeyMissing(KeyFileInvalid):
    """A key (or the person-key salt) that stored rows need is not in the data folder; no new one is made."""

    message_key = "key_missing"


class KeyChanged(KeyFileInvalid):
    """A key (or salt) file is there but is not the one the stored rows were written with."""

    message_key = "key_changed"


class PayloadUnreadable(OfflineCacheError):
    """A stored payload cannot be decrypted (wrong key or damaged bytes)."""

    message_key = "payload_unreadable"


class UnknownSubmission(OfflineCacheError):
    """No outbox item has this idempotency key."""

    message_key = "unknown_submission"


class IllegalTransition(OfflineCacheError):
    """An outbox state change the transition table does not allow."""

    message_key = "illegal_transition"

    def __init__(self, key: str, from_state: str, to_state: str) -> None:
        self.key = key
        self.from_state = from_state
        self.to_state = to_state
        super().__init__(f"{key}: {from_state} -> {to_state}")


class WithdrawNotAllowed(OfflineCacheError):
    """A case can only be withdrawn while it is 未审核 (or still waiting for upload)."""

    message_key = "withdraw_not_allowed"


class UnknownFeed(OfflineCacheError, ValueError):
    """A feed name that is not in offline_cache.feeds.FEEDS."""

    message_key = "unknown_feed"


class FeedItemInvalid(OfflineCacheError, ValueError):
    """A feed item lacks id/version or has a value of the wrong type; the whole page is refused."""

    message_key = "feed_item_invalid"


class UnsupportedFilter(OfflineCacheError, ValueError):
    """A search filter the feed has no column for."""

    message_key = "unsupported_filter"
