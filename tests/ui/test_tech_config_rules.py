"""What a technician may save as a device override (kiosk/maintenance/overrides.py): checked like a start."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from kiosk.maintenance.overrides import overrides_path, read_overrides, save_overrides
from kiosk.settings import ConfigError, load_settings
from tests.ui.conftest import write_site

NOW = datetime(2026, 12, 5, 9, 0).astimezone()


def _settings(tmp_path: Path):  # noqa: ANN202
    (tmp_path / "data").mkdir()
    return load_settings(write_site(tmp_path, "http://127.0.0.1:9"), env={})


def test_a_printer_file_outside_the_data_folder_is_refused_and_nothing_is_saved(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    for address in ("file:///etc/passwd", f"file://{tmp_path}/outside.bin", f"file://{tmp_path}/data/../x.bin"):
        with pytest.raises(ConfigError) as err:
            save_overrides(settings, {"devices": {"printer": address}}, actor="T01", now=NOW)
        assert "devices.printer" in str(err.value) and str(settings.data_dir) in str(err.value)
    assert not overrides_path(settings).exists()


def test_a_printer_file_inside_the_data_folder_is_saved(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    address = f"file://{settings.data_dir}/receipts/r.bin"
    save_overrides(settings, {"devices": {"printer": address}}, actor="T01", now=NOW)
    assert read_overrides(settings) == {"devices": {"printer": address}}
    assert load_settings(settings.site_file, env={}).devices.printer == address


def test_an_earlier_override_does_not_hide_the_new_value_from_the_check(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    save_overrides(settings, {"devices": {"printer": "tcp://127.0.0.1:9100"}}, actor="T01", now=NOW)
    with pytest.raises(ConfigError) as err:  # the saved override must not stand in for the one being checked
        save_overrides(settings, {"devices": {"printer": "file:///etc/passwd"}}, actor="T01", now=NOW)
    assert "devices.printer" in str(err.value)
    assert read_overrides(settings) == {"devices": {"printer": "tcp://127.0.0.1:9100"}}


def test_an_unknown_printer_profile_is_refused_by_the_same_rules_as_at_start(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    with pytest.raises(ConfigError) as err:
        save_overrides(settings, {"devices": {"printer_profile": "epson-9000"}}, actor="T01", now=NOW)
    assert "devices.printer_profile" in str(err.value) and "generic-80" in str(err.value)
