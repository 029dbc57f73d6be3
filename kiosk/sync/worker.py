"""The sync worker: a thread that pushes the outbox exactly once per submission, pulls feeds and sends heartbeats."""

from __future__ import annotations

import logging
import random as _random
import shutil
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from devices.base import DeviceHealth
from kiosk import __version__
from kiosk.listeners import Listeners
from kiosk.platform import (
    FeedItem,
    FeedRefetchRequired,
    HeartbeatReply,
    HeartbeatReport,
    PlatformClient,
    PlatformRejected,
    PlatformUnavailable,
)
from kiosk.settings import SyncSettings
from kiosk.sync.backoff import Backoff
from kiosk.sync.clock_skew import release_clock_refusals
from kiosk.sync.outcomes import Action, Outcome, from_error
from kiosk.sync.report import FeedPull, HeartbeatResult, NetworkState, PushSummary, SyncReport
from kiosk.sync.routes import deliver
from kiosk.sync.state_file import STATE_FILE_NAME, SyncStateFile
from offline_cache import FEEDS as CACHE_FEEDS
from offline_cache import Database, FeedItemInvalid, IllegalTransition, OutboxItem, UnknownSubmission
from offline_cache.clock import Clock, system_clock

log = logging.getLogger(__name__)

NetworkListener = Callable[[NetworkState], None]
SettingsListener = Callable[[HeartbeatReply], None]

PURGE_EVERY = timedelta(days=1)
MAX_WAIT_S = 60.0  # re-check the schedule at least this often (the wall clock may jump)
MAX_PAGES_PER_FEED = 10_000  # a runaway has_more never loops forever
ERROR_PAUSE_S = 5.0  # after an unexpected error in a cycle


def _aware(t: datetime | None) -> datetime | None:
    if t is None:
        return None
    return t if t.tzinfo is not None else t.replace(tzinfo=UTC)


def feed_item_dict(item: FeedItem) -> dict[str, Any]:
    """A platform feed item as offline_cache ingests it (the meta keys plus the feed's own fields)."""
    return {**item.fields, "id": item.id, "version": item.version, "updated_at": item.updated_at,
            "deleted": item.deleted}


def _disk_free_mb(path: Path) -> float:
    try:
        return round(shutil.disk_usage(path).free / 1_000_000, 1)
    except OSError as exc:
        log.warning("disk usage of %s unknown: %s", path, type(exc).__name__)
        return -1.0


class SyncWorker:
    """Delivers every queued submission exactly once, keeps the feeds fresh, reports health.

    Runs on its own thread (`start`/`stop`); `run_once` does one full cycle synchronously. All time
    comes from `clock`, all randomness from `random`; nothing here touches Qt.
    """

    def __init__(
        self,
        database: Database,
        client: PlatformClient,
        settings: SyncSettings,
        *,
        data_dir: Path,
        app_version: str = __version__,
        clock: Clock = system_clock,
        random: Callable[[], float] = _random.random,
        device_health: Callable[[], Iterable[DeviceHealth]] = tuple,
        on_settings: SettingsListener | None = None,
        state_file: SyncStateFile | None = None,
        backoff: Backoff | None = None,
        item_backoff: Backoff | None = None,
        batch_size: int = 20,
        page_limit: int = 200,
        feeds: Sequence[str] = tuple(CACHE_FEEDS),
        disk_free_mb: Callable[[], float] | None = None,
        wake_event: threading.Event | None = None,
        update_report: Callable[[], Mapping[str, Any] | None] = lambda: None,
    ) -> None:
        self._db = database
        self._client = client
        self._settings = settings
        self._data_dir = Path(data_dir)
        self._app_version = app_version
        self._clock = clock
        self._device_health = device_health
        self._update_report = update_report
        self._state = state_file or SyncStateFile(self._data_dir / STATE_FILE_NAME)
        # Whole-platform backoff: probes come back quickly when the network returns.
        self._backoff = backoff or Backoff(base_s=5.0, factor=2.0, max_s=300.0, jitter=0.5, random=random)
        # One item's backoff (an item the platform answers oddly must not block the others).
        self._item_backoff = item_backoff or Backoff(base_s=float(settings.push_interval_s), factor=2.0,
                                                     max_s=3600.0, jitter=0.5, random=random)
        self._batch_size = batch_size
        self._page_limit = page_limit
        self._feeds = tuple(feeds)
        self._disk_free_mb = disk_free_mb or (lambda: _disk_free_mb(self._data_dir))
        self._wake = wake_event or threading.Event()
        self._stopping = threading.Event()
        self._cycle_lock = threading.RLock()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._network_listeners: Listeners[NetworkState] = Listeners("network")
        self._settings_listeners: Listeners[HeartbeatReply] = Listeners("settings")
        if on_settings:
            self._settings_listeners.subscribe(on_settings)
        self._network: NetworkState | None = None
        self._failures = 0
        self._kicked = False
        self.started_at = clock()
        now = self.started_at
        self._blocked_until: datetime | None = None
        self._next_push_at = now
        self._next_pull_at = now
        self._next_heartbeat_at = now
        last_purge = _aware(self._state.load().last_purge_at)
        self._next_purge_at = last_purge + PURGE_EVERY if last_purge else now
        self.last_reply: HeartbeatReply | None = None
        self.last_report: SyncReport | None = None

    # ---- listeners -------------------------------------------------------------------------------
    def add_network_listener(self, listener: NetworkListener) -> None:
        """Call `listener(NetworkState)` on the worker thread whenever online/offline changes."""
        self._network_listeners.subscribe(listener)

    def add_settings_listener(self, listener: SettingsListener) -> None:
        """Call `listener(HeartbeatReply)` after every answered heartbeat (pushed settings)."""
        self._settings_listeners.subscribe(listener)

    @property
    def network_state(self) -> NetworkState | None:
        """ONLINE / OFFLINE as last observed (None before the first contact)."""
        return self._network

    @property
    def blocked_until(self) -> datetime | None:
        """When the platform-wide backoff ends (None: not backing off)."""
        return self._blocked_until

    # ---- thread ----------------------------------------------------------------------------------
    def start(self) -> None:
        """Recover submissions a crash left in flight, then run on a daemon thread."""
        if self._thread is not None:
            return
        self.recover_in_flight()
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="sync-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread: wakes it from any wait; a request on the wire may take up to `timeout` to end."""
        self._stopping.set()
        self._wake.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout)
            if thread.is_alive():
                log.warning("sync worker still finishing a request after %.1f s; left as a daemon", timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def kick(self) -> None:
        """Push now (the UI calls this right after a submission); ignores the platform backoff once."""
        self._kicked = True
        self._wake.set()

    def recover_in_flight(self) -> int:
        """Items a crash left in `sending` go back to the queue (the platform is idempotent by key); so do
        items an earlier version parked because the platform refused the kiosk's clock alone."""
        release_clock_refusals(self._db)
        return self._db.outbox.recover_in_flight()

    def _run(self) -> None:
        log.info("sync worker started")
        while not self._stopping.is_set():
            self._wake.clear()
            pause: float | None = None
            try:
                self.tick()
            except Exception:  # a cycle must never kill the worker: log and try again later
                log.exception("sync cycle failed")
                pause = ERROR_PAUSE_S
            if self._stopping.is_set():
                break
            if pause is None:
                pause = (self.next_wakeup() - self._clock()).total_seconds()
            self._wake.wait(min(max(pause, 0.0), MAX_WAIT_S))
        log.info("sync worker stopped")

    # ---- scheduling ------------------------------------------------------------------------------
    def _gate_open(self, now: datetime) -> bool:
        return self._blocked_until is None or now >= self._blocked_until

    def next_wakeup(self) -> datetime:
        """When something is next due (now when kicked)."""
        now = self._clock()
        if self._kicked:
            return now
        network = [self._next_push_at, self._next_heartbeat_at, self._next_pull_at]
        if self._blocked_until is not None:
            network = [max(t, self._blocked_until) for t in network]
        return min([*network, self._next_purge_at])

    def tick(self) -> SyncReport | None:
        """Do whatever is due now (push, heartbeat, pull, purge); None when nothing was."""
        with self._cycle_lock:
            now = self._clock()
            kicked, self._kicked = self._kicked, False
            gate = kicked or self._gate_open(now)  # inside the platform backoff only local work is due
            push_due = kicked or (gate and now >= self._next_push_at)
            hb_due = gate and now >= self._next_heartbeat_at
            pull_due = gate and now >= self._next_pull_at
            purge_due = now >= self._next_purge_at
            if not (push_due or hb_due or pull_due or purge_due):
                return None
            return self._cycle(now, push_due=push_due, hb_due=hb_due, pull_due=pull_due, purge_due=purge_due,
                               gate_override=kicked)

    def run_once(self) -> SyncReport:
        """One full cycle now, ignoring the schedule and the backoff: push, heartbeat, pull every feed, purge if due."""
        with self._cycle_lock:
            now = self._clock()
            return self._cycle(now, push_due=True, hb_due=True, pull_due=True, purge_due=now >= self._next_purge_at,
                               gate_override=True)

    def _cycle(self, now: datetime, *, push_due: bool, hb_due: bool, pull_due: bool, purge_due: bool,
               gate_override: bool) -> SyncReport:
        push = PushSummary()
        heartbeat: HeartbeatResult | None = None
        feeds: tuple[FeedPull, ...] = ()
        purged = 0
        go = gate_override or self._gate_open(now)  # False once the platform proved unreachable
        if push_due and go:
            push = self.push()
            self._next_push_at = now + timedelta(seconds=self._settings.push_interval_s)
            go = not push.unreachable
        if hb_due and go and not self._stopping.is_set():
            heartbeat = self.heartbeat()
            go = heartbeat.ok or self._network is NetworkState.ONLINE
        # Reconnecting may have made the pull due just now.
        pull_due = pull_due or now >= self._next_pull_at
        if pull_due and go and not self._stopping.is_set():
            feeds = self.pull()
        if purge_due:
            purged = self.purge()
        report = SyncReport(push=push, heartbeat=heartbeat, feeds=feeds, purged=purged,
                            outbox={s.value: n for s, n in self._db.outbox.counts().items()}, network=self._network)
        self.last_report = report
        return report

    # ---- network state ---------------------------------------------------------------------------
    def _reachable(self) -> None:
        self._failures = 0
        self._blocked_until = None
        self._set_network(NetworkState.ONLINE)

    def _unreachable(self, code: str) -> None:
        now = self._clock()
        self._failures += 1
        delay = self._backoff.delay(self._failures)
        self._blocked_until = now + timedelta(seconds=delay)
        # While offline a heartbeat is the probe that notices the network coming back.
        self._next_heartbeat_at = min(self._next_heartbeat_at, self._blocked_until)
        log.info("platform unreachable (%s), failure %d: next try in %.1f s", code, self._failures, delay)
        self._state.update(last_error=code)
        self._set_network(NetworkState.OFFLINE)

    def _set_network(self, state: NetworkState) -> None:
        with self._lock:
            previous = self._network
            if previous is state:
                return
            self._network = state
        log.info("network %s -> %s", previous.value if previous else "unknown", state.value)
        if state is NetworkState.ONLINE and previous is NetworkState.OFFLINE:
            now = self._clock()  # back online: push and pull at once
            self._next_pull_at = min(self._next_pull_at, now)
            self._next_push_at = min(self._next_push_at, now)
        self._state.update(network=state.value)
        self._network_listeners.notify(state)

    # ---- push ------------------------------------------------------------------------------------
    def push(self) -> PushSummary:
        """Send every due queued item, oldest first, until the queue is empty or the platform is unreachable."""
        counts: Counter[str] = Counter()
        seen: set[str] = set()
        unreachable = refused = False
        while not self._stopping.is_set() and not (unreachable or refused):
            batch = [i for i in self._db.outbox.next_batch(self._batch_size) if i.key not in seen]
            if not batch:
                break
            for item in batch:
                if self._stopping.is_set():
                    break
                seen.add(item.key)
                outcome = self._push_one(item, counts)
                if outcome is None:
                    continue
                if outcome.unreachable:
                    unreachable = True
                    break
                if outcome.stop_pushing:
                    refused = True
                    break
        if seen:
            self._state.update(last_push_at=self._clock())
        return PushSummary(accepted=counts["accepted"], duplicates=counts["duplicates"], rejected=counts["rejected"],
                           needs_attention=counts["needs_attention"], retried=counts["retried"],
                           skipped=counts["skipped"], unreachable=unreachable, refused=refused)

    def _push_one(self, item: OutboxItem, counts: Counter[str]) -> Outcome | None:
        try:
            sending = self._db.outbox.mark_sending(item)
        except (IllegalTransition, UnknownSubmission) as exc:
            # Another process claimed it, or the resident withdrew it meanwhile.
            log.info("outbox %s skipped: %s", item.key, type(exc).__name__)
            counts["skipped"] += 1
            return None
        try:
            # Fault reports and audit entries share the outbox; routes.deliver picks the platform call.
            outcome = deliver(self._client, item)
        except Exception as exc:  # every failure becomes an outbox transition; the item is never dropped
            outcome = from_error(exc)
            if outcome.action is Action.RETRY_PERMANENT:
                log.exception("outbox %s: unexpected failure while sending", item.key)
            else:
                log.info("outbox %s: %s (%s)", item.key, outcome.action.value, outcome.code)
        self._apply(sending, outcome, counts)
        return outcome

    def _apply(self, item: OutboxItem, outcome: Outcome, counts: Counter[str]) -> None:
        outbox = self._db.outbox
        now = self._clock()
        try:
            if outcome.action is Action.ACCEPT:
                assert outcome.case_no is not None
                outbox.mark_accepted(item, outcome.case_no)
                counts["accepted"] += 1
                counts["duplicates"] += int(outcome.duplicate)
            elif outcome.action is Action.REJECT:
                outbox.mark_rejected(item, outcome.code or "REJECTED", outcome.text)
                counts["rejected"] += 1
            elif outcome.action is Action.ATTENTION:
                outbox.mark_needs_attention(item, outcome.text)
                counts["needs_attention"] += 1
            else:
                permanent = outcome.action is Action.RETRY_PERMANENT
                later = now + timedelta(seconds=self._item_backoff.delay(item.attempts))
                after = outbox.mark_retry(item, later, outcome.text, permanent=permanent)
                counts["needs_attention" if after.state.value == "needs_attention" else "retried"] += 1
        except IllegalTransition as exc:
            # Someone else (a technician's `kiosk sync run`) finished it first; the platform is idempotent.
            log.warning("outbox %s: %s after sending", item.key, exc.detail)
            counts["skipped"] += 1
        if outcome.unreachable:
            self._unreachable(outcome.code or "UNAVAILABLE")
        elif outcome.action is not Action.RETRY_PERMANENT:
            self._reachable()

    # ---- heartbeat -------------------------------------------------------------------------------
    def heartbeat_report(self) -> HeartbeatReport:
        """What the kiosk tells the platform: version, uptime, disk, queue depth, cache ages, devices."""
        now = self._clock()
        ages: dict[str, float | None] = {}
        for status in self._db.feeds.status():
            pulled = _aware(status.last_pull_at)
            ages[status.feed] = round((now - pulled).total_seconds(), 1) if pulled else None
        try:
            devices = tuple(self._device_health())
        except Exception:  # device health is advisory; the heartbeat still goes out
            log.exception("device health unavailable for the heartbeat")
            devices = ()
        try:
            update = self._update_report()
        except Exception:  # like device health: the heartbeat still goes out
            log.exception("update state unavailable for the heartbeat")
            update = None
        return HeartbeatReport(
            app_version=self._app_version,
            uptime_s=round((now - self.started_at).total_seconds(), 1),
            disk_free_mb=self._disk_free_mb(),
            outbox={s.value: n for s, n in self._db.outbox.counts().items()},
            cache_ages=ages,
            devices=devices,
            update=update,
        )

    def heartbeat(self) -> HeartbeatResult:
        """Send a heartbeat now; pushed settings go to the settings listeners."""
        report = self.heartbeat_report()
        sent = self._clock()
        try:
            reply = self._client.heartbeat(report)
        except PlatformUnavailable as exc:
            self._unreachable(exc.code)
            return HeartbeatResult(False, error=exc.code)
        except PlatformRejected as exc:
            log.error("heartbeat refused: %s", exc.code)
            self._reachable()
            self._state.update(last_error=exc.code)
            self._next_heartbeat_at = sent + timedelta(seconds=self._settings.heartbeat_interval_s)
            return HeartbeatResult(False, error=exc.code)
        received = self._clock()
        midpoint = sent + (received - sent) / 2
        offset = round((reply.server_time - midpoint).total_seconds(), 3)
        self._next_heartbeat_at = received + timedelta(seconds=self._settings.heartbeat_interval_s)
        self._state.update(last_heartbeat_at=received, server_time=reply.server_time, clock_offset_s=offset)
        self.last_reply = reply
        self._reachable()
        self._settings_listeners.notify(reply)
        return HeartbeatResult(True, clock_offset_s=offset, settings=dict(reply.settings))

    # ---- pull ------------------------------------------------------------------------------------
    def pull(self) -> tuple[FeedPull, ...]:
        """Pull every feed from its cursor; stops at the first sign the platform is unreachable."""
        results = []
        for feed in self._feeds:
            if self._stopping.is_set():
                break
            result = self.pull_feed(feed)
            results.append(result)
            if result.error == "UNREACHABLE":
                break
        if results and all(r.ok for r in results) and len(results) == len(self._feeds):
            self._next_pull_at = self._clock() + timedelta(seconds=self._settings.pull_interval_s)
            self._state.update(last_pull_at=self._clock())
        elif results and results[-1].error != "UNREACHABLE":
            # The platform answered but some feed failed (bad data): try again on the normal schedule.
            self._next_pull_at = self._clock() + timedelta(seconds=self._settings.pull_interval_s)
        return tuple(results)

    def pull_feed(self, feed: str) -> FeedPull:
        """All pages of one feed; FEED_REFETCH → forget the cached table and fetch it from scratch (once)."""
        store = self._db.feeds
        cursor = store.cursor(feed)
        pages = upserted = deleted = 0
        refetched = False

        def result(error: str | None = None) -> FeedPull:
            return FeedPull(feed, pages, upserted, deleted, refetched, cursor, error)

        while pages < MAX_PAGES_PER_FEED:
            try:
                page = self._client.fetch_feed(feed, cursor, self._page_limit)
            except FeedRefetchRequired:
                self._reachable()
                if refetched:
                    log.error("feed %s: FEED_REFETCH again right after a reset", feed)
                    return result("FEED_REFETCH")
                log.info("feed %s: cursor no longer valid, fetching from scratch", feed)
                store.reset_feed(feed)
                cursor, refetched = None, True
                continue
            except PlatformUnavailable as exc:
                self._unreachable(exc.code)
                return result("UNREACHABLE")
            except PlatformRejected as exc:
                self._reachable()
                log.error("feed %s refused: %s", feed, exc.code)
                return result(exc.code)
            self._reachable()
            try:
                applied = store.apply_feed_page(feed, [feed_item_dict(i) for i in page.items], page.next_cursor)
            except FeedItemInvalid as exc:
                log.error("feed %s: page refused: %s", feed, exc.detail)
                return result("FEED_ITEM_INVALID")
            pages += 1
            upserted += applied.upserted
            deleted += applied.deleted
            cursor = page.next_cursor
            if not page.has_more or self._stopping.is_set():
                break
        return result()

    # ---- maintenance -----------------------------------------------------------------------------
    def purge(self) -> int:
        """Drop payloads of submissions finished, and local cases untouched, for purge_after_days (audit rows stay)."""
        purged = self._db.purge(self._settings.purge_after_days)
        now = self._clock()
        self._next_purge_at = now + PURGE_EVERY
        self._state.update(last_purge_at=now)
        return purged


__all__ = ["NetworkListener", "SettingsListener", "SyncWorker", "feed_item_dict"]
