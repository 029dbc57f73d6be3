"""A real site (demo = false) inherits no demo value, talks https only and prints to files only in its data folder."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kiosk.settings import CONFIG_DIR, DEMO_CONFIG, ConfigError, load_settings
from kiosk.technician import hash_pin
from tests.helpers.site_files import FAST_N, real_site, write_site_file

DEMO_HASH = ("scrypt:T00-演示技术员:16384:8:1:5Ixk+3EyGcep3EcnmSpdXQ==:"
             "kYQRyXI0LUWwgSIbUMiHFTvVOfLC5M6HGhONbR/qWwc=")

Site = dict[str, dict[str, Any]]


def _load(tmp_path: Path, change: Callable[[Site], None] = lambda s: None,
          env: dict[str, str] | None = None):  # noqa: ANN202
    site = real_site(tmp_path)
    change(site)
    return load_settings(write_site_file(tmp_path / "site.toml", site), env=env or {})


def test_a_complete_real_site_loads_without_the_demo_overlay(tmp_path: Path) -> None:
    s = _load(tmp_path)
    assert not s.demo and DEMO_CONFIG not in s.sources and s.site_file == tmp_path / "site.toml"
    assert s.kiosk_id == "TZ-TEST-REAL-01" and s.platform.url == "https://platform.example/api"


def test_a_real_site_that_leaves_out_technicians_and_credentials_inherits_nothing_of_the_demo(tmp_path: Path) -> None:
    def strip(site: Site) -> None:
        del site["technician"]

    assert _load(tmp_path, strip).technician_pin_hashes == ()  # not the demo technician's hash

    def no_credentials(site: Site) -> None:
        del site["platform"]["credentials_file"]

    with pytest.raises(ConfigError) as err:
        _load(tmp_path, no_credentials)
    assert "platform.credentials_file" in str(err.value) and "demo-credentials" not in str(err.value)


def test_a_site_that_says_only_demo_false_is_told_what_is_missing(tmp_path: Path) -> None:
    site = tmp_path / "site.toml"
    site.write_text("[kiosk]\ndemo = false\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_settings(site, env={})
    assert "kiosk.id" in str(err.value) and str(site) in str(err.value)


def _copy_demo_credentials(site: Site, folder: Path) -> None:
    copy = folder / "copied-credentials.toml"
    shutil.copy(CONFIG_DIR / "demo-credentials.toml", copy)
    site["platform"]["credentials_file"] = str(copy)


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (lambda s, d: s["technician"].update(pin_hashes=[DEMO_HASH]), "technician.pin_hashes"),
        (lambda s, d: s["technician"].update(pin_hashes=[hash_pin("246810", "T09-新人", n=FAST_N)]),
         "technician.pin_hashes"),
        (lambda s, d: s["platform"].update(credentials_file=str(CONFIG_DIR / "demo-credentials.toml")),
         "platform.credentials_file"),
        (_copy_demo_credentials, "platform.credentials_file"),
        (lambda s, d: s["kiosk"].update(id="TZ-YQ-LJZ-01"), "kiosk.id"),
        (lambda s, d: s["service_point"].update(name="李家庄村就业社保服务点"), "service_point.name"),
        (lambda s, d: s["platform"].update(start_sandbox=True), "platform.start_sandbox"),
    ],
    ids=["demo-pin-hash", "published-pin-rehashed", "demo-credentials-file", "demo-secret-copied",
         "demo-kiosk-id", "demo-service-point", "demo-sandbox"],
)
def test_outside_demo_mode_every_demo_value_is_refused_by_name(tmp_path: Path, change, key: str) -> None:  # noqa: ANN001
    with pytest.raises(ConfigError) as err:
        _load(tmp_path, lambda s: change(s, tmp_path))
    assert key in str(err.value) and "演示" in str(err.value)
    assert "kYQRyXI0" not in str(err.value)  # a PIN hash is never echoed


def test_the_demo_secret_from_the_environment_is_refused_too(tmp_path: Path) -> None:
    from kiosk.platform import load_credentials

    demo_secret = load_credentials(CONFIG_DIR / "demo-credentials.toml", env={}).secret
    with pytest.raises(ConfigError) as err:
        _load(tmp_path, env={"KIOSK_PLATFORM_SECRET": demo_secret})
    assert "KIOSK_PLATFORM_SECRET" in str(err.value) and demo_secret not in str(err.value)


def test_demo_mode_keeps_its_values(tmp_path: Path) -> None:
    site = tmp_path / "site.toml"
    site.write_text(f'[kiosk]\ndemo = true\ndata_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    s = load_settings(site, env={})
    assert s.demo and s.kiosk_id == "TZ-YQ-LJZ-01" and s.technician_pin_hashes == (DEMO_HASH,)
    with pytest.raises(ConfigError):  # `kiosk --demo` under a site saying demo = false: the demo's values refused
        load_settings(write_site_file(tmp_path / "real.toml", real_site(tmp_path)), env={}, demo=True)


@pytest.mark.parametrize("url", ["http://platform.example/api", "http://10.0.0.5:8765", "ftp://platform.example",
                                 "https://", "https:///v1", "https://platform.example:99999/"])
def test_the_platform_url_is_https_with_a_host(tmp_path: Path, url: str) -> None:
    with pytest.raises(ConfigError) as err:
        _load(tmp_path, lambda s: s["platform"].update(url=url))
    assert "platform.url" in str(err.value) and "https://" in str(err.value)


@pytest.mark.parametrize("url", ["https://platform.example", "http://127.0.0.1:8765", "http://127.8.9.10:80",
                                 "http://[::1]:8765", "http://localhost:8765", "http://LOCALHOST"])
def test_plain_http_only_on_the_loopback(tmp_path: Path, url: str) -> None:
    assert _load(tmp_path, lambda s: s["platform"].update(url=url)).platform.url == url.rstrip("/")


def test_a_file_printer_must_lie_inside_the_data_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "escape").symlink_to("/etc")
    inside = _load(tmp_path, lambda s: s["devices"].update(printer=f"file://{data}/receipts/r.bin"))
    assert inside.devices.printer.endswith("/receipts/r.bin")
    for address in ("file:///etc/passwd", f"file://{data}/../outside.bin", f"file://{data}/escape/passwd",
                    f"file://{data}"):
        with pytest.raises(ConfigError) as err:
            _load(tmp_path, lambda s, a=address: s["devices"].update(printer=a))
        assert "devices.printer" in str(err.value) and str(data) in str(err.value), address
