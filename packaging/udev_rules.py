"""Write the udev rules of the Debian package from packaging/usb-devices.toml (one data file).

Usage: python3 packaging/udev_rules.py [DEVICES_TOML] > 70-village-kiosk.rules
Standard library only: it runs at package build time, never on the kiosk.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

DEVICES_FILE = Path(__file__).with_name("usb-devices.toml")
HEX4 = re.compile(r"^[0-9a-f]{4}$")
KINDS = {
    # USB device node opened through libusb: the kiosk user is in group lp.
    "usb-printer": 'SUBSYSTEM=="usb", ENV{{DEVTYPE}}=="usb_device", ATTR{{idVendor}}=="{vendor}", '
                   'ATTR{{idProduct}}=="{product}", GROUP="lp", MODE="0660"',
    # The tty of a USB-serial bridge: group dialout, and a stable name for the site file.
    "usb-serial": 'SUBSYSTEM=="tty", ATTRS{{idVendor}}=="{vendor}", ATTRS{{idProduct}}=="{product}", '
                  'GROUP="dialout", MODE="0660", SYMLINK+="village-kiosk/{name}-%n"',
}


class DeviceListError(ValueError):
    """usb-devices.toml has an entry that cannot become a rule; the message names it."""


def load_devices(path: Path = DEVICES_FILE) -> list[dict[str, str]]:
    """The [[device]] entries, checked: known kind, 4-digit lower-case hex ids, a name, a description."""
    devices = tomllib.loads(path.read_text(encoding="utf-8")).get("device", [])
    seen: set[tuple[str, str]] = set()
    for i, d in enumerate(devices, 1):
        where = f"{path}: device {i}"
        if d.get("kind") not in KINDS:
            raise DeviceListError(f"{where}: kind must be one of {sorted(KINDS)}")
        for key in ("vendor", "product"):
            if not HEX4.match(str(d.get(key, ""))):
                raise DeviceListError(f"{where}: {key} must be 4 lower-case hex digits, as lsusb prints it")
        if not re.match(r"^[a-z0-9-]+$", str(d.get("name", ""))) or not d.get("description"):
            raise DeviceListError(f"{where}: needs a name (a-z, 0-9, -) and a description")
        pair = (d["vendor"], d["product"])
        if pair in seen:
            raise DeviceListError(f"{where}: {pair[0]}:{pair[1]} is listed twice")
        seen.add(pair)
    return devices


def rules_text(devices: list[dict[str, str]]) -> str:
    lines = ["# village-kiosk: USB readers and printers the kiosk user may open.",
             "# Generated from packaging/usb-devices.toml by packaging/udev_rules.py; do not edit."]
    for d in devices:
        lines.append(f"# {d['vendor']}:{d['product']} {d['description']}")
        lines.append(KINDS[d["kind"]].format(**d))
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(rules_text(load_devices(Path(sys.argv[1]) if len(sys.argv) > 1 else DEVICES_FILE)))
