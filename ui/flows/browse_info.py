"""Items 14/S000-09 招聘会, 12 就业政策法规, 15 档案存放机构, S002-01 见习岗位: lists, details, print."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date, datetime
from typing import Any

from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout

from kiosk.catalogue import ServiceItem
from kiosk.receipts.jobs import (
    archive_receipt,
    detail_url,
    fair_receipt,
    internship_receipt,
    policy_receipt,
)
from kiosk.services import NeedsNetwork
from kiosk.values import Record, SearchQuery
from ui.context import UiContext, plain_message
from ui.flows.browse_common import BrowsePage, DetailPage, existing_page, month_day, open_record
from ui.result_list import ResultRow
from ui.text import tr
from ui.widgets import big_button, label

ALL = 100  # small feeds: one data page holds them all


def _detail(ctx: UiContext, page_id: str, prefix: str, caption: str) -> DetailPage:
    page = existing_page(ctx, page_id)
    return page if isinstance(page, DetailPage) else DetailPage(ctx, page_id, prefix, caption)


class CachedFeedPage(BrowsePage):
    """A list of one cached feed whose rows open a detail page: give `feed`, the `none_key` text shown
    when nothing is found, `fetch` and `_show`."""

    feed = ""
    none_key = ""

    def empty_text(self) -> str:
        return tr(self.none_key)

    def open_row(self, key: str) -> None:
        open_record(self.ctx, self.feed, key, self._show)

    def _show(self, rec: Record) -> None:
        raise NotImplementedError


# ---- 招聘会 ----
def fair_when(f: Any, today: date) -> tuple[str, str]:
    """('5月3日（周六）9:00–12:00', '还有 5 天' / '今天举行')."""
    start, end = f.get("start_at") or "", f.get("end_at") or ""
    try:
        s = datetime.fromisoformat(start)
    except ValueError:
        return start, ""
    try:
        e_text = datetime.fromisoformat(end).strftime("%H:%M").lstrip("0") if end else ""
    except ValueError:
        e_text = ""
    weekday = tr("jobs_fairs.weekdays")[s.weekday()]
    when = tr("jobs_fairs.time", date=month_day(start), weekday=weekday,
              start=s.strftime("%H:%M").lstrip("0"), end=e_text)
    days = (s.date() - today).days
    soon = tr("jobs_fairs.today") if days == 0 else tr("jobs_fairs.ongoing") if days < 0 else \
        tr("jobs_fairs.upcoming", days=days)
    return when, soon


class FairsPage(CachedFeedPage):
    """Job fairs, soonest first. 就业困难人员 fairs only for a session the platform flags; `hard_only`: only those."""

    feed = "job_fairs"

    def __init__(self, ctx: UiContext, item: ServiceItem, hard_only: bool = False) -> None:
        super().__init__(ctx, item, "hardFairs" if hard_only else "fairs")
        self.hard_only = hard_only
        self.personal = hard_only
        self.none_key = "jobs_fairs.none_hard" if hard_only else "jobs_fairs.none_found"

    def fetch(self, state: dict[str, Any], page: int) -> tuple[list[ResultRow], int, int]:
        s = self.ctx.services.session
        flagged = bool(s and s.hard_to_employ)
        result = self.ctx.services.search("job_fairs", SearchQuery(hard_to_employ=flagged, page_size=ALL))
        today = self.ctx.services.today()
        rows = []
        for r in result.items:
            hard = bool(r.get("hard_to_employ_only"))
            if self.hard_only and not hard:
                continue
            when, soon = fair_when(r, today)
            note = tr("jobs_fairs.audience", audience=r.get("audience", ""))
            if hard:
                note = tr("jobs_fairs.hard_only") + tr("jobs_browse.sep") + note
            rows.append(ResultRow(r.id, r.get("title", ""), soon, (when, r.get("venue", "")), note))
        return rows, len(rows), max(1, len(rows))

    def _show(self, rec: Record) -> None:
        page = _detail(self.ctx, "jobs_detail_job_fairs", "fairDetail", tr("jobs_fairs.qr_caption"))
        f = rec.fields
        when, soon = fair_when(f, self.ctx.services.today())
        scale = tr("jobs_fairs.scale", employers=f["employers_count"], posts=f.get("posts_count") or "—") \
            if f.get("employers_count") else ""
        fields = [(tr("jobs_fairs.detail_time"), when), (tr("jobs_fairs.detail_venue"), f.get("venue") or ""),
                  (tr("jobs_fairs.detail_organizer"), f.get("organizer") or ""),
                  (tr("jobs_fairs.detail_audience"), f.get("audience") or ""),
                  (tr("jobs_fairs.detail_scale"), scale)]
        settings = self.ctx.settings
        page.show_item(f.get("title", ""), soon, fields, text=f.get("description") or "",
                       qr_payload=detail_url("job_fairs", rec.id),
                       build=lambda: fair_receipt(settings, rec.id, f, when, self.ctx.services.now()))
        self.ctx.show(page)


# ---- 就业政策法规 ----
class PoliciesPage(CachedFeedPage):
    """Cached policy documents, newest first, by category; the detail prints a summary."""

    feed = "policies"
    none_key = "jobs_policies.none_found"

    def __init__(self, ctx: UiContext, item: ServiceItem) -> None:
        super().__init__(ctx, item, "policies")
        self.category = self.add_filter("Category", tr("jobs_policies.category"), [(None, tr("jobs_browse.any"))])
        services = ctx.services
        ctx.run(lambda: services.distinct_values("policies", "category"),
                lambda cats: self.category.set_options([(None, tr("jobs_browse.any"))] + [(c, c) for c in cats]),
                busy=None)

    def fetch(self, state: dict[str, Any], page: int) -> tuple[list[ResultRow], int, int, bool]:
        result = self.ctx.services.search("policies", SearchQuery(category=state.get("Category"), page=page,
                                                                  page_size=20))
        rows = [ResultRow(r.id, r.get("title", ""), "",
                          (tr("jobs_browse.sep").join(p for p in (r.get("doc_no"), r.get("issuer")) if p),
                           r.get("summary", "")), r.get("published_at", "")) for r in result.items]
        return rows, result.total, 20, result.total_capped

    def _show(self, rec: Record) -> None:
        page = _detail(self.ctx, "jobs_detail_policies", "policyDetail", tr("jobs_policies.qr_caption"))
        page.print_button.setText(tr("jobs_policies.print"))
        page.print_button.setAccessibleName(tr("jobs_policies.print"))
        f = rec.fields
        fields = [(tr("jobs_policies.detail_doc_no"), f.get("doc_no") or ""),
                  (tr("jobs_policies.detail_issuer"), f.get("issuer") or ""),
                  (tr("jobs_policies.detail_published"), f.get("published_at") or ""),
                  (tr("jobs_policies.detail_category"), f.get("category") or ""),
                  (tr("jobs_policies.detail_summary"), f.get("summary") or ""),
                  (tr("jobs_policies.detail_body"), f.get("body") or "")]
        settings = self.ctx.settings
        page.show_item(f.get("title", ""), f.get("doc_no") or "", fields, qr_payload=detail_url("policies", rec.id),
                       build=lambda: policy_receipt(settings, rec.id, f, self.ctx.services.now()))
        self.ctx.show(page)


# ---- 档案存放机构 ----
class ArchivesPage(CachedFeedPage):
    """The resident's own archive location (live, online only) above the cached directory of institutions."""

    feed = "archive_institutions"
    none_key = "jobs_archives.none_found"

    personal = True

    def __init__(self, ctx: UiContext, item: ServiceItem) -> None:
        super().__init__(ctx, item, "archives")
        self.mine_box = QFrame()
        self.mine_box.setObjectName("cardPanel")
        box = QVBoxLayout(self.mine_box)
        box.setContentsMargins(30, 16, 30, 16)
        row = QHBoxLayout()
        row.addWidget(label("archivesMineTitle", tr("jobs_archives.mine_title"), role="heading"), 1)
        self.mine_print = big_button("archivesMinePrint", tr("jobs_archives.mine_print"), role="primary")
        self.mine_print.clicked.connect(self.print_mine)
        self.mine_print.hide()
        row.addWidget(self.mine_print)
        box.addLayout(row)
        self.mine_text = label("archivesMineText", "")
        box.addWidget(self.mine_text)
        self.layout().insertWidget(2, self.mine_box)  # type: ignore[union-attr]
        self.mine: dict[str, Any] | None = None

    def _set_mine_text(self, text: str) -> None:
        self.mine_text.setText(text)
        self.mine_text.setAccessibleName(text)

    def on_enter(self) -> None:
        if self._loaded_for == self.session_key():
            return
        super().on_enter()
        counter = self.ctx.settings.service_point.counter
        self.mine = None
        self.mine_print.hide()
        if self.ctx.services.session is None:
            self._set_mine_text(tr("jobs_archives.mine_offline", counter=counter))
            return
        self._set_mine_text(tr("jobs_archives.mine_loading"))
        self.ctx.run(lambda: self.ctx.services.personal_record("archive_location"), self._mine_done,
                     self._mine_failed, busy=None)

    def _mine_done(self, record: Any) -> None:
        counter = self.ctx.settings.service_point.counter
        data = dict(record.data) if record.found else {}
        self.mine = data
        if data.get("has_archive"):
            self._set_mine_text(tr("jobs_archives.mine_found", institution=data.get("institution", ""),
                                   address=data.get("address", ""), phone=data.get("phone", "")))
        else:
            self._set_mine_text(tr("jobs_archives.mine_none", counter=counter))
        self.mine_print.show()

    def _mine_failed(self, exc: BaseException) -> None:
        counter = self.ctx.settings.service_point.counter
        if isinstance(exc, NeedsNetwork):
            self._set_mine_text(tr("jobs_archives.mine_offline", counter=counter))
        else:
            self._set_mine_text(plain_message(exc))

    def print_mine(self) -> None:
        session = self.ctx.services.session
        if self.mine is None or session is None:
            return
        mine = dict(self.mine)
        name, id_number = session.identity.name, session.identity.id_number
        settings, services = self.ctx.settings, self.ctx.services

        def build() -> object:  # runs off the GUI thread
            directory = services.search("archive_institutions", SearchQuery(page_size=ALL)).items
            chosen = [r.fields for r in directory if r.get("name") == mine.get("institution")]
            return archive_receipt(settings, chosen, services.now(), mine=mine, holder_name=name, holder_id=id_number)

        self.ctx.print_document(build)

    def fetch(self, state: dict[str, Any], page: int) -> tuple[list[ResultRow], int, int]:
        result = self.ctx.services.search("archive_institutions", SearchQuery(page_size=ALL))
        rows = [ResultRow(r.id, r.get("name", ""), r.get("county", ""),
                          (r.get("address", ""), tr("jobs_browse.sep").join(p for p in (r.get("phone"), r.get("hours"))
                                                                             if p)),
                          r.get("scope", "")) for r in result.items]
        return rows, len(rows), max(1, len(rows))

    def _show(self, rec: Record) -> None:
        page = _detail(self.ctx, "jobs_detail_archives", "archiveDetail", "")
        f = rec.fields
        fields = [(tr("jobs_archives.detail_county"), f.get("county") or ""),
                  (tr("jobs_archives.detail_address"), f.get("address") or ""),
                  (tr("jobs_archives.detail_phone"), f.get("phone") or ""),
                  (tr("jobs_archives.detail_hours"), f.get("hours") or ""),
                  (tr("jobs_archives.detail_scope"), f.get("scope") or "")]
        settings = self.ctx.settings
        page.show_item(f.get("name", ""), "", fields, build=lambda: archive_receipt(settings, [f], self.ctx.services.now()))
        self.ctx.show(page)

    def clear_personal(self) -> None:
        super().clear_personal()
        self.mine = None
        self.mine_print.hide()
        self._set_mine_text("")


# ---- 见习岗位 ----
class InternshipsPage(CachedFeedPage):
    """Internship posts, no login: choose the city, then the county (two pickers)."""

    feed = "internship_posts"
    none_key = "jobs_internships.none_found"

    def __init__(self, ctx: UiContext, item: ServiceItem) -> None:
        super().__init__(ctx, item, "internships")
        self.city = self.add_filter("City", tr("jobs_internships.city"), [(None, tr("jobs_browse.any"))],
                                    on_change=self._city_changed)
        self.county = self.add_filter("County", tr("jobs_internships.county"), [(None, tr("jobs_browse.any"))])
        services = ctx.services
        ctx.run(lambda: services.distinct_values("internship_posts", "city"),
                lambda cities: self.city.set_options([(None, tr("jobs_browse.any"))] + [(c, c) for c in cities]),
                busy=None)

    def _city_changed(self, city: Hashable) -> None:
        self.county.set_options([(None, tr("jobs_browse.any"))])
        self.county.set_value(None, notify=False)
        self.reload()
        if city is None:
            return
        services = self.ctx.services
        self.ctx.run(lambda: services.distinct_values("internship_posts", "county", city=str(city)),
                     lambda counties: self.county.set_options([(None, tr("jobs_browse.any"))] +
                                                              [(c, c) for c in counties]), busy=None)

    def fetch(self, state: dict[str, Any], page: int) -> tuple[list[ResultRow], int, int, bool]:
        q = SearchQuery(city=state.get("City"), county=state.get("County"), page=page, page_size=20)
        result = self.ctx.services.search("internship_posts", q)
        rows = []
        for r in result.items:
            right = tr("jobs_internships.stipend", v=r["stipend"]) if r.get("stipend") else ""
            line = tr("jobs_internships.row_line", city=r.get("city", ""), county=r.get("county", ""),
                      positions=r.get("positions", "—"), months=r.get("months", "—"))
            rows.append(ResultRow(r.id, r.get("title", ""), right, (r.get("employer", ""), line)))
        return rows, result.total, 20, result.total_capped

    def _show(self, rec: Record) -> None:
        page = _detail(self.ctx, "jobs_detail_internships", "internshipDetail", tr("jobs_internships.qr_caption"))
        f = rec.fields
        t = "jobs_internships."
        fields = [(tr(t + "detail_employer"), f.get("employer") or ""),
                  (tr(t + "detail_area"), f"{f.get('city') or ''}{f.get('county') or ''}"),
                  (tr(t + "detail_address"), f.get("address") or ""),
                  (tr(t + "detail_positions"), tr("jobs_detail.people", n=f["positions"]) if f.get("positions") else ""),
                  (tr(t + "detail_stipend"), tr(t + "stipend", v=f["stipend"]) if f.get("stipend") else ""),
                  (tr(t + "detail_start"), f.get("start_date") or ""),
                  (tr(t + "detail_months"), tr(t + "months", v=f["months"]) if f.get("months") else ""),
                  (tr(t + "detail_requirements"), f.get("requirements") or ""),
                  (tr(t + "detail_phone"), f.get("contact_phone") or ""),
                  (tr(t + "detail_posted"), f.get("posted_at") or ""),
                  (tr(t + "detail_how"), tr(t + "how_text", counter=self.ctx.settings.service_point.counter))]
        settings = self.ctx.settings
        right = tr(t + "stipend", v=f["stipend"]) if f.get("stipend") else ""
        page.show_item(f.get("title", ""), right, fields, qr_payload=detail_url("internship_posts", rec.id),
                       build=lambda: internship_receipt(settings, rec.id, f, self.ctx.services.now()))
        self.ctx.show(page)


def _reuse(ctx: UiContext, page_id: str, make: Any) -> BrowsePage:
    page = existing_page(ctx, page_id)
    return page if isinstance(page, BrowsePage) else make()


def fairs(ctx: UiContext, item: ServiceItem) -> BrowsePage:
    return _reuse(ctx, f"fairs_{item.id}", lambda: FairsPage(ctx, item))


def hard_fairs(ctx: UiContext, item: ServiceItem) -> BrowsePage:
    return _reuse(ctx, f"hardFairs_{item.id}", lambda: FairsPage(ctx, item, hard_only=True))


def policies(ctx: UiContext, item: ServiceItem) -> BrowsePage:
    return _reuse(ctx, f"policies_{item.id}", lambda: PoliciesPage(ctx, item))


def archives(ctx: UiContext, item: ServiceItem) -> BrowsePage:
    return _reuse(ctx, f"archives_{item.id}", lambda: ArchivesPage(ctx, item))


def internships(ctx: UiContext, item: ServiceItem) -> BrowsePage:
    return _reuse(ctx, f"internships_{item.id}", lambda: InternshipsPage(ctx, item))
