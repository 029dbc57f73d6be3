"""The receipt document model the application composes and a printer renders.

No masking happens here or in the printer: the application masks personal data (ID numbers,
names, phones) with kiosk.masking before it composes a document. Whatever text a document holds
is printed as given.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Align = Literal["left", "center", "right"]
ALIGNS: tuple[str, ...] = ("left", "center", "right")
MAX_QR_PAYLOAD_BYTES = 1000  # native GS ( k allows more; a receipt QR is a short URL or case number


def _check_text(value: object, what: str) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be str, got {type(value).__name__}")


@dataclass(frozen=True)
class Title:
    """The receipt's title: double size, bold, centred."""

    text: str

    def __post_init__(self) -> None:
        _check_text(self.text, "Title.text")


@dataclass(frozen=True)
class Heading:
    """A section heading: bold, centred, normal size."""

    text: str

    def __post_init__(self) -> None:
        _check_text(self.text, "Heading.text")


@dataclass(frozen=True)
class Text:
    """A paragraph, wrapped to the paper width; double means double width and height."""

    text: str
    bold: bool = False
    align: Align = "left"
    double: bool = False

    def __post_init__(self) -> None:
        _check_text(self.text, "Text.text")
        if self.align not in ALIGNS:
            raise ValueError(f"Text.align must be one of {ALIGNS}, got {self.align!r}")


@dataclass(frozen=True)
class KeyValue:
    """A label and its value in two columns (value right-aligned, or wrapped when long)."""

    label: str
    value: str

    def __post_init__(self) -> None:
        _check_text(self.label, "KeyValue.label")
        _check_text(self.value, "KeyValue.value")


@dataclass(frozen=True)
class Rule:
    """A line of '-' across the paper."""

    char: str = "-"

    def __post_init__(self) -> None:
        if not isinstance(self.char, str) or len(self.char) != 1 or not self.char.isascii():
            raise ValueError("Rule.char must be one ASCII character")


@dataclass(frozen=True)
class QrCode:
    """A QR code (centred) with an optional caption under it."""

    payload: str
    caption: str = ""

    def __post_init__(self) -> None:
        _check_text(self.payload, "QrCode.payload")
        _check_text(self.caption, "QrCode.caption")
        size = len(self.payload.encode("utf-8"))
        if not 0 < size <= MAX_QR_PAYLOAD_BYTES:
            raise ValueError(f"QrCode.payload must be 1..{MAX_QR_PAYLOAD_BYTES} bytes in UTF-8, got {size}")

    def __repr__(self) -> str:  # a payload may be a lookup token: keep it out of logs
        return f"QrCode(payload=<{len(self.payload)} chars>, caption={self.caption!r})"


@dataclass(frozen=True)
class Feed:
    """Blank lines."""

    lines: int = 1

    def __post_init__(self) -> None:
        if isinstance(self.lines, bool) or not isinstance(self.lines, int) or not 0 <= self.lines <= 20:
            raise ValueError("Feed.lines must be 0..20")


@dataclass(frozen=True)
class Cut:
    """End of a slip: cut (or feed for tearing off, when the printer has no cutter)."""


Element = Title | Heading | Text | KeyValue | Rule | QrCode | Feed | Cut
ELEMENT_TYPES = (Title, Heading, Text, KeyValue, Rule, QrCode, Feed, Cut)


@dataclass(frozen=True)
class ReceiptDocument:
    """A whole receipt. A document that does not end with Cut gets one when rendered.

    A print job is stateless: if printing fails, the caller keeps this document and prints it
    again later (same object, same result).
    """

    elements: tuple[Element, ...]

    def __post_init__(self) -> None:
        if not isinstance(self.elements, tuple):
            raise TypeError("ReceiptDocument.elements must be a tuple")
        for i, element in enumerate(self.elements):
            if not isinstance(element, ELEMENT_TYPES):
                raise TypeError(f"ReceiptDocument.elements[{i}] is a {type(element).__name__}, not a receipt element")
