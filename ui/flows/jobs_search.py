"""Items 3 固定工岗位信息查询 and 6 零工岗位信息查询: filters, keyword chips, results, job detail with QR and 打印."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from kiosk.catalogue import ServiceItem
from kiosk.receipts.jobs import detail_url, job_receipt, pay_text
from kiosk.values import Record, SearchQuery
from ui.context import UiContext
from ui.flows.browse_common import (
    BrowsePage,
    DetailPage,
    days_ago_text,
    existing_page,
    month_day,
    open_record,
    place_text,
)
from ui.result_list import ResultRow
from ui.text import tr

PAGE_SIZE = 20
KEYWORDS = ("保洁", "司机", "焊工", "电工", "护工", "厨师", "保安", "农业")  # the commonest queries
WORK_TYPES = ("全职", "兼职", "季节工")
WITHIN_DAYS = (3, 7, 30)
# (pay_min, pay_max) as SearchQuery means them: the item's top pay ≥ min, its lowest pay ≤ max.
MONTHLY_RANGES: tuple[tuple[int | None, int | None], ...] = ((None, 3000), (3000, 5000), (5000, 8000), (8000, None))
DAILY_RANGES: tuple[tuple[int | None, int | None], ...] = ((None, 150), (150, 250), (250, 350), (350, None))


def range_options(ranges: tuple[tuple[int | None, int | None], ...], unit: str) -> list[tuple[Hashable, str]]:
    """Preset pay ranges as picker options: 不限, 3000元以下, 3000–5000元, …, 8000元以上."""
    out: list[tuple[Hashable, str]] = [(None, tr("jobs_browse.any"))]
    for lo, hi in ranges:
        if lo is None:
            text = tr("jobs_browse.range_below", hi=hi, unit=unit)
        elif hi is None:
            text = tr("jobs_browse.range_above", lo=lo, unit=unit)
        else:
            text = tr("jobs_browse.range_between", lo=lo, hi=hi, unit=unit)
        out.append(((lo, hi), text))
    return out


def code_options(records: list[Record], value: str = "name") -> list[tuple[Hashable, str]]:
    return [(None, tr("jobs_browse.any"))] + [(r[value] if value != "code" else r["code"], r["name"]) for r in records]


class JobSearchPage(BrowsePage):
    """Search fixed (固定工) or gig (零工) jobs: the kiosk's own town preselected, results listed at once."""

    def __init__(self, ctx: UiContext, item: ServiceItem, feed: str) -> None:
        self.feed = feed
        fixed = feed == "fixed_jobs"
        super().__init__(ctx, item, "fixedJobs" if fixed else "gigJobs")
        town = ctx.settings.service_point.town
        self.town = self.add_filter("Town", tr("jobs_search.town"), current=town)
        self.category = self.add_filter("Category", tr("jobs_search.category"), [(None, tr("jobs_browse.any"))])
        if fixed:
            self.pay = self.add_filter("Pay", tr("jobs_search.salary"),
                                       range_options(MONTHLY_RANGES, tr("jobs_search.unit_month")))
            self.work_type = self.add_filter("WorkType", tr("jobs_search.work_type"),
                                             [(None, tr("jobs_browse.any"))] + [(w, w) for w in WORK_TYPES])
        else:
            self.pay = self.add_filter("Pay", tr("jobs_search.daily_wage"),
                                       range_options(DAILY_RANGES, tr("jobs_search.unit_day")))
        self.within = self.add_filter("Within", tr("jobs_search.within"),
                                      [(None, tr("jobs_browse.any"))] + [(d, tr("jobs_search.within_days", days=d))
                                                                    for d in WITHIN_DAYS])
        self.add_chips(KEYWORDS)
        self.detail_id = f"jobs_detail_{feed}"
        services = ctx.services
        ctx.run(lambda: (services.towns(), services.job_categories()), self._options_loaded, busy=None)

    def _options_loaded(self, lists: tuple[list[Record], list[Record]]) -> None:
        towns, categories = lists
        self.town.set_options(code_options(towns))
        self.category.set_options(code_options(categories, "code"))

    def fetch(self, state: dict[str, Any], page: int) -> tuple[list[ResultRow], int, int, bool]:
        lo, hi = state.get("Pay") or (None, None)
        q = SearchQuery(text=state["keyword"], town=state.get("Town"), category_code=state.get("Category"),
                        work_type=state.get("WorkType"), pay_min=lo, pay_max=hi, within_days=state.get("Within"),
                        page=page, page_size=PAGE_SIZE)
        result = self.ctx.services.search(self.feed, q)
        today = self.ctx.services.today()
        return [self.row(r, today) for r in result.items], result.total, PAGE_SIZE, result.total_capped

    def row(self, r: Record, today: Any) -> ResultRow:
        where = [place_text(r)]
        if self.feed == "fixed_jobs":
            if r.get("work_type"):
                where.insert(0, r["work_type"])
        elif r.get("start_date"):
            where.append(tr("jobs_search.gig_dates", start=month_day(r.get("start_date")),
                            end=month_day(r.get("end_date"))))
        where.append(days_ago_text(r.get("posted_at"), today))
        return ResultRow(r.id, r.get("title", ""), pay_text(self.feed, r.fields),
                         (r.get("employer", ""), tr("jobs_browse.sep").join(p for p in where if p)))

    def empty_text(self) -> str:
        return tr("jobs_search.none_found")

    def open_row(self, key: str) -> None:
        open_job(self.ctx, self.feed, key, self.detail_id, gone=self.reload)


def open_job(ctx: UiContext, feed: str, key: str, detail_id: str, *,
             gone: Callable[[], None] | None = None) -> None:
    """Read job `key` off the GUI thread and show it on the detail page `detail_id`.

    If the job has gone meanwhile, say so and call `gone` (the search reloads its list).
    """

    def shown(rec: Record) -> None:
        page = existing_page(ctx, detail_id)
        if not isinstance(page, DetailPage):
            page = DetailPage(ctx, detail_id, "jobDetail", tr("jobs_detail.qr_caption"))
        show_job(ctx, page, feed, rec)
        ctx.show(page)

    open_record(ctx, feed, key, shown, gone=gone)


def show_job(ctx: UiContext, page: DetailPage, feed: str, rec: Record) -> None:
    """Fill a detail page with a fixed or gig job: everything a villager needs to decide and to apply."""
    f = rec.fields
    counter = ctx.settings.service_point.counter
    dates = ""
    if feed == "gig_jobs" and f.get("start_date"):
        dates = tr("jobs_search.gig_dates", start=month_day(f.get("start_date")), end=month_day(f.get("end_date")))
    fields = [
        (tr("jobs_detail.employer"), f.get("employer") or ""),
        (tr("jobs_detail.place"), f.get("address") or place_text(rec)),
        (tr("jobs_detail.category"), f.get("category_name") or ""),
        (tr("jobs_detail.work_type"), f.get("work_type") or ""),
        (tr("jobs_detail.dates"), dates),
        (tr("jobs_detail.education"), f.get("education") or ""),
        (tr("jobs_detail.headcount"), tr("jobs_detail.people", n=f["headcount"]) if f.get("headcount") else ""),
        (tr("jobs_detail.contact"), f.get("contact_name") or ""),
        (tr("jobs_detail.phone"), f.get("contact_phone") or ""),
        (tr("jobs_detail.posted"), f.get("posted_at") or ""),
        (tr("jobs_detail.expires"), f.get("expires_at") or ""),
        (tr("jobs_detail.about"), f.get("description") or ""),
        (tr("jobs_detail.how"), tr("jobs_detail.how_text", counter=counter)),
    ]
    settings = ctx.settings
    page.show_item(f.get("title", ""), pay_text(feed, f), fields, qr_payload=detail_url(feed, rec.id),
                   build=lambda: job_receipt(settings, feed, rec.id, f, ctx.services.now()))


def fixed_search(ctx: UiContext, item: ServiceItem) -> BrowsePage:
    page = existing_page(ctx, f"fixedJobs_{item.id}")
    return page if isinstance(page, BrowsePage) else JobSearchPage(ctx, item, "fixed_jobs")


def gig_search(ctx: UiContext, item: ServiceItem) -> BrowsePage:
    page = existing_page(ctx, f"gigJobs_{item.id}")
    return page if isinstance(page, BrowsePage) else JobSearchPage(ctx, item, "gig_jobs")
