"""Build social security card command APDUs, parse status words, and run one exchange with 61xx/6Cxx handling."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from devices.base import CardReadError
from devices.sscard.messages import message

SSSE_DF_NAME: bytes = "sx1.sh.社会保障".encode("gbk")  # 15 bytes: 7378312E73682EC9E7BBE1B1A3D5CF
EF05 = 0xEF05  # card identification file (SFI 5)
EF06 = 0xEF06  # cardholder file (SFI 6)

Transmit = Callable[[bytes], bytes]


class ApduError(CardReadError):
    """A card answer that cannot be understood (too short, endless 61xx/6Cxx chains)."""

    def __init__(self, detail: str) -> None:
        super().__init__(message("read_failed"), detail)


class RecordMode(enum.Enum):
    """The four READ RECORD P2 conventions seen on social security cards."""

    CURRENT_BY_NUMBER = "current_by_number"  # P2=04: P1 is the record number in the current EF
    CURRENT_BY_ID = "current_by_id"  # P2=00: P1 is the record identifier (the tag)
    SFI_BY_NUMBER = "sfi_by_number"  # P2=(SFI<<3)|4
    SFI_BY_ID = "sfi_by_id"  # P2=(SFI<<3)|0

    @property
    def needs_select(self) -> bool:
        """True when the EF must be selected first (P2 names no SFI)."""
        return self in (RecordMode.CURRENT_BY_NUMBER, RecordMode.CURRENT_BY_ID)

    def p2(self, sfi: int) -> int:
        """The P2 byte for this convention and short file identifier."""
        if self is RecordMode.CURRENT_BY_NUMBER:
            return 0x04
        if self is RecordMode.CURRENT_BY_ID:
            return 0x00
        if not 1 <= sfi <= 30:
            raise ValueError(f"SFI out of range: {sfi}")
        return (sfi << 3) | (0x04 if self is RecordMode.SFI_BY_NUMBER else 0x00)


class SwKind(enum.Enum):
    """What a status word means to the reading logic."""

    OK = "ok"  # 9000
    MORE_DATA = "more_data"  # 61xx: GET RESPONSE with Le=xx
    WRONG_LE = "wrong_le"  # 6Cxx: resend with Le=xx
    TRIES_LEFT = "tries_left"  # 63Cx: verification failed / x tries left
    VERIFY_FAILED = "verify_failed"  # 6300: authentication failed, no counter
    WRONG_LENGTH = "wrong_length"  # 6700
    SECURITY_NOT_SATISFIED = "security_not_satisfied"  # 6982
    BLOCKED = "blocked"  # 6983: PIN / key blocked
    CONDITIONS_NOT_SATISFIED = "conditions_not_satisfied"  # 6985
    FILE_NOT_FOUND = "file_not_found"  # 6A82
    RECORD_NOT_FOUND = "record_not_found"  # 6A83
    WRONG_P1P2 = "wrong_p1p2"  # 6A86 / 6B00
    INS_NOT_SUPPORTED = "ins_not_supported"  # 6D00
    CLA_NOT_SUPPORTED = "cla_not_supported"  # 6E00
    OTHER = "other"


_EXACT: dict[int, SwKind] = {
    0x9000: SwKind.OK,
    0x6300: SwKind.VERIFY_FAILED,
    0x6700: SwKind.WRONG_LENGTH,
    0x6982: SwKind.SECURITY_NOT_SATISFIED,
    0x6983: SwKind.BLOCKED,
    0x6985: SwKind.CONDITIONS_NOT_SATISFIED,
    0x6A82: SwKind.FILE_NOT_FOUND,
    0x6A83: SwKind.RECORD_NOT_FOUND,
    0x6A86: SwKind.WRONG_P1P2,
    0x6B00: SwKind.WRONG_P1P2,
    0x6D00: SwKind.INS_NOT_SUPPORTED,
    0x6E00: SwKind.CLA_NOT_SUPPORTED,
}


@dataclass(frozen=True)
class Status:
    """A status word (SW1 SW2) and what it means."""

    sw1: int
    sw2: int

    @property
    def sw(self) -> int:
        return (self.sw1 << 8) | self.sw2

    @property
    def kind(self) -> SwKind:
        if self.sw in _EXACT:
            return _EXACT[self.sw]
        if self.sw1 == 0x61:
            return SwKind.MORE_DATA
        if self.sw1 == 0x6C:
            return SwKind.WRONG_LE
        if self.sw1 == 0x63 and self.sw2 & 0xF0 == 0xC0:
            return SwKind.TRIES_LEFT
        return SwKind.OTHER

    @property
    def ok(self) -> bool:
        return self.sw == 0x9000

    @property
    def tries_left(self) -> int | None:
        """x of 63Cx, 0 for 6983, else None."""
        if self.kind is SwKind.TRIES_LEFT:
            return self.sw2 & 0x0F
        if self.kind is SwKind.BLOCKED:
            return 0
        return None

    @property
    def length_hint(self) -> int:
        """xx of 61xx/6Cxx (00 means 256)."""
        return self.sw2 or 256

    def __str__(self) -> str:
        return f"{self.sw:04X}"


@dataclass(frozen=True)
class Response:
    """A response APDU: data and status."""

    data: bytes
    status: Status

    @property
    def ok(self) -> bool:
        return self.status.ok


def parse_response(raw: bytes) -> Response:
    """Split a raw response into data and status word; ApduError if shorter than two bytes."""
    if len(raw) < 2:
        raise ApduError(f"response too short ({len(raw)} bytes)")
    return Response(bytes(raw[:-2]), Status(raw[-2], raw[-1]))


# ---- command builders -------------------------------------------------------------------------

def _le_byte(le: int) -> int:
    if not 1 <= le <= 256:
        raise ValueError(f"Le out of range: {le}")
    return le & 0xFF  # 256 is encoded as 00


def _with_data(header: bytes, data: bytes, le: int | None = None) -> bytes:
    if not 1 <= len(data) <= 255:
        raise ValueError(f"command data length out of range: {len(data)}")
    tail = bytes([_le_byte(le)]) if le is not None else b""
    return header + bytes([len(data)]) + data + tail


def select_df_name(name: bytes = SSSE_DF_NAME) -> bytes:
    """SELECT by DF name (default: the SSSE application `sx1.sh.社会保障`)."""
    return _with_data(b"\x00\xA4\x04\x00", name)


def select_ef(fid: int) -> bytes:
    """SELECT an elementary file by its 2-byte identifier (e.g. 0xEF05)."""
    if not 0 <= fid <= 0xFFFF:
        raise ValueError(f"file id out of range: {fid:#x}")
    return _with_data(b"\x00\xA4\x02\x00", fid.to_bytes(2, "big"))


def read_record(record: int, sfi: int, le: int, mode: RecordMode = RecordMode.CURRENT_BY_ID) -> bytes:
    """READ RECORD `00 B2 P1 P2 Le` in one of the four P2 conventions."""
    if not 0 <= record <= 0xFF:
        raise ValueError(f"record out of range: {record}")
    return bytes([0x00, 0xB2, record, mode.p2(sfi), _le_byte(le)])


def get_response(le: int) -> bytes:
    """GET RESPONSE `00 C0 00 00 Le` (after 61xx)."""
    return bytes([0x00, 0xC0, 0x00, 0x00, _le_byte(le)])


def encode_pin(pin: str) -> bytes:
    """PIN digits as packed BCD, an odd length padded with F (ValueError unless 4-12 digits)."""
    if not (pin.isascii() and pin.isdigit() and 4 <= len(pin) <= 12):
        raise ValueError("PIN must be 4-12 ASCII digits")
    digits = pin + ("F" if len(pin) % 2 else "")
    return bytes.fromhex(digits)


def verify(pin: str | None = None, reference: int = 0x00) -> bytes:
    """VERIFY `00 20 00 ref [Lc BCD-PIN]`; with no PIN it asks how many tries are left (63Cx)."""
    header = bytes([0x00, 0x20, 0x00, reference])
    if pin is None:
        return header
    return _with_data(header, encode_pin(pin))


def get_challenge(length: int = 8) -> bytes:
    """GET CHALLENGE `00 84 00 00 Le`."""
    return bytes([0x00, 0x84, 0x00, 0x00, _le_byte(length)])


def external_authenticate(cryptogram: bytes, key_ref: int = 0x0A) -> bytes:
    """EXTERNAL AUTHENTICATE `00 82 00 key Lc cryptogram`."""
    return _with_data(bytes([0x00, 0x82, 0x00, key_ref]), cryptogram)


# ---- PSAM (the terminal's secure access module in a second reader slot) ----------------------------
def des_init(key_usage: int, key_version: int, factor: bytes) -> bytes:
    """PSAM DES INIT `80 1A P1 P2 Lc factor`: diversify the key (usage P1, version P2) by the card's factor."""
    if not (0 <= key_usage <= 0xFF and 0 <= key_version <= 0xFF):
        raise ValueError("key usage and version are single bytes")
    if len(factor) not in (8, 16, 24):
        raise ValueError(f"diversification factor must be 8, 16 or 24 bytes, got {len(factor)}")
    return _with_data(bytes([0x80, 0x1A, key_usage, key_version]), factor)


def des_crypt(data: bytes, mode: int = 0x00, le: int | None = None) -> bytes:
    """PSAM DES CRYPT `80 FA P1 00 Lc data [Le]` under the key DES INIT prepared (P1 00: encrypt)."""
    if len(data) % 8:
        raise ValueError("DES CRYPT data must be whole 8-byte blocks")
    return _with_data(bytes([0x80, 0xFA, mode, 0x00]), data, le)


def with_le(apdu: bytes, le: int) -> bytes:
    """The same command with its Le set to le (added if the command had none)."""
    if len(apdu) < 4:
        raise ApduError(f"command too short ({len(apdu)} bytes)")
    if len(apdu) == 4:
        return apdu + bytes([_le_byte(le)])
    if len(apdu) == 5:
        return apdu[:4] + bytes([_le_byte(le)])
    lc = apdu[4]
    if len(apdu) == 5 + lc:
        return apdu + bytes([_le_byte(le)])
    if len(apdu) == 6 + lc:
        return apdu[:-1] + bytes([_le_byte(le)])
    raise ApduError(f"malformed command ({len(apdu)} bytes, Lc={lc})")


def transceive(transmit: Transmit, apdu: bytes, max_rounds: int = 8) -> Response:
    """Send apdu and follow 61xx (GET RESPONSE, chained) and 6Cxx (resend with Le=xx), at most max_rounds sends."""
    data = b""
    command = apdu
    for _ in range(max_rounds):
        resp = parse_response(transmit(command))
        kind = resp.status.kind
        if kind is SwKind.MORE_DATA:
            data += resp.data
            command = get_response(resp.status.length_hint)
            continue
        if kind is SwKind.WRONG_LE:
            command = with_le(command, resp.status.length_hint)
            continue
        return Response(data + resp.data, resp.status)
    raise ApduError(f"card kept answering 61xx/6Cxx after {max_rounds} commands")
