"""What one sync cycle did: frozen values for `kiosk sync run`, tests and the UI's status line."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class NetworkState(enum.StrEnum):
    """Whether the platform answered the last time the kiosk asked."""

    ONLINE = "online"
    OFFLINE = "offline"

    @property
    def label(self) -> str:
        from kiosk.sync.messages import NETWORK_LABELS

        return NETWORK_LABELS[self.value]


@dataclass(frozen=True)
class PushSummary:
    """Outbox items handled by one push: counts per result."""

    accepted: int = 0
    duplicates: int = 0  # accepted, and the platform had it already (a retry after a lost answer)
    rejected: int = 0
    needs_attention: int = 0
    retried: int = 0
    skipped: int = 0  # claimed by someone else, or withdrawn meanwhile
    unreachable: bool = False
    refused: bool = False  # the platform refused this kiosk (auth): pushing stopped

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class FeedPull:
    """One feed pulled: pages, rows changed, whether it had to start from scratch, or the error."""

    feed: str
    pages: int = 0
    upserted: int = 0
    deleted: int = 0
    refetched: bool = False
    cursor: str | None = None
    error: str | None = None  # error code when the pull stopped early

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class HeartbeatResult:
    """A heartbeat answered (server time, offset) or failed (error code)."""

    ok: bool
    clock_offset_s: float | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "clock_offset_s": self.clock_offset_s, "settings": self.settings, "error": self.error}


@dataclass(frozen=True)
class SyncReport:
    """One full cycle: push, heartbeat, pull (and purge), with the outbox counts afterwards."""

    push: PushSummary
    heartbeat: HeartbeatResult | None
    feeds: tuple[FeedPull, ...]
    purged: int
    outbox: dict[str, int]
    network: NetworkState | None

    @property
    def unreachable(self) -> bool:
        """The platform could not be reached during the cycle."""
        hb_down = self.heartbeat is not None and not self.heartbeat.ok and self.network is NetworkState.OFFLINE
        return self.push.unreachable or hb_down or any(f.error == "UNREACHABLE" for f in self.feeds)

    @property
    def all_feeds_pulled(self) -> bool:
        return bool(self.feeds) and all(f.ok for f in self.feeds)

    @property
    def needs_attention(self) -> int:
        return self.outbox.get("needs_attention", 0)

    def to_json(self) -> dict[str, Any]:
        return {
            "network": self.network.value if self.network else None,
            "unreachable": self.unreachable,
            "push": self.push.to_json(),
            "heartbeat": self.heartbeat.to_json() if self.heartbeat else None,
            "feeds": [f.to_json() for f in self.feeds],
            "purged": self.purged,
            "outbox": dict(self.outbox),
        }
