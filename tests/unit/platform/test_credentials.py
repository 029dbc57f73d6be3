"""Credentials load from TOML, the env var overrides the secret, and errors name the key but not the secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.platform import CredentialsError, load_credentials

PROJECT = Path(__file__).resolve().parents[3]


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "cred.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_the_demo_credentials_match_the_sandbox_demo_kiosk():
    import json

    creds = load_credentials(PROJECT / "config" / "demo-credentials.toml", env={})
    kiosks = json.loads((PROJECT / "sandbox" / "demo_kiosks.json").read_text(encoding="utf-8"))["kiosks"]
    assert creds.kiosk_id == "TZ-YQ-LJZ-01"
    demo_kiosk = next(k for k in kiosks if k["kiosk_id"] == creds.kiosk_id)
    assert creds.secret == demo_kiosk["secret"]


def test_the_environment_overrides_the_files_secret(tmp_path):
    p = write(tmp_path, 'kiosk_id = "K1"\nsecret = "file-secret-0123456789"\n')
    assert load_credentials(p, env={"KIOSK_PLATFORM_SECRET": "env-secret-0123456789"}).secret == "env-secret-0123456789"
    assert load_credentials(p, env={}).secret == "file-secret-0123456789"


def test_a_secret_only_from_the_environment_is_enough(tmp_path):
    p = write(tmp_path, 'kiosk_id = "K1"\n')
    assert load_credentials(p, env={"KIOSK_PLATFORM_SECRET": "env-secret-0123456789"}).kiosk_id == "K1"


@pytest.mark.parametrize("text,needle", [
    ('secret = "file-secret-0123456789"\n', "kiosk_id"),
    ('kiosk_id = "K1"\n', "secret"),
    ('kiosk_id = "K1"\nsecret = "short"\n', "secret"),
    ("kiosk_id = ", "无法读取"),
])
def test_problems_name_the_file_and_key(tmp_path, text, needle):
    with pytest.raises(CredentialsError) as info:
        load_credentials(write(tmp_path, text), env={})
    assert needle in str(info.value) and "cred.toml" in str(info.value)


def test_a_missing_file_is_reported(tmp_path):
    with pytest.raises(CredentialsError, match="找不到"):
        load_credentials(tmp_path / "nope.toml", env={})


def test_the_secret_is_not_in_the_repr(tmp_path):
    creds = load_credentials(write(tmp_path, 'kiosk_id = "K1"\nsecret = "file-secret-0123456789"\n'), env={})
    assert "file-secret" not in repr(creds) and "file-secret" not in str(creds)
