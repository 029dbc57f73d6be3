"""DeviceManager with the simulators: event fan-out, health bookkeeping, printer polling, maintenance, lifecycle."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date

import pytest

from devices.base import (
    CardFailed,
    CardInserted,
    DeviceError,
    DeviceGone,
    DeviceHealth,
    DeviceKind,
    DeviceState,
    EventSink,
    HealthChanged,
    PaperOut,
    QrScanned,
)
from devices.camera.sim import SimCamera
from devices.factory import DeviceAddresses, build_device_manager
from devices.idcard.sim import SimIdCardReader
from devices.manager import MAINTENANCE_MESSAGE, START_FAILED_MESSAGE, DeviceManager
from devices.printer.document import Cut, KeyValue, QrCode, ReceiptDocument, Title
from devices.printer.sim import SimPrinter
from devices.qr.sim import SimQrScanner
from devices.sscard.sim import SimSsCardReader
from devices.uri import DeviceUriError
from tests.helpers.sample_cards import sample_identity
from tests.helpers.vcard import EventRecorder

TODAY = date(2026, 6, 1)
DOC = ReceiptDocument(
    (Title("求职登记回执"), KeyValue("受理编号：", "SQ0042"), QrCode("https://example.org/c/SQ0042"), Cut())
)
TOKEN = "ESSC-TOKEN-0123456789abcdef"
WAIT = 5.0  # generous upper bound for a condition that normally holds within milliseconds


def health_of(kind: DeviceKind, state: DeviceState) -> Callable[[object], bool]:
    """A predicate for HealthChanged(kind, state)."""
    return lambda e: isinstance(e, HealthChanged) and e.health.kind == kind and e.health.state == state


@dataclass
class Rig:
    """A manager over the five simulators, plus the simulators themselves."""

    manager: DeviceManager
    id_card: SimIdCardReader
    ss_card: SimSsCardReader
    qr: SimQrScanner
    printer: SimPrinter
    camera: SimCamera


@pytest.fixture
def make_rig() -> Iterator[Callable[..., Rig]]:
    """Build (not start) managers over fresh simulators; every one built is stopped afterwards."""
    managers: list[DeviceManager] = []

    def build(status_interval_s: float = 60.0, **replace: object) -> Rig:
        id_card = SimIdCardReader()
        ss_card = SimSsCardReader(today=lambda: TODAY, insert_delay=0.0, remove_delay=0.0, apdu_delay=0.0)
        qr = SimQrScanner()
        printer = SimPrinter()
        camera = SimCamera()
        readers: dict[DeviceKind, object] = {
            DeviceKind.ID_CARD: id_card,
            DeviceKind.SS_CARD: ss_card,
            DeviceKind.QR_SCANNER: qr,
        }
        readers.update({DeviceKind(k): v for k, v in replace.items()})
        manager = DeviceManager(readers, printer, status_interval_s=status_interval_s,  # type: ignore[arg-type]
                                camera=camera)
        managers.append(manager)
        return Rig(manager, id_card, ss_card, qr, printer, camera)

    yield build
    for manager in managers:
        manager.stop()


@pytest.fixture
def rig(make_rig: Callable[..., Rig]) -> Rig:
    """A started manager whose printer is polled only once (at start)."""
    r = make_rig()
    first_reports: set[DeviceKind] = set()
    seen = threading.Event()

    def note(event: object) -> None:
        if isinstance(event, HealthChanged):
            first_reports.add(event.health.kind)
            if len(first_reports) == len(DeviceKind):
                seen.set()

    unsubscribe = r.manager.subscribe(note)
    r.manager.start()
    # start() returns before the reader threads and the printer poller have reported; health is stored
    # before it is published, so wait for every first report to be *published*, or a late one looks
    # like a change to the test's own subscriber.
    assert seen.wait(10), first_reports
    unsubscribe()
    return r


# ---- events ------------------------------------------------------------------------------------


def test_a_card_reaches_every_subscriber_even_when_one_of_them_fails(rig: Rig) -> None:
    calls: list[object] = []

    def broken(event: object) -> None:
        calls.append(event)
        raise RuntimeError("a subscriber with a bug")

    first, second = EventRecorder(), EventRecorder()
    rig.manager.subscribe(broken)  # subscribed first, so it runs before the others
    rig.manager.subscribe(first)
    rig.manager.subscribe(second)

    rig.id_card.place(sample_identity())
    rig.ss_card.insert(sample_identity(source="ss_card", id_number="14022219900101123X", name="李四"))

    for recorder in (first, second):
        by_id = recorder.wait_for(
            lambda e: isinstance(e, CardInserted) and e.identity.source == "id_card", WAIT
        )
        by_ss = recorder.wait_for(
            lambda e: isinstance(e, CardInserted) and e.identity.source == "ss_card", WAIT
        )
        assert by_id.identity.id_number == "11010119900307125X"  # type: ignore[attr-defined]
        assert by_ss.identity.card_type == "social_security"  # type: ignore[attr-defined]
    assert any(isinstance(e, CardInserted) for e in calls)  # the broken one was called too


def test_an_unsubscribed_sink_hears_nothing_more(rig: Rig) -> None:
    staying, leaving = EventRecorder(), EventRecorder()
    rig.manager.subscribe(staying)
    unsubscribe = rig.manager.subscribe(leaving)

    rig.qr.scan(TOKEN)  # the simulator delivers on this thread: both have it when scan() returns
    assert [e.token for e in leaving.events if isinstance(e, QrScanned)] == [TOKEN]  # type: ignore[attr-defined]

    unsubscribe()
    unsubscribe()  # a second call is harmless
    rig.qr.scan(TOKEN + "-2")
    assert [e.token for e in staying.events if isinstance(e, QrScanned)] == [TOKEN, TOKEN + "-2"]  # type: ignore[attr-defined]
    assert [e.token for e in leaving.events if isinstance(e, QrScanned)] == [TOKEN]  # type: ignore[attr-defined]


def test_health_changed_is_published_only_when_the_health_really_changes(rig: Rig) -> None:
    recorder = EventRecorder()
    rig.manager.subscribe(recorder)
    mark = recorder.mark()  # after the replay of the current health (see the replay tests below)

    rig.id_card.plug_in()  # the simulator says ONLINE again: nothing new for the manager's subscribers
    rig.manager.refresh_printer()
    rig.manager.refresh_printer()  # the same printer status twice
    assert not [e for e in recorder.events[mark:] if isinstance(e, HealthChanged)]

    rig.id_card.unplug()
    rig.id_card.unplug()  # reported twice by the driver, published once
    rig.printer.set_paper_out(True)
    rig.manager.refresh_printer()
    rig.manager.refresh_printer()
    changes = [(e.health.kind, e.health.state) for e in recorder.events[mark:] if isinstance(e, HealthChanged)]
    assert changes == [
        (DeviceKind.ID_CARD, DeviceState.NO_DEVICE),
        (DeviceKind.PRINTER, DeviceState.USER_ERROR),
    ]
    assert rig.manager.health()[DeviceKind.ID_CARD].state == DeviceState.NO_DEVICE


# ---- late subscribers learn the current state (issue 16 item 4b) --------------------------------


def test_a_late_subscriber_first_gets_every_reported_health_and_the_cards_lying_on_the_readers(rig: Rig) -> None:
    early = EventRecorder()
    rig.manager.subscribe(early)
    rig.id_card.place(sample_identity())  # reported before the late one listens, as at start-up
    rig.ss_card.insert(sample_identity(source="ss_card", id_number="14022219900101123X", name="李四"))
    early.wait_for(lambda e: isinstance(e, CardInserted) and e.identity.source == "ss_card", WAIT)

    late = EventRecorder()
    rig.manager.subscribe(late)  # the replay is synchronous: it is all there when subscribe returns

    health = {e.health.kind: e.health.state for e in late.events if isinstance(e, HealthChanged)}
    assert health == {k: DeviceState.ONLINE for k in DeviceKind}
    cards = [e for e in late.events if isinstance(e, CardInserted)]
    assert sorted(e.identity.source for e in cards) == ["id_card", "ss_card"]
    assert all(isinstance(e, HealthChanged) for e in late.events[: len(health)])  # health first, then cards


def test_a_removed_card_a_failed_card_and_a_qr_scan_are_replayed_as_the_state_they_leave(rig: Rig) -> None:
    from dataclasses import replace as changed

    rig.id_card.place(sample_identity())
    rig.id_card.take_away()
    rig.qr.scan(TOKEN)  # a moment, not a state: never replayed
    expired = changed(sample_identity(id_number="110101200001011232"), valid_until=date(2020, 1, 1), expired=True)
    rig.id_card.place(expired)

    late = EventRecorder()
    rig.manager.subscribe(late)
    (failed,) = [e for e in late.events if not isinstance(e, HealthChanged)]
    assert isinstance(failed, CardFailed) and failed.source == "id_card"

    rig.id_card.take_away()
    later = EventRecorder()
    rig.manager.subscribe(later)
    assert all(isinstance(e, HealthChanged) for e in later.events)


def test_during_maintenance_a_late_subscriber_hears_maintenance_for_every_device(rig: Rig) -> None:
    rig.manager.set_maintenance(True)
    late = EventRecorder()
    rig.manager.subscribe(late)
    states = {e.health.kind: e.health.state for e in late.events if isinstance(e, HealthChanged)}
    assert states == {k: DeviceState.MAINTENANCE for k in DeviceKind}


# ---- printer -----------------------------------------------------------------------------------


def test_the_printer_poller_reports_paper_out_and_paper_back(make_rig: Callable[..., Rig]) -> None:
    r = make_rig(status_interval_s=0.02)
    recorder = EventRecorder()
    r.manager.subscribe(recorder)
    r.manager.start()
    recorder.wait_for(health_of(DeviceKind.PRINTER, DeviceState.ONLINE), WAIT)

    mark = recorder.mark()
    r.printer.set_paper_out(True)  # nobody asks: the poller notices by itself
    out = recorder.wait_for(health_of(DeviceKind.PRINTER, DeviceState.USER_ERROR), WAIT, after=mark)
    assert "打印机缺纸" in out.health.message  # type: ignore[attr-defined]
    assert r.manager.health()[DeviceKind.PRINTER].state == DeviceState.USER_ERROR

    mark = recorder.mark()
    r.printer.set_paper_out(False)
    recorder.wait_for(health_of(DeviceKind.PRINTER, DeviceState.ONLINE), WAIT, after=mark)
    assert r.manager.health()[DeviceKind.PRINTER].message == "打印机正常"


def test_paper_out_during_a_print_is_shown_and_the_same_document_prints_after_a_refill(rig: Rig) -> None:
    recorder = EventRecorder()
    rig.manager.subscribe(recorder)
    rig.printer.set_paper_out(True)

    with pytest.raises(PaperOut) as caught:
        rig.manager.print_document(DOC)
    assert "缺纸" in caught.value.message
    health = rig.manager.health()[DeviceKind.PRINTER]
    assert (health.state, health.message) == (DeviceState.USER_ERROR, caught.value.message)
    assert recorder.wait_for(health_of(DeviceKind.PRINTER, DeviceState.USER_ERROR), WAIT)
    assert rig.printer.printed == []

    rig.printer.set_paper_out(False)
    after = rig.manager.print_document(DOC)  # the caller kept the document and retries it as is
    assert after.state == DeviceState.ONLINE
    assert rig.manager.health()[DeviceKind.PRINTER].state == DeviceState.ONLINE
    assert len(rig.printer.printed) == 1 and "SQ0042" in rig.printer.printed[0]
    assert rig.printer.prints[0].qr_payloads == ("https://example.org/c/SQ0042",)


# ---- maintenance -------------------------------------------------------------------------------


def test_maintenance_covers_every_device_refuses_prints_and_release_restores_the_real_health(
    rig: Rig,
) -> None:
    recorder = EventRecorder()
    rig.manager.subscribe(recorder)
    rig.manager.refresh_printer()
    rig.ss_card.set_state(DeviceState.ONLINE)
    before = rig.manager.health()
    assert {h.state for h in before.values()} == {DeviceState.ONLINE}

    rig.manager.set_maintenance(True)
    assert rig.manager.in_maintenance
    held = rig.manager.health()
    assert set(held) == {DeviceKind.ID_CARD, DeviceKind.SS_CARD, DeviceKind.QR_SCANNER, DeviceKind.PRINTER,
                         DeviceKind.CAMERA}
    assert all(h.state == DeviceState.MAINTENANCE and h.message == MAINTENANCE_MESSAGE for h in held.values())
    assert not any(h.usable for h in held.values())
    for kind in held:  # the screens hear about it too
        recorder.wait_for(health_of(kind, DeviceState.MAINTENANCE), WAIT)

    with pytest.raises(DeviceError) as caught:
        rig.manager.print_document(DOC)
    assert caught.value.message == MAINTENANCE_MESSAGE
    assert rig.printer.printed == []

    # While held, a device really changes: it is remembered, not shown.
    mark = recorder.mark()
    rig.id_card.unplug()
    rig.printer.set_paper_out(True)
    rig.manager.refresh_printer()
    assert rig.manager.health()[DeviceKind.ID_CARD].state == DeviceState.MAINTENANCE
    assert not any(isinstance(e, HealthChanged) for e in recorder.events[mark:])

    rig.manager.set_maintenance(False)
    assert not rig.manager.in_maintenance
    released = rig.manager.health()
    assert released[DeviceKind.ID_CARD].state == DeviceState.NO_DEVICE
    assert released[DeviceKind.PRINTER].state == DeviceState.USER_ERROR
    assert released[DeviceKind.SS_CARD] == before[DeviceKind.SS_CARD]
    assert released[DeviceKind.QR_SCANNER] == before[DeviceKind.QR_SCANNER]
    recorder.wait_for(health_of(DeviceKind.ID_CARD, DeviceState.NO_DEVICE), WAIT, after=mark)
    recorder.wait_for(health_of(DeviceKind.QR_SCANNER, DeviceState.ONLINE), WAIT, after=mark)

    rig.printer.set_paper_out(False)
    assert rig.manager.print_document(DOC).state == DeviceState.ONLINE
    assert len(rig.printer.printed) == 1


# ---- lifecycle ---------------------------------------------------------------------------------


def test_stop_stops_every_driver_and_closes_the_printer(make_rig: Callable[..., Rig]) -> None:
    r = make_rig(status_interval_s=0.02)
    recorder = EventRecorder()
    r.manager.subscribe(recorder)
    r.manager.start()
    recorder.wait_for(health_of(DeviceKind.SS_CARD, DeviceState.ONLINE), WAIT)
    recorder.wait_for(health_of(DeviceKind.PRINTER, DeviceState.ONLINE), WAIT)

    r.manager.stop()

    assert r.printer.closed
    assert r.id_card.health().state == DeviceState.OFFLINE
    assert r.qr.health().state == DeviceState.OFFLINE
    r.ss_card.start(lambda e: None)  # refuses with RuntimeError while its worker thread is still alive
    r.ss_card.stop()
    assert not [t for t in threading.enumerate() if t.name == "printer-status" and t.is_alive()]
    mark = recorder.mark()
    r.id_card.place(sample_identity())  # synchronous simulator: no sink any more, so nothing arrives
    r.qr.scan(TOKEN)
    assert recorder.events[mark:] == []


class _FailingReader:
    """A card reader whose start() raises the given error (a missing device, a faulty one, or a bug)."""

    kind = DeviceKind.ID_CARD

    def __init__(self, error: Exception) -> None:
        self.error = error
        self.stopped = False

    def start(self, sink: EventSink) -> None:
        raise self.error

    def stop(self) -> None:
        self.stopped = True

    def health(self) -> DeviceHealth:
        return DeviceHealth(self.kind, DeviceState.UNKNOWN, "")


UNPLUGGED = "未找到身份证读卡器，请联系工作人员检查连接线"


@pytest.mark.parametrize(
    ("error", "state", "message"),
    [
        (DeviceGone(UNPLUGGED, "open /dev/ttyUSB9: no such file"), DeviceState.NO_DEVICE, UNPLUGGED),
        (
            DeviceError("身份证读卡器出现故障，请联系工作人员", "SAM"),
            DeviceState.HARDWARE_ERROR,
            "身份证读卡器出现故障，请联系工作人员",
        ),
        (RuntimeError("a bug in a driver"), DeviceState.HARDWARE_ERROR, START_FAILED_MESSAGE),
    ],
    ids=["unplugged", "faulty", "driver-bug"],
)
def test_a_reader_that_fails_to_start_is_reported_and_the_others_keep_working(
    make_rig: Callable[..., Rig], error: Exception, state: DeviceState, message: str
) -> None:
    broken = _FailingReader(error)
    r = make_rig(**{DeviceKind.ID_CARD.value: broken})
    recorder = EventRecorder()
    r.manager.subscribe(recorder)
    r.manager.start()

    failed = recorder.wait_for(
        lambda e: isinstance(e, HealthChanged) and e.health.kind == DeviceKind.ID_CARD, WAIT
    )
    assert (failed.health.state, failed.health.message) == (state, message)  # type: ignore[attr-defined]
    assert not r.manager.health()[DeviceKind.ID_CARD].usable

    r.qr.scan(TOKEN)
    recorder.wait_for(lambda e: isinstance(e, QrScanned) and e.token == TOKEN, WAIT)
    r.ss_card.insert(sample_identity(source="ss_card"))
    recorder.wait_for(lambda e: isinstance(e, CardInserted) and e.identity.source == "ss_card", WAIT)
    recorder.wait_for(health_of(DeviceKind.PRINTER, DeviceState.ONLINE), WAIT)  # the poller runs too
    assert r.manager.print_document(DOC).state == DeviceState.ONLINE

    r.manager.stop()
    assert broken.stopped and r.printer.closed


# ---- building from addresses -------------------------------------------------------------------


def addresses(**changes: str) -> DeviceAddresses:
    """Every device simulated, except the addresses given."""
    sim = DeviceAddresses(
        id_card="sim://",
        ss_card="sim://",
        qr_scanner="sim://",
        printer="sim://",
        printer_profile="generic-80",
    )
    return replace(sim, **changes)  # type: ignore[arg-type]


def test_the_factory_builds_a_manager_over_the_configured_simulators() -> None:
    manager = build_device_manager(addresses(qr_scanner="none"))
    try:
        assert set(manager.simulators) == {DeviceKind.ID_CARD, DeviceKind.SS_CARD, DeviceKind.PRINTER}
        assert manager.reader(DeviceKind.QR_SCANNER) is None
        assert isinstance(manager.reader(DeviceKind.ID_CARD), SimIdCardReader)
        assert set(manager.health()) == {DeviceKind.ID_CARD, DeviceKind.SS_CARD, DeviceKind.PRINTER}
    finally:
        manager.stop()


@pytest.mark.parametrize(
    ("key", "address"),
    [
        ("id_card", "pcsc://Virtual PCD"),
        ("ss_card", "serial:///dev/ttyS0"),
        ("qr_scanner", "pcsc://*"),
        ("printer", "none"),
        ("printer", "keyboard"),
    ],
)
def test_an_address_of_the_wrong_form_for_its_device_is_refused_by_name(key: str, address: str) -> None:
    with pytest.raises(DeviceUriError) as caught:
        build_device_manager(addresses(**{key: address}))
    assert f"devices.{key}" in caught.value.args[0]


def test_a_technician_prints_and_sees_real_health_while_holding_the_devices(tmp_path) -> None:
    from devices.printer.document import Cut, ReceiptDocument, Text
    from devices.printer.profiles import DEFAULT_PROFILES_PATH, load_profiles
    from devices.printer.sim import SimPrinter

    printer = SimPrinter(load_profiles(DEFAULT_PROFILES_PATH)["generic-80"])
    manager = DeviceManager({}, printer, status_interval_s=3600)
    manager.refresh_printer()
    manager.set_maintenance(True)
    doc = ReceiptDocument(elements=(Text("自检"), Cut()))
    with pytest.raises(DeviceError):
        manager.print_document(doc)  # residents are refused
    manager.technician_print(doc)
    assert any("自检" in p for p in printer.printed)
    assert manager.health()[DeviceKind.PRINTER].state == DeviceState.MAINTENANCE
    assert manager.device_health()[DeviceKind.PRINTER].state == DeviceState.ONLINE


def test_a_card_read_is_forgotten_at_session_end_and_not_replayed_after(rig: Rig) -> None:
    rig.id_card.place(sample_identity())
    early = EventRecorder()
    rig.manager.subscribe(early)
    early.wait_for(lambda e: isinstance(e, CardInserted), WAIT)
    rig.manager.forget_cards()  # the resident's session ended; the card may still lie there
    assert rig.manager._cards == {}, "name and ID number stay in memory"
    late = EventRecorder()
    rig.manager.subscribe(late)
    assert not [e for e in late.events if not isinstance(e, HealthChanged)]


def test_the_social_security_card_reader_is_handed_out_typed_for_its_pin() -> None:
    """ResidentServices asks the card's PIN through DeviceManager.ss_card_reader (the SsCardPinReader seam)."""
    from devices.base import SsCardPinReader
    from devices.sscard.pcsc_driver import SsCardReader
    from devices.sscard.sim import SimSsCardReader

    manager = build_device_manager(addresses())
    try:
        reader = manager.ss_card_reader()
        assert isinstance(reader, SimSsCardReader) and reader is manager.reader(DeviceKind.SS_CARD)
    finally:
        manager.stop()
    without = build_device_manager(addresses(ss_card="none"))
    try:
        assert without.ss_card_reader() is None
    finally:
        without.stop()
    # Both drivers answer the PIN questions (devices/factory.py's return type makes mypy check the signatures).
    for driver in (SimSsCardReader, SsCardReader):
        assert all(callable(getattr(driver, name, None)) for name in ("pin_tries_left", "verify_pin"))
    assert isinstance(reader, SsCardPinReader)
