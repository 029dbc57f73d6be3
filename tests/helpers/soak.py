"""Driving full resident sessions through the real UI, for the soak bench and the leak test.

A session: ID card on the simulated reader → 我要找工作 → 固定工岗位信息查询 (results shown) → 返回 → 首页 →
我要办社保 → 退出登录 → card taken away. Buttons are found by objectName; waiting processes Qt events
(background results arrive as queued signals) and delivers deleteLater()s as the app's event loop does.
"""

from __future__ import annotations

import collections
import gc
import time
import weakref
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton

from devices.base import DeviceKind

FIND_WORK, SOCIAL_INSURANCE = "homeGroup_find_work", "homeGroup_social_insurance"
FIXED_JOB_SEARCH_TILE = "item_3"  # 固定工岗位信息查询 (id 3 in config/catalogue/services.toml)


class SessionDriver:
    """Clicks by objectName and waits on conditions by processing Qt events (no sleeps)."""

    def __init__(self, world: Any, timeout_s: float = 15.0) -> None:
        self.world = world
        self.timeout_s = timeout_s
        self._app = QCoreApplication.instance()
        # Wakes a waiting processEvents() now and then so that a wait can time out if nothing happens.
        self._tick = QTimer()
        self._tick.start(50)

    @property
    def window(self) -> Any:
        return self.world.ui.window

    def settle(self) -> None:
        """Deliver what is posted, including deleteLater()s — what returning to app.exec() does."""
        self._app.processEvents()
        self._app.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    def wait(self, what: str, cond: Callable[[], bool]) -> None:
        deadline = time.monotonic() + self.timeout_s
        self.settle()
        while not cond():
            if time.monotonic() > deadline:
                raise TimeoutError(f"waited {self.timeout_s:.0f} s for {what}")
            self._app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
            self._app.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    def click(self, object_name: str) -> None:
        button = self.window.findChild(QAbstractButton, object_name)
        if button is None:
            raise LookupError(f"no button {object_name!r} in the window")
        self.wait(f"{object_name} visible and enabled", lambda: button.isVisible() and button.isEnabled())
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)
        self.settle()

    def page(self) -> str:
        return self.window.current_page().page_id

    def session(self, index: int) -> None:
        """One resident's visit, start to finish (demo residents in turn, so no card repeats at once)."""
        ui, core = self.world.ui, self.world.core
        resident = self.world.residents[index % len(self.world.residents)]
        reader = core.devices.simulators[DeviceKind.ID_CARD]
        reader.place(resident.id_card)
        self.wait("the greeting", lambda: self.page() == "home" and resident.label in ui.home.greeting.text())
        self.wait("the platform login", lambda: core.services.session is not None
                  and (core.services.session.online or bool(core.services.session.notice)))
        self.click(FIND_WORK)
        self.wait("我要找工作", lambda: self.page() == "group_find_work")
        self.click(FIXED_JOB_SEARCH_TILE)
        self.wait("固定工岗位信息查询", lambda: self.page().startswith("fixedJobs_"))
        page = self.window.current_page()
        self.wait("the job list", lambda: page.results.total > 0)
        self.click("navBack")
        self.wait("back on 我要找工作", lambda: self.page() == "group_find_work")
        self.click("navHome")
        self.wait("首页", lambda: self.page() == "home")
        self.click(SOCIAL_INSURANCE)
        self.wait("我要办社保", lambda: self.page() == "group_social_insurance")
        self.click("navLogout")
        reader.take_away()
        self.wait("the attract screen", lambda: self.page() == "attract" and core.services.session is None)


def live_counts_by_type() -> collections.Counter[str]:
    """Live objects the garbage collector tracks, by module.type name (after a full collection).

    Dead weak references are left out: they keep nothing alive, and sqlite3 connections keep one per
    cursor ever opened, pruned only every 200 cursors — a saw-tooth, not a leak.
    """
    gc.collect()
    return collections.Counter(f"{type(o).__module__}.{type(o).__qualname__}" for o in gc.get_objects()
                               if not (isinstance(o, weakref.ref) and o() is None))


def live_qt_wrappers() -> tuple[int, int]:
    """(Python wrappers of QObjects alive, of which the C++ object is already deleted)."""
    import shiboken6
    from PySide6.QtCore import QObject

    gc.collect()
    wrappers = [o for o in gc.get_objects() if isinstance(o, QObject)]
    return len(wrappers), sum(1 for o in wrappers if not shiboken6.isValid(o))
