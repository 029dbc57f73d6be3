"""固定工求职登记 end to end: ≤ 8 taps with the phone the only typed input, outbox, sync, receipt."""

from __future__ import annotations

import pytest

from devices.base import DeviceKind
from offline_cache import OutboxState
from tests.helpers.forms_ui import Taps, assert_platform_rules, open_item, outbox_items, wait_state
from tests.ui.conftest import login_with_id_card

pytestmark = pytest.mark.timeout(60)


def test_fixed_job_seeker_registration_in_eight_taps_reaches_the_platform(qtbot, world) -> None:
    login_with_id_card(qtbot, world, 0)
    taps = Taps(qtbot, world)
    open_item(qtbot, world, taps, "find_work", "1")
    page = wait_state(qtbot, world, "step:category")
    taps.pick_option("category", "建筑施工")
    wait_state(qtbot, world, "step:area")
    assert "玉泉镇" in taps.find("formValue_area", object).text()  # the service point's town, prefilled
    taps.tap("formNext_area")
    wait_state(qtbot, world, "step:pay")
    taps.pick_option("pay", "4000元以上")
    wait_state(qtbot, world, "step:phone")
    taps.keypad("phone", "13912345678")
    taps.tap("formNext_phone")
    wait_state(qtbot, world, "review")
    taps.tap("formSubmit")
    wait_state(qtbot, world, "done")
    assert taps.count <= 8, taps.count
    assert taps.digits == 11

    items = outbox_items(world, "job_seeker_registration")
    assert len(items) == 1 and items[0].state == OutboxState.QUEUED
    body = items[0].payload["payload"]
    assert body["phone"] == "13912345678"
    assert body["job_type"] == "fixed" and body["category_codes"] == ["20"] and body["salary_expect_min"] == 4000
    assert body["region_codes"] and body["job_intention"] == "建筑施工"
    assert_platform_rules(items[0])
    result = page.result
    assert result.local_no in taps.find("formCaseNo", object).text()
    assert "联网后自动上传" in taps.find("formStatus", object).text()  # network state unknown: no sync ran

    world.core.sync.run_once()
    after = world.core.database.outbox.get(items[0].key)
    assert after.state == OutboxState.ACCEPTED and after.case_no, (after.state, after.reject_code, after.last_error)

    taps.tap("formPrint")
    printer = world.sim(DeviceKind.PRINTER)
    qtbot.waitUntil(lambda: bool(printer.printed), timeout=5000)
    text = printer.printed[-1]
    assert result.local_no in text and "140222********0011" in text and "140222197503150011" not in text
    assert "固定工求职登记" in text
