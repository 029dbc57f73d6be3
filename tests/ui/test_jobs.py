"""Find and browse, end to end on the real core: jobs, recommendations, gig seekers, fairs, policies, archives, internships."""

from __future__ import annotations

import re
import uuid
from datetime import date

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton

from devices.base import DeviceKind
from kiosk.platform.errors import PlatformUnavailable
from tests.helpers.forms_ui import login_identity, person_born
from tests.ui.conftest import login_with_id_card
from ui.picker import ChoicePanel

LEFT = Qt.MouseButton.LeftButton
FULL_PHONE = re.compile(r"1\d{10}")


class Taps:
    """Counts every tap a test makes, so tap budgets are proven, not claimed."""

    def __init__(self, qtbot, world) -> None:
        self.qtbot, self.world, self.count = qtbot, world, 0

    @property
    def window(self):
        return self.world.ui.window

    def button(self, name: str) -> None:
        b = self.window.findChild(QPushButton, name)
        assert b is not None and b.isVisible() and b.isEnabled(), name
        self.qtbot.mouseClick(b, LEFT)
        self.count += 1

    def row(self, results, i: int = 0) -> None:
        self.qtbot.mouseClick(results.view.viewport(), LEFT, pos=results.row_rect(i).center())
        self.count += 1

    def pick(self, text: str) -> None:
        """Tap the option `text` in the open choice panel (turning its pages with 下一页 when needed)."""
        self.qtbot.waitUntil(lambda: self.panel() is not None, timeout=3000)
        panel = self.panel()
        while panel.option_button(text) is None:
            assert panel.next.isEnabled(), f"{text} not offered"
            self.qtbot.mouseClick(panel.next, LEFT)
            self.count += 1
        self.qtbot.mouseClick(panel.option_button(text), LEFT)
        self.count += 1

    def panel(self) -> ChoicePanel | None:
        panels = [p for p in self.window.findChildren(ChoicePanel) if p.isVisible()]
        return panels[-1] if panels else None


def hide_demo_panel(world) -> None:
    """The presenter's demo panel is taller than the screen; hide it so pages are seen at kiosk size."""
    panel = getattr(world.ui, "demo_panel", None)
    if panel is not None:
        panel.hide()


def guest(qtbot, world) -> Taps:
    hide_demo_panel(world)
    world.ui.browse()
    return Taps(qtbot, world)


def logged_in(qtbot, world, index: int) -> Taps:
    hide_demo_panel(world)
    login_with_id_card(qtbot, world, index)
    qtbot.waitUntil(lambda: world.core.services.session is not None and world.core.services.session.online,
                    timeout=5000)
    return Taps(qtbot, world)


def newcomer(qtbot, world) -> Taps:
    """A resident the platform holds no registration for (the demo residents may have registered in earlier
    tests of the session: recommendations then start from what the platform holds, issue 11 §3)."""
    hide_demo_panel(world)
    serial = f"{uuid.uuid4().int % 900 + 100:03d}"
    login_identity(qtbot, world, person_born(world, date(1985, 4, 12), name="新来人", serial=serial))
    qtbot.waitUntil(lambda: world.core.services.session is not None and world.core.services.session.online,
                    timeout=5000)
    return Taps(qtbot, world)


def open_item(taps: Taps, group: str, item_id: str):
    taps.window.go_home()
    taps.button(f"homeGroup_{group}")
    taps.button(f"item_{item_id}")
    page = taps.window.current_page()
    return page


def wait_rows(qtbot, page, at_least: int = 1) -> list:
    qtbot.waitUntil(lambda: len(page.results.rows()) >= at_least, timeout=5000)
    return page.results.rows()


def wait_page(qtbot, window, page_id: str):
    qtbot.waitUntil(lambda: window.current_page().page_id == page_id, timeout=5000)
    return window.current_page()


def printer(world):
    return world.sim(DeviceKind.PRINTER)


def wait_printed(qtbot, world, n: int = 1) -> str:
    qtbot.waitUntil(lambda: len(printer(world).printed) >= n, timeout=5000)
    return printer(world).printed[n - 1]


# ---- 3 固定工岗位信息查询 ----
def test_card_to_printed_fixed_job_in_my_town_takes_four_taps(qtbot, world) -> None:
    taps = logged_in(qtbot, world, 0)
    page = open_item(taps, "find_work", "3")  # taps 1, 2
    assert page.town.text() == "乡镇：玉泉镇", "the service point's town is preselected"
    rows = wait_rows(qtbot, page)
    assert all("玉泉镇" in r.lines[1] for r in rows), "results are in my town"
    chosen = rows[0]
    taps.row(page.results, 0)  # tap 3
    detail = wait_page(qtbot, taps.window, "jobs_detail_fixed_jobs")
    assert detail.title.text() == chosen.title
    taps.button("jobDetailPrint")  # tap 4
    text = wait_printed(qtbot, world)
    assert taps.count <= 4
    record = world.core.services.record("fixed_jobs", chosen.key)
    for part in (record["title"], record["employer"], chosen.right, record["contact_phone"]):
        assert part in text, part
    assert text.count("（") == text.count("）")


def test_job_detail_shows_everything_needed_to_apply_with_a_phone_qr(qtbot, world) -> None:
    taps = guest(qtbot, world)
    page = open_item(taps, "find_work", "3")
    rows = wait_rows(qtbot, page)
    taps.row(page.results, 0)
    detail = wait_page(qtbot, taps.window, "jobs_detail_fixed_jobs")
    record = world.core.services.record("fixed_jobs", rows[0].key)
    shown = " ".join(detail.field_texts())
    for part in (record["employer"], record["address"], record["contact_phone"], "怎样应聘"):
        assert part in shown, part
    assert detail.highlight.text() == rows[0].right
    assert detail.qr.payload == f"https://jobs.example/fixed/{record.id}"
    assert detail.qr.pixmap() is not None and not detail.qr.pixmap().isNull()


def test_keyword_chip_and_town_picker_filter_the_list(qtbot, world) -> None:
    taps = guest(qtbot, world)
    page = open_item(taps, "find_work", "3")
    wait_rows(qtbot, page)
    mine = page.results.total
    town = world.core.settings.service_point.town
    assert all(f" · {town}" in r.lines[1] for r in page.results.rows()), "at first: the service point's town only"
    taps.button("fixedJobsTown")
    taps.pick("不限")
    # every town: another town's posting is listed (the totals may both be COUNT_CAP's "200 多条")
    qtbot.waitUntil(lambda: any(f" · {town}" not in r.lines[1] for r in page.results.rows()), timeout=5000)
    assert page.results.total > mine or page.results.total_capped
    assert page.town.text() == "乡镇：不限"
    taps.button("fixedJobsChip1")  # 司机
    qtbot.waitUntil(lambda: bool(page.results.rows()) and all("司机" in r.title for r in page.results.rows()), timeout=5000)
    assert page.chips[1].text() == "✔司机"
    taps.button("fixedJobsChip1")  # tap again: keyword off
    qtbot.waitUntil(lambda: not all("司机" in r.title for r in page.results.rows()), timeout=5000)
    taps.button("fixedJobsWorkType")
    taps.pick("季节工")
    qtbot.waitUntil(lambda: bool(page.results.rows()) and all(r.lines[1].startswith("季节工") for r in page.results.rows()),
                    timeout=5000)


def test_no_results_says_so_plainly(qtbot, world) -> None:
    taps = guest(qtbot, world)
    page = open_item(taps, "find_work", "3")
    wait_rows(qtbot, page)
    taps.button("fixedJobsPay")
    taps.pick("8000元以上")
    taps.button("fixedJobsChip0")  # 保洁 never pays that much in the demo data
    qtbot.waitUntil(lambda: page.results.empty.isVisible(), timeout=5000)
    assert "没有找到符合条件的岗位" in page.results.empty.text()


def test_paging_buttons_move_through_all_results(qtbot, world) -> None:
    taps = guest(qtbot, world)
    page = open_item(taps, "find_work", "3")
    wait_rows(qtbot, page)
    taps.button("fixedJobsTown")
    taps.pick("不限")
    qtbot.waitUntil(lambda: page.results.total > 20, timeout=5000)
    results = page.results
    first_page = [r.key for r in results.rows()]
    assert not results.prev.isEnabled() and results.next.isEnabled()
    assert results.position.text().startswith("第 1–")
    for _ in range(40):
        if results.page == 2:
            break
        before = results.position.text()
        qtbot.mouseClick(results.next, LEFT)
        qtbot.waitUntil(lambda b=before: results.position.text() != b, timeout=5000)
    assert results.page == 2
    assert [r.key for r in results.rows()] != first_page
    assert results.position.text().startswith("第 21–")
    qtbot.mouseClick(results.prev, LEFT)
    qtbot.waitUntil(lambda: results.page == 1, timeout=5000)
    more = "多" if results.total_capped else ""  # the demo holds more postings than search counts (COUNT_CAP)
    assert results.position.text().endswith(f"共 {results.total} {more}条")
    assert "–20 条" in results.position.text(), "going back shows the end of the previous page"


def test_a_total_counted_only_to_the_cap_says_more(qtbot, world, monkeypatch) -> None:
    """Search counts a province's matches only to COUNT_CAP (issue 14 §4); the list then says "200 多条" and
    下一页 stays on at the last counted page."""
    from dataclasses import replace

    real = world.core.services.search
    monkeypatch.setattr(world.core.services, "search",
                        lambda feed, q: replace(real(feed, q), total=200, total_capped=True))
    taps = guest(qtbot, world)
    page = open_item(taps, "find_work", "3")
    page.reload()
    qtbot.waitUntil(lambda: page.count.text() == "共 200 多条", timeout=5000)
    results = page.results
    assert results.position.text().endswith("共 200 多条")
    assert results.pages == 10
    for capped in (True, False):
        results.show_page(results.rows(), page=10, page_size=20, total=200, total_capped=capped)
        results.view.scrollToBottom()
        results._update_nav()
        assert results.next.isEnabled() == capped


def test_touch_swipe_scrolls_the_list(qtbot, world) -> None:
    taps = guest(qtbot, world)
    page = open_item(taps, "find_work", "3")
    wait_rows(qtbot, page, 5)
    swipe_up_scrolls(qtbot, page.results.view)


def swipe_up_scrolls(qtbot, view) -> None:
    """A finger flicks the list upwards: it scrolls."""
    bar = view.verticalScrollBar()
    assert bar.maximum() > 0 and bar.value() == 0
    device = QTest.createTouchDevice()
    vp = view.viewport()
    x = vp.width() // 2
    y0 = min(400, vp.height() - 20)  # on screen: the window may be taller than the screen (demo panel)
    QTest.touchEvent(vp, device).press(0, QPoint(x, y0), vp).commit()
    for step in range(1, 11):
        qtbot.wait(20)  # a finger moves over time; the scroller measures its speed
        QTest.touchEvent(vp, device).move(0, QPoint(x, y0 - step * 30), vp).commit()
    QTest.touchEvent(vp, device).release(0, QPoint(x, y0 - 300), vp).commit()
    qtbot.waitUntil(lambda: bar.value() > 0, timeout=3000)


def test_a_list_built_after_earlier_ones_were_deleted_still_scrolls_by_touch(qtbot, world) -> None:
    """All scroll areas share one touch-flick recogniser (ui.widgets.touch_scroll): it outlives every page."""
    import shiboken6

    taps = guest(qtbot, world)
    first = open_item(taps, "find_work", "3")
    wait_rows(qtbot, first, 5)
    world.ui.logout()
    qtbot.waitUntil(lambda: not shiboken6.isValid(first), timeout=3000)  # the page was deleted with the session
    taps = guest(qtbot, world)
    page = open_item(taps, "find_work", "3")
    wait_rows(qtbot, page, 5)
    swipe_up_scrolls(qtbot, page.results.view)


def test_paper_out_is_said_plainly_and_the_page_stays(qtbot, world) -> None:
    taps = guest(qtbot, world)
    page = open_item(taps, "find_work", "3")
    wait_rows(qtbot, page)
    taps.row(page.results, 0)
    wait_page(qtbot, taps.window, "jobs_detail_fixed_jobs")
    printer(world).set_paper_out(True)
    taps.button("jobDetailPrint")
    qtbot.waitUntil(lambda: world.ui.overlay.kind == "failure", timeout=5000)
    assert "打印机缺纸" in world.ui.overlay.text.text()
    assert taps.window.current_page().page_id == "jobs_detail_fixed_jobs"
    assert printer(world).printed == []
    qtbot.mouseClick(world.ui.overlay.ok, LEFT)
    printer(world).set_paper_out(False)
    taps.button("jobDetailPrint")
    assert page.results.rows()[0].title in wait_printed(qtbot, world)


# ---- 6 零工岗位信息查询 ----
def test_gig_jobs_show_daily_wage_and_print(qtbot, world) -> None:
    taps = guest(qtbot, world)
    page = open_item(taps, "find_work", "6")
    rows = wait_rows(qtbot, page)
    assert all(r.right.endswith("元/天") or r.right == "面议" for r in rows)
    taps.button("gigJobsPay")
    taps.pick("250–350元/天")
    qtbot.waitUntil(lambda: page.results.rows() != rows or page.results.empty.isVisible(), timeout=5000)
    taps.button("gigJobsTown")
    taps.pick("不限")
    rows = wait_rows(qtbot, page)
    taps.row(page.results, 0)
    detail = wait_page(qtbot, taps.window, "jobs_detail_gig_jobs")
    assert detail.qr.payload.startswith("https://jobs.example/gig/")
    taps.button("jobDetailPrint")
    text = wait_printed(qtbot, world)
    assert rows[0].title in text and rows[0].right in text and "零工岗位信息" in text


# ---- 2 / 5 推荐 ----
def test_fixed_recommendation_asks_two_questions_and_shows_reasons(qtbot, world) -> None:
    taps = newcomer(qtbot, world)
    page = open_item(taps, "find_work", "2")
    taps.pick("焊工")
    taps.pick("5000元以上")
    qtbot.waitUntil(lambda: page.category.text() == "想做的工作：焊工" and page.pay.text() == "期望月薪：5000元以上",
                    timeout=3000)
    qtbot.waitUntil(lambda: bool(page.results.rows()) and all(
        "工种相符" in r.note or "工种相近" in r.note for r in page.results.rows()), timeout=5000)
    rows = page.results.rows()
    assert "工种相符" in rows[0].note, "the exact trade ranks first"
    assert all("距本村" in r.note for r in rows)
    assert any("月薪符合期望" in r.note for r in rows)
    taps.row(page.results, 0)
    wait_page(qtbot, taps.window, "jobs_detail_fixed_jobs")


def test_recommendation_is_prefilled_from_my_last_registration(qtbot, world) -> None:
    taps = logged_in(qtbot, world, 0)
    world.core.services.submit("job_seeker_registration", "固定工求职登记",
                               {"job_type": "fixed", "category_codes": ["3001"], "salary_expect_min": 2000})
    page = open_item(taps, "find_work", "2")
    qtbot.waitUntil(lambda: page.category.text() == "想做的工作：保洁", timeout=5000)
    assert taps.panel() is None, "no questions when the registration says it already"
    assert "求职登记" in page.notice.text()
    qtbot.waitUntil(lambda: bool(page.results.rows()), timeout=5000)
    assert "工种相符" in page.results.rows()[0].note
    assert all("工种相符" in r.note or "工种相近" in r.note for r in page.results.rows())
    assert page.pay.text() == "期望月薪：2000元以上"


def test_gig_recommendation_shows_reasons(qtbot, world) -> None:
    taps = newcomer(qtbot, world)
    page = open_item(taps, "find_work", "5")
    taps.pick("不限")
    taps.pick("200元/天以上")
    qtbot.waitUntil(lambda: page.pay.text() == "期望日薪：200元/天以上" and any(
        "日薪符合期望" in r.note for r in page.results.rows()), timeout=5000)
    assert all(r.right.endswith("元/天") for r in page.results.rows())
    assert any("日薪符合期望" in r.note for r in page.results.rows())


# ---- 8 / 9 零工求职信息 ----
def test_seeker_recommendation_masks_contacts_and_explains(qtbot, world) -> None:
    taps = newcomer(qtbot, world)
    page = open_item(taps, "find_work", "8")
    taps.pick("瓦工")
    taps.pick("300元/天以内")
    qtbot.waitUntil(lambda: page.pay.text() == "您给的日工钱：300元/天以内" and bool(page.results.rows()) and all(
        "技能相符" in r.note or "工种相近" in r.note for r in page.results.rows()), timeout=5000)
    rows = page.results.rows()
    assert "技能相符" in rows[0].note
    assert all("技能相符" in r.note or "工种相近" in r.note for r in rows)
    assert all("*" in r.title for r in rows), "names are masked"
    taps.row(page.results, 0)
    detail = wait_page(qtbot, taps.window, "jobs_detail_gig_seekers")
    shown = " ".join(detail.field_texts())
    assert "****" in shown and not FULL_PHONE.search(shown)
    assert "工作人员帮您联系" in shown
    taps.button("seekerDetailPrint")
    text = wait_printed(qtbot, world)
    assert "****" in text and not FULL_PHONE.search(text)


def test_seeker_search_lists_masked_seekers(qtbot, world) -> None:
    taps = logged_in(qtbot, world, 0)
    page = open_item(taps, "find_work", "9")
    qtbot.waitUntil(lambda: len(page.skill.options()) > 2, timeout=3000)
    taps.button("seekerSearchTown")
    taps.pick("不限")
    qtbot.waitUntil(lambda: page.results.total > 5, timeout=5000)
    taps.button("seekerSearchSkill")
    taps.pick("瓦工")
    qtbot.waitUntil(lambda: bool(page.results.rows()) and all("瓦工" in r.lines[0] for r in page.results.rows()), timeout=5000)
    assert all("*" in r.title for r in page.results.rows())


# ---- 14 / S000-09 招聘会 ----
def _fair_titles(qtbot, taps, item_id: str) -> list[str]:
    page = open_item(taps, "find_work", item_id)
    rows = wait_rows(qtbot, page)
    return [r.title for r in rows], [r.note for r in rows]


def test_hard_to_employ_fairs_only_for_flagged_people(qtbot, world) -> None:
    taps = logged_in(qtbot, world, 0)
    titles, notes = _fair_titles(qtbot, taps, "14")
    assert not any("就业困难人员专场" in n for n in notes)
    assert "民营企业服务月天镇县招聘会" in titles
    taps.button("navLogout")
    taps = logged_in(qtbot, world, 2)
    assert world.core.services.session.hard_to_employ
    titles, notes = _fair_titles(qtbot, taps, "14")
    assert any("就业困难人员专场" in n for n in notes)
    assert "脱贫劳动力和就业困难人员专场招聘会" in titles


def test_hard_to_employ_fair_item_is_restricted(qtbot, world) -> None:
    taps = logged_in(qtbot, world, 0)
    open_item(taps, "find_work", "S000-09")
    qtbot.waitUntil(lambda: world.ui.overlay.kind == "failure", timeout=3000)
    qtbot.mouseClick(world.ui.overlay.ok, LEFT)
    taps.button("navLogout")
    taps = logged_in(qtbot, world, 2)
    titles, notes = _fair_titles(qtbot, taps, "S000-09")
    assert titles and all("就业困难人员专场" in n for n in notes)


def test_fairs_soonest_first_with_detail_and_print(qtbot, world) -> None:
    taps = guest(qtbot, world)
    page = open_item(taps, "find_work", "14")
    rows = wait_rows(qtbot, page)
    days = [int(m.group(1)) for r in rows if (m := re.search(r"还有 (\d+) 天", r.right))]
    assert days == sorted(days) and days
    taps.row(page.results, 0)
    detail = wait_page(qtbot, taps.window, "jobs_detail_job_fairs")
    assert detail.qr.payload.startswith("https://jobs.example/fair/")
    taps.button("fairDetailPrint")
    text = wait_printed(qtbot, world)
    assert rows[0].title in text and "招聘会信息" in text


# ---- 12 就业政策法规 ----
def test_policy_detail_and_printed_summary(qtbot, world) -> None:
    taps = guest(qtbot, world)
    page = open_item(taps, "find_work", "12")
    wait_rows(qtbot, page)
    taps.button("policiesCategory")
    taps.pick("就业服务")
    qtbot.waitUntil(lambda: [r.title for r in page.results.rows()] == ["关于开通山西省就业创业网上服务大厅的通知"],
                    timeout=5000)
    taps.row(page.results, 0)
    detail = wait_page(qtbot, taps.window, "jobs_detail_policies")
    shown = " ".join(detail.field_texts())
    assert "晋人社办函〔2019〕292号" in shown and "山西省人力资源和社会保障厅办公室" in shown and "一、适用对象" in shown
    taps.button("policyDetailPrint")
    text = wait_printed(qtbot, world)
    assert "晋人社办函〔2019〕292号" in text and "关于开通山西省就业创业网上服务大厅的通知" in text
    assert "一、适用对象" not in text, "a summary, not the whole body"


# ---- 15 档案存放机构 ----
def test_archive_location_online_with_directory_and_masked_print(qtbot, world) -> None:
    taps = logged_in(qtbot, world, 0)
    page = open_item(taps, "find_work", "15")
    qtbot.waitUntil(lambda: "天镇县就业和人才服务中心" in page.mine_text.text(), timeout=5000)
    rows = wait_rows(qtbot, page)
    assert len(rows) == 8
    taps.button("archivesMinePrint")
    text = wait_printed(qtbot, world)
    resident = world.residents[0].id_card
    assert resident.id_number not in text and resident.id_number[-4:] in text
    assert resident.name not in text and "天镇县就业和人才服务中心" in text


def test_archive_offline_says_so_and_still_lists_the_directory(qtbot, world, monkeypatch) -> None:
    taps = logged_in(qtbot, world, 0)

    def unreachable(*_a, **_k):
        raise PlatformUnavailable("NETWORK", "网络不通")

    monkeypatch.setattr(world.core.services.platform, "record", unreachable)
    page = open_item(taps, "find_work", "15")
    qtbot.waitUntil(lambda: "需要联网" in page.mine_text.text(), timeout=5000)
    assert world.core.settings.service_point.counter in page.mine_text.text()
    assert not page.mine_print.isVisible()
    assert len(wait_rows(qtbot, page)) == 8
    taps.row(page.results, 1)
    detail = wait_page(qtbot, taps.window, "jobs_detail_archives")
    assert "0352-6000102" in " ".join(detail.field_texts())


# ---- the small cached feeds: each list says in its own words that nothing was found ----
def test_each_information_list_has_its_own_nothing_found_text(qtbot, world) -> None:
    taps = logged_in(qtbot, world, 2)  # flagged 就业困难人员: the 专场 item opens too
    for group, item_id, text in (
            ("find_work", "14", "近期没有招聘会。"), ("find_work", "S000-09", "近期没有就业困难人员专场招聘会。"),
            ("find_work", "12", "没有找到这类政策。"), ("find_work", "15", "本机还没有档案存放机构名录，请到柜台咨询。"),
            ("internship", "S002-01", "这个地区暂时没有见习岗位，请换个县区看看。")):
        assert open_item(taps, group, item_id).empty_text() == text, item_id


# ---- S002-01 见习岗位查询 ----
def test_internships_city_then_county_without_login(qtbot, world) -> None:
    taps = guest(qtbot, world)
    page = open_item(taps, "internship", "S002-01")
    wait_rows(qtbot, page)
    qtbot.waitUntil(lambda: len(page.city.options()) > 2, timeout=3000)
    taps.button("internshipsCity")
    taps.pick("大同市")
    qtbot.waitUntil(lambda: len(page.county.options()) > 2, timeout=3000)  # the counties of 大同市
    taps.button("internshipsCounty")
    taps.pick("天镇县")
    qtbot.waitUntil(lambda: bool(page.results.rows()) and all("大同市天镇县" in r.lines[1] for r in page.results.rows()),
                    timeout=5000)
    taps.row(page.results, 0)
    detail = wait_page(qtbot, taps.window, "jobs_detail_internships")
    assert detail.qr.payload.startswith("https://jobs.example/internship/")
    taps.button("internshipDetailPrint")
    text = wait_printed(qtbot, world)
    assert page.results.rows()[0].title in text and "大同市天镇县" in text


def test_logout_wipes_personal_browse_pages(qtbot, world) -> None:
    taps = logged_in(qtbot, world, 2)
    page = open_item(taps, "find_work", "15")
    qtbot.waitUntil(lambda: "大同市人才交流服务中心" in page.mine_text.text(), timeout=5000)
    page_id = page.page_id
    taps.button("navLogout")
    assert world.core.services.session is None
    qtbot.waitUntil(lambda: page_id not in taps.window._pages, timeout=3000)


def test_the_next_resident_can_switch_to_elderly_mode_after_a_job_search(qtbot, world) -> None:
    """A search page is gone with its session; switching 长辈模式 later must not reach it (it raised, and the
    next resident got 系统出了点问题)."""
    login_with_id_card(qtbot, world)
    item = world.core.catalogue.by_code("fixed_job_search")
    world.ui.router.open(item)
    qtbot.waitUntil(lambda: world.ui.window.current_page().page_id.endswith(f"_{item.id}"), timeout=5000)
    world.ui.logout()
    qtbot.wait(50)  # the page's deleteLater runs
    world.ui.window.set_elderly(True)
    world.ui.window.set_elderly(False)
    assert world.ui.window.current_page().page_id == "attract"


def test_the_touch_scroll_recogniser_is_released_before_the_application_at_exit(project_root) -> None:
    """The shared recogniser's anchor belongs to the QApplication; destroyed with it, it crashed at exit."""
    import os
    import subprocess
    import sys

    script = ("from PySide6.QtWidgets import QApplication, QScrollArea\n"
              "from ui.widgets import touch_scroll\n"
              "app = QApplication([])\n"
              "area = QScrollArea()\n"
              "touch_scroll(area.viewport())\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=project_root, capture_output=True, text=True,
                          timeout=60, env={**os.environ, "PYTHONPATH": str(project_root)})
    assert done.returncode == 0, done.stderr[-2000:]
