"""The sandbox's storage: SQLAlchemy tables over SQLite (default) or PostgreSQL (a URL)."""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    inspect,
    text,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

log = logging.getLogger(__name__)


def default_db_path() -> Path:
    """$SANDBOX_DB, else a file in the system temp folder (shared by the server and the CLI)."""
    env = os.environ.get("SANDBOX_DB")
    if env:
        return Path(env)
    return Path(tempfile.gettempdir()) / "village-kiosk-sandbox" / "sandbox.db"


class Base(DeclarativeBase):
    """Declarative base of the sandbox's tables."""


class Meta(Base):
    """Key/value settings of the sandbox itself (cursor epoch, change sequence, seed marker)."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Kiosk(Base):
    """A registered kiosk: its secret, settings to push and its last heartbeat."""

    __tablename__ = "kiosks"
    kiosk_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    secret: Mapped[str] = mapped_column(String(256))
    name: Mapped[str] = mapped_column(String(200), default="")
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    last_heartbeat: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    last_seen: Mapped[float | None] = mapped_column(Float, nullable=True)
    # Where it stands (市 / 县 / 乡镇): the fleet console shows each staff member only their own area's kiosks.
    city: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    county: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    town: Mapped[str | None] = mapped_column(String(40), nullable=True)
    # From the last heartbeat (sandbox/fleet_health.py), so the console filters in SQL; None until the next one.
    device_fault: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    paper_out: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    outbox_backlog: Mapped[int | None] = mapped_column(Integer, nullable=True)
    outbox_attention: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Heartbeat(Base):
    """Every heartbeat received, for technicians to read back."""

    __tablename__ = "heartbeats"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kiosk_id: Mapped[str] = mapped_column(String(64), index=True)
    received_at: Mapped[float] = mapped_column(Float)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)


class Nonce(Base):
    """Nonces seen inside the signature window (replay protection)."""

    __tablename__ = "nonces"
    __table_args__ = (UniqueConstraint("kiosk_id", "nonce"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kiosk_id: Mapped[str] = mapped_column(String(64))
    nonce: Mapped[str] = mapped_column(String(32))
    seen_at: Mapped[float] = mapped_column(Float, index=True)


class RateWindow(Base):
    """A fixed-window request counter shared by every gateway process: `kiosk:<id>` for a kiosk's signed
    requests, `console-login:<address>` for console log-in attempts from one address."""

    __tablename__ = "rate_windows"
    key: Mapped[str] = mapped_column(String(96), primary_key=True)
    window_start: Mapped[float] = mapped_column(Float, index=True)
    hits: Mapped[int] = mapped_column(Integer)


class FeedItem(Base):
    """One reference-data item of one feed; seq orders changes across all feeds."""

    __tablename__ = "feed_items"
    __table_args__ = (UniqueConstraint("feed", "item_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    feed: Mapped[str] = mapped_column(String(40), index=True)
    item_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[float] = mapped_column(Float)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    # Unique: workers in several processes number changes max(seq)+1; a clash is retried, so seqs are
    # handed out in commit order and a cursor never passes a change that commits later with a lower seq.
    seq: Mapped[int] = mapped_column(BigInteger, index=True, unique=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class Person(Base):
    """A resident known to the platform, with their records (demo data or created at first login)."""

    __tablename__ = "persons"
    person_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    id_number: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    card_number: Mapped[str | None] = mapped_column(String(20), nullable=True, unique=True)
    profile: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    records: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ResidentSession(Base):
    """A resident token (stored only as its SHA-256)."""

    __tablename__ = "resident_sessions"
    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(32))
    kiosk_id: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[float] = mapped_column(Float)


class EsscToken(Base):
    """A demo electronic social security card QR token."""

    __tablename__ = "essc_tokens"
    token: Mapped[str] = mapped_column(String(128), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(32))
    issued_at: Mapped[float] = mapped_column(Float)
    expires_at: Mapped[float | None] = mapped_column(Float, nullable=True)  # None: fixed demo token
    used_at: Mapped[float | None] = mapped_column(Float, nullable=True)


class Case(Base):
    """A submission received from a kiosk (办件)."""

    __tablename__ = "cases"
    __table_args__ = (UniqueConstraint("kiosk_id", "idempotency_key"),)
    case_no: Mapped[str] = mapped_column(String(32), primary_key=True)
    kiosk_id: Mapped[str] = mapped_column(String(64))
    idempotency_key: Mapped[str] = mapped_column(String(128))
    body_sha256: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(64))
    person_id: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(16), default="PENDING")
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    submitted_at: Mapped[str] = mapped_column(String(40))
    received_at: Mapped[float] = mapped_column(Float)
    reviewed_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)


class FaultReport(Base):
    """A fault report (问题反映) and, later, its answer."""

    __tablename__ = "fault_reports"
    __table_args__ = (UniqueConstraint("kiosk_id", "idempotency_key"),)
    report_no: Mapped[str] = mapped_column(String(32), primary_key=True)
    kiosk_id: Mapped[str] = mapped_column(String(64), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(128))
    body_sha256: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)
    suggestion: Mapped[str] = mapped_column(Text)
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    routed_to: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[float] = mapped_column(Float)
    response: Mapped[str | None] = mapped_column(Text, nullable=True)
    deadline: Mapped[str | None] = mapped_column(String(20), nullable=True)
    answered_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    # The workflow of seed 003 附件4 (sandbox/faults.py): the level it is at now (县人社部门 | 市人社部门 | 省工作专班),
    # the kiosk's area when it arrived, when that level must answer (None: a report from before the workflow),
    # when it last went up, and the label of who answered (at `level`).
    level: Mapped[str] = mapped_column(String(20))
    city: Mapped[str | None] = mapped_column(String(60), nullable=True)
    county: Mapped[str | None] = mapped_column(String(60), nullable=True, index=True)
    due_at: Mapped[float | None] = mapped_column(Float, nullable=True, index=True)
    escalated_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    answered_by: Mapped[str | None] = mapped_column(String(120), nullable=True)


class FaultEvent(Base):
    """One step of a fault report's history: submitted, escalated, forwarded, answered — by whom, when."""

    __tablename__ = "fault_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_no: Mapped[str] = mapped_column(String(32), index=True)
    at: Mapped[float] = mapped_column(Float)
    event: Mapped[str] = mapped_column(String(16))
    from_level: Mapped[str | None] = mapped_column(String(20), nullable=True)
    to_level: Mapped[str] = mapped_column(String(20))
    by: Mapped[str] = mapped_column(String(120))  # a staff label, the kiosk id, or the platform itself
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class AuditEntry(Base):
    """A technician action reported by a kiosk (stored once per idempotency key)."""

    __tablename__ = "audit_entries"
    __table_args__ = (UniqueConstraint("kiosk_id", "idempotency_key"),)
    audit_no: Mapped[str] = mapped_column(String(32), primary_key=True)
    kiosk_id: Mapped[str] = mapped_column(String(64), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(128))
    body_sha256: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    at: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    received_at: Mapped[float] = mapped_column(Float)


def make_engine(db_url: str | None = None, db_path: Path | str | None = None) -> Engine:
    """An engine for a URL (PostgreSQL etc.) or a SQLite file (WAL, shared by server and CLI)."""
    if db_path is not None and is_url(db_path):
        db_url, db_path = str(db_path), None
    if db_url and not db_url.startswith("sqlite"):
        # One pool per worker process; each request holds a connection for one short transaction. No
        # pre-ping (a round trip per checkout, several per request): a connection the server dropped fails
        # one request and is replaced; connections are recycled every 30 minutes.
        return create_engine(db_url, pool_size=10, max_overflow=10, pool_recycle=1800)
    if db_url:
        return create_engine(db_url, pool_pre_ping=True)
    path = Path(db_path) if db_path else default_db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    return engine


def make_sessionmaker(engine: Engine, migrate_schema: bool = True) -> sessionmaker:
    """Migrate the database to the head revision (unless the caller did) and return a session factory."""
    if migrate_schema:
        migrate(engine)
    return sessionmaker(engine, expire_on_commit=False)


def is_url(db: str | Path | None) -> bool:
    """True for a SQLAlchemy URL (postgresql+psycopg://…, sqlite:///…), False for a plain file path."""
    return db is not None and "://" in str(db)


# ---- 3rd-generation social security cards (issue 11 §1) ----------------------------------------------
class SsCard(Base):
    """A social security card the platform issued: what the card gives without authentication, and whose it is.

    A 3rd-generation card hides its holder (EF06) from a kiosk without a PSAM; the kiosk verifies the
    card's PIN and sends these three values, and the platform names the person from this record.
    """

    __tablename__ = "ss_cards"
    card_number: Mapped[str] = mapped_column(String(20), primary_key=True)
    card_identification_code: Mapped[str] = mapped_column(String(32), unique=True)  # 32 hex digits (EF05 tag 01)
    issuing_region: Mapped[str] = mapped_column(String(6))  # 6 digits: the first 3 bytes of the code
    spec_version: Mapped[str] = mapped_column(String(8))
    person_id: Mapped[str] = mapped_column(String(32), index=True)


# ---- 全程代理: service-point workers (seed 003 附件3; issue 11 §5) --------------------------------------------
class StaffAccount(Base):
    """A 业务操作员 account: a real person, the kiosks of their service point, a staff PIN (hashed only).

    `last_used_at` is the last successful login; an account unused for 3 months is locked (seed 003 附件3).
    """

    __tablename__ = "staff_accounts"
    staff_no: Mapped[str] = mapped_column(String(32), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(32), unique=True)
    kiosk_ids: Mapped[list[str]] = mapped_column(JSON, default=list)  # the kiosks of the worker's service point
    service_point: Mapped[str] = mapped_column(String(200), default="")
    pin_hash: Mapped[str] = mapped_column(String(200))  # scrypt$n$r$p$salt$digest (never the PIN)
    last_used_at: Mapped[float] = mapped_column(Float)


class StaffLogin(Base):
    """One successful worker login at a kiosk; submissions made on a resident's behalf name it."""

    __tablename__ = "staff_logins"
    staff_session: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_no: Mapped[str] = mapped_column(String(32), index=True)
    kiosk_id: Mapped[str] = mapped_column(String(64))
    at: Mapped[float] = mapped_column(Float)


class CaseAssist(Base):
    """Who handled a case on the resident's behalf (全程代理): the worker and their login."""

    __tablename__ = "case_assists"
    case_no: Mapped[str] = mapped_column(String(32), primary_key=True)
    staff_no: Mapped[str] = mapped_column(String(32), index=True)
    staff_session: Mapped[str] = mapped_column(String(64))


# ---- the fleet console: staff accounts, their sessions, what they did (issue 14 §3) -------------------------
class ConsoleStaff(Base):
    """A county, city or province staff account of the fleet console (the password only as a scrypt hash)."""

    __tablename__ = "console_staff"
    login: Mapped[str] = mapped_column(String(64), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))  # province | city | county
    area: Mapped[str] = mapped_column(String(40))  # the province, city or county the account sees
    city: Mapped[str | None] = mapped_column(String(40), nullable=True)  # a county account's city (county names repeat)
    password_hash: Mapped[str] = mapped_column(String(200))  # scrypt$n$r$p$salt$digest, a salt per account
    failed_count: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[float | None] = mapped_column(Float, nullable=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[float] = mapped_column(Float)


class ConsoleSession(Base):
    """A logged-in browser: the cookie's token only as its SHA-256, the form token, idle and absolute expiry."""

    __tablename__ = "console_sessions"
    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    login: Mapped[str] = mapped_column(String(64), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[float] = mapped_column(Float)
    last_seen: Mapped[float] = mapped_column(Float)
    expires_at: Mapped[float] = mapped_column(Float, index=True)


class ConsoleAudit(Base):
    """One console action (login, logout, pushed setting, answered report…) and the area it concerns."""

    __tablename__ = "console_audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[float] = mapped_column(Float, index=True)
    login: Mapped[str] = mapped_column(String(64))
    role: Mapped[str | None] = mapped_column(String(16), nullable=True)
    area: Mapped[str | None] = mapped_column(String(40), nullable=True)
    action: Mapped[str] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(16))  # ok | refused
    kiosk_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    city: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    county: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


# ---- staged rollout of kiosk releases (issue 14 §1; sandbox/rollout.py) -------------------------------------
class Release(Base):
    """A kiosk release (a Debian version of village-kiosk in the signed APT repository) the gateway knows."""

    __tablename__ = "releases"
    version: Mapped[str] = mapped_column(String(64), primary_key=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[float] = mapped_column(Float)


class Rollout(Base):
    """The rollout of one release: active (its stages run it), paused (everyone holds) or stopped (over)."""

    __tablename__ = "rollouts"
    version: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[float] = mapped_column(Float)
    changed_at: Mapped[float] = mapped_column(Float)


class RolloutStage(Base):
    """Who a rollout covers: a percentage of the fleet, a county, or one kiosk (target '' for a percentage)."""

    __tablename__ = "rollout_stages"
    __table_args__ = (UniqueConstraint("version", "kind", "target"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    version: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # percent / county / kiosk
    target: Mapped[str] = mapped_column(String(64), default="")
    percent: Mapped[float | None] = mapped_column(Float, nullable=True)
    added_at: Mapped[float] = mapped_column(Float)


# ---- the gateway's schema is Alembic's (sandbox/migrations); several workers may start at once -----------
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BASELINE_REVISION = "0001"  # the schema every sandbox database made by create_all before migrations had
_PG_MIGRATION_LOCK = 7_140_001  # pg_advisory_xact_lock key: one migrating process at a time


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at the gateway's migrations; no alembic.ini involved."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    """The newest migration this program knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(connection: Connection) -> str | None:
    """The revision a database is at (None: not migrated yet)."""
    return MigrationContext.configure(connection).get_current_revision()


def migrate(engine: Engine) -> str:
    """Bring the database to the head revision and return it.

    A database made before the gateway had migrations (tables, no alembic_version) is stamped at the
    baseline first. On PostgreSQL a transaction-level advisory lock makes workers that start together
    migrate one after another (DDL is transactional there: the loser sees the finished schema).
    """
    head = head_revision()
    with engine.connect() as conn:
        if current_revision(conn) == head:  # the common case, without loading Alembic's machinery further
            return head
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
        cfg = alembic_config(conn)
        if current_revision(conn) is None and inspect(conn).has_table("kiosks"):
            command.stamp(cfg, BASELINE_REVISION)
            log.info("sandbox database from before migrations: stamped at %s", BASELINE_REVISION)
        command.upgrade(cfg, "head")
    return head
