"""Each bad site file is refused the same way by `kiosk check-config FILE` and by starting `kiosk --config FILE`:
a message naming the key (or the file) on stderr, exit 2, no traceback — as real subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kiosk.settings import CONFIG_DIR
from tests.helpers.site_files import real_site, site_text, write_site_file

pytestmark = pytest.mark.integration

PROJECT_ROOT = Path(__file__).resolve().parents[3]
VENV_BIN = PROJECT_ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable
# The console command itself (ui/launch.py); `python -m ui.launch` where no virtualenv script exists.
KIOSK = [str(VENV_BIN / "kiosk")] if (VENV_BIN / "kiosk").exists() else [PYTHON, "-m", "ui.launch"]
TIMEOUT_S = 60.0  # a kiosk that starts instead of refusing fails the test here

Site = dict[str, dict[str, Any]]
DEMO_HASH = ("scrypt:T00-演示技术员:16384:8:1:5Ixk+3EyGcep3EcnmSpdXQ==:"
             "kYQRyXI0LUWwgSIbUMiHFTvVOfLC5M6HGhONbR/qWwc=")


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("KIOSK_CONFIG", "KIOSK_PLATFORM_SECRET")}
    env.update(PYTHONPATH=str(PROJECT_ROOT), PYTHONIOENCODING="utf-8", QT_QPA_PLATFORM="offscreen",
               XDG_RUNTIME_DIR=str(tmp))
    return env


def _run(argv: list[str], tmp: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=PROJECT_ROOT, env=_env(tmp), capture_output=True, text=True, encoding="utf-8",
                          errors="replace", timeout=TIMEOUT_S, stdin=subprocess.DEVNULL)


def _set(section: str, **values: Any) -> Callable[[Site, Path], None]:
    return lambda site, _folder: site.setdefault(section, {}).update(values)


def _missing_file(section: str, key: str) -> Callable[[Site, Path], None]:
    return lambda site, folder: site[section].update({key: str(folder / "nowhere" / "missing.pem")})


BAD_SITES: list[tuple[str, Callable[[Site, Path], None], str]] = [
    # issue 10 item 1: demo values outside demo mode
    ("demo-pin-hash", _set("technician", pin_hashes=[DEMO_HASH]), "technician.pin_hashes"),
    ("demo-credentials", _set("platform", credentials_file=str(CONFIG_DIR / "demo-credentials.toml")),
     "platform.credentials_file"),
    ("demo-service-point", _set("service_point", name="李家庄村就业社保服务点"), "service_point.name"),
    # item 2: https only, except the loopback
    ("plain-http", _set("platform", url="http://platform.example/api"), "platform.url"),
    # item 3: what crashed the kiosk at start
    ("missing-ca-bundle", _missing_file("platform", "ca_bundle"), "platform.ca_bundle"),
    ("missing-credentials", _missing_file("platform", "credentials_file"), "platform.credentials_file"),
    ("unknown-printer-profile", _set("devices", printer_profile="epson-9000"), "devices.printer_profile"),
    ("unknown-province-profile", _set("kiosk", province_profile="atlantis"), "kiosk.province_profile"),
    ("unknown-service", _set("services", enabled=["all", "不存在的事项"]), "services.enabled"),
    ("https-without-host", _set("platform", url="https:///v1"), "platform.url"),
    ("malformed-pin-hash", _set("technician", pin_hashes=["scrypt:T01:abc"]), "technician.pin_hashes"),
    # item 4: a file printer outside the data folder
    ("printer-outside-data", _set("devices", printer="file:///etc/passwd"), "devices.printer"),
]


def _bad_site(tmp_path: Path, change: Callable[[Site, Path], None]) -> Path:
    site = real_site(tmp_path)
    change(site, tmp_path)
    return write_site_file(tmp_path / "site.toml", site)


def _assert_refused(run: subprocess.CompletedProcess[str], names: str) -> None:
    assert run.returncode == 2, f"exit {run.returncode}\n{run.stdout}\n{run.stderr}"
    assert names in run.stderr and "配置错误" in run.stderr, run.stderr
    assert "Traceback" not in run.stderr + run.stdout, run.stderr


def test_the_complete_real_site_is_accepted(tmp_path: Path) -> None:
    site = _bad_site(tmp_path, lambda s, f: None)
    run = _run([PYTHON, "-m", "kiosk", "check-config", str(site)], tmp_path)
    assert run.returncode == 0, run.stderr
    assert "demo.toml" not in run.stdout and "kYQRyXI0" not in run.stdout


@pytest.mark.parametrize(("change", "key"), [(c, k) for _, c, k in BAD_SITES], ids=[n for n, _, _ in BAD_SITES])
def test_check_config_and_start_refuse_the_site_naming_the_key(tmp_path: Path, change, key: str) -> None:  # noqa: ANN001
    site = _bad_site(tmp_path, change)
    _assert_refused(_run([PYTHON, "-m", "kiosk", "check-config", str(site)], tmp_path), key)
    _assert_refused(_run([*KIOSK, "--config", str(site)], tmp_path), key)


def test_a_site_file_in_gbk_is_refused_naming_the_file(tmp_path: Path) -> None:
    site = tmp_path / "site-gbk.toml"
    site.write_bytes(site_text(real_site(tmp_path)).encode("gbk"))
    for argv in ([PYTHON, "-m", "kiosk", "check-config", str(site)], [*KIOSK, "--config", str(site)]):
        run = _run(argv, tmp_path)
        _assert_refused(run, str(site))
        assert "UTF-8" in run.stderr
