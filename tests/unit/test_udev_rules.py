"""packaging/udev_rules.py: the Debian package's udev rules come from one checked data file."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1].parent


def _generator() -> ModuleType:
    # Loaded by path: the folder is not a package (and `packaging` is also a PyPI project's name).
    spec = importlib.util.spec_from_file_location("udev_rules", PROJECT_ROOT / "packaging" / "udev_rules.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_listed_device_gets_one_rule_with_its_group() -> None:
    gen = _generator()
    devices = gen.load_devices()
    rules = [ln for ln in gen.rules_text(devices).splitlines() if ln and not ln.startswith("#")]
    assert len(rules) == len(devices)
    for d, rule in zip(devices, rules, strict=True):
        assert f'"{d["vendor"]}"' in rule and f'"{d["product"]}"' in rule
        assert ('GROUP="lp"' if d["kind"] == "usb-printer" else 'GROUP="dialout"') in rule
    assert {"usb-printer", "usb-serial"} <= {d["kind"] for d in devices}


@pytest.mark.parametrize(("entry", "complaint"), [
    ('kind = "usb-hub"\nvendor = "0416"\nproduct = "5011"', "kind"),
    ('kind = "usb-printer"\nvendor = "416"\nproduct = "5011"', "vendor"),
    ('kind = "usb-printer"\nvendor = "0416"\nproduct = "5O11"', "product"),
    ('kind = "usb-printer"\nvendor = "0416"\nproduct = "5011"\nname = "Bad Name"', "name"),
])
def test_a_bad_entry_is_refused_with_its_number(tmp_path: Path, entry: str, complaint: str) -> None:
    gen = _generator()
    data = tmp_path / "usb-devices.toml"
    name = "" if "name" in entry else 'name = "x"'
    data.write_text(f'[[device]]\n{entry}\n{name}\ndescription = "d"\n', encoding="utf-8")
    with pytest.raises(gen.DeviceListError, match=f"device 1: {complaint}|device 1: needs a {complaint}"):
        gen.load_devices(data)


def test_a_pair_listed_twice_is_refused(tmp_path: Path) -> None:
    gen = _generator()
    one = '[[device]]\nkind = "usb-serial"\nvendor = "1a86"\nproduct = "7523"\nname = "a"\ndescription = "d"\n'
    data = tmp_path / "usb-devices.toml"
    data.write_text(one + one, encoding="utf-8")
    with pytest.raises(gen.DeviceListError, match="listed twice"):
        gen.load_devices(data)
