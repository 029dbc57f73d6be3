"""SQLAlchemy models: feed tables built from offline_cache.feeds, feed state, outbox, local cases."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from offline_cache.feeds import FEEDS, FeedSpec, Kind

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, stored as naive UTC text, aware UTC out."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; pass an aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Declarative base sharing `metadata`."""

    metadata = metadata


_SQL_TYPES = {
    Kind.TEXT: Text, Kind.INT: Integer, Kind.REAL: Float, Kind.BOOL: Boolean,
    Kind.DATE: Text, Kind.DATETIME: Text, Kind.LIST: Text,
}


def _feed_table(spec: FeedSpec) -> Table:
    # `pk` is an explicit INTEGER PRIMARY KEY so FTS rowids survive VACUUM; `id` is the platform's id.
    table = Table(
        spec.table,
        metadata,
        Column("pk", Integer, primary_key=True),
        Column("id", Text, nullable=False, unique=True),
        Column("version", Integer, nullable=False),
        Column("updated_at", Text),
        Column("deleted", Boolean, nullable=False, default=False),
        *(Column(f.name, _SQL_TYPES[f.kind]) for f in spec.fields),
    )
    for f in spec.fields:
        if f.index:
            Index(None, table.c[f.name])
    search = spec.search
    if search is not None and search.date is not None:  # migration 0006: the search planner's indexes
        for column in search.ordered:
            Index(f"ix_{spec.table}_{column}_{search.date}", table.c[column], table.c[search.date])
    if search is not None and search.covering:
        Index(f"ix_{spec.table}_search", table.c.pk, *(table.c[c] for c in search.covering))
    return table


FEED_TABLES: dict[str, Table] = {name: _feed_table(spec) for name, spec in FEEDS.items()}


class FeedState(Base):
    """Sync cursor and last pull time of one feed."""

    __tablename__ = "feed_state"

    feed: Mapped[str] = mapped_column(Text, primary_key=True)
    cursor: Mapped[str | None] = mapped_column(Text)
    last_pull_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reset_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class OutboxRow(Base):
    """A submission waiting for (or done with) the platform; after purge only the audit columns remain."""

    __tablename__ = "outbox"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(Text, unique=True)
    kind: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(Text)
    payload: Mapped[bytes | None] = mapped_column(LargeBinary)  # nonce + AES-GCM ciphertext
    key_version: Mapped[int | None] = mapped_column(Integer)  # key of payload and reject_sealed; None: version 1
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    permanent_failures: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    case_no: Mapped[str | None] = mapped_column(Text)
    reject_code: Mapped[str | None] = mapped_column(Text)
    reject_message: Mapped[str | None] = mapped_column(Text)  # before 0004 only: plain text, now always None
    reject_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)  # the platform's reason, encrypted
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    purged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (Index(None, "state", "next_attempt_at", "created_at"),)


class LocalCase(Base):
    """A case as 我的办件 shows it; `person_key` is a salted hash, never the ID number.

    The platform's rejection reason can name the person: it is kept only encrypted (`reason_sealed`).
    """

    __tablename__ = "local_case"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str | None] = mapped_column(Text, ForeignKey("outbox.key"), unique=True)
    person_key: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    month: Mapped[str] = mapped_column(Text)
    case_no: Mapped[str | None] = mapped_column(Text, unique=True)
    status: Mapped[str] = mapped_column(Text)
    reason_code: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)  # before 0004 only: plain text, now always None
    reason_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    key_version: Mapped[int | None] = mapped_column(Integer)  # key of reason_sealed
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (Index(None, "person_key", "month"),)


class CryptoKey(Base):
    """A key (or salt) this database's rows depend on: a check digest only, never the key itself.

    It tells a replaced key file from the right one, and the highest `payload` version is the one
    new rows are encrypted with (read inside each write transaction, so a rotation is seen at once).
    """

    __tablename__ = "crypto_key"

    purpose: Mapped[str] = mapped_column(Text, primary_key=True)  # "payload" or "person_salt"
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    digest: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


# FTS5 virtual tables and their shadow tables are created by explicit SQL; autogenerate must skip them.
_FTS_NAME = re.compile(r"_(tri|bi)(_(data|idx|config|docsize|content))?$")


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Alembic filter: leave FTS tables out of autogenerate comparisons."""
    return not (type_ == "table" and name is not None and bool(_FTS_NAME.search(name)))
