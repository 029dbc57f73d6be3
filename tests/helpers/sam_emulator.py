"""A fake serial SAM ID card reader on a pty, speaking the frame protocol, with cards and faults on demand."""

from __future__ import annotations

import threading
from collections import defaultdict
from datetime import date
from pathlib import Path

from devices.base import IdentityRead
from devices.idcard.frames import PREAMBLE, Command, FrameError, FrameParser, build_reply, join_card_data
from devices.nations import nation_code
from tests.helpers.pty_peer import PtyPeer

# Offsets written out again from card-protocols.md §A (deliberately not imported from the decoder,
# so a typo in either table shows up as a failing round trip).
_RESIDENT = {"name": (0, 30), "gender": (30, 2), "nation": (32, 4), "birth": (36, 16), "address": (52, 70),
             "id_number": (122, 36), "issuer": (158, 30), "valid_from": (188, 16), "valid_to": (204, 16)}
_PERMIT = {**_RESIDENT, "pass_number": (220, 18), "issue_count": (238, 4)}
_FOREIGN = {"english_name": (0, 120), "gender": (120, 2), "id_number": (122, 30), "nationality": (152, 6),
            "name": (158, 30), "valid_from": (188, 16), "valid_to": (204, 16), "birth": (220, 16),
            "version": (236, 4), "issuer": (240, 8)}
_GENDER_CODES = {"未知": "0", "男": "1", "女": "2", "未说明": "9", "": "0"}
_FLAGS = {"resident_id": " ", "hk_mo_tw_permit": "J", "foreign_permanent": "I"}

FAKE_PHOTO = bytes((i * 37 + 11) % 256 for i in range(1024))  # opaque stand-in for a WLT blob


def _ymd(d: date | None) -> str:
    return d.strftime("%Y%m%d") if d else ""


def encode_text_block(identity: IdentityRead, flag: str | None = None) -> bytes:
    """The 256-byte UTF-16-LE text block a card of this description would give."""
    extra = dict(identity.extra)
    values = {
        "name": identity.name,
        "gender": _GENDER_CODES[identity.gender],
        "nation": nation_code(identity.nation) if identity.nation else "",
        "birth": _ymd(identity.birth_date),
        "address": identity.address,
        "id_number": identity.id_number,
        "issuer": identity.issuer,
        "valid_from": _ymd(identity.valid_from),
        "valid_to": "长期" if identity.long_term else _ymd(identity.valid_until),
        **extra,
    }
    layout = {"resident_id": _RESIDENT, "hk_mo_tw_permit": _PERMIT, "foreign_permanent": _FOREIGN}[identity.card_type]
    block = bytearray(" ".encode("utf-16-le") * 128)
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
        self.commands: list[tuple[Command | None, int]] = []  # (command, baud it arrived at)
        self._halted = False
        self._faults: dict[Command, list[str | int]] = defaultdict(list)
        self._lock = threading.Lock()
        self._parser = FrameParser()
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

    def fault_once(self, command: Command, fault: str | int) -> None:
        """Answer the next `command` with a fault instead of the normal reply."""
        with self._lock:
            self._faults[command].append(fault)

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

    def count(self, command: Command) -> int:
        with self._lock:
            return sum(1 for c, _ in self.commands if c is command)

    # --- the reader (runs on the pty owner thread) ---
    def _handle(self, data: bytes) -> bytes | None:
        out = b""
        while True:
            try:
                for frame in self._parser.feed(data):
                    out += self._answer(frame.command)
                return out or None
            except FrameError:
                out += build_reply(0x10)  # checksum/length error in the host frame
                data = b""

    def _answer(self, raw: tuple[int, int]) -> bytes:
        command = next((c for c in Command if c.value == raw), None)
        baud = self.peer.baud()
        with self._lock:
            self.commands.append((command, baud))
            if baud != self.baud:
                return b"\x00\xfe\x13\xaa\x07"  # what a wrong rate looks like: noise, never a frame
            if command is None:
                return build_reply(0x21)
            fault = self._faults[command].pop(0) if self._faults[command] else None
            if isinstance(fault, int):
                return build_reply(fault)
            if fault == "silent":
                return b""
            reply = self._normal_reply(command)
        if fault == "bad_checksum":
            return reply[:-1] + bytes([reply[-1] ^ 0x5A])
        if fault == "two_bit_flips":
            return flip_id_digits(reply)
        if fault == "garbage":
            return b"\x13\x37" + PREAMBLE + b"\xff\xff\x00\xaa\xaa" + reply  # noise with a false frame start
        return reply

    def _normal_reply(self, command: Command) -> bytes:
        card = self.text_block is not None and not self._halted
        if command is Command.SAM_STATUS:
            return build_reply(self.sam_status)
        if command is Command.RESET_SAM:
            return build_reply(0x90)
        if command is Command.READ_SAM_ID:
            return build_reply(0x90, bytes(16))
        if command is Command.FIND_CARD:
            return build_reply(0x9F, bytes(4)) if card else build_reply(0x80)
        if command is Command.SELECT_CARD:
            return build_reply(0x90, bytes(8)) if card else build_reply(0x81)
        if command is Command.READ_TEXT_PHOTO and card:
            assert self.text_block is not None
            self._halted = self.halt_after_read
            return build_reply(0x90, join_card_data(self.text_block, self.photo))
        if command is Command.READ_TEXT_PHOTO:
            return build_reply(0x41)
        return build_reply(0x91)


def sample_identity(card_type: str = "resident_id", **changes: object) -> IdentityRead:
    """A fake but well-formed card holder of the given type (all data invented)."""
    base: dict[str, object] = dict(
        source="id_card", card_type=card_type, id_number="11010119900307125X", name="张三丰", gender="男",
        nation="汉", birth_date=date(1990, 3, 7), valid_from=date(2020, 5, 1), valid_until=date(2040, 5, 1),
        address="北京市东城区景山前街4号", issuer="北京市公安局东城分局",
    )
    if card_type == "hk_mo_tw_permit":
        base.update(id_number="810000199003071237", name="陈大文", nation="", card_number="H01234567",
                    extra=(("pass_number", "H01234567"), ("issue_count", "02")), address="广东省深圳市福田区福华路1号")
    elif card_type == "foreign_permanent":
        base.update(id_number="CAN110090030701", name="马克", nation="", address="", issuer="1500",
                    extra=(("english_name", "MARK, JOHN"), ("nationality", "CAN"), ("version", "01")))
    base.update(changes)
    return IdentityRead(**base)  # type: ignore[arg-type]
