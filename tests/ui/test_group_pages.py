"""Group pages: every service's name is readable whole, in every orientation and mode (issue 16 item 0)."""

from __future__ import annotations

from tests.helpers.usability import cut_off_texts
from ui.widgets import TextTile

SIZES = {"landscape": (1920, 1080), "portrait": (1080, 1920)}


# Walked in one go, in the order a kiosk meets them (the mode switched while pages exist), so a tile
# that keeps the height it had in the other mode shows up as cut.
COMBINATIONS = [("portrait", False), ("portrait", True), ("landscape", True), ("landscape", False),
                ("landscape", False)]


def every_group_page(qtbot, world):  # noqa: ANN001, ANN201
    """Each group page shown in each of COMBINATIONS: (slug, page, where); back to 标准模式 at the end."""
    window = world.ui.window
    try:
        for orientation, elderly in COMBINATIONS:
            window.setGeometry(0, 0, *SIZES[orientation])
            window.set_elderly(elderly)
            for slug, page in world.ui.group_pages.items():
                window.go(f"group_{slug}", remember=False)
                qtbot.wait(30)
                assert window.current_page() is page
                yield slug, page, f"{slug} ({orientation}, 长辈模式={elderly})"
    finally:
        window.set_elderly(False)


def test_no_service_name_is_cut_off_on_any_group_page(qtbot, world) -> None:
    found = []
    for _slug, page, where in every_group_page(qtbot, world):
        found += [f"{where}: {c}" for c in cut_off_texts(page)]
        found += [f"{where}: {t.objectName()} is {t.height()} px high, its lines need {t.heightForWidth(t.width())}"
                  for t in page.tiles if t.isVisible() and t.height() < t.heightForWidth(t.width())]
    assert not found, "\n".join(found)


def test_every_navigation_button_is_readable_where_the_guide_button_shows(qtbot, world) -> None:
    """A service's page has six buttons below it (返回 首页 办事指南 语音 长辈模式 退出登录): none may be cut,
    in either orientation or mode (in portrait they take two rows)."""
    from tests.ui.conftest import login_with_id_card

    login_with_id_card(qtbot, world)  # 退出登录 shows for a resident
    window = world.ui.window
    slug = next(iter(world.ui.group_pages))
    found = []
    try:
        for orientation, elderly in COMBINATIONS:
            window.setGeometry(0, 0, *SIZES[orientation])
            window.set_elderly(elderly)
            window.go(f"group_{slug}", remember=False)
            window.guide_button.show()  # as on a service's own page (MainWindow shows it for page.service_item)
            qtbot.wait(30)
            assert window.voice_button.isVisible() and window.logout_button.isVisible()
            found += [f"({orientation}, 长辈模式={elderly}): {c}" for c in cut_off_texts(window.nav)]
    finally:
        window.guide_button.hide()
        window.set_elderly(False)
    assert not found, "\n".join(found)


def test_tiles_say_the_plain_name_big_and_the_official_name_beneath(world) -> None:
    page = world.ui.group_pages["social_insurance"]
    tile = next(t for t in page.tiles if t.objectName() == "item_25")
    assert isinstance(tile, TextTile)
    assert tile.texts() == ("查职工养老保险缴费", "企业职工基本养老保险参保情况查询")
    assert tile.title.font().pixelSize() > tile.subtitle.font().pixelSize()
    assert "企业职工基本养老保险参保情况查询" in tile.accessibleName()


def test_kiosk_items_come_first_and_counter_items_under_their_own_heading(qtbot, world) -> None:
    window = world.ui.window
    page = world.ui.group_pages["social_insurance"]
    window.go("group_social_insurance", remember=False)
    qtbot.wait(30)
    kinds = [item.is_kiosk_item for item in page.items]
    assert kinds == sorted(kinds, reverse=True), "a counter item stands before a kiosk item"
    first_counter = page.tiles[kinds.index(False)]
    heading = page.counter_heading
    assert heading.isVisible() and "柜台" in heading.text()
    assert heading.y() > page.tiles[0].y() and heading.y() < first_counter.y()


def test_a_group_of_only_counter_items_shows_just_the_counter_heading(qtbot, world) -> None:
    window = world.ui.window
    page = world.ui.group_pages["ss_card"]
    window.go("group_ss_card", remember=False)
    qtbot.wait(30)
    assert all(not i.is_kiosk_item for i in page.items)
    assert page.counter_heading.isVisible() and not page.kiosk_heading.isVisible()


def test_a_service_switched_off_leaves_no_gap_and_its_heading_follows(qtbot, world) -> None:
    page = world.ui.group_pages["social_insurance"]
    world.ui.window.go("group_social_insurance", remember=False)
    kiosk_ids = [i.id for i in page.items if i.is_kiosk_item]
    assert page.show_only(kiosk_ids) == len(kiosk_ids)
    qtbot.wait(30)
    assert not page.counter_heading.isVisible()
    assert [t.objectName() for t in page.tiles if t.isVisible()] == [f"item_{i}" for i in kiosk_ids]


def test_a_long_name_breaks_into_even_lines_not_a_lone_last_character(qtbot, world) -> None:
    """居民补充养老保险参保 on two lines reads 居民补充养老 / 保险参保, never 居民补充养老保险参 / 保 (Qt wraps CJK at any
    character): on every group page, in every orientation and mode, no wrapped name leaves one character alone."""
    lonely = []
    wrapped = 0
    for _slug, page, where in every_group_page(qtbot, world):
        for t in (t for t in page.tiles if t.isVisible()):
            for lbl, words in zip((t.title, t.subtitle), t.texts(), strict=True):
                lines = lbl.text().split("\n")
                assert "".join(lines) == words, "the lines are the name, nothing added or lost"
                wrapped += len(lines) > 1
                if len(lines) > 1 and min(len(x) for x in lines) < max(len(x) for x in lines) - 1:
                    lonely.append(f"{where}: {lines}")
    assert wrapped, "some names wrap in some mode (else this test shows nothing)"
    assert not lonely, "\n".join(lonely)


def test_balanced_lines_fit_the_width_and_keep_latin_words_whole() -> None:
    from ui.widgets import balanced_lines

    def advance(s: str) -> int:
        return 10 * len(s)

    assert balanced_lines("居民补充养老保险参保", advance, 90) == "居民补充养\n老保险参保"
    assert balanced_lines("居民补充养老保险参保", advance, 100) == "居民补充养老保险参保"
    assert balanced_lines("企业职工基本养老保险待遇暂停", advance, 60).split("\n") == ["企业职工基", "本养老保险", "待遇暂停"]
    assert balanced_lines("办理失业登记，领取失业金", advance, 70) == "办理失业登记，\n领取失业金"  # no line starts with ，
    assert balanced_lines("PSAM卡换发", advance, 30) == "PSAM卡换发"
    assert balanced_lines("居民养老", advance, 0) == "居民养老"
