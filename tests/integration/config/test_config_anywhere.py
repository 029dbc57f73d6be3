"""`--config PATH` works before and after the subcommand (issue 16 item 6), as the README says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integration.config.test_site_refusals import PYTHON, _run

pytestmark = pytest.mark.integration


def _site(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir(exist_ok=True)
    site = tmp_path / "site.toml"
    site.write_text(f'[kiosk]\ndemo = true\nid = "TZ-TEST-77"\ndata_dir = "{tmp_path / "data"}"\n'
                    f'[platform]\nstart_sandbox = false\n[devices]\nprinter = "file://{tmp_path / "data" / "r.bin"}"\n',
                    encoding="utf-8")
    return site


@pytest.mark.parametrize("where", ["before", "after"])
def test_devices_status_and_sync_status_read_the_config_wherever_it_stands(tmp_path: Path, where: str) -> None:
    site = str(_site(tmp_path))
    for command, exits, check in (
        # exit 1: a file printer cannot report its status ("unknown"); the address proves which file was read
        (["devices", "status"], (0, 1), lambda out: any(json.loads(x)["address"].endswith("/data/r.bin")
                                                        for x in out.splitlines())),
        (["sync", "status"], (0,), lambda out: json.loads(out)["kiosk_id"] == "TZ-TEST-77"),
    ):
        argv = ["--config", site, *command] if where == "before" else [*command, "--config", site]
        run = _run([PYTHON, "-m", "kiosk", *argv], tmp_path)
        assert run.returncode in exits, f"{argv}: exit {run.returncode} {run.stderr}"
        assert check(run.stdout), run.stdout


def test_read_card_and_check_config_take_the_config_after_the_subcommand(tmp_path: Path) -> None:
    site = str(_site(tmp_path))
    run = _run([PYTHON, "-m", "kiosk", "devices", "read-card", "--config", site, "--timeout", "0.5"], tmp_path)
    assert run.returncode == 3 and "没有读到卡" in run.stderr, run.stderr  # ran, waited, nothing placed
    missing = str(tmp_path / "missing.toml")
    run = _run([PYTHON, "-m", "kiosk", "devices", "read-card", "--timeout", "0.5", "--config", missing], tmp_path)
    assert run.returncode == 2 and missing in run.stderr, run.stderr  # the file after the subcommand is the one read
    run = _run([PYTHON, "-m", "kiosk", "check-config", "--config", site], tmp_path)
    assert run.returncode == 0 and "TZ-TEST-77" in run.stdout, run.stderr
    run = _run([PYTHON, "-m", "kiosk", "--config", missing, "sync", "status", "--config", site], tmp_path)
    assert run.returncode == 0 and "TZ-TEST-77" in run.stdout, run.stderr  # the later one wins
