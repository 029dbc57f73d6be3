"""A PSAM emulator for the second vpcd slot, and the matching key check for a virtual 3rd-generation card.

Written from the command descriptions (card-protocols.md §B and the PBOC-style PSAM pair DES INIT
`80 1A` / DES CRYPT `80 FA`), deliberately NOT from devices/sscard (apdu.py, psam.py): its own byte
parsing, its own constants, so a wrong class byte, P1/P2, factor or padding in the production
authenticator shows up as a refused command or a cryptogram the card rejects.

Scheme (the same assumptions the README lists): the PSAM holds a master key; DES INIT diversifies it
by the 8-byte factor (left = 3DES(master, factor), right = 3DES(master, factor XOR FF…)); DES CRYPT
encrypts whole 8-byte blocks under that card key with 3DES-ECB. The user card holds its own
diversified key and accepts EXTERNAL AUTHENTICATE when the 16 bytes equal 3DES(card key, challenge ‖
80 00 00 00 00 00 00 00).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives.ciphers import Cipher, modes

# "sx1.sh.社会保障" in GBK, written out byte by byte again (not imported)
PSAM_APP_NAME = bytes.fromhex("7378312E73682EC9E7BBE1B1A3D5CF")
KEY_USAGE, KEY_VERSION = 0x08, 0x0A  # the key this PSAM holds (P1 / P2 of DES INIT)
TEST_MASTER_KEY = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")  # FAKE: a test key, nothing real


def _ecb(key: bytes, data: bytes) -> bytes:
    """Two-key 3DES-ECB (K1 K2 K1), given as the equivalent three-key form."""
    enc = Cipher(TripleDES(key + key[:8]), modes.ECB()).encryptor()
    return enc.update(data) + enc.finalize()


def diversify(master: bytes, factor: bytes) -> bytes:
    """The card's 16-byte key from the master key and its 8-byte factor."""
    inverse = bytes(b ^ 0xFF for b in factor)
    return _ecb(master, factor) + _ecb(master, inverse)


def card_key_for(identification_code_hex: str, master: bytes = TEST_MASTER_KEY) -> bytes:
    """The key a card with this identification code holds (factor: the code's last 8 bytes)."""
    return diversify(master, bytes.fromhex(identification_code_hex)[8:])


def card_check(card_key: bytes) -> Callable[[bytes, bytes], bool]:
    """The user card's EXTERNAL AUTHENTICATE check for CardProfile.auth_check."""

    def check(challenge: bytes, cryptogram: bytes) -> bool:
        expected = _ecb(card_key, challenge + b"\x80" + b"\x00" * 7)
        return len(cryptogram) == 16 and hmac.compare_digest(cryptogram, expected)

    return check


@dataclass
class PsamProfile:
    """What VirtualSsCard reads of a model's profile."""

    atr: bytes = bytes.fromhex("3B6900") + b"PSAM-VIRT"
    pull_after_apdus: int | None = None


def _sw(sw: int, data: bytes = b"") -> bytes:
    return data + bytes([sw >> 8, sw & 0xFF])


@dataclass
class PsamModel:
    """A PSAM answering SELECT, DES INIT, DES CRYPT and GET RESPONSE; every command is kept in `log`."""

    master: bytes = TEST_MASTER_KEY
    app_name: bytes | None = PSAM_APP_NAME  # None: the keys are usable without selecting an application
    profile: PsamProfile = field(default_factory=PsamProfile)
    log: list[bytes] = field(default_factory=list)
    factors: list[bytes] = field(default_factory=list)  # the factors DES INIT was given, in order

    def __post_init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self._selected = self.app_name is None
        self._key: bytes | None = None
        self._pending = b""

    def process(self, command: bytes) -> bytes:
        self.log.append(command)
        if len(command) < 4:
            return _sw(0x6700)
        cla, ins, p1, p2 = command[0], command[1], command[2], command[3]
        rest = command[4:]
        data, le = b"", None
        if len(rest) == 1:
            le = rest[0] or 256
        elif rest:
            lc = rest[0]
            data = rest[1:1 + lc]
            if len(data) != lc or len(rest) not in (1 + lc, 2 + lc):
                return _sw(0x6700)
            if len(rest) == 2 + lc:
                le = rest[-1] or 256
        if cla == 0x00 and ins == 0xA4:
            if p1 != 0x04 or data != self.app_name:
                return _sw(0x6A82)
            self._selected = True
            return _sw(0x9000)
        if cla == 0x00 and ins == 0xC0:
            if not self._pending:
                return _sw(0x6985)
            out, self._pending = self._pending[: le or 256], self._pending[le or 256:]
            return _sw(0x9000, out)
        if cla != 0x80:
            return _sw(0x6E00)
        if ins == 0x1A:  # DES INIT
            if not self._selected:
                return _sw(0x6985)
            if (p1, p2) != (KEY_USAGE, KEY_VERSION):
                return _sw(0x6A88)  # referenced key not found
            if len(data) != 8:
                return _sw(0x6700)
            self.factors.append(data)
            self._key = diversify(self.master, data)
            return _sw(0x9000)
        if ins == 0xFA:  # DES CRYPT
            if self._key is None:
                return _sw(0x6985)
            if p1 != 0x00 or p2 != 0x00:
                return _sw(0x6A86)
            if not data or len(data) % 8:
                return _sw(0x6700)
            out = _ecb(self._key, data)
            if le is None:  # T=0 style: the answer waits for GET RESPONSE
                self._pending = out
                return _sw(0x6100 | len(out))
            return _sw(0x9000, out)
        return _sw(0x6D00)
