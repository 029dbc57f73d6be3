"""UI fixtures: the real core (offline cache on disk, simulators, signed client to a sandbox on
127.0.0.1) under the real KioskUi, offscreen at 1920×1080."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from devices.base import DeviceKind
from kiosk.app import KioskCore, build_core
from kiosk.demo_residents import DemoResident, load_demo_residents
from kiosk.settings import load_settings
from tests.helpers.sandbox_server import RunningSandbox, threaded_sandbox


class RealClock:
    """The sandbox's clock for UI tests: real time (signatures must stay within 5 minutes)."""

    def __call__(self) -> float:
        return time.time()

    def advance(self, seconds: float) -> None:  # the sandbox helper's interface; real time can't jump
        raise NotImplementedError


@pytest.fixture(scope="session")
def ui_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSandbox]:
    """One demo-seeded sandbox platform for the UI suite."""
    with threaded_sandbox(tmp_path_factory.mktemp("ui-sandbox") / "sandbox.db", clock=RealClock()) as sb:  # type: ignore[arg-type]
        yield sb


def write_site(folder: Path, platform_url: str, extra: str = "", *, kiosk_extra: str = "") -> Path:
    """A demo site file for a test; `kiosk_extra` adds lines to its [kiosk] table (e.g. province_profile)."""
    site = folder / "site.toml"
    site.write_text(
        f'[kiosk]\ndemo = true\ndata_dir = "{folder / "data"}"\n{kiosk_extra}'
        f'[platform]\nurl = "{platform_url}"\nstart_sandbox = false\nconnect_timeout_s = 1.0\nread_timeout_s = 5.0\n'
        f"{extra}",
        encoding="utf-8",
    )
    return site


@pytest.fixture(scope="session")
def seeded_data_dir(tmp_path_factory: pytest.TempPathFactory, ui_sandbox: RunningSandbox) -> Path:
    """A data folder whose offline cache has pulled every demo feed once (copied for each test)."""
    folder = tmp_path_factory.mktemp("ui-template")
    settings = load_settings(write_site(folder, ui_sandbox.base_url), env={})
    core = build_core(settings, start_workers=False, console_log=False, start_sandbox=False)
    try:
        report = core.sync.run_once()  # type: ignore[union-attr]
        assert report.feeds, "the demo feeds were pulled"
    finally:
        core.close()
    return folder / "data"


@dataclass
class UiWorld:
    """What a UI test drives: the core, the KioskUi, the simulators and the demo residents."""

    core: KioskCore
    ui: object  # ui.app.KioskUi
    residents: list[DemoResident]

    def sim(self, kind: DeviceKind) -> object:
        return self.core.devices.simulators[kind]  # type: ignore[union-attr]


@contextmanager
def running_core(folder: Path, sandbox: RunningSandbox, seeded_data_dir: Path, *,
                 kiosk_extra: str = "", extra: str = "") -> Iterator[KioskCore]:
    """The real core on a copy of the seeded data folder, its simulators started (`extra`: see write_site)."""
    shutil.copytree(seeded_data_dir, folder / "data", ignore=shutil.ignore_patterns("logs"))
    # the recording speech engine: UI tests hear every utterance and make no sound
    settings = load_settings(write_site(folder, sandbox.base_url, extra + '\n[speech]\nengine = "recording"\n',
                                        kiosk_extra=kiosk_extra), env={})
    core = build_core(settings, start_workers=False, console_log=False, start_sandbox=False)
    core.devices.start()  # type: ignore[union-attr]  # simulators only: instant, no hardware
    try:
        yield core
    finally:
        core.close()


@contextmanager
def running_world(qtbot, core: KioskCore) -> Iterator[UiWorld]:
    """The real KioskUi on a core, shown at 1920×1080."""
    from ui.app import KioskUi

    ui = KioskUi(core, kiosk_mode=False)
    qtbot.addWidget(ui.window)
    ui.window.setGeometry(0, 0, 1920, 1080)
    ui.window.show()
    qtbot.waitExposed(ui.window)
    try:
        yield UiWorld(core, ui, load_demo_residents())
    finally:
        ui.close()


@pytest.fixture
def kiosk_core(tmp_path: Path, ui_sandbox: RunningSandbox, seeded_data_dir: Path) -> Iterator[KioskCore]:
    with running_core(tmp_path, ui_sandbox, seeded_data_dir) as core:
        yield core


@pytest.fixture
def world(qtbot, kiosk_core: KioskCore) -> Iterator[UiWorld]:
    with running_world(qtbot, kiosk_core) as w:
        yield w


def login_with_id_card(qtbot, world: UiWorld, index: int = 0) -> DemoResident:
    """Place demo resident `index`'s ID card on the simulated reader and wait for the greeting."""
    resident = world.residents[index]
    world.sim(DeviceKind.ID_CARD).place(resident.id_card)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: world.ui.window.current_page().page_id == "home"  # type: ignore[attr-defined]
                    and resident.label in world.ui.home.greeting.text(), timeout=5000)  # type: ignore[attr-defined]

    def login_finished() -> bool:  # the platform login runs after the greeting: online, or offline with a notice
        s = world.core.services.session
        return s is not None and (s.online or bool(s.notice))

    qtbot.waitUntil(login_finished, timeout=8000)
    return resident
