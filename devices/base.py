"""The values every device family shares: status vocabulary, health, identity reads, events, errors."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal


class DeviceKind(enum.StrEnum):
    """The kinds of device a kiosk has."""

    ID_CARD = "id_card"
    SS_CARD = "ss_card"
    QR_SCANNER = "qr_scanner"
    PRINTER = "printer"
    CAMERA = "camera"  # the 一寸电子照片 camera (issue 11 §6); capture itself is the UI's (QtMultimedia)


# The detail every simulator reports, so a technician sees at once that no real device is behind it.
SIMULATED_DETAIL = "模拟设备"


class DeviceState(enum.StrEnum):
    """One status vocabulary for every device (XFS4IoT/UnifiedPOS practice)."""

    ONLINE = "online"
    OFFLINE = "offline"
    NO_DEVICE = "no_device"
    HARDWARE_ERROR = "hardware_error"
    USER_ERROR = "user_error"  # e.g. paper out, cover open, card inserted wrong way
    BUSY = "busy"
    MAINTENANCE = "maintenance"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class DeviceHealth:
    """A device's state plus the plain Chinese message a person reads."""

    kind: DeviceKind
    state: DeviceState
    message: str
    detail: str = ""  # technical detail for technicians/logs, never personal data

    @property
    def usable(self) -> bool:
        return self.state in (DeviceState.ONLINE, DeviceState.BUSY)


CardType = Literal["resident_id", "hk_mo_tw_permit", "foreign_permanent", "social_security", "essc"]
Source = Literal["id_card", "ss_card", "essc"]


@dataclass(frozen=True)
class IdentityRead:
    """Who a card says the holder is. Personal data: never log it in clear (see kiosk.masking)."""

    source: Source
    card_type: CardType
    id_number: str
    name: str
    gender: str = ""  # "男" / "女" / "未知" / "未说明"
    nation: str = ""  # e.g. "汉"
    birth_date: date | None = None
    valid_from: date | None = None
    valid_until: date | None = None  # None with long_term=True means 长期
    long_term: bool = False
    card_number: str = ""
    address: str = ""
    issuer: str = ""
    expired: bool = False
    photo: bytes = field(default=b"", repr=False)  # opaque WLT blob; no decoder is pretended
    extra: tuple[tuple[str, str], ...] = ()  # card-type specific fields (pass number, English name…)
    partial: bool = False  # True when only part of the card could be read (e.g. 3rd-gen SSC, no authenticator)
    notice: str = ""  # plain Chinese note for the resident (e.g. why data is partial)

    def __repr__(self) -> str:  # keep personal data out of accidental reprs/tracebacks
        return f"IdentityRead(source={self.source!r}, card_type={self.card_type!r}, expired={self.expired})"

    __str__ = __repr__


class DeviceError(Exception):
    """Base of every device error; carries the plain Chinese message the UI shows."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.message} ({self.detail})" if self.detail else self.message


class DeviceGone(DeviceError):
    """The device was unplugged or stopped answering."""


class CardReadError(DeviceError):
    """A card was there but could not be read."""


class CardExpired(CardReadError):
    """The card is past its validity date."""


class PinError(DeviceError):
    """PIN verification failed; tries_left is what the card reported (None if unknown)."""

    def __init__(self, message: str, tries_left: int | None = None, locked: bool = False) -> None:
        super().__init__(message)
        self.tries_left = tries_left
        self.locked = locked


class PrinterError(DeviceError):
    """A print could not be completed; the job is kept for a retry."""


class PrinterOffline(PrinterError):
    """The printer does not answer or is unplugged."""


class PaperOut(PrinterError):
    """The printer is out of paper."""


class CoverOpen(PrinterError):
    """The printer's cover is open."""


# Events the device layer emits to whoever subscribed (the device manager, then kiosk/ui).
@dataclass(frozen=True)
class CardInserted:
    identity: IdentityRead


@dataclass(frozen=True)
class CardRemoved:
    source: Source


@dataclass(frozen=True)
class CardFailed:
    source: Source
    error: DeviceError


@dataclass(frozen=True)
class QrScanned:
    token: str  # opaque e-SSC token: never log in full, never store

    def __repr__(self) -> str:
        return f"QrScanned(len={len(self.token)})"

    __str__ = __repr__


@dataclass(frozen=True)
class HealthChanged:
    health: DeviceHealth


DeviceEvent = CardInserted | CardRemoved | CardFailed | QrScanned | HealthChanged
EventSink = Callable[[DeviceEvent], None]


# --- Driver interfaces. Each family has a real driver and a simulator implementing one of these. ---
from typing import Protocol, runtime_checkable  # noqa: E402


@runtime_checkable
class CardReaderDriver(Protocol):
    """An ID card reader, a social security card reader, or a QR scanner.

    start() launches the driver's own supervised worker thread, which emits CardInserted /
    CardRemoved / CardFailed / QrScanned / HealthChanged to the sink (on that worker thread).
    stop() ends the thread (joins it within a few seconds) and closes the transport. Never blocks a GUI.
    """

    kind: DeviceKind

    def start(self, sink: EventSink) -> None: ...

    def stop(self) -> None: ...

    def health(self) -> DeviceHealth: ...


@runtime_checkable
class SsCardPinReader(CardReaderDriver, Protocol):
    """A social security card reader that can ask the inserted card about its PIN (blocking card I/O).

    Every social security card driver is one (devices/sscard: the PC/SC reader and the simulator).
    """

    def pin_tries_left(self) -> int | None: ...  # None when the card does not say

    def verify_pin(self, pin: str) -> None: ...  # PinError (tries left, or locked) when the card refuses


@dataclass(frozen=True)
class CameraFrame:
    """One picture of a camera: 8-bit RGB, row after row (width × height × 3 bytes). Personal: never logged."""

    width: int
    height: int
    rgb: bytes = field(repr=False)


@runtime_checkable
class CameraDriver(Protocol):
    """A camera for the photo step: its presence and health, watched on the driver's own thread.

    start() begins watching (health changes go to the sink as HealthChanged), stop() ends it. `device` is
    what the UI opens with QtMultimedia (e.g. /dev/video0); "" for the simulator, whose pictures come from
    frame() (cheap, no I/O). The devices layer never captures from a real camera itself.
    """

    kind: DeviceKind
    device: str
    simulated: bool

    def start(self, sink: EventSink) -> None: ...

    def stop(self) -> None: ...

    def health(self) -> DeviceHealth: ...

    def frame(self) -> CameraFrame: ...  # the simulator's live picture; a real camera raises DeviceError


@runtime_checkable
class PrinterDriver(Protocol):
    """A receipt printer. Calls block (short timeouts): run them off the GUI thread."""

    kind: DeviceKind

    def health(self) -> DeviceHealth: ...  # asks the printer (DLE EOT); UNKNOWN when it says nothing

    def print_document(self, document: object) -> DeviceHealth: ...  # raises PrinterError subclasses

    def close(self) -> None: ...
