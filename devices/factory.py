"""Build each configured driver from its address, and the device manager that owns them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from devices.base import CameraDriver, CardReaderDriver, DeviceKind, SsCardPinReader
from devices.manager import DeviceManager
from devices.printer.factory import make_printer
from devices.printer.profiles import DEFAULT_PROFILES_PATH, load_profiles, profile_named
from devices.uri import DeviceUri, DeviceUriError, parse_device_uri

# Which address forms each kind of device accepts (the architecture's table), and how a technician
# reads the kind's name in an error. A valid address of the wrong form must fail here, by name,
# not as a traceback from deep inside a driver's constructor.
ACCEPTED_SCHEMES: dict[DeviceKind, tuple[str, ...]] = {
    DeviceKind.ID_CARD: ("serial", "sim", "none"),
    DeviceKind.SS_CARD: ("pcsc", "sim", "none"),
    DeviceKind.QR_SCANNER: ("serial", "keyboard", "sim", "none"),
    DeviceKind.PRINTER: ("usb", "serial", "tcp", "file", "sim"),
    DeviceKind.CAMERA: ("v4l2", "sim", "none"),
}
KIND_NAMES: dict[DeviceKind, str] = {
    DeviceKind.ID_CARD: "身份证读卡器",
    DeviceKind.SS_CARD: "社保卡读卡器",
    DeviceKind.QR_SCANNER: "扫码器",
    DeviceKind.PRINTER: "打印机",
    DeviceKind.CAMERA: "摄像头",
}
WRONG_FORM = "devices.{key} = {address!r}：{name}不能使用 {scheme} 地址，可用的形式：{forms}"


@dataclass(frozen=True)
class DeviceAddresses:
    """Where each device is (URIs as in the architecture) and how to talk to the printer."""

    id_card: str
    ss_card: str
    qr_scanner: str
    printer: str
    printer_profile: str
    ss_card_sam: str = "none"  # the PSAM for 3rd-generation cards: a second PC/SC reader, or none
    camera: str = "none"  # the photo step's camera: v4l2:///dev/videoN, sim://, or none
    status_timeout_s: float = 1.0
    status_interval_s: float = 5.0
    profiles_path: Path = DEFAULT_PROFILES_PATH


def check_address(kind: DeviceKind, address: str) -> None:
    """Raise DeviceUriError (naming the settings key) when address is not a form this kind of device accepts."""
    try:
        scheme = parse_device_uri(address).scheme
    except DeviceUriError as exc:
        raise DeviceUriError(f"devices.{kind.value} = {address!r}：{exc.args[0]}") from exc
    if scheme not in ACCEPTED_SCHEMES[kind]:
        forms = ", ".join(f"{s}://" if s not in ("keyboard", "none") else s for s in ACCEPTED_SCHEMES[kind])
        name = KIND_NAMES[kind]
        raise DeviceUriError(
            WRONG_FORM.format(key=kind.value, address=address, name=name, scheme=scheme, forms=forms)
        )


SAM_SCHEMES = ("pcsc", "none")
WRONG_SAM = "devices.ss_card_sam = {address!r}：社保卡 PSAM 应为 pcsc://读卡器名称（第二个读卡槽）或 none"


def check_sam_address(address: str) -> None:
    """Raise DeviceUriError unless address is `none` or a PSAM reader `pcsc://<name>` (with its options)."""
    try:
        uri = parse_device_uri(address)
    except DeviceUriError as exc:
        raise DeviceUriError(f"devices.ss_card_sam = {address!r}：{exc.args[0]}") from exc
    if uri.scheme not in SAM_SCHEMES:
        raise DeviceUriError(WRONG_SAM.format(address=address))
    if uri.scheme == "pcsc":
        from devices.sscard.psam import PsamAuthenticator

        try:
            PsamAuthenticator.from_uri(uri)
        except DeviceUriError as exc:
            raise DeviceUriError(f"devices.ss_card_sam = {address!r}：{exc.args[0]}") from exc


def make_reader(kind: DeviceKind, address: str, *, today: Callable[[], date] = date.today,
                sam: str = "none") -> CardReaderDriver | None:
    """The driver for one card reader or scanner address; None for `none`.

    `today` is the calendar date card expiry is judged by: the kiosk passes the service point's date.
    `sam` (social security card reader only) is the PSAM's reader, which unlocks 3rd-generation cards.
    """
    check_address(kind, address)
    uri = parse_device_uri(address)
    if uri.scheme == "none":
        return None
    if kind == DeviceKind.ID_CARD:
        if uri.scheme == "sim":
            from devices.idcard.sim import SimIdCardReader

            return SimIdCardReader()
        from devices.idcard.driver import IdCardReader

        return IdCardReader(uri, today=today)
    if kind == DeviceKind.SS_CARD:
        return _make_ss_card_reader(uri, today=today, sam=sam)
    if kind == DeviceKind.QR_SCANNER:
        if uri.scheme == "sim":
            from devices.qr.sim import SimQrScanner

            return SimQrScanner()
        if uri.scheme == "keyboard":
            from devices.qr.driver import KeyboardWedgeQrScanner

            return KeyboardWedgeQrScanner()
        from devices.qr.driver import SerialQrScanner

        return SerialQrScanner(uri)
    raise DeviceUriError(f"{kind.value} is not a card reader")


def make_camera(address: str) -> CameraDriver | None:
    """The camera's driver (presence and health; the simulator also gives pictures); None for `none`."""
    check_address(DeviceKind.CAMERA, address)
    uri = parse_device_uri(address)
    if uri.scheme == "none":
        return None
    if uri.scheme == "sim":
        from devices.camera.sim import SimCamera

        return SimCamera()
    from devices.camera.v4l2 import V4l2Camera

    return V4l2Camera.from_uri(uri)


def _make_ss_card_reader(uri: DeviceUri, *, today: Callable[[], date], sam: str) -> SsCardPinReader:
    """A social security card reader: every one can ask the card about its PIN (checked here by the types)."""
    if uri.scheme == "sim":
        from devices.sscard.sim import SimSsCardReader

        return SimSsCardReader(today=today)
    from devices.sscard.pcsc_driver import SsCardReader

    check_sam_address(sam)
    sam_uri = parse_device_uri(sam)
    if sam_uri.scheme == "pcsc":
        from devices.sscard.psam import PsamAuthenticator

        return SsCardReader.from_uri(uri, today=today, authenticator=PsamAuthenticator.from_uri(sam_uri),
                                     exclude=sam_uri.target)
    return SsCardReader.from_uri(uri, today=today)


def build_device_manager(addresses: DeviceAddresses, *, today: Callable[[], date] = date.today) -> DeviceManager:
    """Every configured driver, owned by one manager; simulators are exposed for the demo panel.

    `today` (the service point's date, from the kiosk) decides whether a card has expired.

    Raises DeviceUriError naming the key when an address is not a form its device accepts.
    """
    for kind, address in (
        (DeviceKind.ID_CARD, addresses.id_card),
        (DeviceKind.SS_CARD, addresses.ss_card),
        (DeviceKind.QR_SCANNER, addresses.qr_scanner),
        (DeviceKind.PRINTER, addresses.printer),
        (DeviceKind.CAMERA, addresses.camera),
    ):
        check_address(kind, address)  # all of them before any driver is built
    check_sam_address(addresses.ss_card_sam)
    profile = profile_named(load_profiles(addresses.profiles_path), addresses.printer_profile)
    readers: dict[DeviceKind, CardReaderDriver] = {}
    sims: dict[DeviceKind, object] = {}
    for kind, address in (
        (DeviceKind.ID_CARD, addresses.id_card),
        (DeviceKind.SS_CARD, addresses.ss_card),
        (DeviceKind.QR_SCANNER, addresses.qr_scanner),
    ):
        driver = make_reader(kind, address, today=today, sam=addresses.ss_card_sam)
        if driver is None:
            continue
        readers[kind] = driver
        if parse_device_uri(address).scheme == "sim":
            sims[kind] = driver
    printer = make_printer(addresses.printer, profile, status_timeout_s=addresses.status_timeout_s)
    if parse_device_uri(addresses.printer).scheme == "sim":
        sims[DeviceKind.PRINTER] = printer
    camera = make_camera(addresses.camera)
    if camera is not None and camera.simulated:
        sims[DeviceKind.CAMERA] = camera
    return DeviceManager(readers, printer, status_interval_s=addresses.status_interval_s, simulators=sims,
                         camera=camera)
