"""Build and parse the ID card reader's SAM frames (AA AA AA 96 69 | LEN | body | XOR); pure, no I/O."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass

from devices.idcard.messages import SW3_TABLE, UNRECOGNISED_STATUS

PREAMBLE = b"\xaa\xaa\xaa\x96\x69"
MIN_LEN = 3  # CMD PARA CHK: the shortest frame either side sends
# The longest legitimate reply (text + photo + fingerprint) has LEN 2314; anything far above it is
# line noise that happens to follow a preamble, and waiting for it would stall the reader.
MAX_LEN = 4096


class FrameError(Exception):
    """Bytes that cannot be a valid frame; the parser has already dropped them."""


class ChecksumError(FrameError):
    """A frame whose XOR checksum does not match its content."""


class LengthError(FrameError):
    """A frame whose length field is outside the sane range."""


class Command(enum.Enum):
    """Host commands (CMD, PARA)."""

    RESET_SAM = (0x10, 0xFF)
    SAM_STATUS = (0x11, 0xFF)
    READ_SAM_ID = (0x12, 0xFF)
    FIND_CARD = (0x20, 0x01)
    SELECT_CARD = (0x20, 0x02)
    READ_TEXT_PHOTO = (0x30, 0x01)
    READ_APPENDED_ADDRESS = (0x30, 0x03)
    READ_TEXT_PHOTO_FINGERPRINT = (0x30, 0x10)


def xor(data: bytes) -> int:
    """XOR of all bytes."""
    value = 0
    for b in data:
        value ^= b
    return value


def build_frame(body: bytes) -> bytes:
    """Wrap a body (CMD PARA [DATA] or SW1 SW2 SW3 [DATA]) in preamble, length and checksum."""
    length = len(body) + 1
    if not MIN_LEN <= length <= MAX_LEN:
        raise LengthError(f"body length {len(body)} out of range")
    head = length.to_bytes(2, "big")
    return PREAMBLE + head + body + bytes([xor(head + body)])


def build_command(command: Command, data: bytes = b"") -> bytes:
    """The full host→SAM frame for a command."""
    cmd, para = command.value
    return build_frame(bytes([cmd, para]) + data)


def build_reply(sw3: int, data: bytes = b"", sw1: int = 0, sw2: int = 0) -> bytes:
    """The full SAM→host frame for a status and optional data (used by emulators and tests)."""
    return build_frame(bytes([sw1, sw2, sw3]) + data)


@dataclass(frozen=True)
class Frame:
    """One checked frame: the bytes between the length field and the checksum."""

    body: bytes

    # Host frame view.
    @property
    def command(self) -> tuple[int, int]:
        return self.body[0], self.body[1]

    # Reply view.
    @property
    def sw(self) -> tuple[int, int, int]:
        if len(self.body) < 3:
            raise FrameError(f"reply too short for a status ({len(self.body)} bytes)")
        return self.body[0], self.body[1], self.body[2]

    @property
    def data(self) -> bytes:
        """Reply data after SW1 SW2 SW3."""
        return self.body[3:]

    def __repr__(self) -> str:  # bodies hold personal data: show only shape
        return f"Frame(len={len(self.body)}, head={self.body[:3].hex()})"


class FrameParser:
    """Incremental frame parser: feed it bytes in any fragmentation, it yields checked frames.

    Garbage before a preamble is skipped. A frame with a bad checksum or an insane length
    raises ChecksumError / LengthError *after* it has been dropped, so calling feed(b"") again
    continues with whatever followed it.
    """

    def __init__(self, max_len: int = MAX_LEN) -> None:
        self._buf = bytearray()
        self._max_len = max_len
        self.skipped = 0  # garbage bytes discarded so far (diagnostics)

    def reset(self) -> None:
        """Forget any buffered bytes (e.g. before a new request)."""
        self._buf.clear()

    @property
    def buffered(self) -> int:
        return len(self._buf)

    def feed(self, data: bytes) -> Iterator[Frame]:
        """Add bytes and yield each complete, checked frame."""
        self._buf += data
        while True:
            frame = self._next()
            if frame is None:
                return
            yield frame

    def _next(self) -> Frame | None:
        buf = self._buf
        start = buf.find(PREAMBLE)
        if start < 0:
            # Keep a tail that could be the beginning of a preamble split across reads.
            keep = len(PREAMBLE) - 1
            if len(buf) > keep:
                self.skipped += len(buf) - keep
                del buf[: len(buf) - keep]
            return None
        if start:
            self.skipped += start
            del buf[:start]
        head = len(PREAMBLE)
        if len(buf) < head + 2:
            return None
        length = int.from_bytes(buf[head : head + 2], "big")
        if not MIN_LEN <= length <= self._max_len:
            del buf[:1]  # slide past this false preamble; resync on the next one
            self.skipped += 1
            raise LengthError(f"length field {length} outside {MIN_LEN}..{self._max_len}")
        end = head + 2 + length
        if len(buf) < end:
            return None
        checked = bytes(buf[head : end - 1])  # LEN_H LEN_L + body
        chk = buf[end - 1]
        del buf[:end]
        if xor(checked) != chk:
            raise ChecksumError(f"checksum {chk:02x} != {xor(checked):02x} (len {length})")
        return Frame(checked[2:])


@dataclass(frozen=True)
class SamStatus:
    """What a reply's SW3 means: a name, a category and the plain message for a person."""

    sw3: int
    name: str
    category: str  # ok / no_card / card / host / sam (see messages.SW3_TABLE)
    message: str

    @property
    def ok(self) -> bool:
        return self.category == "ok"


def status_of(frame: Frame) -> SamStatus:
    """Interpret a reply's status bytes (SW1 SW2 must be 00 00 for a meaningful SW3)."""
    sw1, sw2, sw3 = frame.sw
    if (sw1, sw2) != (0, 0):
        name, category, message = UNRECOGNISED_STATUS
        return SamStatus(sw3, name, category, message)
    return status_for_code(sw3)


def status_for_code(sw3: int) -> SamStatus:
    """The typed status for one SW3 code."""
    name, category, message = SW3_TABLE.get(sw3, UNRECOGNISED_STATUS)
    return SamStatus(sw3, name, category, message)


@dataclass(frozen=True)
class CardData:
    """The parts of a read-text reply: text block, photo and (optionally) fingerprint."""

    text: bytes
    photo: bytes
    fingerprint: bytes = b""

    def __repr__(self) -> str:
        return f"CardData(text={len(self.text)}, photo={len(self.photo)}, fp={len(self.fingerprint)})"


def split_card_data(data: bytes, with_fingerprint: bool = False) -> CardData:
    """Split read-text reply data (lengths, then the blocks) into its parts; FrameError if inconsistent."""
    count = 3 if with_fingerprint else 2
    if len(data) < 2 * count:
        raise FrameError(f"card data too short for {count} lengths ({len(data)} bytes)")
    lengths = [int.from_bytes(data[2 * i : 2 * i + 2], "big") for i in range(count)]
    if sum(lengths) != len(data) - 2 * count:
        raise FrameError(f"card data lengths {lengths} do not add up to {len(data) - 2 * count}")
    pos = 2 * count
    parts = []
    for n in lengths:
        parts.append(data[pos : pos + n])
        pos += n
    return CardData(*parts)


def join_card_data(text: bytes, photo: bytes, fingerprint: bytes | None = None) -> bytes:
    """The inverse of split_card_data (for emulators and tests)."""
    blocks = [text, photo] + ([fingerprint] if fingerprint is not None else [])
    return b"".join(len(b).to_bytes(2, "big") for b in blocks) + b"".join(blocks)
