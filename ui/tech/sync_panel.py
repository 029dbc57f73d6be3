"""同步与缓存: outbox per state, feeds, heartbeat and clock offset, reachability, retry now, refetch everything."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QGridLayout

from kiosk.clock import ServicePointClock
from kiosk.maintenance.sync import Reachability, SyncDiagnostics, SyncSnapshot
from ui.tech.env import Panel, TechEnv
from ui.text import has, tr
from ui.widgets import big_button, label

CONFIRM_MS = 5000


def _age(seconds: float | None) -> str:
    if seconds is None:
        return tr("tech_sync.never")
    s = int(seconds)
    if s < 120:
        return f"{s} 秒前"
    if s < 7200:
        return f"{s // 60} 分钟前"
    if s < 172800:
        return f"{s // 3600} 小时前"
    return f"{s // 86400} 天前"


def _when(t: datetime | None, clock: ServicePointClock) -> str:
    return clock.local(t).strftime("%m-%d %H:%M:%S") if t else tr("tech_sync.never")


class SyncPanel(Panel):
    """The outbox and feeds as `kiosk sync status` sees them, with the technician's three actions."""

    tab = "sync"

    def __init__(self, env: TechEnv) -> None:
        super().__init__(env)
        core = env.core
        self.diag = SyncDiagnostics(core.settings, core.database, core.sync)
        self.add_heading_with_refresh("techSyncHeading", tr("tech_sync.heading"),
                                      "techSyncRefresh", tr("tech_sync.refresh"))
        actions = QGridLayout()
        actions.setSpacing(16)
        self.probe_button = big_button("techSyncProbe", tr("tech_sync.probe"), role="primary")
        self.retry_button = big_button("techSyncRetry", tr("tech_sync.retry"), role="primary")
        self.refetch_button = big_button("techSyncRefetch", tr("tech_sync.refetch"), role="danger")
        self.probe_button.clicked.connect(self.probe)
        self.retry_button.clicked.connect(self.retry)
        self.refetch_button.clicked.connect(self.refetch)
        self._actions = [self.probe_button, self.retry_button, self.refetch_button]
        self._grid = actions
        self.body.addLayout(actions)
        self.result = label("techSyncResult", "", role="guidance")
        self.result.hide()
        self.body.addWidget(self.result)
        self.network = label("techSyncNetwork", "")
        self.heartbeat = label("techSyncHeartbeat", "")
        self.clock = label("techSyncClock", "", role="error")  # the kiosk clock is off the platform's
        self.last_error = label("techSyncLastError", "", role="hint")
        self.outbox = label("techSyncOutbox", "")
        self.oldest = label("techSyncOldest", "")
        self.attention = label("techSyncAttention", "", role="error")
        for w in (self.network, self.heartbeat, self.clock, self.last_error, self.outbox, self.oldest, self.attention):
            self.body.addWidget(w)
        self.body.addWidget(label("techSyncFeedsHeading", tr("tech_sync.feeds_heading"), role="cardTitle"))
        self.feeds = label("techSyncFeeds", "")
        self.body.addWidget(self.feeds)
        self.body.addStretch(1)
        self._confirm = QTimer(self)
        self._confirm.setSingleShot(True)
        self._confirm.timeout.connect(self._disarm)
        self.snapshot: SyncSnapshot | None = None
        self.set_portrait(False)

    def set_portrait(self, portrait: bool) -> None:
        for b in self._actions:
            self._grid.removeWidget(b)
        for i, b in enumerate(self._actions):
            self._grid.addWidget(b, i if portrait else 0, 0 if portrait else i)

    def _say(self, text: str) -> None:
        self.result.setText(text)
        self.result.setAccessibleName(text)
        self.result.show()

    @staticmethod
    def _set(w, text: str) -> None:  # noqa: ANN001
        w.setText(text)
        w.setAccessibleName(text)
        w.setVisible(bool(text))

    def refresh(self) -> None:
        self.run(self.diag.snapshot, self._show, busy=None)

    def _show(self, s: SyncSnapshot) -> None:
        self.snapshot = s
        counts = "，".join(f"{tr(f'tech_sync.state_{k}')} {n}" for k, n in s.outbox.items())
        self._set(self.outbox, tr("tech_sync.outbox", counts=counts))
        self._set(self.oldest, tr("tech_sync.oldest", age=_age(s.oldest_queued_age_s).removesuffix("前"))
                  if s.oldest_queued_age_s is not None else tr("tech_sync.oldest_none"))
        items = "；".join(f"{a.kind}（{a.last_error or ''}）" for a in s.needs_attention[:5])
        self._set(self.attention, tr("tech_sync.attention", count=len(s.needs_attention), items=items)
                  if s.needs_attention else "")
        self._set(self.network, tr("tech_sync.network", state=tr(f"tech_sync.{s.network or 'unknown'}")))
        self._set(self.heartbeat, tr("tech_sync.heartbeat", when=_when(s.last_heartbeat_at, self.env.core.clock),
                                     offset=s.clock_offset_s if s.clock_offset_s is not None else "—")
                  if s.last_heartbeat_at else tr("tech_sync.heartbeat_none"))
        self._set(self.clock, s.clock_warning or "")
        self._set(self.last_error, tr("tech_sync.last_error", code=s.last_error) if s.last_error else "")
        lines = [tr("tech_sync.feed_line", feed=_feed_name(f.feed), rows=f.rows, when=_age(f.age_s)) for f in s.feeds]
        self._set(self.feeds, "\n".join(lines))

    # ---- actions ----
    def probe(self) -> None:
        def done(r: Reachability) -> None:
            self._say(tr("tech_sync.probe_ok", ms=r.latency_ms) if r.ok
                      else tr("tech_sync.probe_failed", code=r.error or "?"))
            self.refresh()

        self.run(self.diag.probe, done)

    def retry(self) -> None:
        def done(r: dict[str, int]) -> None:
            self._say(tr("tech_sync.retry_done", **r))
            self.env.audit("retry_now", dict(r))
            self.refresh()

        self.run(self.diag.retry_now, done)

    def refetch(self) -> None:
        if not self._confirm.isActive():  # two taps: dropping the cache is not a slip of the finger
            self.refetch_button.setText(tr("tech_sync.refetch_confirm"))
            self.refetch_button.setAccessibleName(tr("tech_sync.refetch_confirm"))
            self._confirm.start(CONFIRM_MS)
            return
        self._disarm()

        def done(pulls) -> None:  # noqa: ANN001
            if pulls is None:
                self._say(tr("tech_sync.refetch_refused"))
                self.env.audit("refetch_all", {"done": False})
            else:
                rows = sum(p.upserted for p in pulls)
                self._say(tr("tech_sync.refetch_done", feeds=len(pulls), rows=rows))
                self.env.audit("refetch_all", {"done": True, "feeds": len(pulls), "rows": rows,
                                               "errors": [p.feed for p in pulls if not p.ok]})
            self.refresh()

        self.run(self.diag.refetch_all, done)

    def _disarm(self) -> None:
        self._confirm.stop()
        self.refetch_button.setText(tr("tech_sync.refetch"))
        self.refetch_button.setAccessibleName(tr("tech_sync.refetch"))


def _feed_name(feed: str) -> str:
    """The Chinese name of a cached table (固定工岗位); the raw name only for a feed the texts do not know yet."""
    key = f"feed_names.{feed}"
    return tr(key) if has(key) else feed
