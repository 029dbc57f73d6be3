"""A complete real-site settings file (demo = false) for tests that change one key of it."""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kiosk.technician import hash_pin

REAL_PIN = "135790"  # not the published demo PIN
FAST_N = 2**10  # scrypt cost for tests


def real_site(folder: Path) -> dict[str, dict[str, Any]]:
    """Every key a real site must give, with its own credentials file (random secret) in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    credentials = folder / "credentials.toml"
    credentials.write_text(f'kiosk_id = "TZ-TEST-REAL-01"\nsecret = "{secrets.token_hex(32)}"\n', encoding="utf-8")
    return {
        "kiosk": {"id": "TZ-TEST-REAL-01", "data_dir": str(folder / "data"), "demo": False},
        "service_point": {"name": "测试村就业社保服务点", "village": "测试村", "town": "测试镇", "county": "测试县",
                          "address": "山西省大同市测试县测试镇测试村村委会", "lat": 40.0, "lon": 114.0,
                          "counter": "测试镇便民服务中心人社窗口", "phone": "0352-1234567"},
        "platform": {"url": "https://platform.example/api", "credentials_file": str(credentials)},
        "devices": {"id_card": "sim://", "ss_card": "sim://", "qr_scanner": "sim://", "printer": "sim://"},
        "technician": {"pin_hashes": [hash_pin(REAL_PIN, "T01-测试技术员", n=FAST_N)]},
    }


def site_text(data: Mapping[str, Mapping[str, Any]]) -> str:
    """Flat TOML sections (JSON strings, numbers, booleans and lists are valid TOML values)."""
    lines: list[str] = []
    for section, values in data.items():
        lines.append(f"[{section}]")
        lines.extend(f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in values.items())
    return "\n".join(lines) + "\n"


def write_site_file(path: Path, data: Mapping[str, Mapping[str, Any]], encoding: str = "utf-8") -> Path:
    path.write_text(site_text(data), encoding=encoding)
    return path
