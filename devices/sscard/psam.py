"""PsamAuthenticator: answers a 3rd-generation social security card's challenge with the PSAM in a second PC/SC slot.

The flow (card-protocols.md §B): the reader sends GET CHALLENGE to the user card (8 bytes); this
authenticator asks the PSAM for the cryptogram — DES INIT (`80 1A`, the PSAM diversifies its key by
the card's factor), then DES CRYPT (`80 FA`, encrypt the challenge) — and the reader sends the
16-byte answer to the card as EXTERNAL AUTHENTICATE (`00 82 00 0A 10 …`).

What follows public documentation and what is assumed (a real PSAM must confirm the assumptions;
all of them are settings of the address, `pcsc://<reader>?key_usage=..&key_version=..&df=..`):
- public: GET CHALLENGE / EXTERNAL AUTHENTICATE (ISO 7816-4 and card-protocols.md, key reference 0A,
  16-byte cryptogram); the PSAM instruction pair DES INIT `80 1A P1 P2 Lc factor` and DES CRYPT
  `80 FA P1 P2 Lc data` (the PBOC-style PSAM command set); 61xx / 6Cxx handling.
- assumed: the PSAM application to select (`df`, default the SSSE name `sx1.sh.社会保障`, or `none`);
  the key usage P1 (`key_usage`, default 08) and key version P2 (`key_version`, default 0A) of the
  external-authentication key; the diversification factor (the last 8 bytes of the card identification
  code, EF05 tag 01); the DES CRYPT input (challenge + ISO 9797-1 method 2 padding, one 16-byte block
  pair) and that its 16-byte output is the cryptogram as is; no PSAM PIN (VERIFY) is needed.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

from smartcard import scard

from devices.base import CardReadError
from devices.sscard import apdu
from devices.sscard.apdu import SSSE_DF_NAME, Transmit
from devices.sscard.messages import message
from devices.sscard.pcsc_driver import CardTransportError, PcscCard, reader_matches
from devices.sscard.tlv import CardInfo
from devices.uri import DeviceUri, DeviceUriError, parse_device_uri

log = logging.getLogger(__name__)

DEFAULT_KEY_USAGE = 0x08  # assumed: P1 of DES INIT naming the external-authentication key
DEFAULT_KEY_VERSION = 0x0A  # assumed: P2, the key's version/index (0A as the card's key reference)
PADDING = b"\x80" + b"\x00" * 7  # ISO 9797-1 method 2 after the 8-byte challenge
CRYPTOGRAM_LENGTH = 16


def diversification_factor(card: CardInfo) -> bytes:
    """The factor DES INIT diversifies the key by: the last 8 bytes of the card identification code (assumed)."""
    try:
        code = bytes.fromhex(card.identification_code)
    except ValueError as exc:
        raise CardReadError(message("auth_failed"), "card identification code is not hex") from exc
    if len(code) != 16:
        raise CardReadError(message("auth_failed"), f"card identification code has {len(code)} bytes, expected 16")
    return code[8:]


def _byte_param(uri: DeviceUri, name: str, default: int) -> int:
    raw = uri.param(name)
    if raw is None:
        return default
    try:
        value = int(raw, 16)
    except ValueError as exc:
        raise DeviceUriError(f"参数 {name} 应为一个十六进制字节（如 0A），实际为 {raw!r}") from exc
    if not 0 <= value <= 0xFF:
        raise DeviceUriError(f"参数 {name} 应为一个十六进制字节（00 到 FF），实际为 {raw!r}")
    return value


def _df_param(uri: DeviceUri) -> bytes | None:
    raw = uri.param("df")
    if raw is None:
        return SSSE_DF_NAME
    if raw.lower() == "none":
        return None
    try:
        name = bytes.fromhex(raw)
    except ValueError as exc:
        raise DeviceUriError(f"参数 df 应为十六进制的应用名称或 none，实际为 {raw!r}") from exc
    if not 1 <= len(name) <= 16:
        raise DeviceUriError("参数 df 的应用名称应为 1 到 16 个字节")
    return name


class PsamAuthenticator:
    """The PSAM in a PC/SC reader (matched by name like the card reader); one short connection per challenge."""

    def __init__(
        self,
        reader: str,
        *,
        key_usage: int = DEFAULT_KEY_USAGE,
        key_version: int = DEFAULT_KEY_VERSION,
        df_name: bytes | None = SSSE_DF_NAME,
    ) -> None:
        if reader in ("", "*"):
            raise DeviceUriError("PSAM 读卡器须写明名称（如 pcsc://Reader SAM），不能是 *：否则会把社保卡当成 PSAM")
        self.reader_pattern = reader
        self.key_usage = key_usage
        self.key_version = key_version
        self.df_name = df_name

    @classmethod
    def from_uri(cls, uri: str | DeviceUri) -> PsamAuthenticator:
        """From `pcsc://<PSAM reader>[?key_usage=08&key_version=0A&df=<hex>|none]`."""
        parsed = parse_device_uri(uri) if isinstance(uri, str) else uri
        if parsed.scheme != "pcsc":
            raise DeviceUriError(f"PSAM 地址应如 pcsc://读卡器名称，实际为 {parsed}")
        return cls(parsed.target, key_usage=_byte_param(parsed, "key_usage", DEFAULT_KEY_USAGE),
                   key_version=_byte_param(parsed, "key_version", DEFAULT_KEY_VERSION), df_name=_df_param(parsed))

    def __repr__(self) -> str:
        return f"PsamAuthenticator({self.reader_pattern!r}, usage={self.key_usage:02X}, version={self.key_version:02X})"

    def cryptogram(self, challenge: bytes, card: CardInfo) -> bytes:
        """The 16-byte EXTERNAL AUTHENTICATE cryptogram for the card's 8-byte challenge; CardReadError if the PSAM cannot."""
        if len(challenge) != 8:
            raise CardReadError(message("auth_failed"), f"challenge of {len(challenge)} bytes, expected 8")
        factor = diversification_factor(card)
        with self._psam() as transmit:
            if self.df_name is not None:
                self._expect_ok(transmit, apdu.select_df_name(self.df_name), "SELECT")
            self._expect_ok(transmit, apdu.des_init(self.key_usage, self.key_version, factor), "DES INIT")
            data = self._expect_ok(transmit, apdu.des_crypt(challenge + PADDING, le=CRYPTOGRAM_LENGTH), "DES CRYPT")
        if len(data) != CRYPTOGRAM_LENGTH:
            raise CardReadError(message("sam_failed"), f"DES CRYPT gave {len(data)} bytes, expected 16")
        return data

    @staticmethod
    def _expect_ok(transmit: Transmit, command: bytes, what: str) -> bytes:
        resp = apdu.transceive(transmit, command)
        if not resp.ok:
            raise CardReadError(message("sam_failed"), f"PSAM {what} -> {resp.status}")
        return resp.data

    @contextlib.contextmanager
    def _psam(self) -> Iterator[Transmit]:
        """A connection to the PSAM for one exchange (its own PC/SC context; closed afterwards)."""
        hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if hresult != scard.SCARD_S_SUCCESS:
            raise CardReadError(message("sam_failed"), f"PSAM: no PC/SC context ({hresult & 0xFFFFFFFF:08X})")
        card: PcscCard | None = None
        try:
            name = self._find_reader(context)
            try:
                card = PcscCard(context, name)
            except CardTransportError as exc:
                raise CardReadError(message("sam_failed"), f"PSAM: {exc.detail}") from exc
            yield card.transmit
        except CardTransportError as exc:
            raise CardReadError(message("sam_failed"), f"PSAM: {exc.detail}") from exc
        finally:
            if card is not None:
                card.close()
            scard.SCardReleaseContext(context)

    def _find_reader(self, context: Any) -> str:
        hresult, names = scard.SCardListReaders(context, [])
        if hresult != scard.SCARD_S_SUCCESS:
            names = []
        for name in names:
            if reader_matches(self.reader_pattern, name):
                return str(name)
        raise CardReadError(message("sam_failed"), f"PSAM: no reader matches {self.reader_pattern!r}")
