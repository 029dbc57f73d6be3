"""Settings load from TOML, merge a site file, and stop with a message naming the bad key."""

import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.settings import ConfigError, load_settings


def test_default_config_is_a_working_demo() -> None:
    s = load_settings(env={})
    assert s.demo and s.devices.printer == "sim://"
    assert s.service_point.town == "玉泉镇" and s.service_point.village == "李家庄"
    assert s.platform.url.startswith("http://127.0.0.1")


def test_site_file_overrides_and_resolves_relative_paths(tmp_path: Path) -> None:
    site = tmp_path / "site.toml"
    site.write_text('[devices]\nprinter = "tcp://127.0.0.1:9100"\n[kiosk]\ndemo = true\ndata_dir = "data"\n',
                    encoding="utf-8")
    s = load_settings(site, env={})
    assert s.devices.printer == "tcp://127.0.0.1:9100"
    assert s.data_dir == tmp_path / "data"
    assert s.devices.id_card == "sim://"  # untouched keys keep the demo overlay's value


def test_env_names_site_file_and_secret(tmp_path: Path) -> None:
    site = tmp_path / "site.toml"
    site.write_text('[kiosk]\ndemo = true\nid = "TZ-TEST-01"\n', encoding="utf-8")
    s = load_settings(env={"KIOSK_CONFIG": str(site), "KIOSK_PLATFORM_SECRET": "s3cret-for-the-test-only"})
    assert s.kiosk_id == "TZ-TEST-01"
    assert s.platform.secret_from_env == "s3cret-for-the-test-only"
    assert "s3cret-for-the-test-only" not in repr(s) and "s3cret-for-the-test-only" not in str(s.redacted())


@pytest.mark.parametrize(
    ("body", "names"),
    [
        ('[devices]\nprinter = "lpt1"\n', ["devices.printer", "tcp://127.0.0.1:9100"]),
        ('[devices]\nprinterr = "sim://"\n', ["devices.printerr", "printer"]),
        ('[timeouts]\nidle_warning_s = "60"\n', ["timeouts.idle_warning_s", "整数"]),
        ('[kiosk]\norientation = "sideways"\n', ["kiosk.orientation", "landscape"]),
        ('[platform]\nurl = "127.0.0.1:8765"\n', ["platform.url", "http://"]),
        ('[network]\nx = 1\n', ["[network]"]),
        ("[kiosk\nid = 1\n", ["TOML"]),
    ],
)
def test_bad_values_name_the_key_and_the_expected_form(tmp_path: Path, body: str, names: list[str]) -> None:
    site = tmp_path / "site.toml"
    site.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_settings(site, env={})
    for n in names:
        assert n in str(err.value)
    assert str(site) in str(err.value)


def test_check_config_command(tmp_path: Path) -> None:
    good = subprocess.run([sys.executable, "-m", "kiosk", "check-config"], capture_output=True, text=True, timeout=60)
    assert good.returncode == 0, good.stderr
    assert "配置有效" in good.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text('[devices]\nss_card = "pcsc://"\n', encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "kiosk", "check-config", str(bad)], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 2
    assert "devices.ss_card" in run.stderr


def test_a_device_address_of_the_wrong_kind_names_the_key(tmp_path: Path) -> None:
    site = tmp_path / "site.toml"
    site.write_text('[devices]\nid_card = "pcsc://Virtual PCD"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_settings(site, env={})
    assert "devices.id_card" in str(err.value) and "serial://" in str(err.value)


def test_technician_overrides_in_the_data_folder_apply_last(tmp_path: Path) -> None:
    site = tmp_path / "site.toml"
    site.write_text('[kiosk]\ndemo = true\ndata_dir = "data"\n[devices]\nprinter = "tcp://127.0.0.1:9100"\n',
                    encoding="utf-8")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "site-overrides.toml").write_text(
        '[devices]\nprinter = "tcp://127.0.0.1:9101"\n[timeouts]\nidle_warning_s = 90\n', encoding="utf-8")
    s = load_settings(site, env={})
    assert s.devices.printer == "tcp://127.0.0.1:9101" and s.timeouts.idle_warning_s == 90
    assert s.sources[-1] == tmp_path / "data" / "site-overrides.toml"
    (tmp_path / "data" / "site-overrides.toml").write_text('[devices]\nprinter = "lpt1"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_settings(site, env={})
    assert "site-overrides.toml" in str(err.value) and "devices.printer" in str(err.value)


@pytest.mark.parametrize(("line", "key"), [("call_deadline_s = 0", "platform.call_deadline_s"),
                                           ("call_deadline_s = \"30\"", "platform.call_deadline_s"),
                                           ("max_reply_bytes = 1000", "platform.max_reply_bytes"),
                                           ("max_reply_bytes = 8.5", "platform.max_reply_bytes")])
def test_the_reply_cap_and_call_deadline_are_validated(tmp_path: Path, line: str, key: str) -> None:
    site = tmp_path / "site.toml"
    site.write_text(f"[kiosk]\ndemo = true\n[platform]\n{line}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_settings(site, env={})
    assert key in str(err.value)
    site.write_text("[kiosk]\ndemo = true\n[platform]\ncall_deadline_s = 12.5\nmax_reply_bytes = 1048576\n",
                    encoding="utf-8")
    s = load_settings(site, env={})
    assert (s.platform.call_deadline_s, s.platform.max_reply_bytes) == (12.5, 1048576)
    assert (load_settings(env={}).platform.call_deadline_s, load_settings(env={}).platform.max_reply_bytes) == (
        30.0, 8 * 1024 * 1024)


def test_the_service_points_time_zone_is_shanghai_unless_the_site_says_otherwise(tmp_path: Path) -> None:
    assert load_settings(env={}).service_point.timezone == "Asia/Shanghai"
    site = tmp_path / "site.toml"
    site.write_text('[kiosk]\ndemo = true\n[service_point]\ntimezone = "Asia/Urumqi"\n', encoding="utf-8")
    s = load_settings(site, env={})
    assert s.service_point.timezone == "Asia/Urumqi" and str(s.service_point.zone) == "Asia/Urumqi"


@pytest.mark.parametrize("zone", ["Asia/Beijing", "asia/shanghai", "", "../etc/passwd"])
def test_an_unknown_time_zone_names_the_key(tmp_path: Path, zone: str) -> None:
    site = tmp_path / "site.toml"
    site.write_text(f'[service_point]\ntimezone = "{zone}"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_settings(site, env={})
    assert "service_point.timezone" in str(err.value) and "Asia/Shanghai" in str(err.value)
