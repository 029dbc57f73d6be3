"""Items 2/5 岗位信息推荐 (jobs for the resident's intention) and 8/9 零工求职信息推荐/查询 (for a gig employer)."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime
from typing import Any

from kiosk.catalogue import ServiceItem
from kiosk.receipts.jobs import pay_text, seeker_receipt
from kiosk.services import HeldIntention
from kiosk.values import GigNeed, JobIntention, Match, Record, SearchQuery
from ui.context import UiContext
from ui.flows.browse_common import (
    BrowsePage,
    DetailPage,
    FilterButton,
    existing_page,
    month_day,
    open_record,
    place_text,
)
from ui.flows.jobs_search import DAILY_RANGES, PAGE_SIZE, WITHIN_DAYS, code_options, open_job, range_options
from ui.picker import pick
from ui.result_list import ResultRow
from ui.text import tr

SALARY_AT_LEAST = (2000, 3000, 4000, 5000, 6000)
DAILY_AT_LEAST = (120, 150, 200, 250, 300)
EMPLOYER_PAYS_UP_TO = (150, 200, 250, 300, 400)
LIMIT = 60


def _made(made: datetime | None) -> str:
    return month_day(made.date().isoformat()) if made is not None else ""


def _reasons(m: Match) -> str:
    return tr("jobs_browse.sep").join(m.reasons)


class _AskedRecommendPage(BrowsePage):
    """A recommendation from what the platform (or this kiosk's outbox) holds for the person, else from two
    questions: what work (`self.what`), then what pay (`self.pay`); results follow each answer."""

    personal = True
    ask_key = "jobs_recommend.ask"
    what: FilterButton
    pay: FilterButton
    base: JobIntention | GigNeed | None

    def __init__(self, ctx: UiContext, item: ServiceItem, name: str) -> None:
        super().__init__(ctx, item, name)
        self._asked = False

    def held(self) -> HeldIntention:
        """What the person's registration says (runs off the GUI thread)."""
        raise NotImplementedError

    def apply_held(self, held: HeldIntention) -> str | None:
        """Set the filters from what is held; the notice saying where it came from (None: nothing held)."""
        raise NotImplementedError

    def on_enter(self) -> None:
        if self._loaded_for == self.session_key():
            return
        self._loaded_for = self.session_key()
        services = self.ctx.services
        self.ctx.run(lambda: (services.job_categories(), self.held()), self._prepared, busy=None)

    def _prepared(self, result: tuple[list[Record], HeldIntention]) -> None:
        categories, held = result
        self.what.set_options(code_options(categories, "code"))
        offline = tr("jobs_recommend.offline") if held.offline else ""
        notice = self.apply_held(held)
        self.set_notice(offline + (notice if notice is not None else tr(self.ask_key)))
        self.reload()
        if notice is None and not self._asked:
            self._asked = True
            self.ask()

    def ask(self) -> None:
        """Question 1 (what work), then question 2 (what pay); results follow each answer."""
        def second(v: Hashable) -> None:
            self.what.set_value(v)
            pick(self.ctx.window, tr("jobs_browse.pick_title", title=self.pay.title), self.pay.options(),
                 lambda p: self.pay.set_value(p), current=self.pay.value)

        pick(self.ctx.window, tr("jobs_browse.pick_title", title=self.what.title), self.what.options(),
             second, current=self.what.value)

    def clear_personal(self) -> None:
        super().clear_personal()
        self.base = None
        self._asked = False
        self.set_notice("")
        self.what.set_value(None, notify=False)
        self.pay.set_value(None, notify=False)


class JobRecommendPage(_AskedRecommendPage):
    """Jobs recommended for the resident's intention (from their last job-seeker registration, or 2 questions)."""

    def __init__(self, ctx: UiContext, item: ServiceItem, feed: str) -> None:
        self.feed = feed
        fixed = feed == "fixed_jobs"
        super().__init__(ctx, item, "fixedRecommend" if fixed else "gigRecommend")
        self.job_type = "fixed" if fixed else "gig"
        self.category = self.what = self.add_filter("Category", tr("jobs_recommend.category"),
                                                    [(None, tr("jobs_browse.any"))])
        if fixed:
            pay = [(None, tr("jobs_browse.any"))] + [(v, tr("jobs_recommend.at_least", v=v)) for v in SALARY_AT_LEAST]
            self.pay = self.add_filter("Pay", tr("jobs_recommend.salary"), pay)
        else:
            pay = [(None, tr("jobs_browse.any"))] + [(v, tr("jobs_recommend.at_least_day", v=v)) for v in DAILY_AT_LEAST]
            self.pay = self.add_filter("Pay", tr("jobs_recommend.daily_wage"), pay)
        self.base: JobIntention | None = None  # from the registration: keeps town / work type too
        self.detail_id = f"jobs_detail_{feed}"

    def held(self) -> HeldIntention:
        # the intention the platform holds for the person (else one still in this kiosk's outbox, else ask)
        return self.ctx.services.job_intention(self.job_type)

    def apply_held(self, held: HeldIntention) -> str | None:
        if held.intention is None:
            return None
        self.base = held.intention
        if self.base.category_codes:  # a group (建筑施工) from the form, or a trade: named either way
            self.category.set_value(self.base.category_codes[0], notify=False,
                                    label_text=held.category_names[0] if held.category_names else None)
        wanted = self.base.salary_min if self.job_type == "fixed" else self.base.daily_wage_min
        if wanted is not None:
            shown = tr("jobs_recommend.at_least" if self.job_type == "fixed" else "jobs_recommend.at_least_day",
                       v=wanted)
            self.pay.set_value(wanted, notify=False, label_text=shown)
        source = "jobs_recommend.from_platform" if held.source == "platform" else "jobs_recommend.from_registration"
        return tr(source, date=_made(held.made))

    def intention(self, state: dict[str, Any]) -> JobIntention:
        base = self.base or JobIntention()  # distance from the service point ranks; no area bonus for everyone
        cat = state.get("Category")
        pay = state.get("Pay")
        return JobIntention(
            category_codes=(cat,) if cat else (), county=base.county, town=base.town,
            salary_min=pay if self.job_type == "fixed" else None,
            daily_wage_min=pay if self.job_type == "gig" else None,
            work_type=base.work_type, available_from=base.available_from, available_to=base.available_to,
        )

    def fetch(self, state: dict[str, Any], page: int) -> tuple[list[ResultRow], int, int]:
        matches = self.ctx.services.recommend(self.feed, self.intention(state), LIMIT)
        rows = [ResultRow(m.record.id, m.record.get("title", ""), pay_text(self.feed, m.record.fields),
                          (m.record.get("employer", ""), place_text(m.record)), _reasons(m)) for m in matches]
        return rows, len(rows), max(1, len(rows))

    def empty_text(self) -> str:
        return tr("jobs_recommend.none_found")

    def open_row(self, key: str) -> None:
        open_job(self.ctx, self.feed, key, self.detail_id)


def _age_text(f: Any) -> str:
    """The published age band (e.g. 40-49岁), else the exact age a feed row carries, else nothing."""
    if f.get("age_band"):
        return str(f["age_band"])
    return tr("jobs_seekers.age_years", age=f["age"]) if f.get("age") else ""


def _who(f: Any) -> str:
    """男 45岁 / 40-49岁 (a published registration shows no gender) / 男."""
    return " ".join(x for x in (f.get("gender") or "", _age_text(f)) if x)


def seeker_row(r: Record, note: str = "") -> ResultRow:
    """A published gig seeker as a row: masked name, gender, age, skills, expected wage, place, days."""
    f = r.fields
    name = f.get("name_masked") or ""
    title = tr("jobs_seekers.row_title", name=name, who=_who(f))
    right = tr("jobs_seekers.expect", v=f["daily_wage_expect"]) if f.get("daily_wage_expect") else ""
    where = [place_text(r)]
    if f.get("available_from"):
        where.append(tr("jobs_seekers.available", start=month_day(f.get("available_from")),
                        end=month_day(f.get("available_to"))))
    lines = (tr("jobs_seekers.skills", skills="、".join(f.get("skill_names") or ())),
             tr("jobs_browse.sep").join(where))
    return ResultRow(r.id, title, right, lines, note)


class SeekerPages:
    """Shared by 8 and 9: the detail page of a gig seeker (masked contact, printable)."""

    def __init__(self, ctx: UiContext) -> None:
        self.ctx = ctx

    def open(self, key: str) -> None:
        open_record(self.ctx, "gig_seekers", key, self._show)

    def _show(self, rec: Record) -> None:
        ctx = self.ctx
        page = existing_page(ctx, "jobs_detail_gig_seekers")
        if not isinstance(page, DetailPage):
            page = DetailPage(ctx, "jobs_detail_gig_seekers", "seekerDetail", "")
        f = rec.fields
        row = seeker_row(rec)
        fields = [
            (tr("jobs_seekers.detail_skills"), "、".join(f.get("skill_names") or ())),
            (tr("jobs_seekers.detail_age"), _who(f)),
            (tr("jobs_seekers.detail_place"), place_text(rec)),
            (tr("jobs_seekers.detail_available"), tr("jobs_seekers.available", start=month_day(f.get("available_from")),
                                                     end=month_day(f.get("available_to")))
             if f.get("available_from") else ""),
            (tr("jobs_seekers.detail_wage"), row.right),
            (tr("jobs_seekers.detail_phone"), tr("jobs_seekers.phone_masked", phone=f["phone_masked"])
             if f.get("phone_masked") else ""),
            (tr("jobs_seekers.detail_about"), f.get("description") or ""),
            (tr("jobs_seekers.detail_how"), tr("jobs_seekers.how_text", counter=ctx.settings.service_point.counter)),
        ]
        settings = ctx.settings
        page.show_item(row.title, row.right, fields, build=lambda: seeker_receipt(settings, rec.id, f, ctx.services.now()))
        ctx.show(page)


class SeekerRecommendPage(_AskedRecommendPage):
    """Item 8: published gig seekers matching a gig employer's need (2 questions: what work, what pay)."""

    ask_key = "jobs_seekers.ask"

    def __init__(self, ctx: UiContext, item: ServiceItem) -> None:
        super().__init__(ctx, item, "seekerRecommend")
        self.skill = self.what = self.add_filter("Skill", tr("jobs_seekers.skill"), [(None, tr("jobs_browse.any"))])
        pays = [(None, tr("jobs_browse.any"))] + [(v, tr("jobs_seekers.at_most_day", v=v)) for v in EMPLOYER_PAYS_UP_TO]
        self.pay = self.add_filter("Pay", tr("jobs_seekers.pay"), pays)
        self.details = SeekerPages(ctx)
        self.base: GigNeed | None = None  # from the employer's 招聘零工登记: keeps town and dates too

    def held(self) -> HeldIntention:
        return self.ctx.services.employer_need()

    def apply_held(self, held: HeldIntention) -> str | None:
        if held.need is None:
            return None
        self.base = held.need
        if self.base.skill_codes:
            self.skill.set_value(self.base.skill_codes[0], notify=False,
                                 label_text=held.category_names[0] if held.category_names else None)
        if self.base.daily_wage_max is not None:
            self.pay.set_value(self.base.daily_wage_max, notify=False,
                               label_text=tr("jobs_seekers.at_most_day", v=self.base.daily_wage_max))
        return tr("jobs_seekers.from_hiring", date=_made(held.made))

    def fetch(self, state: dict[str, Any], page: int) -> tuple[list[ResultRow], int, int]:
        skill = state.get("Skill")
        base = self.base or GigNeed()
        need = GigNeed(skill_codes=(skill,) if skill else (), daily_wage_max=state.get("Pay"), county=base.county,
                       town=base.town, start_date=base.start_date, end_date=base.end_date)
        matches = self.ctx.services.recommend_seekers(need, LIMIT)
        rows = [seeker_row(m.record, _reasons(m)) for m in matches]
        return rows, len(rows), max(1, len(rows))

    def empty_text(self) -> str:
        return tr("jobs_seekers.none_found")

    def open_row(self, key: str) -> None:
        self.details.open(key)


class SeekerSearchPage(BrowsePage):
    """Item 9: search published gig seekers by town, skill, expected wage, recency (contacts masked)."""

    def __init__(self, ctx: UiContext, item: ServiceItem) -> None:
        super().__init__(ctx, item, "seekerSearch")
        self.town = self.add_filter("Town", tr("jobs_seekers.town"), current=ctx.settings.service_point.town)
        self.skill = self.add_filter("Skill", tr("jobs_seekers.skill"), [(None, tr("jobs_browse.any"))])
        self.pay = self.add_filter("Pay", tr("jobs_seekers.wage"), range_options(DAILY_RANGES, tr("jobs_search.unit_day")))
        self.within = self.add_filter("Within", tr("jobs_seekers.within"),
                                      [(None, tr("jobs_browse.any"))] + [(d, tr("jobs_search.within_days", days=d))
                                                                         for d in WITHIN_DAYS])
        self.details = SeekerPages(ctx)
        services = ctx.services
        ctx.run(lambda: (services.towns(), services.job_categories()), self._options_loaded, busy=None)

    def _options_loaded(self, lists: tuple[list[Record], list[Record]]) -> None:
        towns, categories = lists
        self.town.set_options(code_options(towns))
        # published seekers carry skill names: search by the name (full-text), not by a code column
        self.skill.set_options([(None, tr("jobs_browse.any"))] + [(r["name"], r["name"]) for r in categories])

    def fetch(self, state: dict[str, Any], page: int) -> tuple[list[ResultRow], int, int, bool]:
        lo, hi = state.get("Pay") or (None, None)
        q = SearchQuery(text=state.get("Skill") or "", town=state.get("Town"), pay_min=lo, pay_max=hi,
                        within_days=state.get("Within"), page=page, page_size=PAGE_SIZE)
        result = self.ctx.services.search("gig_seekers", q)
        return [seeker_row(r) for r in result.items], result.total, PAGE_SIZE, result.total_capped

    def empty_text(self) -> str:
        return tr("jobs_seekers.none_found")

    def open_row(self, key: str) -> None:
        self.details.open(key)


def _reuse(ctx: UiContext, page_id: str, make: Any) -> BrowsePage:
    page = existing_page(ctx, page_id)
    return page if isinstance(page, BrowsePage) else make()


def fixed_recommend(ctx: UiContext, item: ServiceItem) -> BrowsePage:
    return _reuse(ctx, f"fixedRecommend_{item.id}", lambda: JobRecommendPage(ctx, item, "fixed_jobs"))


def gig_recommend(ctx: UiContext, item: ServiceItem) -> BrowsePage:
    return _reuse(ctx, f"gigRecommend_{item.id}", lambda: JobRecommendPage(ctx, item, "gig_jobs"))


def seeker_recommend(ctx: UiContext, item: ServiceItem) -> BrowsePage:
    return _reuse(ctx, f"seekerRecommend_{item.id}", lambda: SeekerRecommendPage(ctx, item))


def seeker_search(ctx: UiContext, item: ServiceItem) -> BrowsePage:
    return _reuse(ctx, f"seekerSearch_{item.id}", lambda: SeekerSearchPage(ctx, item))
