"""A fake serial SAM ID card reader on a pty, speaking the frame protocol, with cards and faults on demand.

Every byte it sends is written here from /work/shared/reference/card-protocols.md §A (frame layout, XOR
checksum, status codes, text block offsets, GB 3304 nation codes), importing nothing from devices/: a
bug shared by the driver's codec and its test peer cannot pass unnoticed.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.helpers.pty_peer import PtyPeer

if TYPE_CHECKING:
    from devices.base import IdentityRead

PREAMBLE = bytes([0xAA, 0xAA, 0xAA, 0x96, 0x69])
MAX_LEN = 4096  # a length field above this is noise, not a frame

# Host commands (CMD, PARA), card-protocols.md §A.
RESET_SAM, SAM_STATUS, READ_SAM_ID = (0x10, 0xFF), (0x11, 0xFF), (0x12, 0xFF)
FIND_CARD, SELECT_CARD, READ_TEXT_PHOTO = (0x20, 0x01), (0x20, 0x02), (0x30, 0x01)
KNOWN_COMMANDS = {RESET_SAM, SAM_STATUS, READ_SAM_ID, FIND_CARD, SELECT_CARD, READ_TEXT_PHOTO,
                  (0x30, 0x03), (0x30, 0x10)}

# SW3 status codes
OK, FIND_OK, NO_CONTENT, FIND_FAILED, SELECT_FAILED, READ_FAILED = 0x90, 0x9F, 0x91, 0x80, 0x81, 0x41
HOST_CHECKSUM_ERROR, BAD_COMMAND = 0x10, 0x21

# Text block offsets (bytes, UTF-16-LE) per card type.
_RESIDENT = {"name": (0, 30), "gender": (30, 2), "nation": (32, 4), "birth": (36, 16), "address": (52, 70),
             "id_number": (122, 36), "issuer": (158, 30), "valid_from": (188, 16), "valid_to": (204, 16)}
_PERMIT = {**_RESIDENT, "pass_number": (220, 18), "issue_count": (238, 4)}
_FOREIGN = {"english_name": (0, 120), "gender": (120, 2), "id_number": (122, 30), "nationality": (152, 6),
            "name": (158, 30), "valid_from": (188, 16), "valid_to": (204, 16), "birth": (220, 16),
            "version": (236, 4), "issuer": (240, 8)}
_GENDER_CODES = {"未知": "0", "男": "1", "女": "2", "未说明": "9", "": "0"}
_FLAGS = {"resident_id": " ", "hk_mo_tw_permit": "J", "foreign_permanent": "I"}
_NATION_TABLE = """01 汉 02 蒙古 03 回 04 藏 05 维吾尔 06 苗 07 彝 08 壮 09 布依 10 朝鲜 11 满
12 侗 13 瑶 14 白 15 土家 16 哈尼 17 哈萨克 18 傣 19 黎 20 傈僳 21 佤 22 畲 23 高山 24 拉祜 25 水
26 东乡 27 纳西 28 景颇 29 柯尔克孜 30 土 31 达斡尔 32 仫佬 33 羌 34 布朗 35 撒拉 36 毛南 37 仡佬
38 锡伯 39 阿昌 40 普米 41 塔吉克 42 怒 43 乌孜别克 44 俄罗斯 45 鄂温克 46 德昂 47 保安 48 裕固
49 京 50 塔塔尔 51 独龙 52 鄂伦春 53 赫哲 54 门巴 55 珞巴 56 基诺 97 其他 98 外国血统中国籍人士"""
_NATION_WORDS = _NATION_TABLE.split()
NATION_CODES = dict(zip(_NATION_WORDS[1::2], _NATION_WORDS[0::2], strict=True))  # "汉" → "01"

FAKE_PHOTO = bytes((i * 37 + 11) % 256 for i in range(1024))  # opaque stand-in for a WLT blob


def frame(body: bytes) -> bytes:
    """Preamble, big-endian LEN (body + CHK), body, CHK = XOR of the length bytes and the body."""
    length = (len(body) + 1).to_bytes(2, "big")
    chk = 0
    for b in length + body:
        chk ^= b
    return PREAMBLE + length + body + bytes([chk])


def reply(sw3: int, data: bytes = b"") -> bytes:
    """A SAM→host frame: SW1 SW2 = 00 00, SW3, then data."""
    return frame(bytes([0x00, 0x00, sw3]) + data)


def card_data(text: bytes, photo: bytes) -> bytes:
    """The READ_TEXT_PHOTO data: text length, photo length (2 bytes big-endian each), text, photo."""
    return len(text).to_bytes(2, "big") + len(photo).to_bytes(2, "big") + text + photo


class HostFrames:
    """Splits what the host sends into command bodies; None for a frame with a bad length or checksum."""

    def __init__(self) -> None:
        self._buffer = b""

    def feed(self, data: bytes) -> Iterator[bytes | None]:
        self._buffer += data
        while True:
            start = self._buffer.find(PREAMBLE)
            if start < 0:
                self._buffer = self._buffer[-(len(PREAMBLE) - 1):]
                return
            self._buffer = self._buffer[start:]
            if len(self._buffer) < 7:
                return
            length = int.from_bytes(self._buffer[5:7], "big")
            if not 3 <= length <= MAX_LEN:
                self._buffer = self._buffer[1:]
                yield None
                continue
            if len(self._buffer) < 7 + length:
                return
            whole, self._buffer = self._buffer[: 7 + length], self._buffer[7 + length:]
            chk = 0
            for b in whole[5:-1]:
                chk ^= b
            yield whole[7:-1] if chk == whole[-1] else None


def _ymd(d: date | None) -> str:
    return d.strftime("%Y%m%d") if d else ""


def encode_text_block(identity: IdentityRead, flag: str | None = None) -> bytes:
    """The 256-byte UTF-16-LE text block a card of this description would give."""
    extra = dict(identity.extra)
    values = {
        "name": identity.name,
        "gender": _GENDER_CODES[identity.gender],
        "nation": NATION_CODES.get(identity.nation.removesuffix("族"), "") if identity.nation else "",
        "birth": _ymd(identity.birth_date),
        "address": identity.address,
        "id_number": identity.id_number,
        "issuer": identity.issuer,
        "valid_from": _ymd(identity.valid_from),
        "valid_to": "长期" if identity.long_term else _ymd(identity.valid_until),
        **extra,
    }
    layout = {"resident_id": _RESIDENT, "hk_mo_tw_permit": _PERMIT, "foreign_permanent": _FOREIGN}[identity.card_type]
    block = bytearray(b"\x20\x00" * 128)
    for field, (offset, length) in layout.items():
        raw = values.get(field, "").encode("utf-16-le")[:length]
        block[offset : offset + len(raw)] = raw
    block[248:250] = (flag or _FLAGS[identity.card_type]).encode("utf-16-le")
    return bytes(block)


# Where the ID number's digits sit in a READ_TEXT_PHOTO reply frame: preamble 5, LEN 2, SW 3,
# two block lengths 4, then the text block with the number at byte 122 (UTF-16-LE, low byte first).
ID_DIGIT_OFFSET_IN_REPLY = 5 + 2 + 3 + 4 + 122
FLIPPED_DIGITS = (14, 15)  # two serial digits: the result is another well-formed number


def flip_id_digits(reply: bytes, digits: tuple[int, int] = FLIPPED_DIGITS, bit: int = 0) -> bytes:
    """Flip one bit in the low byte of two ID number digits; XOR over the frame is unchanged."""
    out = bytearray(reply)
    for i in digits:
        out[ID_DIGIT_OFFSET_IN_REPLY + 2 * i] ^= 1 << bit
    return bytes(out)


class SamEmulator:
    """A SAM reader at one baud rate: cards can be placed/taken away, faults scheduled per command.

    Faults (`fault_once(command, fault)`): "bad_checksum", "garbage" (noise incl. a false
    preamble before the reply), "silent" (no reply), "two_bit_flips" (line noise flipping the
    same bit of two ID number digits in a read reply: the XOR checksum still matches), or an
    int SW3 to answer instead.
    Persistent: `silent`, `split` (single-byte fragmentation), `sam_status`, `halt_after_read`
    (a real reader's habit: after a read, "find" fails until the card is placed again).
    """

    def __init__(self, *, baud: int = 115200, link: str | Path | None = None) -> None:
        self.baud = baud
        self.sam_status = 0x90
        self.halt_after_read = False
        self.text_block: bytes | None = None  # the card on the reader, if any
        self.photo = FAKE_PHOTO
        self.commands: list[tuple[tuple[int, int], int]] = []  # ((CMD, PARA), baud it arrived at)
        self._halted = False
        self._faults: dict[tuple[int, int], list[str | int]] = defaultdict(list)
        self._lock = threading.Lock()
        self._parser = HostFrames()
        self.peer = PtyPeer(self._handle, link=link)

    # --- control from a test ---
    @property
    def path(self) -> str:
        return self.peer.path

    def start(self) -> SamEmulator:
        self.peer.start()
        return self

    def __enter__(self) -> SamEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.disconnect()

    def place(self, card: IdentityRead | bytes) -> None:
        """Put a card (a description, or a raw 256-byte text block) on the reader."""
        with self._lock:
            self.text_block = card if isinstance(card, bytes) else encode_text_block(card)
            self._halted = False

    def take_away(self) -> None:
        with self._lock:
            self.text_block = None
            self._halted = False

    def fault_once(self, command: Any, fault: str | int) -> None:
        """Answer the next `command` ((CMD, PARA), or an enum whose value is that) with a fault instead."""
        with self._lock:
            self._faults[_raw(command)].append(fault)

    @property
    def silent(self) -> bool:
        return self.peer.silent

    @silent.setter
    def silent(self, value: bool) -> None:
        self.peer.silent = value

    @property
    def split(self) -> bool:
        return self.peer.split

    @split.setter
    def split(self, value: bool) -> None:
        self.peer.split = value

    def disconnect(self) -> None:
        """Unplug the reader."""
        self.peer.disconnect()

    def count(self, command: Any) -> int:
        """How many times `command` ((CMD, PARA), or an enum whose value is that) arrived."""
        with self._lock:
            return sum(1 for c, _ in self.commands if c == _raw(command))

    # --- the reader (runs on the pty owner thread) ---
    def _handle(self, data: bytes) -> bytes | None:
        out = b""
        for body in self._parser.feed(data):
            out += reply(HOST_CHECKSUM_ERROR) if body is None or len(body) < 2 else self._answer((body[0], body[1]))
        return out or None

    def _answer(self, command: tuple[int, int]) -> bytes:
        baud = self.peer.baud()
        with self._lock:
            self.commands.append((command, baud))
            if baud != self.baud:
                return b"\x00\xfe\x13\xaa\x07"  # what a wrong rate looks like: noise, never a frame
            if command not in KNOWN_COMMANDS:
                return reply(BAD_COMMAND)
            fault = self._faults[command].pop(0) if self._faults[command] else None
            if isinstance(fault, int):
                return reply(fault)
            if fault == "silent":
                return b""
            answer = self._normal_reply(command)
        if fault == "bad_checksum":
            return answer[:-1] + bytes([answer[-1] ^ 0x5A])
        if fault == "two_bit_flips":
            return flip_id_digits(answer)
        if fault == "garbage":
            return b"\x13\x37" + PREAMBLE + b"\xff\xff\x00\xaa\xaa" + answer  # noise with a false frame start
        return answer

    def _normal_reply(self, command: tuple[int, int]) -> bytes:
        card = self.text_block is not None and not self._halted
        if command == SAM_STATUS:
            return reply(self.sam_status)
        if command == RESET_SAM:
            return reply(OK)
        if command == READ_SAM_ID:
            return reply(OK, bytes(16))
        if command == FIND_CARD:
            return reply(FIND_OK, bytes(4)) if card else reply(FIND_FAILED)
        if command == SELECT_CARD:
            return reply(OK, bytes(8)) if card else reply(SELECT_FAILED)
        if command == READ_TEXT_PHOTO and card:
            assert self.text_block is not None
            self._halted = self.halt_after_read
            return reply(OK, card_data(self.text_block, self.photo))
        if command == READ_TEXT_PHOTO:
            return reply(READ_FAILED)
        return reply(NO_CONTENT)


def _raw(command: Any) -> tuple[int, int]:
    """(CMD, PARA) of a tuple or of an enum member whose value is that tuple (e.g. the driver's Command)."""
    value = getattr(command, "value", command)
    return (int(value[0]), int(value[1]))
