"""[devices] ss_card_sam: the PSAM of 3rd-generation social security cards, validated like every device address."""

from pathlib import Path

import pytest

from devices.factory import DeviceAddresses, build_device_manager
from kiosk.settings import ConfigError, load_settings


def _site(tmp_path: Path, value: str) -> Path:
    site = tmp_path / "site.toml"
    site.write_text(f'[kiosk]\ndemo = true\ndata_dir = "data"\n[devices]\nss_card_sam = "{value}"\n', encoding="utf-8")
    return site


def test_no_psam_by_default() -> None:
    assert load_settings(env={}).devices.ss_card_sam == "none"


def test_a_pcsc_psam_reader_is_accepted(tmp_path: Path) -> None:
    s = load_settings(_site(tmp_path, "pcsc://Reader SAM 01?key_usage=08&key_version=0A"), env={})
    assert s.devices.ss_card_sam == "pcsc://Reader SAM 01?key_usage=08&key_version=0A"


@pytest.mark.parametrize(("value", "says"), [
    ("serial:///dev/ttyUSB0", "pcsc://"),
    ("pcsc://*", "不能是 *"),
    ("pcsc://SAM?key_usage=XYZ", "key_usage"),
    ("pcsc://SAM?df=zz", "df"),
])
def test_a_wrong_psam_address_names_the_key_and_the_form(tmp_path: Path, value: str, says: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_settings(_site(tmp_path, value), env={})
    assert "devices.ss_card_sam" in str(err.value) and says in str(err.value)


def test_the_manager_gives_the_card_reader_the_psam_and_keeps_its_slot_out() -> None:
    from devices.base import DeviceKind
    from devices.sscard.psam import PsamAuthenticator

    manager = build_device_manager(DeviceAddresses(
        id_card="none", ss_card="pcsc://Virtual PCD", qr_scanner="none", printer="sim://",
        printer_profile="generic-80", ss_card_sam="pcsc://Virtual PCD 00 01"))
    reader = manager.reader(DeviceKind.SS_CARD)
    assert isinstance(reader._authenticator, PsamAuthenticator)
    assert reader.exclude_pattern == "Virtual PCD 00 01"
