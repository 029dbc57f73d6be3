"""The sandbox platform's behaviour over its database; shared by the HTTP app and the CLI."""

from __future__ import annotations

import base64
import binascii
import contextlib
import functools
import hashlib
import json
import logging
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import ColumnElement, bindparam, case, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from sandbox import db
from sandbox.contract import (
    ERROR_CODES,
    ESSC_TOKEN_TTL_S,
    FAULT_CATEGORIES,
    FEED_FIELDS,
    GIG_SEEKER_PUBLIC_FIELDS,
    RECORD_KINDS,
    RESIDENT_TOKEN_TTL_S,
    SIGNATURE_WINDOW_S,
    STAFF_DORMANT_MONTHS,
    SUBMISSION_KINDS,
)
from sandbox.demo_data import generate
from sandbox.demo_records import load_demo_persons, profile_extras, records_for
from sandbox.faults import Answerer, Escalation, FaultDesk, FaultError, FaultRow, State
from sandbox.fleet_health import read_health
from sandbox.fleet_settings import FleetSettings, RateLimit, load_fleet_settings
from sandbox.retention import HeartbeatPruner
from sandbox.rollout import Rollouts
from sandbox.rules import (
    RuleViolation,
    age_band,
    age_on,
    blank,
    check_payload,
    check_working_age,
    mask_name,
    mask_phone,
    parse_id_number,
    parse_instant,
)
from sandbox.signing import SignatureRejected

log = logging.getLogger(__name__)

CHINA_TZ = timezone(timedelta(hours=8))
DEMO_KIOSKS_FILE = Path(__file__).with_name("demo_kiosks.json")
_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,128}$")
Clock = Callable[[], float]
_P = ParamSpec("_P")
_R = TypeVar("_R")
CONFLICT_ATTEMPTS = 8  # a write that lost a race to another process is run again (then it sees the winner's row)
_RETRYABLE_SQLSTATES = {"40001", "40P01"}  # PostgreSQL: serialization failure, deadlock detected
# SQLite (the demo with several workers): a writer whose snapshot another process overtook is refused at once
ADMIN_ANSWERER = "平台管理员"  # who answers through the sandbox's admin route / CLI when no label is given
NONCE_PURGE_EVERY_S = 60.0  # nonces older than two signature windows are dropped at most this often per process
RATE_WINDOWS_KEPT_S = 86400.0  # rate counters not touched for a day go with that purge (longer than any window)


def conflict_retried(method: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run a whole-transaction operation again when another process won a race for the same row.

    Several gateway processes share one database and hold no lock in common: two of them may insert
    the same idempotency key, the same case number or the same feed change number at once. The
    database's unique constraints let one win; the loser's transaction is rolled back and run again,
    and then finds the winner's row (the same receipt, or the next number).
    """

    @functools.wraps(method)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        for attempt in range(1, CONFLICT_ATTEMPTS + 1):
            try:
                return method(*args, **kwargs)
            except DBAPIError as exc:
                retryable = (isinstance(exc, IntegrityError) or getattr(exc.orig, "sqlstate", None) in _RETRYABLE_SQLSTATES
                             or (isinstance(exc, OperationalError) and "database is locked" in str(exc.orig)))
                if not retryable or attempt == CONFLICT_ATTEMPTS:
                    if retryable:
                        raise ApiError("INTERNAL_ERROR", "平台繁忙，请稍后重试") from exc
                    raise
                log.info("%s lost a write race (%s), attempt %d", method.__name__, type(exc).__name__, attempt)
                time.sleep(0.002 * attempt)  # let the winner commit
        raise AssertionError("unreachable")

    return run


class ApiError(Exception):
    """A contract error: stable code, HTTP status from the contract, human message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = ERROR_CODES[code]


def iso(ts: float | None) -> str | None:
    """Unix seconds → ISO 8601 with the China offset (what the platform shows people)."""
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, tz=CHINA_TZ).isoformat(timespec="seconds")


def canonical_sha256(obj: Any) -> str:
    """A hash of a JSON value that ignores key order and whitespace (for idempotency comparisons)."""
    text = json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


SILENT_AFTER_S = 15 * 60  # no heartbeat for this long: the county should ring the service point
_USABLE_STATES = {"online", "busy"}


def kiosk_status(heartbeat: dict[str, Any] | None, last_seen: float | None, now: float) -> dict[str, Any]:
    """status: ok / attention (a device, the outbox or maintenance) / silent / never; with the reasons."""
    if heartbeat is None or last_seen is None:
        return {"status": "never", "problems": ["从未上报"]}
    problems: list[str] = []
    if now - last_seen > SILENT_AFTER_S:
        problems.append(f"{int((now - last_seen) // 60)} 分钟未上报")
    for d in heartbeat.get("devices") or []:
        if isinstance(d, dict) and d.get("state") not in _USABLE_STATES:
            problems.append(f"{d.get('kind')}: {d.get('state')} {d.get('message') or ''}".strip())
    outbox = heartbeat.get("outbox") or {}
    if isinstance(outbox, dict) and outbox.get("needs_attention"):
        problems.append(f"待处理提交 {outbox['needs_attention']} 件")
    if any(p.endswith("分钟未上报") for p in problems):
        status = "silent"
    else:
        status = "attention" if problems else "ok"
    return {"status": status, "problems": problems}


def with_pushed_setting(settings: Mapping[str, Any] | None, key: str, value: Any) -> dict[str, Any]:
    """A kiosk's pushed settings with one key set (value not None) or cleared (None): a new dict, so the
    ORM sees the JSON column change."""
    changed = dict(settings or {})
    if value is None:
        changed.pop(key, None)
    else:
        changed[key] = value
    return changed


class Platform:
    """Every operation of the gateway over its database; stateless: any number of processes may share one.

    Nothing shared lives in the process: nonces, resident and staff sessions, cursors' epoch, cases and
    idempotency keys are rows, and races between processes are settled by the database (unique
    constraints + conflict_retried, row locks for read-modify-write). On SQLite (the demo and fast
    tests) one process-wide lock also serialises this process's writers, as SQLite wants.
    """

    def __init__(self, engine: Engine, clock: Clock = time.time, migrate: bool = True,
                 fleet: FleetSettings | None = None) -> None:
        self.engine = engine
        self.Session = db.make_sessionmaker(engine, migrate_schema=migrate)
        self.clock = clock
        sqlite_file = engine.dialect.name == "sqlite"
        self._lock: contextlib.AbstractContextManager[Any] = threading.RLock() if sqlite_file else contextlib.nullcontext()
        self._insert = sqlite.insert if sqlite_file else postgresql.insert
        self._nonces_purged_at = float("-inf")
        row = db.RateWindow  # built once: every signed request runs it (bench/bench_rate_limit.py)
        expired = row.window_start <= bindparam("since")
        self._count_statement = (
            self._insert(row).values(key=bindparam("key"), window_start=bindparam("now"), hits=1)
            .on_conflict_do_update(index_elements=["key"], set_={
                "hits": case((expired, 1), else_=row.hits + 1),
                "window_start": case((expired, bindparam("now")), else_=row.window_start)})
            .returning(row.hits, row.window_start))
        fleet = fleet or load_fleet_settings()
        self.fleet = fleet
        self.rollouts = Rollouts(engine, self.Session, clock, fleet.rollout_cache_s, self._lock)
        self.heartbeat_pruner = HeartbeatPruner(engine, fleet.retention, clock, self._lock)
        self.faults = FaultDesk(self.Session, lambda: self.clock(), lock=self._lock)  # 问题反映 workflow (faults.py)

    @property
    def write_lock(self) -> contextlib.AbstractContextManager[Any]:
        """Held around every write transaction (serialises this process's writers on SQLite; a no-op otherwise)."""
        return self._lock

    # ---- set-up -------------------------------------------------------------------------------
    def today(self) -> date:
        return datetime.fromtimestamp(self.clock(), tz=CHINA_TZ).date()

    @conflict_retried
    def register_demo_kiosks(self, path: Path = DEMO_KIOSKS_FILE) -> None:
        """Make sure the demo kiosks exist with the secrets of the demo file."""
        kiosks = json.loads(path.read_text(encoding="utf-8"))["kiosks"]
        with self._lock, self.Session.begin() as s:
            for k in kiosks:
                row = s.get(db.Kiosk, k["kiosk_id"])
                if row is None:
                    row = db.Kiosk(kiosk_id=k["kiosk_id"], secret=k["secret"], name=k.get("name", ""), settings={})
                    s.add(row)
                row.secret = k["secret"]
                row.city, row.county, row.town = k.get("city"), k.get("county"), k.get("town")

    @conflict_retried
    def add_kiosk(self, kiosk_id: str, secret: str, name: str = "", *, city: str | None = None,
                  county: str | None = None, town: str | None = None) -> None:
        """Register (or re-key) one kiosk; the area given (市 / 县 / 乡镇) replaces the one it had."""
        with self._lock, self.Session.begin() as s:
            row = s.get(db.Kiosk, kiosk_id)
            if row is None:
                row = db.Kiosk(kiosk_id=kiosk_id, secret=secret, name=name, settings={})
                s.add(row)
            row.secret = secret
            for field, value in (("city", city), ("county", county), ("town", town)):
                if value is not None:
                    setattr(row, field, value.strip() or None)

    @conflict_retried
    def seed_demo(self) -> bool:
        """Fill an empty database with the demo data of 天镇县; False when it was already seeded."""
        self.register_demo_kiosks()
        self.seed_demo_ss_cards()
        self.seed_demo_staff()
        with self._lock, self.Session.begin() as s:
            if s.get(db.Meta, "seeded") is not None:
                return False
            now = self.clock()
            today = self.today()
            seq = 0
            for feed, item_id, fields in generate(today):
                seq += 1
                s.add(db.FeedItem(feed=feed, item_id=item_id, version=1, updated_at=now, deleted=False, seq=seq,
                                  data=fields))
            for p in load_demo_persons():
                profile = {"gender": p["gender"], "birth_date": p["birth_date"], "phone": p.get("phone"),
                           "receives_basic_pension": bool(p.get("receives_basic_pension")),
                           **profile_extras(p["person_id"])}
                s.add(db.Person(person_id=p["person_id"], id_number=p["id_number"], name=p["name"],
                                card_number=p.get("card_number"), profile=profile,
                                records=records_for(p["person_id"], today)))
                if p.get("essc_demo_token"):
                    s.add(db.EsscToken(token=p["essc_demo_token"], person_id=p["person_id"], issued_at=now,
                                       expires_at=None))
            s.add(db.Meta(key="seeded", value="demo"))
            s.add(db.Meta(key="cursor_epoch", value="1"))
        log.info("sandbox seeded with demo data")
        return True

    # ---- kiosk authentication -------------------------------------------------------------------
    def secret_for(self, kiosk_id: str) -> str | None:
        # Every signed request asks this: one plain SELECT, no ORM identity map (bench/bench_fleet.py).
        with self.engine.connect() as conn:
            secret: str | None = conn.scalar(select(db.Kiosk.secret).where(db.Kiosk.kiosk_id == kiosk_id))
            return secret

    def remember_nonce(self, kiosk_id: str, nonce: str, _timestamp: int) -> bool:
        """Store a nonce; False when the kiosk used it inside the window already (in any gateway process).

        One INSERT … ON CONFLICT DO NOTHING on the (kiosk_id, nonce) unique key: of two processes that
        receive the same signed request at once, exactly one inserts the row.

        A stored nonce also counts against the kiosk's request rate (fleet settings `kiosk_requests`, in the
        same transaction): over it, SignatureRejected RATE_LIMITED (503 with Retry-After, which every kiosk
        version treats as "platform unavailable, try later": nothing it queued is lost).
        """
        now = self.clock()
        with self._lock, self.Session.begin() as s:
            if now - self._nonces_purged_at >= NONCE_PURGE_EVERY_S:
                self._nonces_purged_at = now
                s.execute(delete(db.Nonce).where(db.Nonce.seen_at < now - 2 * SIGNATURE_WINDOW_S))
                s.execute(delete(db.RateWindow).where(db.RateWindow.window_start < now - RATE_WINDOWS_KEPT_S))
            stored = s.scalar(self._insert(db.Nonce).values(kiosk_id=kiosk_id, nonce=nonce, seen_at=now)
                              .on_conflict_do_nothing(index_elements=["kiosk_id", "nonce"]).returning(db.Nonce.id))
            if stored is None:
                return False
            wait_s = self.count_hit(s, f"kiosk:{kiosk_id}", self.fleet.kiosk_requests, now)
        if wait_s:
            log.info("kiosk %s over its request rate; told to retry in %d s", kiosk_id, wait_s)
            raise SignatureRejected("RATE_LIMITED", "请求太频繁，请稍后再试", retry_after_s=wait_s)
        return True

    def count_hit(self, s: Any, key: str, rule: RateLimit, now: float) -> int:
        """Count one hit on `key`'s fixed window (one upsert, atomic across processes); 0 while the rule
        allows it, else the whole seconds until the window ends."""
        hits, window_start = s.execute(self._count_statement,
                                       {"key": key[:96], "now": now, "since": now - rule.window_s}).one()
        if hits <= rule.limit:
            return 0
        return max(1, int(window_start + rule.window_s - now + 0.999))

    @staticmethod
    def _next_number(s: Any, model: type[db.Base]) -> int:
        """The next running number of a table's rows (case, report, audit numbers), shared by every process.

        A counter row in meta, locked until the transaction ends: writers in other processes wait for
        it instead of taking the same number. It starts from the table's row count, as numbers were made
        before the counter existed.
        """
        key = f"counter:{model.__tablename__}"
        row = s.get(db.Meta, key, with_for_update=True)
        if row is None:  # first use: two processes adding the row at once → IntegrityError → conflict_retried
            value = (s.scalar(select(func.count()).select_from(model)) or 0) + 1
            s.add(db.Meta(key=key, value=str(value)))
            s.flush()
        else:
            value = int(row.value) + 1
            row.value = str(value)
        return value

    # ---- time, heartbeat and settings -------------------------------------------------------
    def server_time(self) -> dict[str, Any]:
        """The platform's clock (the unsigned GET /v1/time)."""
        now = self.clock()
        return {"server_time": iso(now), "unix": round(now, 3)}

    @conflict_retried
    def heartbeat(self, kiosk_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """Record a heartbeat; the settings pushed to the kiosk, with the rollout's `update` wish (sandbox/rollout.py).
        The fleet's most frequent call: two plain statements (UPDATE … RETURNING settings, INSERT), no ORM
        objects, the live rollout from this process's cache (bench/bench_fleet.py)."""
        now = self.clock()
        plan = self.rollouts.plan()
        with self._lock, self.engine.begin() as conn:
            settings = conn.scalar(update(db.Kiosk).where(db.Kiosk.kiosk_id == kiosk_id)
                                   .values(last_heartbeat=body, last_seen=now, **read_health(body).columns())
                                   .returning(db.Kiosk.settings))
            if settings is None and conn.scalar(select(db.Kiosk.kiosk_id).where(db.Kiosk.kiosk_id == kiosk_id)) is None:
                raise ApiError("UNKNOWN_KIOSK", "未登记的自助机")
            conn.execute(insert(db.Heartbeat).values(kiosk_id=kiosk_id, received_at=now, body=body))
        self.heartbeat_pruner.maybe_prune()
        return {"server_time": iso(now), "settings": plan.settings_for(kiosk_id, settings or {}, body.get("update"))}

    def kiosk_settings(self, kiosk_id: str) -> dict[str, Any]:
        """The settings pushed to a kiosk (NOT_FOUND for an unknown kiosk); the heartbeat adds a rollout's `update`."""
        with self.Session() as s:
            kiosk = s.get(db.Kiosk, kiosk_id)
            if kiosk is None:
                raise ApiError("NOT_FOUND", f"没有这台自助机：{kiosk_id}")
            return dict(kiosk.settings or {})

    @conflict_retried
    def push_setting(self, kiosk_id: str, key: str, value: Any) -> dict[str, Any]:
        """Set (value not None) or remove (None) one setting the next heartbeat hands to the kiosk."""
        with self._lock, self.Session.begin() as s:
            kiosk = s.get(db.Kiosk, kiosk_id, with_for_update=True)
            if kiosk is None:
                raise ApiError("NOT_FOUND", f"没有这台自助机：{kiosk_id}")
            kiosk.settings = with_pushed_setting(kiosk.settings, key, value)
            return kiosk.settings

    def list_kiosks(self) -> list[dict[str, Any]]:
        """Every kiosk with its last heartbeat and a one-word health the county can scan (fleet view)."""
        now = self.clock()
        with self.Session() as s:
            rows = s.scalars(select(db.Kiosk).order_by(db.Kiosk.kiosk_id)).all()
            return [{"kiosk_id": k.kiosk_id, "name": k.name, "settings": k.settings or {},
                     "last_seen": iso(k.last_seen), "last_heartbeat": k.last_heartbeat,
                     **kiosk_status(k.last_heartbeat, k.last_seen, now)} for k in rows]

    def heartbeats(self, kiosk_id: str, limit: int = 50) -> list[dict[str, Any]]:
        """The last heartbeats of one kiosk as received, newest first."""
        with self.Session() as s:
            rows = s.scalars(select(db.Heartbeat).where(db.Heartbeat.kiosk_id == kiosk_id)
                             .order_by(db.Heartbeat.received_at.desc(), db.Heartbeat.id.desc()).limit(limit)).all()
            return [{"received_at": iso(h.received_at), "body": h.body} for h in rows]

    # ---- feeds -------------------------------------------------------------------------------
    def _epoch(self, s: Any) -> int:
        row = s.get(db.Meta, "cursor_epoch")
        return int(row.value) if row else 1

    @staticmethod
    def _encode_cursor(feed: str, epoch: int, seq: int) -> str:
        return base64.urlsafe_b64encode(f"{feed}:{epoch}:{seq}".encode()).decode().rstrip("=")

    @staticmethod
    def _decode_cursor(cursor: str) -> tuple[str, int, int] | None:
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
            feed, epoch, seq = raw.split(":")
            return feed, int(epoch), int(seq)
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return None

    def feed_page(self, feed: str, cursor: str | None, limit: int) -> dict[str, Any]:
        """One page of changes after a cursor (no cursor: the current set, without tombstones)."""
        if feed not in FEED_FIELDS:
            raise ApiError("NOT_FOUND", f"没有这个数据源：{feed}")
        if not 1 <= limit <= 1000:
            raise ApiError("VALIDATION_ERROR", "limit 应在 1 到 1000 之间")
        with self.Session() as s:
            epoch = self._epoch(s)
            after = 0
            q = select(db.FeedItem).where(db.FeedItem.feed == feed)
            if cursor:
                decoded = self._decode_cursor(cursor)
                if decoded is None or decoded[0] != feed or decoded[1] != epoch or decoded[2] < 0:
                    raise ApiError("FEED_REFETCH", "同步游标已失效，请从头重新获取")
                after = decoded[2]
            else:
                q = q.where(db.FeedItem.deleted.is_(False))
            rows = s.scalars(q.where(db.FeedItem.seq > after).order_by(db.FeedItem.seq).limit(limit + 1)).all()
            has_more = len(rows) > limit
            rows = rows[:limit]
            last = rows[-1].seq if rows else after
            if not cursor and not has_more:
                # A full snapshot hands over a cursor at the newest change, tombstones included.
                last = max(last, s.scalar(select(func.max(db.FeedItem.seq)).where(db.FeedItem.feed == feed)) or 0)
            items = [self._item(r) for r in rows]
        return {"items": items, "next_cursor": self._encode_cursor(feed, epoch, last), "has_more": has_more}

    @staticmethod
    def _item(row: db.FeedItem) -> dict[str, Any]:
        fields = {name: row.data.get(name) for name in FEED_FIELDS[row.feed]}
        return {"id": row.item_id, "version": row.version, "updated_at": iso(row.updated_at),
                "deleted": row.deleted, **fields}

    @conflict_retried
    def touch_item(self, feed: str, item_id: str, fields: dict[str, Any] | None = None,
                   delete_item: bool = False) -> dict[str, Any]:
        """Create, update (merge fields, bump version) or tombstone one feed item."""
        if feed not in FEED_FIELDS:
            raise ApiError("NOT_FOUND", f"没有这个数据源：{feed}")
        unknown = set(fields or {}) - set(FEED_FIELDS[feed])
        if unknown:
            raise ApiError("VALIDATION_ERROR", f"{feed} 没有这些字段：{', '.join(sorted(unknown))}")
        with self._lock, self.Session.begin() as s:
            row = self._put_item(s, feed, item_id, fields, delete_item)
            if row is None:
                raise ApiError("NOT_FOUND", f"没有这条数据：{feed}/{item_id}")
            return self._item(row)

    def _put_item(self, s: Any, feed: str, item_id: str, fields: dict[str, Any] | None,
                  delete_item: bool = False) -> db.FeedItem | None:
        """Create, update or tombstone one feed item inside a transaction; None when deleting an unknown id."""
        now = self.clock()
        seq = (s.scalar(select(func.max(db.FeedItem.seq))) or 0) + 1
        row = s.scalar(select(db.FeedItem).where(db.FeedItem.feed == feed, db.FeedItem.item_id == item_id)
                       .with_for_update())
        if row is None:
            if delete_item:
                return None
            row = db.FeedItem(feed=feed, item_id=item_id, version=1, updated_at=now, deleted=False, seq=seq,
                              data={name: None for name in FEED_FIELDS[feed]} | (fields or {}))
            s.add(row)
        else:
            row.version += 1
            row.updated_at = now
            row.seq = seq
            row.deleted = delete_item
            if fields:
                row.data = {**row.data, **fields}
        s.flush()
        return row

    @conflict_retried
    def invalidate_cursors(self) -> int:
        """Make every cursor handed out so far answer FEED_REFETCH; returns the new epoch."""
        with self._lock, self.Session.begin() as s:
            row = s.get(db.Meta, "cursor_epoch", with_for_update=True)
            epoch = (int(row.value) if row else 1) + 1
            if row is None:
                s.add(db.Meta(key="cursor_epoch", value=str(epoch)))
            else:
                row.value = str(epoch)
        return epoch

    # ---- residents ---------------------------------------------------------------------------
    def _person_by_id_number(self, s: Any, id_number: str, name: str, card_number: str | None = None) -> db.Person:
        born, gender = parse_id_number(id_number)  # every login, not only a new person's: a bad number is nobody
        person = s.scalar(select(db.Person).where(db.Person.id_number == id_number))
        if person is None:
            count = s.scalar(select(func.count()).select_from(db.Person)) or 0
            person = db.Person(person_id=f"P{count + 1:04d}N{secrets.token_hex(3)}", id_number=id_number, name=name,
                               card_number=card_number, records={},
                               profile={"gender": gender, "birth_date": born.isoformat(), "phone": None,
                                        **profile_extras("")})
            s.add(person)
            s.flush()
            log.info("new person created at first contact")
        return person

    def _profile(self, person: db.Person) -> dict[str, Any]:
        p = person.profile
        born = date.fromisoformat(p["birth_date"])
        return {"person_id": person.person_id, "name": person.name, "id_number": person.id_number,
                "gender": p["gender"], "birth_date": p["birth_date"], "age": age_on(born, self.today()),
                "hard_to_employ": bool(p.get("hard_to_employ")), "registrations": dict(p.get("registrations") or {}),
                "has_employment_certificate": bool(p.get("has_employment_certificate")), "phone": p.get("phone"),
                "receives_basic_pension": bool(p.get("receives_basic_pension"))}

    @conflict_retried
    def login(self, kiosk_id: str, body: dict[str, Any]) -> dict[str, Any]:
        method = body["method"]
        now = self.clock()
        try:
            with self._lock, self.Session.begin() as s:
                if method == "essc":
                    person = self._essc_person(s, body.get("essc_token") or "", now)
                elif method == "id_card":
                    if not body.get("id_number") or not body.get("name"):
                        raise ApiError("VALIDATION_ERROR", "身份证登录需要 id_number 和 name")
                    person = self._person_by_id_number(s, body["id_number"].upper(), body["name"])
                    if person.name != body["name"]:
                        raise ApiError("IDENTITY_MISMATCH", "证件信息与平台登记信息不一致")
                else:  # ss_card
                    person = self._ss_card_person(s, body)
                token, expires = self._issue_resident_token(s, person, kiosk_id, now)
                profile = self._profile(person)
        except RuleViolation as exc:
            raise ApiError("VALIDATION_ERROR", str(exc)) from exc
        return {"resident_token": token, "expires_at": iso(expires), "profile": profile}

    @staticmethod
    def _issue_resident_token(s: Any, person: db.Person, kiosk_id: str, now: float) -> tuple[str, float]:
        """A new resident token for person (stored only as its hash); old expired tokens are dropped."""
        token = secrets.token_urlsafe(32)
        expires = now + RESIDENT_TOKEN_TTL_S
        s.add(db.ResidentSession(token_sha256=hashlib.sha256(token.encode()).hexdigest(),
                                 person_id=person.person_id, kiosk_id=kiosk_id, expires_at=expires))
        s.execute(delete(db.ResidentSession).where(db.ResidentSession.expires_at < now - 86400))
        return token, expires

    def _ss_card_person(self, s: Any, body: dict[str, Any]) -> db.Person:
        card = body.get("card_number")
        if not card:
            raise ApiError("VALIDATION_ERROR", "社保卡登录需要 card_number")
        if body.get("id_number"):
            parse_id_number(body["id_number"])
        person = s.scalar(select(db.Person).where(db.Person.card_number == card))
        if person is not None:
            if body.get("id_number") and body["id_number"].upper() != person.id_number:
                raise ApiError("IDENTITY_MISMATCH", "社保卡信息与平台登记信息不一致")
            return person
        if not body.get("id_number") or not body.get("name"):
            raise ApiError("CARD_NOT_FOUND", "平台上没有这张社保卡的记录")
        person = self._person_by_id_number(s, body["id_number"].upper(), body["name"], card)
        if person.card_number is None:
            person.card_number = card
        if person.name != body["name"]:
            raise ApiError("IDENTITY_MISMATCH", "社保卡信息与平台登记信息不一致")
        return person

    def _essc_person(self, s: Any, token: str, now: float) -> db.Person:
        row = s.get(db.EsscToken, token, with_for_update=True) if token and len(token) <= 128 else None
        if row is None:
            raise ApiError("ESSC_INVALID", "电子社保卡二维码无效")
        if row.expires_at is not None and now > row.expires_at:
            raise ApiError("ESSC_INVALID", "电子社保卡二维码已过期，请在手机上刷新后再扫")
        if row.used_at is not None and (row.expires_at is not None or now - row.used_at < ESSC_TOKEN_TTL_S):
            raise ApiError("ESSC_REUSED", "这个电子社保卡二维码已经用过，请在手机上刷新后再扫")
        row.used_at = now
        person = s.get(db.Person, row.person_id)
        if person is None:
            raise ApiError("ESSC_INVALID", "电子社保卡二维码无效")
        return person

    @conflict_retried
    def issue_essc_token(self, person_ref: str) -> dict[str, Any]:
        """A fresh one-time e-SSC token for a person (person_id, ID number or name), valid 60 s."""
        now = self.clock()
        with self._lock, self.Session.begin() as s:
            person = s.scalar(select(db.Person).where(
                (db.Person.person_id == person_ref) | (db.Person.id_number == person_ref) | (db.Person.name == person_ref)))
            if person is None:
                raise ApiError("NOT_FOUND", "没有这个人")
            token = "ESSC1." + secrets.token_urlsafe(24)
            s.add(db.EsscToken(token=token, person_id=person.person_id, issued_at=now,
                               expires_at=now + ESSC_TOKEN_TTL_S))
        return {"essc_token": token, "expires_at": iso(now + ESSC_TOKEN_TTL_S)}

    def resident(self, kiosk_id: str, authorization: str | None) -> db.Person:
        """The person behind a bearer token, or TOKEN_INVALID / TOKEN_EXPIRED."""
        if not authorization or not authorization.startswith("Bearer ") or len(authorization) > 200:
            raise ApiError("TOKEN_INVALID", "需要先刷卡登录")
        digest = hashlib.sha256(authorization[7:].strip().encode()).hexdigest()
        with self.Session() as s:
            sess = s.get(db.ResidentSession, digest)
            if sess is None or sess.kiosk_id != kiosk_id:
                raise ApiError("TOKEN_INVALID", "登录凭证无效，请重新刷卡")
            if self.clock() >= sess.expires_at:
                raise ApiError("TOKEN_EXPIRED", "登录已超时，请重新刷卡")
            person = s.get(db.Person, sess.person_id)
            if person is None:
                raise ApiError("TOKEN_INVALID", "登录凭证无效，请重新刷卡")
            return person

    # ---- submissions and cases -----------------------------------------------------------------
    @conflict_retried
    def submit(self, kiosk_id: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Accept a submission once per idempotency key; (201|200, case summary)."""
        key = _idempotency_key(body)
        digest = canonical_sha256(body)
        with self._lock, self.Session.begin() as s:
            existing = _stored_before(s, db.Case, kiosk_id, key, digest, "提交")
            if existing is not None:
                return 200, self._receipt(existing)
            kind = body["kind"]
            if kind not in SUBMISSION_KINDS:
                raise ApiError("VALIDATION_ERROR", f"不支持的业务类型：{kind}")
            person_in = body["person"]
            try:
                submitted = parse_instant(body["submitted_at"])
                parse_id_number(person_in["id_number"])
                check_payload(kind, body["payload"])
            except RuleViolation as exc:
                raise ApiError("VALIDATION_ERROR", str(exc)) from exc
            if blank(person_in["name"]):
                raise ApiError("VALIDATION_ERROR", "person.name 不能为空")
            person = self._person_by_id_number(s, person_in["id_number"].upper(), person_in["name"])
            assisted_by = body.get("assisted_by")
            if assisted_by is not None:
                _check_assisted_by(s, kiosk_id, assisted_by)
            try:  # after the lookup: whether one receives a basic pension is the platform's record
                check_working_age(kind, body["payload"], person.id_number, submitted.date(),
                                  receives_basic_pension=bool(person.profile.get("receives_basic_pension")))
            except RuleViolation as exc:
                raise ApiError("VALIDATION_ERROR", str(exc)) from exc
            now = self.clock()
            day = datetime.fromtimestamp(now, tz=CHINA_TZ).strftime("%Y%m%d")
            count = self._next_number(s, db.Case) - 1
            case = db.Case(case_no=f"TZ{day}{count + 1:06d}", kiosk_id=kiosk_id, idempotency_key=key,
                           body_sha256=digest, kind=kind, person_id=person.person_id, status="PENDING",
                           submitted_at=body["submitted_at"], received_at=now, payload=body["payload"])
            s.add(case)
            if assisted_by is not None:  # 全程代理: the worker who handled it, next to the case
                s.add(db.CaseAssist(case_no=case.case_no, staff_no=assisted_by["staff_no"],
                                    staff_session=assisted_by["staff_session"]))
            s.flush()  # a concurrent writer in another process took the number or key: conflict_retried
            self._publish_gig(s, case, person, submitted.date())
            return 201, self._receipt(case)

    @staticmethod
    def _receipt(case: db.Case) -> dict[str, Any]:
        return {"case_no": case.case_no, "status": case.status, "received_at": iso(case.received_at)}

    @staticmethod
    def _case(case: db.Case) -> dict[str, Any]:
        return {"case_no": case.case_no, "kind": case.kind, "status": case.status, "reason": case.reason,
                "submitted_at": case.submitted_at, "received_at": iso(case.received_at),
                "reviewed_at": iso(case.reviewed_at)}

    def cases(self, person_id: str, status: str | None, month: str | None) -> list[dict[str, Any]]:
        with self.Session() as s:
            q = select(db.Case).where(db.Case.person_id == person_id)
            if status:
                q = q.where(db.Case.status == status)
            rows = s.scalars(q.order_by(db.Case.received_at.desc())).all()
            if month:
                rows = [r for r in rows if r.submitted_at.startswith(month)]
            return [self._case(r) for r in rows]

    @conflict_retried
    def withdraw(self, person_id: str, case_no: str) -> dict[str, Any]:
        now = self.clock()
        with self._lock, self.Session.begin() as s:
            case = s.get(db.Case, case_no, with_for_update=True)
            if case is None or case.person_id != person_id:
                raise ApiError("NOT_FOUND", "没有这个办件")
            if case.status != "PENDING":
                raise ApiError("CASE_NOT_WITHDRAWABLE", "只有未审核的办件可以撤回")
            case.status = "WITHDRAWN"
            case.reviewed_at = now
            self._unpublish_gig(s, case)
            return self._case(case)

    @conflict_retried
    def review(self, case_no: str, decision: str, reason: str | None) -> dict[str, Any]:
        """Play the reviewer: approve, or reject with a reason."""
        if decision not in ("approve", "reject"):
            raise ApiError("VALIDATION_ERROR", "decision 应为 approve 或 reject")
        if decision == "reject" and blank(reason):
            raise ApiError("VALIDATION_ERROR", "审核不通过必须填写原因")
        now = self.clock()
        with self._lock, self.Session.begin() as s:
            case = s.get(db.Case, case_no, with_for_update=True)
            if case is None:
                raise ApiError("NOT_FOUND", "没有这个办件")
            if case.status != "PENDING":
                raise ApiError("CASE_ALREADY_REVIEWED", "该办件已审核或已撤回")
            case.status = "APPROVED" if decision == "approve" else "REJECTED"
            case.reason = reason if decision == "reject" else (reason or None)
            case.reviewed_at = now
            if decision == "approve":
                self._apply_approval(s, case)
            else:
                self._unpublish_gig(s, case)
            return self._case(case)

    @staticmethod
    def _apply_approval(s: Any, case: db.Case) -> None:
        person = s.get(db.Person, case.person_id)
        profile = dict(person.profile)
        regs = dict(profile.get("registrations") or {})
        if case.kind == "unemployment_registration":
            regs["unemployment"] = "accepted"  # 受理: the in-person second review still follows
        elif case.kind == "employment_registration":
            regs["unemployment"] = "none"
            regs["employment"] = "registered"
        elif case.kind == "hard_to_employ_registration":
            profile["hard_to_employ"] = True
        profile["registrations"] = regs
        person.profile = profile

    # ---- 零工 publication and the job intentions the platform holds (issue 11 §3) -------------------
    @staticmethod
    def _seeker_item_id(person_id: str) -> str:
        return f"gs-{person_id}"  # one published entry per person: a newer registration replaces it

    @staticmethod
    def _gig_job_item_id(case_no: str) -> str:
        return f"gj-{case_no}"

    def _feed_data(self, s: Any, feed: str, item_id: str) -> dict[str, Any] | None:
        row = s.scalar(select(db.FeedItem).where(db.FeedItem.feed == feed, db.FeedItem.item_id == item_id,
                                                 db.FeedItem.deleted.is_(False)))
        return dict(row.data) if row is not None else None

    def _place(self, s: Any, codes: list[str], village: str | None) -> dict[str, Any]:
        """county / town / village / lat / lon of the first known region code (a town), with the given village."""
        place: dict[str, Any] = {"county": None, "town": None, "village": village or None, "lat": None, "lon": None}
        for code in codes:
            region = self._feed_data(s, "regions", code)
            if region is None:
                continue
            place["lat"], place["lon"] = region.get("lat"), region.get("lon")
            if region.get("level") == "town":
                place["town"] = region.get("name")
                county = self._feed_data(s, "regions", str(region.get("parent_code") or ""))
                place["county"] = county.get("name") if county else None
            elif region.get("level") == "county":
                place["county"] = region.get("name")
            break
        return place

    def _category_names(self, s: Any, codes: list[str], fallback: str | None) -> list[str]:
        names = [str(c["name"]) for c in (self._feed_data(s, "job_categories", code) for code in codes) if c]
        return names or ([fallback] if fallback else [])

    def _publish_gig(self, s: Any, case: db.Case, person: db.Person, day: date) -> None:
        """On acceptance: a consenting gig seeker into gig_seekers, a 招聘零工登记 into gig_jobs (public fields only)."""
        p = case.payload
        if case.kind == "job_seeker_registration" and p.get("job_type") == "gig":
            item_id = self._seeker_item_id(person.person_id)
            if p.get("publish_consent") is not True:  # not published; an earlier published entry is withdrawn
                self._put_item(s, "gig_seekers", item_id, None, delete_item=True)
                return
            born = date.fromisoformat(person.profile["birth_date"])
            codes = [str(c) for c in p.get("skill_codes") or []]
            public = {
                "name_masked": mask_name(person.name), "age_band": age_band(age_on(born, day)),
                "skill_codes": codes, "skill_names": self._category_names(s, codes, p.get("job_intention")),
                **self._place(s, [str(c) for c in p.get("region_codes") or []], p.get("village")),
                "daily_wage_expect": p.get("daily_wage_expect"), "available_from": p.get("available_from"),
                "available_to": p.get("available_to"),
                "phone_masked": mask_phone(p["phone"]) if p.get("phone") else None,
                "published_at": iso(self.clock()),
            }
            # only the public fields, whatever else the row could hold: gender, exact age and description stay None
            fields = {name: public.get(name) if name in GIG_SEEKER_PUBLIC_FIELDS else None
                      for name in FEED_FIELDS["gig_seekers"]}
            self._put_item(s, "gig_seekers", item_id, fields)
            log.info("gig seeker published for case %s", case.case_no)
        elif case.kind == "gig_hiring_registration":
            code = p.get("category_code")
            surname = person.name[:1]
            honorific = "先生" if person.profile.get("gender") == "男" else "女士"
            posting = {
                "title": p["title"], "employer": f"{surname}{honorific}（个人用工）",
                "category_code": code, "category_name": (self._category_names(s, [code], None) or [None])[0]
                if code else None,
                "description": p.get("description"),
                **self._place(s, [str(p["region_code"])] if p.get("region_code") else [], p.get("village")),
                "address": p["address"], "daily_wage_min": p["daily_wage"], "daily_wage_max": p["daily_wage"],
                "start_date": p["start_date"], "end_date": p["end_date"], "headcount": p["headcount"],
                "contact_name": f"{surname}{honorific}", "contact_phone": mask_phone(p["contact_phone"]),
                "posted_at": day.isoformat(),
            }
            self._put_item(s, "gig_jobs", self._gig_job_item_id(case.case_no),
                           {name: posting.get(name) for name in FEED_FIELDS["gig_jobs"]})
            log.info("gig job published for case %s", case.case_no)

    def _unpublish_gig(self, s: Any, case: db.Case) -> None:
        """A withdrawn or rejected registration leaves the feeds (a tombstone)."""
        if case.kind == "gig_hiring_registration":
            self._put_item(s, "gig_jobs", self._gig_job_item_id(case.case_no), None, delete_item=True)
        elif case.kind == "job_seeker_registration" and case.payload.get("job_type") == "gig":
            latest = s.scalar(select(db.Case).where(
                db.Case.person_id == case.person_id, db.Case.kind == "job_seeker_registration",
                db.Case.status.in_(("PENDING", "APPROVED"))).order_by(db.Case.received_at.desc()))
            if latest is None or latest.received_at <= case.received_at:  # only if it is the one shown
                self._put_item(s, "gig_seekers", self._seeker_item_id(case.person_id), None, delete_item=True)

    def registrations(self, person_id: str) -> list[dict[str, Any]]:
        """The job intentions the platform holds for a person, newest first (pending and approved cases)."""
        kinds = ("job_seeker_registration", "unemployment_registration", "gig_hiring_registration")
        with self.Session() as s:
            rows = s.scalars(select(db.Case).where(db.Case.person_id == person_id, db.Case.kind.in_(kinds),
                                                   db.Case.status.in_(("PENDING", "APPROVED")))
                             .order_by(db.Case.received_at.desc(), db.Case.case_no.desc())).all()
            out = []
            seeker_shown = False  # only the newest gig job-seeker registration is the published one
            for c in rows:
                p = c.payload
                published = False
                if c.kind == "gig_hiring_registration":
                    published = self._feed_data(s, "gig_jobs", self._gig_job_item_id(c.case_no)) is not None
                    intention = {"job_type": "gig", "category_codes": [p["category_code"]] if p.get("category_code") else [],
                                 "region_codes": [p["region_code"]] if p.get("region_code") else [],
                                 "salary_min": None, "daily_wage_min": None, "daily_wage_max": p.get("daily_wage"),
                                 "available_from": p.get("start_date"), "available_to": p.get("end_date")}
                else:
                    job_type = p.get("job_type") or "fixed"  # 失业登记 carries a fixed-work intention (seed 004 §3)
                    if job_type == "gig" and c.kind == "job_seeker_registration" and not seeker_shown:
                        seeker_shown = True
                        published = bool(p.get("publish_consent")) and self._feed_data(
                            s, "gig_seekers", self._seeker_item_id(person_id)) is not None
                    intention = {"job_type": job_type,
                                 "category_codes": list(p.get("category_codes") or p.get("skill_codes") or []),
                                 "region_codes": list(p.get("region_codes") or []),
                                 "salary_min": p.get("salary_expect_min"), "daily_wage_min": p.get("daily_wage_expect"),
                                 "daily_wage_max": None, "available_from": p.get("available_from"),
                                 "available_to": p.get("available_to")}
                out.append({"case_no": c.case_no, "kind": c.kind, "status": c.status, "submitted_at": c.submitted_at,
                            **intention, "published": published})
            return out

    # ---- records -----------------------------------------------------------------------------
    _EMPTY_RECORDS: dict[str, dict[str, Any]] = {
        "employee_pension": {"status": "未参保", "insured_since": None, "total_months": 0, "years": []},
        "employee_pension_payments": {"rows": []},
        "unemployment_benefit_payments": {"months_total": 0, "months_remaining": 0, "rows": []},
        "resident_pension_contributions": {"rows": []},
        "resident_pension_payments": {"rows": []},
        "employment_certificate": {"has_certificate": False, "number": None, "status": None, "issued_at": None,
                                   "issuing_office": None, "employment_state": None, "e_seal_enabled": False,
                                   "printable": False, "not_printable_reason": "未查询到《就业创业证》，可先办理就业登记或失业登记"},
        "archive_location": {"has_archive": False, "institution": None, "address": None, "phone": None, "since": None},
        "skill_subsidy_eligibility": {"eligible": False, "reasons": ["未查询到企业职工参保或失业保险金领取记录"]},
        "unemployment_benefit_eligibility": {"eligible": False, "reasons": ["未查询到失业保险参保缴费记录"]},
    }

    def record(self, person: db.Person, kind: str) -> dict[str, Any]:
        if kind not in RECORD_KINDS:
            raise ApiError("NOT_FOUND", f"没有这种记录：{kind}")
        data = (person.records or {}).get(kind)
        return {"kind": kind, "as_of": iso(self.clock()), "found": data is not None,
                "data": data if data is not None else self._EMPTY_RECORDS[kind]}

    # ---- fault reports -----------------------------------------------------------------------
    @conflict_retried
    def fault_report(self, kiosk_id: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        key = _idempotency_key(body)
        if body["category"] not in FAULT_CATEGORIES:
            raise ApiError("VALIDATION_ERROR", "category 应为 " + " / ".join(FAULT_CATEGORIES))
        for name in ("description", "suggestion"):
            if blank(body[name]):
                raise ApiError("VALIDATION_ERROR", f"{name} 不能为空")
        digest = canonical_sha256(body)
        with self._lock, self.Session.begin() as s:
            existing = _stored_before(s, db.FaultReport, kiosk_id, key, digest, "问题反映")
            if existing is not None:
                return 200, {"report_no": existing.report_no, "routed_to": existing.routed_to}
            now = self.clock()
            count = self._next_number(s, db.FaultReport) - 1
            day = datetime.fromtimestamp(now, tz=CHINA_TZ).strftime("%Y%m%d")
            report = db.FaultReport(report_no=f"WT{day}{count + 1:05d}", kiosk_id=kiosk_id, idempotency_key=key,
                                    body_sha256=digest, category=body["category"], description=body["description"],
                                    suggestion=body["suggestion"], snapshot=body.get("snapshot"),
                                    routed_to=FAULT_CATEGORIES[body["category"]], created_at=now)
            s.add(report)
            self.faults.on_submitted(s, report, now)
            return 201, {"report_no": report.report_no, "routed_to": report.routed_to}

    def fault_reports(self, kiosk_id: str) -> list[dict[str, Any]]:
        """This kiosk's reports with level, due time and answers (unanswered ones past due go up first)."""
        return self.faults.kiosk_rows(kiosk_id)

    def fault_reports_for(self, areas: list[str] | None, state: State | None = None,
                          scope: ColumnElement[bool] | None = None) -> list[FaultRow]:
        """Reports of the kiosks in these counties (None: all) and in `scope` (a console account's clause over
        fault_reports); see faults.fault_reports_for."""
        with _fault_errors():
            return self.faults.rows_for(areas, state, scope=scope)

    def escalate_faults(self, now: float | None = None) -> list[Escalation]:
        """Move unanswered reports past their due time one level up (the timer's `escalate-faults`)."""
        return self.faults.escalate_due(now)

    # ---- technician audit trail -------------------------------------------------------------------
    @conflict_retried
    def audit(self, kiosk_id: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Store one technician action once per (kiosk, key): the same body again → 200, another → conflict."""
        key = _idempotency_key(body)
        for name in ("actor", "action", "at"):
            if blank(str(body[name])):
                raise ApiError("VALIDATION_ERROR", f"{name} 不能为空")
        try:
            parse_instant(body["at"])
        except (RuleViolation, ValueError) as exc:
            raise ApiError("VALIDATION_ERROR", "at 应为带时区的 ISO 8601 时间") from exc
        digest = canonical_sha256(body)
        with self._lock, self.Session.begin() as s:
            existing = _stored_before(s, db.AuditEntry, kiosk_id, key, digest, "审计记录")
            if existing is not None:
                return 200, {"audit_no": existing.audit_no}
            now = self.clock()
            count = self._next_number(s, db.AuditEntry) - 1
            day = datetime.fromtimestamp(now, tz=CHINA_TZ).strftime("%Y%m%d")
            entry = db.AuditEntry(audit_no=f"SJ{day}{count + 1:06d}", kiosk_id=kiosk_id, idempotency_key=key,
                                  body_sha256=digest, actor=body["actor"], action=body["action"], at=body["at"],
                                  detail=body.get("detail") or {}, received_at=now)
            s.add(entry)
            return 201, {"audit_no": entry.audit_no}

    def audit_entries(self, kiosk_id: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
        """Audit entries, newest first (all kiosks, or one)."""
        with self.Session() as s:
            stmt = select(db.AuditEntry).order_by(db.AuditEntry.received_at.desc(), db.AuditEntry.audit_no.desc())
            if kiosk_id:
                stmt = stmt.where(db.AuditEntry.kiosk_id == kiosk_id)
            rows = s.scalars(stmt.limit(limit)).all()
            return [{"audit_no": r.audit_no, "kiosk_id": r.kiosk_id, "actor": r.actor, "action": r.action,
                     "at": r.at, "detail": r.detail or {}, "received_at": iso(r.received_at)} for r in rows]

    def answer_fault(self, report_no: str, response: str, deadline: str | None = None, *,
                     by: str | None = None, level: str | None = None) -> dict[str, Any]:
        """Record an answer with its 反馈时限; `level` must be the report's level now (None: whichever it is at)."""
        with _fault_errors():
            if level is None:
                return self.faults.answer_at_current_level(report_no, by or ADMIN_ANSWERER, response, deadline)
            return self.faults.answer(report_no, Answerer(by or ADMIN_ANSWERER, level), response, deadline)

    # ---- 3rd-generation social security cards (issue 11 §1) -------------------------------------
    @conflict_retried
    def seed_demo_ss_cards(self) -> int:
        """Record the demo persons' social security cards (once; also into a database seeded before cards were
        recorded); returns how many were added."""
        added = 0
        with self._lock, self.Session.begin() as s:
            for p in load_demo_persons():
                card = p.get("ss_card") or {}
                if not card.get("card_number") or s.get(db.SsCard, card["card_number"]) is not None:
                    continue
                s.add(db.SsCard(card_number=card["card_number"], card_identification_code=card["card_id"].upper(),
                                issuing_region=card["issuing_region"], spec_version=card.get("spec_version", ""),
                                person_id=p["person_id"]))
                added += 1
        return added

    @conflict_retried
    def login_card_holder(self, kiosk_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """A resident session for the holder of a 3rd-generation card whose PIN the kiosk verified on the card.

        All three values the card gives freely must match the platform's card record: the number alone
        (printed on the card) names nobody.
        """
        code = body["card_identification_code"].upper()
        region = body["issuing_region"]
        if not code.startswith(region):
            raise ApiError("VALIDATION_ERROR", "发卡地区与卡识别码不符")
        now = self.clock()
        with self._lock, self.Session.begin() as s:
            card = s.get(db.SsCard, body["card_number"])
            if card is None:
                raise ApiError("CARD_NOT_FOUND", "平台上没有这张社保卡的记录")
            if card.card_identification_code != code or card.issuing_region != region:
                log.info("card holder login refused: the card's identification code does not match the record")
                raise ApiError("IDENTITY_MISMATCH", "社保卡信息与平台登记信息不一致")
            person = s.get(db.Person, card.person_id)
            if person is None:
                raise ApiError("CARD_NOT_FOUND", "平台上没有这张社保卡的记录")
            token, expires = self._issue_resident_token(s, person, kiosk_id, now)
            profile = self._profile(person)
        return {"resident_token": token, "expires_at": iso(expires), "profile": profile}


    # ---- 全程代理: service-point workers (issue 11 §5) ---------------------------------------------------
    @conflict_retried
    def seed_demo_staff(self) -> int:
        """Record the demo workers (once): a person each, an e-SSC demo token, the hashed demo PIN."""
        data = json.loads(DEMO_STAFF_FILE.read_text(encoding="utf-8"))
        now = self.clock()
        added = 0
        with self._lock, self.Session.begin() as s:
            for w in data["staff"]:
                if s.get(db.StaffAccount, w["staff_no"]) is not None:
                    continue
                person = self._person_by_id_number(s, w["id_number"], w["name"])
                if s.get(db.EsscToken, w["essc_demo_token"]) is None:
                    s.add(db.EsscToken(token=w["essc_demo_token"], person_id=person.person_id, issued_at=now,
                                       expires_at=None))
                s.add(db.StaffAccount(staff_no=w["staff_no"], person_id=person.person_id, kiosk_ids=list(w["kiosk_ids"]),
                                      service_point=w["service_point"], pin_hash=hash_staff_pin(data["pin"]),
                                      last_used_at=now - 86400 * float(w["last_used_days_ago"])))
                added += 1
        return added

    @conflict_retried
    def staff_login(self, kiosk_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """A worker logs in at a kiosk of their service point by e-SSC or staff number + PIN.

        Refused: not a worker (or a wrong PIN) → STAFF_INVALID; a worker of another service point →
        STAFF_NOT_HERE; an account unused for 3 months → STAFF_LOCKED (seed 003 附件3 第十一条).
        """
        now = self.clock()
        with self._lock, self.Session.begin() as s:
            if body["method"] == "essc":
                person = self._essc_person(s, body["essc_token"], now)
                account = s.scalar(select(db.StaffAccount).where(db.StaffAccount.person_id == person.person_id))
                if account is None:
                    raise ApiError("STAFF_INVALID", "这张电子社保卡不是工作人员账号")
            else:
                account = s.get(db.StaffAccount, body["staff_no"])
                if account is None or not staff_pin_matches(body["pin"], account.pin_hash):
                    log.info("staff PIN login refused")
                    raise ApiError("STAFF_INVALID", "工号或密码不正确")
                person = s.get(db.Person, account.person_id)
                if person is None:
                    raise ApiError("STAFF_INVALID", "工号或密码不正确")
            if kiosk_id not in account.kiosk_ids:
                raise ApiError("STAFF_NOT_HERE", "您不是本服务点的工作人员，不能在这台自助机上代办")
            last_used = datetime.fromtimestamp(account.last_used_at, tz=CHINA_TZ).date()
            if months_later(last_used, STAFF_DORMANT_MONTHS) <= self.today():
                raise ApiError("STAFF_LOCKED", "您的工作人员账号超过3个月未使用，已被锁定。请联系县级人社部门系统管理员解锁")
            account.last_used_at = now
            session_id = "SS" + secrets.token_hex(12)
            s.add(db.StaffLogin(staff_session=session_id, staff_no=account.staff_no, kiosk_id=kiosk_id, at=now))
            return {"staff_session": session_id,
                    "staff": {"staff_no": account.staff_no, "name": person.name, "role": "业务操作员",
                              "service_point": account.service_point}}

    def case_assist(self, case_no: str) -> dict[str, str] | None:
        """Who handled a case on the resident's behalf (None: the resident alone)."""
        with self.Session() as s:
            row = s.get(db.CaseAssist, case_no)
            return None if row is None else {"staff_no": row.staff_no, "staff_session": row.staff_session}


# ---- 全程代理: service-point workers log in, cases carry who handled them (issue 11 §5) -----------------------
DEMO_STAFF_FILE = Path(__file__).with_name("demo_staff.json")
_SCRYPT = (16384, 8, 1)


def hash_staff_pin(pin: str, salt: bytes | None = None) -> str:
    """scrypt$n$r$p$salt$digest of a staff PIN (the platform keeps only this)."""
    salt = salt or secrets.token_bytes(16)
    n, r, p = _SCRYPT
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, dklen=32)
    return f"scrypt${n}${r}${p}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def staff_pin_matches(pin: str, stored: str) -> bool:
    """Constant-time check of a PIN against its stored hash (a malformed hash matches nothing)."""
    try:
        _alg, n, r, p, salt, digest = stored.split("$")
        got = hashlib.scrypt(pin.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=32)
    except (ValueError, binascii.Error):
        log.warning("a staff PIN hash is malformed")
        return False
    return secrets.compare_digest(got, base64.b64decode(digest))


def months_later(day: date, months: int) -> date:
    """The same day `months` calendar months later (the month's last day when it has no such day)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise ValueError("no such day")






@contextlib.contextmanager
def _fault_errors() -> Iterator[None]:
    """The fault workflow's refusals as contract errors."""
    try:
        yield
    except FaultError as exc:
        raise ApiError(exc.code, exc.message) from exc


def _idempotency_key(body: dict[str, Any]) -> str:
    """The body's idempotency key, checked for its form."""
    key: str = body["idempotency_key"]
    if not _KEY.match(key):
        raise ApiError("VALIDATION_ERROR", "idempotency_key 应为 8-128 位字母、数字或 _ - . :")
    return key


def _stored_before(s: Any, model: Any, kiosk_id: str, key: str, digest: str, what: str) -> Any | None:
    """The row this kiosk already stored under `key` (a retry: answer it again), None for a new key; the same
    key with another body is a conflict, said in terms of `what` (提交, 问题反映, 审计记录)."""
    existing = s.scalar(select(model).where(model.kiosk_id == kiosk_id, model.idempotency_key == key))
    if existing is not None and existing.body_sha256 != digest:
        raise ApiError("IDEMPOTENCY_CONFLICT", f"同一个幂等键已用于内容不同的{what}")
    return existing


def _check_assisted_by(s: Any, kiosk_id: str, assisted_by: dict[str, Any]) -> None:
    """A submission made on a resident's behalf names a worker login made at this same kiosk."""
    login = s.get(db.StaffLogin, assisted_by.get("staff_session", ""))
    if login is None or login.staff_no != assisted_by.get("staff_no") or login.kiosk_id != kiosk_id:
        raise ApiError("VALIDATION_ERROR", "代办工作人员的登录记录与本机不符")
