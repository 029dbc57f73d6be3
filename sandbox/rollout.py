"""Staged rollout of kiosk releases: which version each kiosk is told to run, and who runs, failed or rolled back it.

The kiosks install from the signed APT repository; without a wish a kiosk installs the repository's newest
release. So while any rollout is live (active or paused) the gateway gives every kiosk without its own pushed
`update` setting a wish in the heartbeat answer:
- a kiosk a stage of an active rollout covers: `{"hold": false, "version": V}` (an apt pin on V);
- every other kiosk: `{"hold": true}` — it stays on what it runs, so a release staged to 10 % does not reach
  the other 90 % just because it is in the repository. A paused rollout holds the kiosks it covers too.
Stages, most specific first: a single kiosk > a county > a percentage of the fleet (a stable hash of the
kiosk id: raising 10 % to 50 % keeps the first 10 % in). Of two rollouts covering a kiosk the same way the
newer one wins. A kiosk whose heartbeat lists V in `failed_versions` is never told to run V again: the next
stage covering it with another version applies, else it holds.
When no rollout is live the answer carries no `update` (kiosks follow the repository again, as before
rollouts existed): stop a rollout once it reached 100 % or once its release left the repository.

Each gateway process caches the live stages for `rollout_cache_s` (sandbox/fleet_settings.json, 5 s): a
change made in another process reaches this one's answers within that bound (plus the one query a reload
takes); its own changes at once.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from sandbox import db

Clock = Callable[[], float]
VERSION = re.compile(r"^[0-9][A-Za-z0-9.+~:-]{0,63}$")  # a Debian version (epoch:upstream-revision)
HOLD: Mapping[str, Any] = {"hold": True, "version": None}
BUCKETS = 10_000  # a percentage stage covers buckets below percent × 100 (steps of 0.01 %)


class RolloutState(StrEnum):
    ACTIVE = "active"  # its stages run the release
    PAUSED = "paused"  # everyone holds where they are
    STOPPED = "stopped"  # over: no wish from this rollout


class StageKind(StrEnum):
    KIOSK = "kiosk"
    COUNTY = "county"
    PERCENT = "percent"


_PRECEDENCE = {StageKind.KIOSK: 0, StageKind.COUNTY: 1, StageKind.PERCENT: 2}


class RolloutError(Exception):
    """A rollout command that cannot be done; the message says why in plain words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def county_column() -> Any:
    """THE county of a kiosk: every rollout query that needs a kiosk's county goes through here."""
    return db.Kiosk.county


def fleet_bucket(kiosk_id: str) -> int:
    """A kiosk's stable place in the fleet, 0 … 9999 (the same in every process and every release)."""
    return int.from_bytes(hashlib.sha256(kiosk_id.encode("utf-8")).digest()[:8], "big") % BUCKETS


def failed_versions(report: Any) -> frozenset[str]:
    """The releases a heartbeat's `update` report says did not become healthy on the kiosk."""
    failed = report.get("failed_versions") if isinstance(report, Mapping) else None
    return frozenset(v for v in failed if isinstance(v, str)) if isinstance(failed, list) else frozenset()


@dataclass(frozen=True)
class Stage:
    """One stage of a live rollout, with what the plan needs to rank it."""

    version: str
    kind: StageKind
    target: str  # the kiosk id, the county, or "" for a percentage
    percent: float | None
    paused: bool
    started_at: float

    def describe(self) -> str:
        if self.kind is StageKind.PERCENT:
            return f"{self.percent:g}% of the fleet"
        return f"{self.kind.value} {self.target}"


@dataclass(frozen=True)
class RolloutPlan:
    """The live stages, most specific first, and the kiosks of the counties they name."""

    stages: tuple[Stage, ...] = ()
    county_kiosks: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, stages: Iterable[Stage], county_kiosks: Mapping[str, frozenset[str]] | None = None) -> RolloutPlan:
        """The plan of these stages in the order they are tried: kiosk, county, percentage; newer rollouts first."""
        ordered = sorted(stages, key=lambda s: (_PRECEDENCE[s.kind], -s.started_at, s.version))
        return cls(tuple(ordered), dict(county_kiosks or {}))

    @property
    def live(self) -> bool:
        return bool(self.stages)

    def covers(self, stage: Stage, kiosk_id: str) -> bool:
        if stage.kind is StageKind.KIOSK:
            return stage.target == kiosk_id
        if stage.kind is StageKind.COUNTY:
            return kiosk_id in self.county_kiosks.get(stage.target, frozenset())
        return fleet_bucket(kiosk_id) < round((stage.percent or 0) * BUCKETS / 100)

    def wish_for(self, kiosk_id: str, report: Any) -> dict[str, Any] | None:
        """The `update` wish for a kiosk (None: no rollout is live); `report` is its heartbeat's `update`."""
        if not self.stages:
            return None
        failed = failed_versions(report)
        for stage in self.stages:
            if stage.version in failed or not self.covers(stage, kiosk_id):
                continue
            return dict(HOLD) if stage.paused else {"hold": False, "version": stage.version}
        return dict(HOLD)

    def settings_for(self, kiosk_id: str, settings: Mapping[str, Any], report: Any) -> dict[str, Any]:
        """The settings a heartbeat answers: the kiosk's pushed ones; a pushed `update` wins over the rollout."""
        answer = dict(settings)
        if self.stages and "update" not in answer:
            answer["update"] = self.wish_for(kiosk_id, report)
        return answer


def load_plan(conn: Connection) -> RolloutPlan:
    """The live stages from the database: two queries (stages, then the kiosks of the counties named)."""
    rows = conn.execute(select(db.RolloutStage.version, db.RolloutStage.kind, db.RolloutStage.target,
                               db.RolloutStage.percent, db.Rollout.state, db.Rollout.started_at)
                        .join(db.Rollout, db.Rollout.version == db.RolloutStage.version)
                        .where(db.Rollout.state.in_([RolloutState.ACTIVE.value, RolloutState.PAUSED.value]))).all()
    stages = [Stage(version=r.version, kind=StageKind(r.kind), target=r.target, percent=r.percent,
                    paused=r.state == RolloutState.PAUSED.value, started_at=r.started_at) for r in rows]
    counties = sorted({s.target for s in stages if s.kind is StageKind.COUNTY})
    county_kiosks: dict[str, set[str]] = {c: set() for c in counties}
    if counties:
        column = county_column()
        for kiosk_id, county in conn.execute(select(db.Kiosk.kiosk_id, column).where(column.in_(counties))):
            county_kiosks[county].add(kiosk_id)
    return RolloutPlan.of(stages, {c: frozenset(k) for c, k in county_kiosks.items()})


class PlanCache:
    """This process's copy of the live plan, reloaded when older than `ttl_s` (the staleness bound).

    Stateless in the sense that matters: the truth is in the database; a process only keeps a copy for a
    few seconds so the heartbeat (the fleet's hottest call) costs no extra query.
    """

    def __init__(self, engine: Engine, ttl_s: float, monotonic: Clock = time.monotonic) -> None:
        self.engine = engine
        self.ttl_s = ttl_s
        self._monotonic = monotonic
        self._plan = RolloutPlan()
        self._loaded_at = float("-inf")
        self._lock = threading.Lock()

    def plan(self) -> RolloutPlan:
        if self._monotonic() - self._loaded_at < self.ttl_s:
            return self._plan
        with self._lock:  # one thread reloads; the others wait for its fresh copy instead of querying too
            if self._monotonic() - self._loaded_at >= self.ttl_s:
                with self.engine.connect() as conn:
                    self._plan = load_plan(conn)
                self._loaded_at = self._monotonic()
            return self._plan

    def invalidate(self) -> None:
        self._loaded_at = float("-inf")


@dataclass(frozen=True)
class RolloutStatus:
    """Where a release stands in the fleet (or in some counties), from the kiosks' last heartbeats.

    running: its installed version is this release; told: the heartbeat answer now tells it to run this
    release (by the rollout or a pushed `update` setting); failed: it lists the release in failed_versions;
    rolled_back: failed and running another release again; rollback_failed: its last update of this release
    ended in rollback_failed (a technician must go). Each is a sorted tuple of kiosk ids.
    """

    version: str
    state: str | None  # active / paused / stopped, None: never rolled out
    stages: tuple[str, ...]
    kiosks: int  # kiosks counted (all, or those of the areas)
    running: tuple[str, ...]
    told: tuple[str, ...]
    failed: tuple[str, ...]
    rolled_back: tuple[str, ...]
    rollback_failed: tuple[str, ...]


class Rollouts:
    """Releases and their rollouts in the gateway's store; the plan the heartbeat answers with."""

    def __init__(self, engine: Engine, session: sessionmaker[Session], clock: Clock, cache_s: float,
                 lock: Any) -> None:
        self.Session = session
        self.clock = clock
        self.cache = PlanCache(engine, cache_s)
        self._lock = lock  # the platform's writer lock (SQLite: one writer per process)

    def plan(self) -> RolloutPlan:
        return self.cache.plan()

    # ---- releases ----------------------------------------------------------------------------------------
    def add_release(self, version: str, notes: str = "") -> dict[str, Any]:
        """Record a release the APT repository holds (again: its notes are replaced when given)."""
        if not VERSION.match(version):
            raise RolloutError(f"not a Debian version: {version!r}")
        with self._writing() as s:
            row = s.get(db.Release, version)
            if row is None:
                row = db.Release(version=version, notes=notes, published_at=self.clock())
                s.add(row)
            elif notes:
                row.notes = notes
            return {"version": row.version, "notes": row.notes, "published_at": row.published_at}

    def releases(self) -> list[dict[str, Any]]:
        with self.Session() as s:
            rows = s.scalars(select(db.Release).order_by(db.Release.published_at.desc())).all()
            return [{"version": r.version, "notes": r.notes, "published_at": r.published_at} for r in rows]

    # ---- rollouts ----------------------------------------------------------------------------------------
    def start(self, version: str, *, percent: float | None = None, county: str | None = None,
              kiosk: str | None = None) -> dict[str, Any]:
        """Add a stage (one of percent / county / kiosk) to the release's rollout and make it active.

        A percentage replaces the rollout's previous one (lowering it takes kiosks out: they hold). A
        stopped rollout started again begins with no stages but this one; a paused one resumes.
        """
        given = [x for x in (percent, county, kiosk) if x is not None]
        if len(given) != 1:
            raise RolloutError("give exactly one of --percent, --county, --kiosk")
        if percent is not None and not 0 < percent <= 100:
            raise RolloutError("--percent must be more than 0 and at most 100")
        if (county is not None and not county.strip()) or (kiosk is not None and not kiosk.strip()):
            raise RolloutError("the county or kiosk must not be blank")
        now = self.clock()
        with self._writing() as s:
            if s.get(db.Release, version) is None:
                raise RolloutError(f"no release {version}: add it first (release add {version})")
            if kiosk is not None and s.get(db.Kiosk, kiosk) is None:
                raise RolloutError(f"no kiosk {kiosk}")
            rollout = s.get(db.Rollout, version, with_for_update=True)
            if rollout is None:
                s.add(db.Rollout(version=version, state=RolloutState.ACTIVE.value, started_at=now, changed_at=now))
            else:
                if rollout.state == RolloutState.STOPPED.value:
                    s.execute(delete(db.RolloutStage).where(db.RolloutStage.version == version))
                    rollout.started_at = now
                rollout.state = RolloutState.ACTIVE.value
                rollout.changed_at = now
            kind, target = ((StageKind.PERCENT, "") if percent is not None else
                            (StageKind.COUNTY, county or "") if county is not None else (StageKind.KIOSK, kiosk or ""))
            stage = s.scalar(select(db.RolloutStage).where(db.RolloutStage.version == version,
                                                           db.RolloutStage.kind == kind.value,
                                                           db.RolloutStage.target == target))
            if stage is None:
                s.add(db.RolloutStage(version=version, kind=kind.value, target=target, percent=percent, added_at=now))
            else:
                stage.percent = percent
                stage.added_at = now
        return self._describe(version)

    def pause(self, version: str) -> dict[str, Any]:
        """Everyone the rollout covers holds where they are (nothing is installed or rolled back)."""
        return self._set_state(version, RolloutState.PAUSED)

    def resume(self, version: str) -> dict[str, Any]:
        return self._set_state(version, RolloutState.ACTIVE)

    def stop(self, version: str) -> dict[str, Any]:
        """The rollout is over: its release is no longer named in any heartbeat answer."""
        return self._set_state(version, RolloutState.STOPPED)

    def list_rollouts(self) -> list[dict[str, Any]]:
        with self.Session() as s:
            versions = s.scalars(select(db.Rollout.version).order_by(db.Rollout.started_at.desc())).all()
        return [self._describe(v) for v in versions]

    def _set_state(self, version: str, state: RolloutState) -> dict[str, Any]:
        with self._writing() as s:
            rollout = s.get(db.Rollout, version, with_for_update=True)
            if rollout is None:
                raise RolloutError(f"release {version} has no rollout")
            if rollout.state == RolloutState.STOPPED.value and state is not RolloutState.STOPPED:
                raise RolloutError(f"the rollout of {version} was stopped: start it again with a stage")
            rollout.state = state.value
            rollout.changed_at = self.clock()
        return self._describe(version)

    def _describe(self, version: str) -> dict[str, Any]:
        with self.Session() as s:
            rollout = s.get(db.Rollout, version)
            stages = s.scalars(select(db.RolloutStage).where(db.RolloutStage.version == version)
                               .order_by(db.RolloutStage.id)).all()
            return {"version": version, "state": rollout.state if rollout else None,
                    "stages": [Stage(version, StageKind(st.kind), st.target, st.percent, False, 0.0).describe()
                               for st in stages]}

    @contextlib.contextmanager
    def _writing(self) -> Iterator[Session]:
        """A write transaction under the platform's lock; a race lost → RolloutError; the cache is dropped."""
        try:
            with self._lock, self.Session.begin() as s:
                yield s
        except IntegrityError as race:  # another console or CLI added the same release or stage just now
            raise RolloutError("someone else changed this rollout at the same moment: try again") from race
        finally:
            self.cache.invalidate()

    # ---- status ------------------------------------------------------------------------------------------
    def rollout_status(self, version: str, areas: Sequence[str] | None = None,
                       scope: ColumnElement[bool] | None = None) -> RolloutStatus:
        """Where `version` stands among all kiosks, those of the counties in `areas` (None: all), and of
        `scope` (a console account's kiosk clause).

        Reads every kiosk's pushed settings and last heartbeat once (a console page, not the hot path) and
        asks the plan as the database has it now (not this process's cached copy).
        """
        column = county_column()
        with self.Session() as s:
            stmt = select(db.Kiosk.kiosk_id, db.Kiosk.settings, db.Kiosk.last_heartbeat)
            if areas is not None:
                stmt = stmt.where(column.in_(list(areas)))
            if scope is not None:
                stmt = stmt.where(scope)
            kiosks = s.execute(stmt.order_by(db.Kiosk.kiosk_id)).all()
            plan = load_plan(s.connection())
        described = self._describe(version)
        running, told, failed, rolled_back, rollback_failed = [], [], [], [], []
        for kiosk_id, settings, beat in kiosks:
            report = (beat or {}).get("update") if isinstance(beat, Mapping) else None
            report = report if isinstance(report, Mapping) else {}
            installed = report.get("installed_version")
            wish = plan.settings_for(kiosk_id, settings or {}, report).get("update")
            if installed == version:
                running.append(kiosk_id)
            if isinstance(wish, Mapping) and wish.get("version") == version:
                told.append(kiosk_id)
            if version in failed_versions(report):
                failed.append(kiosk_id)
                if installed is not None and installed != version:
                    rolled_back.append(kiosk_id)
            if report.get("last_outcome") == "rollback_failed" and report.get("last_version") == version:
                rollback_failed.append(kiosk_id)
        return RolloutStatus(version=version, state=described["state"], stages=tuple(described["stages"]),
                             kiosks=len(kiosks), running=tuple(running), told=tuple(told), failed=tuple(failed),
                             rolled_back=tuple(rolled_back), rollback_failed=tuple(rollback_failed))


def status_table(status: RolloutStatus, show: int = 20) -> str:
    """`rollout status` as plain text: one line of counts, then the kiosks of each problem (the first `show`)."""
    head = f"release {status.version}: rollout {status.state or 'not started'}"
    if status.stages:
        head += " — " + "; ".join(status.stages)
    columns = [("kiosks", status.kiosks), ("running", len(status.running)), ("told", len(status.told)),
               ("failed", len(status.failed)), ("rolled back", len(status.rolled_back)),
               ("rollback failed", len(status.rollback_failed))]
    widths = [max(len(name), len(str(n))) for name, n in columns]
    lines = [head, "  ".join(name.rjust(w) for (name, _), w in zip(columns, widths, strict=True)),
             "  ".join(str(n).rjust(w) for (_, n), w in zip(columns, widths, strict=True))]
    for name, ids in (("failed", status.failed), ("rollback failed", status.rollback_failed)):
        if ids:
            more = f" … and {len(ids) - show} more" if len(ids) > show else ""
            lines.append(f"{name}: {' '.join(ids[:show])}{more}")
    return "\n".join(lines)

