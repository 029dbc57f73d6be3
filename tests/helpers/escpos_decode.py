"""Decode recorded ESC/POS bytes back into text lines, QR payloads, raster images, cuts and status queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PIL import Image

ESC, FS, GS, DLE = 0x1B, 0x1C, 0x1D, 0x10
LF, CR, HT, FF, NUL = 0x0A, 0x0D, 0x09, 0x0C, 0x00


class EscposDecodeError(Exception):
    """The bytes cannot be decoded; offset is where in the input the problem starts."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(f"{message} at byte {offset}")
        self.offset = offset


class TruncatedCommand(EscposDecodeError):
    """A command starts but the input ends before its declared length."""


class UnknownCommand(EscposDecodeError):
    """A command this decoder does not know the length of (it cannot skip it safely)."""


@dataclass(frozen=True)
class Token:
    """One piece of the stream: a run of text bytes, a single control byte, or a whole command."""

    offset: int
    kind: str  # "text" | "control" | "command"
    raw: bytes


# Commands of fixed total length (prefix byte, command byte) → length in bytes.
_FIXED: dict[tuple[int, int], int] = {}
for _c in b"@2<imLS":
    _FIXED[(ESC, _c)] = 2
for _c in b"!EG-adJMtR3V{ eUr%=":
    _FIXED[(ESC, _c)] = 3
for _c in b"$\\":
    _FIXED[(ESC, _c)] = 4
_FIXED[(ESC, ord("p"))] = 5
_FIXED[(ESC, ord("c"))] = 4
for _c in b"!BbhwHfar|IE/":
    _FIXED[(GS, _c)] = 3
for _c in b"LW$\\P":
    _FIXED[(GS, _c)] = 4
_FIXED[(GS, ord(":"))] = 2
_FIXED[(GS, ord("^"))] = 5
for _c in b"&.":
    _FIXED[(FS, _c)] = 2
for _c in b"!-WC":
    _FIXED[(FS, _c)] = 3
_FIXED[(FS, ord("S"))] = 4
_FIXED[(FS, ord("p"))] = 4
_FIXED[(DLE, 0x04)] = 3  # DLE EOT n
_FIXED[(DLE, 0x05)] = 3  # DLE ENQ n

_NAMES = {ESC: "ESC", FS: "FS", GS: "GS", DLE: "DLE"}


def _need(data: bytes, i: int, n: int, start: int, what: str) -> None:
    if i + n > len(data):
        raise TruncatedCommand(f"{what} needs {i + n - start} bytes, input has {len(data) - start}", start)


def _command_length(data: bytes, i: int) -> int:
    """Length of the command starting at data[i] (a prefix byte); raises Truncated/Unknown."""
    prefix = data[i]
    name = _NAMES[prefix]
    _need(data, i, 2, i, name)
    c = data[i + 1]
    what = f"{name} {chr(c) if 0x20 < c < 0x7F else f'0x{c:02X}'}"
    if prefix == GS and c == ord("V"):
        _need(data, i, 3, i, what)
        return 3 if data[i + 2] in (0, 1, 48, 49) else 4
    if prefix == GS and c == ord("v"):
        _need(data, i, 8, i, what)
        xl, xh, yl, yh = data[i + 4 : i + 8]
        return 8 + (xl + 256 * xh) * (yl + 256 * yh)
    if prefix in (GS, FS) and c == ord("("):
        _need(data, i, 5, i, what)
        return 5 + data[i + 3] + 256 * data[i + 4]
    if prefix == GS and c == ord("8"):  # GS 8 L p1 p2 p3 p4 ...
        _need(data, i, 7, i, what)
        p = data[i + 3] | data[i + 4] << 8 | data[i + 5] << 16 | data[i + 6] << 24
        return 7 + p
    if prefix == GS and c == ord("*"):
        _need(data, i, 4, i, what)
        return 4 + data[i + 2] * data[i + 3] * 8
    if prefix == GS and c == ord("k"):
        _need(data, i, 3, i, what)
        m = data[i + 2]
        if m <= 6:
            end = data.find(b"\x00", i + 3)
            if end < 0:
                raise TruncatedCommand(f"{what} barcode without NUL", i)
            return end + 1 - i
        _need(data, i, 4, i, what)
        return 4 + data[i + 3]
    if prefix == ESC and c == ord("*"):
        _need(data, i, 5, i, what)
        m, nl, nh = data[i + 2 : i + 5]
        return 5 + (nl + 256 * nh) * (1 if m in (0, 1) else 3)
    if prefix == ESC and c == ord("D"):
        end = data.find(b"\x00", i + 2)
        if end < 0:
            raise TruncatedCommand(f"{what} tab list without NUL", i)
        return end + 1 - i
    if prefix == FS and c == ord("2"):
        return 4 + 72
    if prefix == DLE and c == 0x14:  # DLE DC4 fn ...
        _need(data, i, 3, i, what)
        return {1: 5, 2: 5, 7: 4, 8: 9}.get(data[i + 2], 5)
    length = _FIXED.get((prefix, c))
    if length is None:
        raise UnknownCommand(f"unknown command {what}", i)
    return length


def tokenize(data: bytes, *, final: bool = True) -> tuple[list[Token], int]:
    """Split bytes into tokens. With final=False a command cut off at the end is left unconsumed
    (for a stream: return value 2 is how many bytes were consumed); with final=True it raises."""
    tokens: list[Token] = []
    i, n = 0, len(data)
    while i < n:
        b = data[i]
        if b >= 0x20:
            j = i
            while j < n and data[j] >= 0x20:
                j += 1
            tokens.append(Token(i, "text", data[i:j]))
            i = j
        elif b in (LF, CR, HT, FF, NUL):
            tokens.append(Token(i, "control", data[i : i + 1]))
            i += 1
        elif b in _NAMES:
            try:
                length = _command_length(data, i)
                if i + length > n:
                    raise TruncatedCommand(f"{_NAMES[b]} command needs {length} bytes, input has {n - i}", i)
            except TruncatedCommand:
                if final:
                    raise
                return tokens, i
            tokens.append(Token(i, "command", data[i : i + length]))
            i += length
        else:
            raise UnknownCommand(f"unexpected control byte 0x{b:02X}", i)
    return tokens, n


@dataclass(frozen=True)
class DecodedLine:
    """One printed line with the style it was printed in."""

    text: str
    bold: bool = False
    align: str = "left"
    width_mult: int = 1
    height_mult: int = 1


@dataclass
class Decoded:
    """Everything a stream of ESC/POS bytes asked the printer to do, in order in events."""

    styled_lines: list[DecodedLine] = field(default_factory=list)
    qr_codes: list[str] = field(default_factory=list)
    qr_settings: list[dict[str, int]] = field(default_factory=list)
    images: list[Image.Image] = field(default_factory=list)
    cuts: list[str] = field(default_factory=list)
    status_queries: list[int] = field(default_factory=list)
    chinese_mode_switches: list[bool] = field(default_factory=list)
    inits: int = 0
    events: list[tuple[str, Any]] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        """The printed text, one string per line (trailing spaces removed)."""
        return [ln.text.rstrip(" ") for ln in self.styled_lines]

    @property
    def text(self) -> str:
        """All lines joined with newlines."""
        return "\n".join(self.lines)


class _Decoder:
    def __init__(self, encoding: str, chinese_mode_required: bool, single_byte: str) -> None:
        self.encoding = encoding
        self.required = chinese_mode_required
        self.single_byte = single_byte
        self.out = Decoded()
        self._reset()
        self.qr_pending: bytes | None = None
        self.qr_setting: dict[str, int] = {}

    def _reset(self) -> None:
        self.chinese = False
        self.bold = False
        self.align = "left"
        self.wmul = self.hmul = 1
        self.segments: list[tuple[bytes, bool]] = []
        self.line_style: tuple[bool, str, int, int] | None = None

    def _decode_segment(self, raw: bytes, chinese: bool) -> str:
        if chinese or not self.required:
            return raw.decode(self.encoding, errors="replace")
        return raw.decode(self.single_byte, errors="replace")

    def end_line(self) -> None:
        text = "".join(self._decode_segment(raw, ch) for raw, ch in self.segments)
        bold, align, w, h = self.line_style or (self.bold, self.align, self.wmul, self.hmul)
        line = DecodedLine(text, bold, align, w, h)
        self.out.styled_lines.append(line)
        self.out.events.append(("line", line))
        self.segments = []
        self.line_style = None

    def text(self, raw: bytes) -> None:
        if self.line_style is None:
            self.line_style = (self.bold, self.align, self.wmul, self.hmul)
        if self.segments and self.segments[-1][1] == self.chinese:
            self.segments[-1] = (self.segments[-1][0] + raw, self.chinese)
        else:
            self.segments.append((raw, self.chinese))

    def command(self, tok: Token) -> None:
        raw = tok.raw
        p, c = raw[0], raw[1]
        if p == ESC:
            self._esc(chr(c), raw)
        elif p == GS:
            self._gs(chr(c), raw, tok.offset)
        elif p == FS:
            if c == ord("&"):
                self.chinese = True
                self.out.chinese_mode_switches.append(True)
                self.out.events.append(("chinese_mode", True))
            elif c == ord("."):
                self.chinese = False
                self.out.chinese_mode_switches.append(False)
                self.out.events.append(("chinese_mode", False))
        elif p == DLE and c == 0x04:
            self.out.status_queries.append(raw[2])
            self.out.events.append(("status", raw[2]))

    def _esc(self, c: str, raw: bytes) -> None:
        if c == "@":
            self._reset()
            self.out.inits += 1
            self.out.events.append(("init", None))
        elif c == "E":
            self.bold = bool(raw[2] & 1)
        elif c == "!":
            self.bold = bool(raw[2] & 0x08)
            self.hmul = 2 if raw[2] & 0x10 else 1
            self.wmul = 2 if raw[2] & 0x20 else 1
        elif c == "a":
            self.align = {0: "left", 1: "center", 2: "right"}.get(raw[2] % 48, "left")
        elif c == "d":
            n = raw[2]
            if self.segments:
                self.end_line()
                n -= 1
            for _ in range(max(0, n)):
                self.end_line()
        elif c == "J" and self.segments:
            self.end_line()

    def _gs(self, c: str, raw: bytes, offset: int) -> None:
        if c == "!":
            self.wmul, self.hmul = (raw[2] >> 4) + 1, (raw[2] & 0x0F) + 1
        elif c == "V":
            m = raw[2]
            mode = "partial" if m in (1, 49, 66, 98, 104) else "full"
            if self.segments:
                self.end_line()
            self.out.cuts.append(mode)
            self.out.events.append(("cut", mode))
        elif c == "v":
            if self.segments:
                self.end_line()
            xbytes, height = raw[4] + 256 * raw[5], raw[6] + 256 * raw[7]
            img = Image.frombytes("1", (xbytes * 8, height), bytes(raw[8:]), "raw", "1;I")
            self.out.images.append(img)
            self.out.events.append(("image", img))
        elif c == "(" and raw[2] == ord("k"):
            self._qr(raw[5:], offset)

    def _qr(self, body: bytes, offset: int) -> None:
        if len(body) < 2 or body[0] != ord("1"):
            return  # not a QR function (PDF417 etc.)
        fn = body[1]
        if fn == 80:  # store data: cn fn m d...
            self.qr_pending = bytes(body[3:])
        elif fn == 81:  # print the stored symbol
            if self.qr_pending is None:
                raise EscposDecodeError("QR print without stored data", offset)
            if self.segments:
                self.end_line()
            payload = self.qr_pending.decode("utf-8")
            self.out.qr_codes.append(payload)
            self.out.qr_settings.append(dict(self.qr_setting))
            self.out.events.append(("qr", payload))
        elif fn == 65:
            self.qr_setting["model"] = body[2] - 48
        elif fn == 67:
            self.qr_setting["module_size"] = body[2]
        elif fn == 69:
            self.qr_setting["error_correction"] = body[2] - 48


def decode(
    data: bytes,
    encoding: str = "gb18030",
    *,
    chinese_mode_required: bool = True,
    single_byte: str = "cp437",
) -> Decoded:
    """Decode a whole recorded stream.

    encoding: what multi-byte text decodes as (gb18030 / gbk / utf-8). With chinese_mode_required,
    text bytes outside FS & … FS . decode as the single-byte code page (cp437), as a printer not
    in Chinese mode would print them, so a missing FS & shows up as mojibake.
    """
    tokens, _ = tokenize(data, final=True)
    d = _Decoder(encoding, chinese_mode_required, single_byte)
    for tok in tokens:
        if tok.kind == "text":
            d.text(tok.raw)
        elif tok.kind == "control":
            if tok.raw == b"\n":
                d.end_line()
        else:
            d.command(tok)
    if d.segments:
        d.end_line()
    return d.out


def decode_for_profile(data: bytes, profile: Any) -> Decoded:
    """decode() with the encoding and Chinese-mode rule a PrinterProfile declares."""
    return decode(data, profile.encoding, chinese_mode_required=profile.chinese_mode_switch)


def image_for_scanning(img: Image.Image, scale: int = 3, margin: int = 40) -> Image.Image:
    """A raster as a scanner would see paper: white margin, enlarged, greyscale (for zbarimg)."""
    grey = img.convert("L")
    framed = Image.new("L", (grey.width + 2 * margin, grey.height + 2 * margin), 255)
    framed.paste(grey, (margin, margin))
    return framed.resize((framed.width * scale, framed.height * scale), Image.NEAREST)
