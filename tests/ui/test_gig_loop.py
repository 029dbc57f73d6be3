"""Issue 11 §3, the gig-work loop closed through the real UI: two kiosk cores (different kiosk ids and data
folders) against one sandbox on 127.0.0.1, the sync worker delivering and pulling feeds between them.

A seeker registers 零工求职登记 at 李家庄 with consent to publish; an employer's 招聘零工登记 is held by the
platform; at 葛家屯 the employer's 零工求职信息推荐 starts from that registration and finds the seeker —
masked, with an age band — and nobody's full name or phone is in the feed or on the screen.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QAbstractButton, QLabel
from sqlalchemy import select

from kiosk.app import build_core
from kiosk.settings import load_settings
from offline_cache import OutboxState
from sandbox import db
from tests.helpers.forms_ui import (
    Taps,
    dead_platform,
    login_identity,
    open_item,
    outbox_items,
    person_born,
    wait_state,
)
from tests.helpers.sandbox_server import RunningSandbox, demo_secret, threaded_sandbox
from tests.ui.conftest import RealClock, running_core, running_world, write_site

pytestmark = pytest.mark.timeout(120)

SECOND_KIOSK = "TZ-YQ-GJT-01"
TOWN = "140222100"  # 玉泉镇
SEEKER_PHONE = "13912345678"


@pytest.fixture(scope="module")
def gig_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSandbox]:
    """A sandbox of this module's own: what it publishes must not change the lists other UI tests count."""
    with threaded_sandbox(tmp_path_factory.mktemp("gig-sandbox") / "sandbox.db", clock=RealClock()) as sb:  # type: ignore[arg-type]
        yield sb


@pytest.fixture(scope="module")
def gig_seeded(tmp_path_factory: pytest.TempPathFactory, gig_sandbox: RunningSandbox) -> Path:
    folder = tmp_path_factory.mktemp("gig-template")
    core = build_core(load_settings(write_site(folder, gig_sandbox.base_url), env={}), start_workers=False,
                      console_log=False, start_sandbox=False)
    try:
        assert core.sync.run_once().feeds  # type: ignore[union-attr]
    finally:
        core.close()
    return folder / "data"


@contextmanager
def kiosk_at_li_jia_zhuang(folder: Path, sandbox: RunningSandbox, seeded: Path) -> Iterator[object]:
    with running_core(folder, sandbox, seeded) as core:
        yield core


@contextmanager
def kiosk_at_ge_jia_tun(folder: Path, sandbox: RunningSandbox, seeded: Path) -> Iterator[object]:
    """The second kiosk: its own id, credentials, service point (葛家屯) and data folder."""
    folder.mkdir(parents=True, exist_ok=True)
    creds = folder / "credentials.toml"
    creds.write_text(f'kiosk_id = "{SECOND_KIOSK}"\nsecret = "{demo_secret(SECOND_KIOSK)}"\n', encoding="utf-8")
    extra = (f'credentials_file = "{creds}"\n[service_point]\nname = "葛家屯村就业社保服务点"\nvillage = "葛家屯"\n'
             'address = "山西省大同市天镇县玉泉镇葛家屯村村委会"\n')
    with running_core(folder, sandbox, seeded, kiosk_extra=f'id = "{SECOND_KIOSK}"\n', extra=extra) as core:
        assert core.settings.kiosk_id == SECOND_KIOSK and core.platform.kiosk_id == SECOND_KIOSK
        yield core


def screen_text(world) -> str:
    """Every text a resident can see: visible labels and buttons, and the rows of visible result lists."""
    window = world.ui.window
    parts = [w.text() for w in window.findChildren(QLabel) if w.isVisible()]
    parts += [b.text() for b in window.findChildren(QAbstractButton) if b.isVisible()]
    page = window.current_page()
    results = getattr(page, "results", None)
    if results is not None:
        for r in results.rows():
            parts += [r.title, r.right, *r.lines, r.note]
    return "\n".join(parts)


def deliver(world) -> None:
    """One run of the sync worker; every queued submission is then accepted by the platform."""
    world.core.sync.run_once()
    for item in outbox_items(world):
        assert item.state == OutboxState.ACCEPTED, (item.kind, item.state, item.reject_code)


def register_gig_seeker(qtbot, world, *, consent: bool) -> Taps:
    """零工求职登记 through the form: 建筑施工, 玉泉镇, from today, 180 元/天, the phone typed, consent or not."""
    taps = Taps(qtbot, world)
    open_item(qtbot, world, taps, "find_work", "4")
    wait_state(qtbot, world, "step:skill")
    taps.pick_option("skill", "建筑施工")
    wait_state(qtbot, world, "step:area")
    taps.tap("formNext_area")
    wait_state(qtbot, world, "step:available_from")
    taps.tap("formNext_available_from")
    wait_state(qtbot, world, "step:available_to")
    taps.tap("formNext_available_to")
    wait_state(qtbot, world, "step:daily_wage")
    taps.keypad("daily_wage", "180")
    taps.tap("formNext_daily_wage")
    wait_state(qtbot, world, "step:phone")
    if not world.ui.window.current_page().answers.get("phone"):
        taps.keypad("phone", SEEKER_PHONE)
    taps.tap("formNext_phone")
    wait_state(qtbot, world, "step:publish")
    shown = screen_text(world)
    for public in ("姓氏", "年龄段", "会做的活", "所在村"):
        assert public in shown, f"the consent question says {public} is shown"
    assert "全名和手机号不公开" in shown
    preview = world.ui.window.findChild(QLabel, "formPreview_publish")
    assert preview.isVisible() and "会做：建筑施工" in preview.text() and "李家庄" in preview.text()
    assert "****" in preview.text() and not re.search(r"1\d{10}", preview.text())  # the phone as others see it
    assert world.core.services.session.identity.name not in shown
    taps.pick_option("publish", "同意公开" if consent else "不公开，只登记")
    wait_state(qtbot, world, "review")
    review = screen_text(world)
    assert ("同意公开" if consent else "不公开，只登记") in review and "李家庄" in review
    taps.tap("formSubmit")
    wait_state(qtbot, world, "done")
    return taps


def platform_person(sandbox: RunningSandbox, id_number: str) -> db.Person:
    with sandbox.platform.Session() as s:
        return s.scalar(select(db.Person).where(db.Person.id_number == id_number))


def stored_seeker(sandbox: RunningSandbox, person_id: str) -> db.FeedItem | None:
    with sandbox.platform.Session() as s:
        return s.scalar(select(db.FeedItem).where(db.FeedItem.feed == "gig_seekers",
                                                  db.FeedItem.item_id == f"gs-{person_id}"))


def hiring_payload(today: date) -> dict:
    """What the 招聘零工登记 form sends (as tests/ui/test_forms_items.py drives it)."""
    return {"title": "建筑施工", "category_code": "20", "address": "玉泉镇", "region_code": TOWN,
            "village": "李家庄", "start_date": (today + timedelta(days=1)).isoformat(),
            "end_date": (today + timedelta(days=10)).isoformat(), "headcount": 3, "daily_wage": 200,
            "contact_phone": "13700001234"}


def test_a_seeker_registered_at_one_kiosk_is_recommended_to_an_employer_at_another(
        qtbot, tmp_path, gig_sandbox, gig_seeded) -> None:
    serial = f"{uuid.uuid4().int % 500 * 2 + 1:03d}"  # odd: a man
    with kiosk_at_li_jia_zhuang(tmp_path / "a", gig_sandbox, gig_seeded) as core_a, \
            running_world(qtbot, core_a) as world_a:
        seeker = person_born(world_a, date(1983, 6, 1), name="赵建国", serial=serial)
        login_identity(qtbot, world_a, seeker)
        qtbot.waitUntil(lambda: world_a.core.services.session.online, timeout=5000)
        register_gig_seeker(qtbot, world_a, consent=True)
        assert "赵**　40-49岁" in world_a.ui.window.findChild(QLabel, "formPreview_publish").text()
        [item] = outbox_items(world_a, "job_seeker_registration")
        assert item.payload["payload"]["publish_consent"] is True
        world_a.ui.window.go_home()
        world_a.core.services.logout()
        # the employer registered 招聘零工登记 here too: the platform holds it, the other kiosk has no copy
        employer = person_born(world_a, date(1970, 2, 3), name="孙志刚", serial=f"{int(serial) + 2:03d}")
        login_identity(qtbot, world_a, employer)
        qtbot.waitUntil(lambda: world_a.core.services.session.online, timeout=5000)
        world_a.core.services.submit("gig_hiring_registration", "招聘零工登记",
                                     hiring_payload(world_a.core.services.today()))
        deliver(world_a)

    # published at the platform with only the public fields, as stored
    pid = platform_person(gig_sandbox, seeker.id_number).person_id
    row = stored_seeker(gig_sandbox, pid)
    assert row is not None and not row.deleted
    assert (row.data["name_masked"], row.data["age_band"], row.data["village"]) == ("赵**", "40-49岁", "李家庄")
    assert row.data["phone_masked"] == "139****5678"
    stored = repr(row.data)
    assert "赵建国" not in stored and SEEKER_PHONE not in stored and seeker.id_number not in stored

    with kiosk_at_ge_jia_tun(tmp_path / "b", gig_sandbox, gig_seeded) as core_b, running_world(qtbot, core_b) as world_b:
        core_b.sync.run_once()  # pulls the feeds: the new seeker and the employer's posting arrive
        assert core_b.services.record("gig_seekers", f"gs-{pid}") is not None
        login_identity(qtbot, world_b, employer)
        qtbot.waitUntil(lambda: world_b.core.services.session.online, timeout=5000)
        taps = Taps(qtbot, world_b)
        taps.tap("homeGroup_find_work")
        taps.tap("item_8")
        page = world_b.ui.window.current_page()
        qtbot.waitUntil(lambda: "招聘零工登记" in page.notice.text(), timeout=5000)
        assert page.skill.text().endswith("建筑施工") and page.pay.text().endswith("200元/天以内")
        qtbot.waitUntil(lambda: any(r.key == f"gs-{pid}" for r in page.results.rows()), timeout=5000)
        mine = next(r for r in page.results.rows() if r.key == f"gs-{pid}")
        assert mine.title.startswith("赵**") and "40-49岁" in mine.title
        shown = screen_text(world_b)
        assert "赵建国" not in shown and SEEKER_PHONE not in shown
        page.open_row(f"gs-{pid}")
        qtbot.waitUntil(lambda: world_b.ui.window.current_page().page_id == "jobs_detail_gig_seekers", timeout=5000)
        detail = screen_text(world_b)
        assert "139****5678" in detail and "40-49岁" in detail and "李家庄" in detail
        assert "赵建国" not in detail and SEEKER_PHONE not in detail


def test_declining_consent_registers_without_publishing(qtbot, tmp_path, gig_sandbox, gig_seeded) -> None:
    serial = f"{uuid.uuid4().int % 500 * 2:03d}"  # even: a woman
    with kiosk_at_li_jia_zhuang(tmp_path, gig_sandbox, gig_seeded) as core, running_world(qtbot, core) as world:
        seeker = person_born(world, date(1990, 1, 9), name="钱秀兰", gender="女", serial=serial)
        login_identity(qtbot, world, seeker)
        qtbot.waitUntil(lambda: world.core.services.session.online, timeout=5000)
        register_gig_seeker(qtbot, world, consent=False)
        [item] = outbox_items(world, "job_seeker_registration")
        assert item.payload["payload"]["publish_consent"] is False
        deliver(world)  # accepted all the same
        assert item.key
    pid = platform_person(gig_sandbox, seeker.id_number).person_id
    assert stored_seeker(gig_sandbox, pid) is None


def test_recommendations_use_the_intention_the_platform_holds_and_say_when_offline(
        qtbot, tmp_path, gig_sandbox, gig_seeded) -> None:
    serial = f"{uuid.uuid4().int % 500 * 2 + 1:03d}"
    with kiosk_at_li_jia_zhuang(tmp_path / "a", gig_sandbox, gig_seeded) as core_a, \
            running_world(qtbot, core_a) as world_a:
        person = person_born(world_a, date(1964, 5, 5), name="李长山", serial=serial)  # 61: gig work has no upper age
        login_identity(qtbot, world_a, person)
        qtbot.waitUntil(lambda: world_a.core.services.session.online, timeout=5000)
        world_a.core.services.submit("job_seeker_registration", "零工求职登记", {
            "job_type": "gig", "skill_codes": ["50"], "job_intention": "农林牧渔", "region_codes": [TOWN],
            "daily_wage_expect": 150, "publish_consent": False})
        world_a.core.services.submit("job_seeker_registration", "固定工求职登记", {
            "job_type": "fixed", "category_codes": ["1002"], "job_intention": "电工", "salary_expect_min": 4000})
        deliver(world_a)

    with kiosk_at_ge_jia_tun(tmp_path / "b", gig_sandbox, gig_seeded) as core_b, running_world(qtbot, core_b) as world_b:
        login_identity(qtbot, world_b, person)
        qtbot.waitUntil(lambda: world_b.core.services.session.online, timeout=5000)
        taps = Taps(qtbot, world_b)
        taps.tap("homeGroup_find_work")
        taps.tap("item_5")
        page = world_b.ui.window.current_page()
        qtbot.waitUntil(lambda: "平台登记的求职意向" in page.notice.text(), timeout=5000)
        assert page.category.text().endswith("农林牧渔") and page.pay.text().endswith("150元/天以上")
        assert not any(p.isVisible() for p in world_b.ui.window.findChildren(QLabel, "choicePanelTitle")), \
            "no questions when the platform holds the intention"
        qtbot.waitUntil(lambda: bool(page.results.rows()), timeout=5000)
        world_b.ui.window.go_home()
        taps.tap("homeGroup_find_work")
        taps.tap("item_2")  # 固定工岗位信息推荐: the fixed-work intention the platform holds
        fixed = world_b.ui.window.current_page()
        qtbot.waitUntil(lambda: "平台登记的求职意向" in fixed.notice.text(), timeout=5000)
        assert fixed.category.text().endswith("电工") and fixed.pay.text().endswith("4000元以上")
        world_b.ui.window.go_home()
        dead_platform(world_b)  # the village network drops: the cached feed, said so, and the two questions
        page.clear_personal()
        taps.tap("homeGroup_find_work")
        taps.tap("item_5")
        qtbot.waitUntil(lambda: "网络暂时不可用" in page.notice.text(), timeout=15000)
        assert "请回答两个问题" in page.notice.text()


MODES = {"normal-landscape": (False, False), "elderly-landscape": (True, False),
         "normal-portrait": (False, True), "elderly-portrait": (True, True)}
SHOTS = os.environ.get("GIG_SHOTS")  # a folder: also save a PNG of each screen to look at


def test_the_gig_screens_show_everything_in_every_mode(qtbot, tmp_path, gig_sandbox, gig_seeded) -> None:
    """The consent question, the recommendation notices and a published seeker: nothing cut off, in landscape and
    portrait, normal and 长辈模式."""
    from tests.helpers.usability import cut_off_texts
    from ui.flows.forms import open_form

    serial = f"{uuid.uuid4().int % 500 * 2 + 1:03d}"
    with kiosk_at_li_jia_zhuang(tmp_path, gig_sandbox, gig_seeded) as core, running_world(qtbot, core) as world:
        seeker = person_born(world, date(1979, 8, 8), name="欧阳振华", serial=serial)
        login_identity(qtbot, world, seeker)
        qtbot.waitUntil(lambda: world.core.services.session.online, timeout=5000)
        services = world.core.services
        services.submit("job_seeker_registration", "零工求职登记", {
            "job_type": "gig", "skill_codes": ["20"], "job_intention": "建筑施工", "region_codes": [TOWN],
            "daily_wage_expect": 160, "phone": "13611112222", "village": "李家庄", "publish_consent": True})
        services.submit("gig_hiring_registration", "招聘零工登记", hiring_payload(services.today()))
        deliver(world)
        world.core.sync.run_once()  # pull what was just published
        pid = platform_person(gig_sandbox, seeker.id_number).person_id
        window = world.ui.window
        panel = getattr(world.ui, "demo_panel", None)
        if panel is not None:
            panel.hide()
        problems: list[str] = []
        for mode, (elderly, portrait) in MODES.items():
            window.set_elderly(elderly)
            window.setGeometry(0, 0, *((1080, 1920) if portrait else (1920, 1080)))
            qtbot.wait(20)

            def look(name: str, mode: str = mode) -> None:
                qtbot.wait(30)
                window.layout().activate()
                problems.extend(f"{mode}/{name}: {c}" for c in cut_off_texts(window.current_page()))
                if SHOTS:
                    Path(SHOTS).mkdir(parents=True, exist_ok=True)
                    window.grab().save(str(Path(SHOTS) / f"{mode}_{name}.png"))

            open_form(world.ui.ctx, world.core.catalogue.item("4"))
            qtbot.waitUntil(lambda: window.current_page().state != "loading", timeout=5000)
            form = window.current_page()
            form._go_step(next(i for i, f in enumerate(form.form.steps) if f.id == "publish"))
            look("item4_publish")
            window.go_home()
            Taps(qtbot, world).tap("homeGroup_find_work")
            Taps(qtbot, world).tap("item_8")
            page = window.current_page()
            qtbot.waitUntil(lambda p=page: "招聘零工登记" in p.notice.text()
                            and any(r.key == f"gs-{pid}" for r in p.results.rows()), timeout=5000)
            look("item8_from_hiring")
            page.open_row(f"gs-{pid}")
            qtbot.waitUntil(lambda: window.current_page().page_id == "jobs_detail_gig_seekers", timeout=5000)
            shown = screen_text(world)
            assert "欧阳振华" not in shown and "13611112222" not in shown and "136****2222" in shown
            look("item8_seeker_detail")
            window.go_home()
            Taps(qtbot, world).tap("homeGroup_find_work")
            Taps(qtbot, world).tap("item_5")
            page5 = window.current_page()
            qtbot.waitUntil(lambda p=page5: "平台登记的求职意向" in p.notice.text(), timeout=5000)
            look("item5_from_platform")
            window.go_home()
        assert not problems, "\n".join(problems)
