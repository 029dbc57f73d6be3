"""The payload key file, AES-GCM payloads and salted person keys."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from offline_cache import KeyFileInvalid, PayloadCipher, PayloadUnreadable, PersonKeyer, load_or_create_key


def test_key_file_is_created_once_with_mode_0600_even_under_a_loose_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        key = load_or_create_key(tmp_path / "data")
    finally:
        os.umask(old)
    path = tmp_path / "data" / "outbox.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(key) == 32
    assert load_or_create_key(tmp_path / "data") == key


def test_a_truncated_key_file_is_a_typed_error_not_a_new_key(tmp_path: Path) -> None:
    (tmp_path / "outbox.key").write_bytes(b"short")
    with pytest.raises(KeyFileInvalid) as err:
        load_or_create_key(tmp_path)
    assert "技术人员" in err.value.message
    assert (tmp_path / "outbox.key").read_bytes() == b"short"


def test_payload_round_trips_and_is_bound_to_its_key(tmp_path: Path) -> None:
    cipher = PayloadCipher(load_or_create_key(tmp_path))
    blob = cipher.encrypt({"id_number": "110101199003071233", "name": "张三"}, "k1")
    assert b"110101199003071233" not in blob
    assert cipher.decrypt(blob, "k1")["name"] == "张三"
    with pytest.raises(PayloadUnreadable):
        cipher.decrypt(blob, "k2")  # moved to another row
    with pytest.raises(PayloadUnreadable):
        PayloadCipher(os.urandom(32)).decrypt(blob, "k1")  # another kiosk's key


def test_person_key_is_salted_hash_normalised_and_not_the_id() -> None:
    keyer = PersonKeyer.from_master_key(b"k" * 32)
    a = keyer.key_for("11010119900307125X")
    assert a == keyer.key_for(" 11010119900307125X ")
    assert "11010119900307123" not in a and len(a) == 64
    assert PersonKeyer.from_master_key(b"j" * 32).key_for("11010119900307125X") != a
