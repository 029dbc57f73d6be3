"""A staged rollout end to end: the gateway run as production runs it (`serve --workers 2`) and real kiosk cores.

A 50 % rollout: the kiosk in the stage gets the release in its heartbeat answer and keeps it as its update wish
(update_wish.json, which `kiosk update` turns into an apt pin); the kiosk outside is told to hold. The kiosk in the
stage then reports the release failed and rolled back (the updater's update_state.json, as `kiosk update` writes it
after a rollback): it is not told the release again, and the rollout status counts it. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from kiosk.app import KioskCore, build_core
from kiosk.settings import load_settings
from kiosk.updates.files import UpdateState, UpdateWish, load_wish, save_state
from sandbox.db import make_engine
from sandbox.rollout import fleet_bucket
from sandbox.service import Platform
from tests.helpers.sandbox_server import subprocess_sandbox

pytestmark = pytest.mark.integration

IN_STAGE, OUTSIDE = "RO-TEST-01", "RO-TEST-02"  # fleet buckets 4347 and 5026 of 10 000


def kiosk_core(folder: Path, kiosk_id: str, secret: str, url: str) -> KioskCore:
    """A demo kiosk core under its own id and credentials (the gateway registered it with add-kiosk)."""
    folder.mkdir(parents=True)
    credentials = folder / "credentials.toml"
    credentials.write_text(f'kiosk_id = "{kiosk_id}"\nsecret = "{secret}"\n', encoding="utf-8")
    site = folder / "site.toml"
    site.write_text(f'[kiosk]\ndemo = true\nid = "{kiosk_id}"\ndata_dir = "{folder / "data"}"\n\n[platform]\n'
                    f'url = "{url}"\ncredentials_file = "{credentials}"\nconnect_timeout_s = 1.0\n'
                    "start_sandbox = false\n", encoding="utf-8")
    return build_core(load_settings(site, env={}), start_workers=False, console_log=False)


def heartbeat(core: KioskCore) -> dict[str, object]:
    assert core.sync is not None
    report = core.sync.run_once()
    assert report.heartbeat is not None and report.heartbeat.ok, report
    return dict(report.heartbeat.settings)


def test_a_half_fleet_rollout_reaches_the_kiosks_in_its_stage_and_not_one_that_failed_it(
        database: str, tmp_path: Path) -> None:
    assert fleet_bucket(IN_STAGE) < 5000 <= fleet_bucket(OUTSIDE)
    gateway = Platform(make_engine(db_path=database))
    gateway.seed_demo()
    secrets_of = {k: secrets.token_hex(32) for k in (IN_STAGE, OUTSIDE)}
    for kiosk_id, secret in secrets_of.items():
        gateway.add_kiosk(kiosk_id, secret)
    gateway.rollouts.add_release("1.6.0", "新的求职登记表")
    gateway.rollouts.start("1.6.0", percent=50)  # before the workers start: their first heartbeat sees it
    with subprocess_sandbox(database, workers=2) as running:
        cores = {k: kiosk_core(tmp_path / k, k, s, running.base_url) for k, s in secrets_of.items()}
        try:
            inside, outside = cores[IN_STAGE], cores[OUTSIDE]
            assert heartbeat(inside)["update"] == {"hold": False, "version": "1.6.0"}
            assert load_wish(inside.settings.data_dir) == UpdateWish(version="1.6.0")  # → apt pin on 1.6.0
            assert heartbeat(outside)["update"] == {"hold": True, "version": None}
            assert load_wish(outside.settings.data_dir) == UpdateWish(hold=True)  # the repository's 1.6.0 waits

            # `kiosk update` installed 1.6.0, it did not become healthy, 1.5.0 runs again
            save_state(inside.settings.data_dir, UpdateState(
                installed_version="1.5.0", previous_version="1.6.0", last_outcome="rolled_back", last_version="1.6.0",
                last_detail="1.6.0 did not report healthy", failed_versions=("1.6.0",)))
            for _ in range(3):  # whichever worker answers, none names 1.6.0 to it again
                assert heartbeat(inside)["update"] == {"hold": True, "version": None}
            assert load_wish(inside.settings.data_dir) == UpdateWish(hold=True)
        finally:
            for core in cores.values():
                core.close()
    status = gateway.rollouts.rollout_status("1.6.0")
    assert status.failed == (IN_STAGE,) and status.rolled_back == (IN_STAGE,)
    assert IN_STAGE not in status.told and OUTSIDE not in status.told and status.running == ()
    gateway.engine.dispose()
