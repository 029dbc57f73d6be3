"""The platform feeds: each feed's JSON fields, their columns and how the feed is searched (one place)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from offline_cache.errors import UnknownFeed


class Kind(enum.StrEnum):
    """How a JSON value is stored in SQLite."""

    TEXT = "text"
    INT = "int"
    REAL = "real"
    BOOL = "bool"
    DATE = "date"  # ISO-8601 text; compares correctly as text
    DATETIME = "datetime"  # ISO-8601 text
    LIST = "list"  # JSON array text


@dataclass(frozen=True)
class Field:
    """One JSON field of a feed item, stored in a column of the same name."""

    name: str
    kind: Kind = Kind.TEXT
    index: bool = False


@dataclass(frozen=True)
class SearchSpec:
    """How a feed is searched: text slots of the FTS tables, the date used for order/recency, filters."""

    title: tuple[str, ...]
    employer: tuple[str, ...] = ()
    description: tuple[str, ...] = ()
    place: tuple[str, ...] = ()
    date: str | None = None  # ordering and "posted within N days"
    newest_first: bool = True  # False: soonest first (job fairs)
    expires: str | None = None  # rows whose value is before today are hidden
    pay: tuple[str, str] | None = None  # (low, high) columns for a pay-range filter
    filters: dict[str, str] = field(default_factory=dict)  # SearchQuery attribute -> column
    hard_to_employ: str | None = None  # bool column: shown only to people flagged 就业困难人员
    ordered: tuple[str, ...] = ()  # filter columns with an index on (column, date): ix_<table>_<column>_<date>
    covering: tuple[str, ...] = ()  # columns of the index ix_<table>_search on (pk, these): date and filters

    def slots(self) -> dict[str, tuple[str, ...]]:
        """FTS column name -> the feed columns joined into it."""
        return {"title": self.title, "employer": self.employer, "description": self.description, "place": self.place}


@dataclass(frozen=True)
class FeedSpec:
    """A platform feed and the table caching it."""

    name: str
    fields: tuple[Field, ...]
    search: SearchSpec | None = None

    @property
    def table(self) -> str:
        return f"feed_{self.name}"

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


INT, R, B, D, DT, L = Kind.INT, Kind.REAL, Kind.BOOL, Kind.DATE, Kind.DATETIME, Kind.LIST
_PLACE = ("county", "town", "village", "address")
# What a fixed job and a gig job both carry: what and where first, how to apply and when posted last.
_JOB_WHAT_AND_WHERE = (
    Field("title"), Field("employer"), Field("category_code", index=True), Field("category_name"),
    Field("description"), Field("county", index=True), Field("town", index=True), Field("village"),
    Field("address"), Field("lat", R, index=True), Field("lon", R),
)
_JOB_CONTACT = (Field("contact_name"), Field("contact_phone"), Field("posted_at", D, index=True))

# Adding a field the platform sends: one line here (plus an Alembic revision adding the column).
FEEDS: dict[str, FeedSpec] = {
    spec.name: spec
    for spec in (
        FeedSpec(
            "fixed_jobs",
            (
                *_JOB_WHAT_AND_WHERE,
                Field("salary_min", INT, index=True), Field("salary_max", INT, index=True),
                Field("work_type", index=True), Field("education"), Field("headcount", INT),
                *_JOB_CONTACT,
                Field("expires_at", D),
            ),
            SearchSpec(
                title=("title",), employer=("employer",), description=("description",), place=_PLACE,
                date="posted_at", expires="expires_at", pay=("salary_min", "salary_max"),
                filters={"county": "county", "town": "town", "category_code": "category_code",
                         "work_type": "work_type"},
                ordered=("county", "town", "category_code", "work_type"),
                covering=("posted_at", "deleted", "expires_at", "county", "town", "category_code", "work_type",
                          "salary_min", "salary_max"),
            ),
        ),
        FeedSpec(
            "gig_jobs",
            (
                *_JOB_WHAT_AND_WHERE,
                Field("daily_wage_min", INT, index=True), Field("daily_wage_max", INT, index=True),
                Field("start_date", D), Field("end_date", D), Field("headcount", INT),
                *_JOB_CONTACT,
            ),
            SearchSpec(
                title=("title",), employer=("employer",), description=("description",), place=_PLACE,
                date="posted_at", expires="end_date", pay=("daily_wage_min", "daily_wage_max"),
                filters={"county": "county", "town": "town", "category_code": "category_code"},
                ordered=("county", "town", "category_code"),
                covering=("posted_at", "deleted", "end_date", "county", "town", "category_code", "daily_wage_min",
                          "daily_wage_max"),
            ),
        ),
        FeedSpec(
            "gig_seekers",
            (
                Field("name_masked"), Field("gender"), Field("age", INT), Field("age_band"), Field("skill_codes", L),
                Field("skill_names", L), Field("description"), Field("county", index=True),
                Field("town", index=True), Field("village"), Field("lat", R, index=True), Field("lon", R),
                Field("daily_wage_expect", INT), Field("available_from", D), Field("available_to", D),
                Field("phone_masked"), Field("published_at", DT, index=True),
            ),
            SearchSpec(
                title=("skill_names",), description=("description",), place=("county", "town", "village"),
                date="published_at", expires="available_to", pay=("daily_wage_expect", "daily_wage_expect"),
                filters={"county": "county", "town": "town"},
            ),
        ),
        FeedSpec(
            "job_fairs",
            (
                Field("title"), Field("organizer"), Field("venue"), Field("county", index=True), Field("town"),
                Field("start_at", DT, index=True), Field("end_at", DT), Field("audience"),
                Field("hard_to_employ_only", B), Field("employers_count", INT), Field("posts_count", INT),
                Field("description"),
            ),
            SearchSpec(
                title=("title",), employer=("organizer",), description=("audience", "description"),
                place=("county", "town", "venue"), date="start_at", newest_first=False, expires="end_at",
                filters={"county": "county", "town": "town"}, hard_to_employ="hard_to_employ_only",
            ),
        ),
        FeedSpec(
            "policies",
            (
                Field("title"), Field("doc_no"), Field("issuer"), Field("category", index=True),
                Field("published_at", D, index=True), Field("summary"), Field("body"),
            ),
            SearchSpec(
                title=("title",), employer=("issuer", "doc_no"), description=("summary", "body"),
                date="published_at", filters={"category": "category"},
            ),
        ),
        FeedSpec(
            "archive_institutions",
            (
                Field("name"), Field("county", index=True), Field("address"), Field("phone"), Field("hours"),
                Field("scope"),
            ),
            SearchSpec(title=("name",), description=("scope",), place=("county", "address"),
                       filters={"county": "county"}),
        ),
        FeedSpec(
            "internship_posts",
            (
                Field("title"), Field("employer"), Field("city", index=True), Field("county", index=True),
                Field("address"), Field("positions", INT), Field("stipend", INT), Field("start_date", D),
                Field("months", INT), Field("requirements"), Field("contact_phone"),
                Field("posted_at", D, index=True),
            ),
            SearchSpec(
                title=("title",), employer=("employer",), description=("requirements",),
                place=("city", "county", "address"), date="posted_at", pay=("stipend", "stipend"),
                filters={"city": "city", "county": "county"},
            ),
        ),
        FeedSpec("job_categories", (Field("code", index=True), Field("name"), Field("parent_code", index=True))),
        FeedSpec("education_levels", (Field("code", index=True), Field("name"), Field("rank", INT))),
        FeedSpec(
            "regions",
            (
                Field("code", index=True), Field("name"), Field("level"), Field("parent_code", index=True),
                Field("lat", R), Field("lon", R),
            ),
        ),
    )
}


def feed_spec(feed: str) -> FeedSpec:
    """The spec of `feed`, or UnknownFeed."""
    try:
        return FEEDS[feed]
    except KeyError:
        raise UnknownFeed(feed) from None
