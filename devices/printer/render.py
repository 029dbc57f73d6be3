"""Render a ReceiptDocument for one printer profile into ESC/POS operations and the text it reads as."""

from __future__ import annotations

from dataclasses import dataclass

from devices.printer.document import (
    Cut,
    Feed,
    Heading,
    KeyValue,
    QrCode,
    ReceiptDocument,
    Rule,
    Text,
    Title,
)
from devices.printer.encode import (
    Substitution,
    chinese_mode_off,
    chinese_mode_on,
    encode_text,
    prepare_text,
    width_function,
)
from devices.printer.layout import align_lines, center, key_value, rule, wrap
from devices.printer.profiles import PrinterProfile

ESC_INIT = b"\x1b@"
LF = b"\n"
BOLD_ON, BOLD_OFF = b"\x1bE\x01", b"\x1bE\x00"
DOUBLE_ON, SIZE_NORMAL = b"\x1d!\x11", b"\x1d!\x00"
ALIGN_LEFT, ALIGN_CENTER = b"\x1ba\x00", b"\x1ba\x01"
QR_TEXT_MARK = "[二维码]"


def feed_lines(n: int) -> bytes:
    """ESC d n: print the buffer and feed n lines."""
    return b"\x1bd" + bytes((n,))


@dataclass(frozen=True)
class RawOp:
    """Bytes sent as they are (text, styles, feeds)."""

    data: bytes


@dataclass(frozen=True)
class QrOp:
    """A QR code; the driver sends it natively or as a raster image, as the profile says."""

    payload: str

    def __repr__(self) -> str:
        return f"QrOp(<{len(self.payload)} chars>)"


@dataclass(frozen=True)
class CutOp:
    """Feed to the cutter and cut: mode "full" or "partial"."""

    mode: str


Op = RawOp | QrOp | CutOp


@dataclass(frozen=True)
class RenderedReceipt:
    """What a document becomes on one printer: the operations, the lines as they read, and what was replaced."""

    ops: tuple[Op, ...]
    lines: tuple[str, ...]
    substitutions: tuple[Substitution, ...]
    qr_payloads: tuple[str, ...]
    cuts: int

    @property
    def text(self) -> str:
        """The receipt as plain text (QR codes shown as [二维码])."""
        return "\n".join(self.lines)

    @property
    def byte_size(self) -> int:
        """Bytes of the raw parts (QR codes not counted)."""
        return sum(len(op.data) for op in self.ops if isinstance(op, RawOp))


class _Renderer:
    def __init__(self, profile: PrinterProfile) -> None:
        self.profile = profile
        self.width_of = width_function(profile)
        self.ops: list[Op] = []
        self.lines: list[str] = []
        self.subs: dict[Substitution, None] = {}
        self.qr: list[str] = []
        self.cuts = 0
        self._raw = bytearray()

    def raw(self, data: bytes) -> None:
        self._raw += data

    def flush(self) -> None:
        if self._raw:
            self.ops.append(RawOp(bytes(self._raw)))
            self._raw = bytearray()

    def prepare(self, text: str) -> str:
        prepared = prepare_text(text, self.profile)
        for s in prepared.substitutions:
            self.subs[s] = None
        return prepared.text

    def emit_lines(self, lines: list[str]) -> None:
        for line in lines:
            self.raw(encode_text(line, self.profile) + LF)
            self.lines.append(line)

    def text_block(self, text: str, *, bold: bool, double: bool, align: str) -> None:
        cols = self.profile.columns // 2 if double else self.profile.columns
        lines = align_lines(wrap(self.prepare(text), cols, self.width_of), cols, align, self.width_of)
        self.raw((BOLD_ON if bold else b"") + (DOUBLE_ON if double else b""))
        self.emit_lines(lines)
        self.raw((SIZE_NORMAL if double else b"") + (BOLD_OFF if bold else b""))

    def cut(self) -> None:
        self.cuts += 1
        if self.profile.cutter == "none":
            self.raw(feed_lines(self.profile.tear_feed_lines))
            self.lines.extend([""] * self.profile.tear_feed_lines)
            return
        self.flush()
        self.ops.append(CutOp(self.profile.cutter))

    def render(self, doc: ReceiptDocument) -> RenderedReceipt:
        cols = self.profile.columns
        self.raw(ESC_INIT + chinese_mode_on(self.profile))
        elements = list(doc.elements)
        if not elements or not isinstance(elements[-1], Cut):
            elements.append(Cut())
        for el in elements:
            if isinstance(el, Title):
                self.text_block(el.text, bold=True, double=True, align="center")
            elif isinstance(el, Heading):
                self.text_block(el.text, bold=True, double=False, align="center")
            elif isinstance(el, Text):
                self.text_block(el.text, bold=el.bold, double=el.double, align=el.align)
            elif isinstance(el, KeyValue):
                self.emit_lines(key_value(self.prepare(el.label), self.prepare(el.value), cols, self.width_of))
            elif isinstance(el, Rule):
                self.emit_lines([rule(cols, el.char)])
            elif isinstance(el, QrCode):
                self.raw(ALIGN_CENTER)
                self.flush()
                self.ops.append(QrOp(el.payload))
                self.qr.append(el.payload)
                self.lines.append(center(QR_TEXT_MARK, cols, self.width_of))
                self.raw(ALIGN_LEFT)
                if el.caption:
                    caption = wrap(self.prepare(el.caption), cols, self.width_of)
                    self.emit_lines(align_lines(caption, cols, "center", self.width_of))
            elif isinstance(el, Feed):
                if el.lines:
                    self.raw(feed_lines(el.lines))
                    self.lines.extend([""] * el.lines)
            elif isinstance(el, Cut):
                self.cut()
        self.raw(chinese_mode_off(self.profile))
        self.flush()
        return RenderedReceipt(tuple(self.ops), tuple(self.lines), tuple(self.subs), tuple(self.qr), self.cuts)


def render_document(doc: ReceiptDocument, profile: PrinterProfile) -> RenderedReceipt:
    """Lay out and encode a document for a profile (pure: no I/O)."""
    if not isinstance(doc, ReceiptDocument):
        raise TypeError(f"expected a ReceiptDocument, got {type(doc).__name__}")
    return _Renderer(profile).render(doc)
