"""Explainable matching: fixed/gig jobs for a person's intention, gig seekers for an employer's need."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine

from offline_cache.clock import Clock, local_today
from offline_cache.codes import CodeTables
from offline_cache.feeds import feed_spec
from offline_cache.geo import bounding_box, haversine_km
from offline_cache.records import Record, record_from_row, select_columns
from offline_cache.texts import reason
from offline_cache.uow import reading


@dataclass(frozen=True)
class ServicePointLocation:
    """Where the kiosk stands; distances are measured from here."""

    lat: float
    lon: float
    label: str = "本村"  # as in "距本村 3 公里"
    county: str | None = None
    town: str | None = None
    village: str | None = None


@dataclass(frozen=True)
class JobIntention:
    """A person's registered job intention."""

    category_codes: tuple[str, ...] = ()
    county: str | None = None
    town: str | None = None
    salary_min: int | None = None  # fixed jobs: monthly yuan wanted
    daily_wage_min: int | None = None  # gig jobs: yuan per day wanted
    work_type: str | None = None  # 全职 / 兼职 / 季节工
    available_from: date | None = None  # gig jobs: the days the person can work
    available_to: date | None = None
    max_distance_km: float = 30.0


@dataclass(frozen=True)
class GigNeed:
    """A gig employer's need (招聘零工登记)."""

    skill_codes: tuple[str, ...] = ()
    county: str | None = None
    town: str | None = None
    daily_wage_max: int | None = None  # what the employer pays per day
    start_date: date | None = None
    end_date: date | None = None
    max_distance_km: float = 30.0


@dataclass(frozen=True)
class Weights:
    """Points per criterion (data, so a county can tune them)."""

    category_exact: float = 30
    category_near: float = 15
    distance: float = 25
    area_town: float = 10
    area_county: float = 5
    pay: float = 15
    work_type: float = 10
    dates: float = 10
    recency: float = 10
    recency_horizon_days: int = 30


@dataclass(frozen=True)
class Match:
    """A recommended item, its score and the plain reasons for it."""

    record: Record
    score: float
    distance_km: float | None
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class CategoryTree:
    """Job category code → parent code."""

    parents: Mapping[str, str | None]

    def ancestors(self, code: str) -> list[str]:
        out, seen = [], {code}
        parent = self.parents.get(code)
        while parent and parent not in seen:
            out.append(parent)
            seen.add(parent)
            parent = self.parents.get(parent)
        return out

    def fit(self, wanted: Iterable[str], codes: Iterable[str | None]) -> str | None:
        """'exact' when a code is a wanted one or below it, 'near' when it shares the parent, else None."""
        wanted = tuple(wanted)
        best = None
        for code in codes:
            if not code:
                continue
            lineage = [code, *self.ancestors(code)]
            if any(w in lineage for w in wanted):
                return "exact"
            parent = self.parents.get(code)
            if parent and any(self.parents.get(w) == parent for w in wanted):
                best = "near"
        return best


def _date(iso: str | None) -> date | None:
    """The date part of an ISO date/datetime text; None when absent or not a date."""
    if not iso:
        return None
    try:
        return date.fromisoformat(iso[:10])
    except ValueError:
        return None


def _days_between(later: date, earlier_iso: str | None) -> int | None:
    earlier = _date(earlier_iso)
    return None if earlier is None else (later - earlier).days


def _overlaps(a_from: date | None, a_to: date | None, b_from: str | None, b_to: str | None) -> bool:
    b_start, b_end = _date(b_from), _date(b_to)
    return (a_to is None or b_start is None or b_start <= a_to) and (a_from is None or b_end is None or b_end >= a_from)


class _Scorer:
    """Collects points and reasons for one candidate."""

    def __init__(self) -> None:
        self.points = 0.0
        self.reasons: list[str] = []

    def add(self, points: float, text: str | None = None) -> None:
        self.points += points
        if text:
            self.reasons.append(text)


def _distance(s: _Scorer, rec: Record, point: ServicePointLocation, max_km: float, w: Weights) -> tuple[bool, float | None]:
    """Score distance; False when the item is farther than `max_km`."""
    lat, lon = rec.get("lat"), rec.get("lon")
    if lat is None or lon is None:
        if point.village and rec.get("village") == point.village and rec.get("town") == point.town:
            s.add(w.distance, reason("same_village", place=point.label))
        elif point.town and rec.get("town") == point.town:
            s.add(w.distance / 2)
        return True, None
    km = haversine_km(point.lat, point.lon, lat, lon)
    if km > max_km:
        return False, km
    text = reason("distance_under_1km", place=point.label) if km < 1 else reason(
        "distance_km", place=point.label, km=round(km)
    )
    s.add(w.distance * (1 - km / max_km), text)
    return True, km


def _area(s: _Scorer, rec: Record, county: str | None, town: str | None, w: Weights) -> None:
    if town and rec.get("town") == town:
        s.add(w.area_town, reason("same_town"))
    elif county and rec.get("county") == county:
        s.add(w.area_county, reason("same_county"))


def _recency(s: _Scorer, today: date, posted: str | None, w: Weights) -> None:
    days = _days_between(today, posted)
    if days is None:
        return
    days = max(days, 0)
    text = reason("posted_today") if days == 0 else reason("posted_days", days=days) if days <= 7 else None
    s.add(w.recency * max(0.0, 1 - days / w.recency_horizon_days), text)


def _category(s: _Scorer, tree: CategoryTree, wanted: tuple[str, ...], codes: Iterable[str | None],
              w: Weights, exact_key: str = "category_exact") -> bool:
    """Score category fit; False when categories were asked for and this is neither exact nor near."""
    if not wanted:
        return True
    fit = tree.fit(wanted, codes)
    if fit == "exact":
        s.add(w.category_exact, reason(exact_key))
    elif fit == "near":
        s.add(w.category_near, reason("category_near"))
    return fit is not None


def _match(rec: Record, s: _Scorer, km: float | None) -> Match:
    return Match(rec, round(s.points, 4), None if km is None else round(km, 3), tuple(s.reasons))


def _scored(rec: Record, point: ServicePointLocation, max_km: float, tree: CategoryTree, wanted: tuple[str, ...],
            codes: Iterable[str | None], w: Weights, exact_key: str = "category_exact") -> tuple[_Scorer, float | None] | None:
    """Distance and category, which every kind of match scores first; None when out of range or off-category."""
    s = _Scorer()
    near, km = _distance(s, rec, point, max_km, w)
    if not near or not _category(s, tree, wanted, codes, w, exact_key):
        return None
    return s, km


def _pay(s: _Scorer, w: Weights, offered: float | None, asked: float | None, fits_key: str, short_key: str) -> None:
    """Pay fit when both sides name an amount: what is offered reaches what is asked, or falls short (no points)."""
    if offered is None or asked is None:
        return
    if offered >= asked:
        s.add(w.pay, reason(fits_key))
    else:
        s.add(0, reason(short_key))


def _finish(s: _Scorer, rec: Record, km: float | None, county: str | None, town: str | None, today: date,
            posted: str | None, w: Weights) -> Match:
    """Area and recency, which every kind of match scores last, and the result."""
    _area(s, rec, county, town, w)
    _recency(s, today, posted, w)
    return _match(rec, s, km)


def score_fixed_job(rec: Record, want: JobIntention, point: ServicePointLocation, today: date, tree: CategoryTree,
                    w: Weights = Weights()) -> Match | None:
    """A fixed job's fit for an intention, or None when it is out of range or off-category."""
    scored = _scored(rec, point, want.max_distance_km, tree, want.category_codes, [rec.get("category_code")], w)
    if scored is None:
        return None
    s, km = scored
    _pay(s, w, rec.get("salary_max"), want.salary_min, "salary_fits", "salary_below")
    if want.work_type and rec.get("work_type") == want.work_type:
        s.add(w.work_type, reason("work_type_fits", work_type=want.work_type))
    return _finish(s, rec, km, want.county, want.town, today, rec.get("posted_at"), w)


def score_gig_job(rec: Record, want: JobIntention, point: ServicePointLocation, today: date, tree: CategoryTree,
                  w: Weights = Weights()) -> Match | None:
    """A gig job's fit; None when out of range, off-category or on days the person cannot work."""
    if not _overlaps(want.available_from, want.available_to, rec.get("start_date"), rec.get("end_date")):
        return None
    scored = _scored(rec, point, want.max_distance_km, tree, want.category_codes, [rec.get("category_code")], w)
    if scored is None:
        return None
    s, km = scored
    _pay(s, w, rec.get("daily_wage_max"), want.daily_wage_min, "daily_wage_fits", "daily_wage_below")
    if want.available_from or want.available_to:
        s.add(w.dates, reason("dates_fit"))
    return _finish(s, rec, km, want.county, want.town, today, rec.get("posted_at"), w)


def score_gig_seeker(rec: Record, need: GigNeed, point: ServicePointLocation, today: date, tree: CategoryTree,
                     w: Weights = Weights()) -> Match | None:
    """A published gig seeker's fit for an employer's need; None when unsuitable."""
    if not _overlaps(need.start_date, need.end_date, rec.get("available_from"), rec.get("available_to")):
        return None
    scored = _scored(rec, point, need.max_distance_km, tree, need.skill_codes, rec.get("skill_codes", []), w,
                     "skill_fits")
    if scored is None:
        return None
    s, km = scored
    # the employer pays up to daily_wage_max: it fits when that reaches what the seeker expects
    _pay(s, w, need.daily_wage_max, rec.get("daily_wage_expect"), "seeker_wage_fits", "seeker_wage_above")
    if need.start_date or need.end_date:
        s.add(w.dates, reason("seeker_available"))
    return _finish(s, rec, km, need.county, need.town, today, rec.get("published_at"), w)


def rank(matches: Iterable[Match | None], limit: int) -> list[Match]:
    """Best first; ties by distance then platform id, so the order is deterministic."""
    kept = [m for m in matches if m is not None]
    kept.sort(key=lambda m: (-m.score, m.distance_km if m.distance_km is not None else math.inf, m.record.id))
    return kept[:limit]


class Matcher:
    """Loads candidates from the cache and ranks them with the score functions above."""

    def __init__(self, engine: Engine, clock: Clock, weights: Weights = Weights()) -> None:
        self._engine = engine
        self._clock = clock
        self._codes = CodeTables(engine)
        self.weights = weights

    def _candidates(self, feed: str, point: ServicePointLocation, max_km: float, expires: str) -> list[Record]:
        spec = feed_spec(feed)
        today = local_today(self._clock()).isoformat()
        lat0, lat1, lon0, lon1 = bounding_box(point.lat, point.lon, max_km)
        with reading(self._engine) as conn:
            rows = conn.exec_driver_sql(
                f"SELECT {select_columns(spec)} FROM {spec.table} t WHERE t.deleted = 0 "
                f"AND (t.{expires} IS NULL OR t.{expires} >= ?) "
                "AND ((t.lat BETWEEN ? AND ? AND t.lon BETWEEN ? AND ?) OR t.lat IS NULL OR t.lon IS NULL)",
                (today, lat0, lat1, lon0, lon1),
            ).all()
        return [record_from_row(spec, r) for r in rows]

    def _run(self, feed: str, expires: str, point: ServicePointLocation, max_km: float, limit: int,
             score: Callable[[Record, date, CategoryTree], Match | None]) -> list[Match]:
        today = local_today(self._clock())
        tree = CategoryTree(self._codes.category_parents())
        return rank((score(rec, today, tree) for rec in self._candidates(feed, point, max_km, expires)), limit)

    def fixed_jobs(self, want: JobIntention, point: ServicePointLocation, limit: int = 20) -> list[Match]:
        """Fixed jobs for a person's intention, best first, each with its reasons."""
        return self._run("fixed_jobs", "expires_at", point, want.max_distance_km, limit,
                         lambda r, d, t: score_fixed_job(r, want, point, d, t, self.weights))

    def gig_jobs(self, want: JobIntention, point: ServicePointLocation, limit: int = 20) -> list[Match]:
        """Gig jobs for a person's intention, best first."""
        return self._run("gig_jobs", "end_date", point, want.max_distance_km, limit,
                         lambda r, d, t: score_gig_job(r, want, point, d, t, self.weights))

    def gig_seekers(self, need: GigNeed, point: ServicePointLocation, limit: int = 20) -> list[Match]:
        """Published gig seekers for an employer's need, best first."""
        return self._run("gig_seekers", "available_to", point, need.max_distance_km, limit,
                         lambda r, d, t: score_gig_seeker(r, need, point, d, t, self.weights))
