"""At-rest protection: the key file (0600), AES-GCM payload encryption, salted person keys (see also keys.py)."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import stat
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from offline_cache.errors import KeyFileInvalid, PayloadUnreadable

log = logging.getLogger(__name__)

KEY_FILE_NAME = "outbox.key"
KEY_BYTES = 32
_NONCE_BYTES = 12


def load_or_create_key(data_dir: Path) -> bytes:
    """Key version 1 from `data_dir/outbox.key`, created with mode 0600 if missing (tests and tools only).

    The kiosk itself opens its keys through offline_cache.keys.open_keyring, which never makes a new key
    while encrypted rows exist.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / KEY_FILE_NAME
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_key(path)
    try:
        os.fchmod(fd, 0o600)  # whatever the umask says
        os.write(fd, os.urandom(KEY_BYTES))
        os.fsync(fd)
    finally:
        os.close(fd)
    log.info("created payload key file %s", path)
    return _read_key(path)


def _read_key(path: Path) -> bytes:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        log.warning("key file %s had mode %o; tightening to 600", path, mode)
        path.chmod(0o600)
    key = path.read_bytes()
    if len(key) != KEY_BYTES:
        raise KeyFileInvalid(f"{path}: {len(key)} bytes, expected {KEY_BYTES}")
    return key


class PayloadCipher:
    """Encrypts JSON payloads with AES-GCM; the idempotency key is bound in as associated data."""

    def __init__(self, key: bytes, *, random: Callable[[int], bytes] = os.urandom) -> None:
        self._aead = AESGCM(key)
        self._random = random

    def encrypt(self, payload: Mapping[str, Any], associated: str) -> bytes:
        """nonce ‖ ciphertext of the payload's JSON."""
        nonce = self._random(_NONCE_BYTES)
        plain = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
        return nonce + self._aead.encrypt(nonce, plain, associated.encode())

    def decrypt(self, blob: bytes, associated: str) -> dict[str, Any]:
        """The payload back, or PayloadUnreadable."""
        try:
            plain = self._aead.decrypt(blob[:_NONCE_BYTES], blob[_NONCE_BYTES:], associated.encode())
        except (InvalidTag, ValueError) as exc:
            raise PayloadUnreadable(f"{associated}: {type(exc).__name__}") from exc
        result: dict[str, Any] = json.loads(plain)
        return result


class PersonKeyer:
    """Turns an ID number into the local person key: SHA-256 over a local salt and the normalised number."""

    def __init__(self, salt: bytes) -> None:
        self._salt = salt

    @staticmethod
    def legacy_salt(key: bytes) -> bytes:
        """The salt kiosks derived from `outbox.key` before `person.salt` existed (used once, to migrate)."""
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"offline_cache person key salt").derive(key)

    @classmethod
    def from_master_key(cls, key: bytes) -> PersonKeyer:
        """A keyer with the legacy salt derived from a payload key."""
        return cls(cls.legacy_salt(key))

    def key_for(self, id_number: str) -> str:
        """Hex person key for `id_number` (spaces dropped, x → X)."""
        normalised = "".join(id_number.split()).upper()
        return hashlib.sha256(self._salt + normalised.encode()).hexdigest()
