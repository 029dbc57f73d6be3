"""Updates the Debian way, in a fresh Debian 12 root: signed repository over http on 127.0.0.1, refused
unsigned and badly signed repositories, an upgrade, an automatic rollback of a release that never
becomes healthy, a USB-stick install, and a version pushed by the platform — with queued outbox items
delivered across them.

No systemd in the root: [updates] restart_command is a stand-in script that (re)starts the installed
kiosk headless (offscreen) as user kiosk, the way village-kiosk.service would (its RuntimeDirectory
/run/village-kiosk included). The tests run in file order and build on each other.
"""

from __future__ import annotations

import http.server
import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pytest
import requests

from kiosk import SOURCE_VERSION
from kiosk.settings import load_settings
from kiosk.sync import queue_submission
from offline_cache import open_database
from offline_cache.clock import system_clock
from tests.deploy.conftest import DIST, PROJECT_ROOT, Packaged, throwaway_signing_key
from tests.helpers.debian_root import DebianRoot, cached_root_tar, deb_depends, fresh_root
from tests.helpers.sandbox_server import DEMO_KIOSK_ID, RunningSandbox, subprocess_sandbox

SITE = "/etc/village-kiosk/site.toml"
DATA = "/var/lib/village-kiosk"
KEYRING = "/etc/apt/keyrings/village-kiosk-archive-keyring.gpg"
SOURCES = "/etc/apt/sources.list.d/village-kiosk.sources"
PIN = "/etc/apt/preferences.d/village-kiosk.pref"
V2, V3, V4 = f"{SOURCE_VERSION}+u2", f"{SOURCE_VERSION}+u3", f"{SOURCE_VERSION}+u4"
LI = ("140222197503150011", "李建军")
RESTART = """#!/bin/sh
# Stands in for `systemctl restart village-kiosk.service` (no systemd in the test root).
if [ -f /run/test-kiosk.pid ]; then
    pid=$(cat /run/test-kiosk.pid)
    kill "$pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
fi
rm -rf /run/village-kiosk && install -d -m 0755 -o kiosk -g kiosk /run/village-kiosk   # RuntimeDirectory=
cd /var/lib/village-kiosk
setsid setpriv --reuid=kiosk --regid=kiosk --init-groups env HOME=/var/lib/village-kiosk QT_QPA_PLATFORM=offscreen \\
    /opt/village-kiosk/kiosk --config /etc/village-kiosk/site.toml run >>/var/log/test-kiosk.log 2>&1 </dev/null &
echo $! > /run/test-kiosk.pid
"""


@dataclass
class Stage:
    root: DebianRoot
    repo: Path  # served at http://127.0.0.1:<port>/good/ ; unsigned/ and badsig/ beside it
    url: str
    gnupg: Path
    key_id: str
    sandbox: RunningSandbox
    packaged: Packaged


def _package(stage_or_env: dict[str, str], *steps: str, version: str | None = None) -> None:
    env = {**os.environ, "KIOSK_PACKAGE_NO_BOOTSTRAP": "1", "KIOSK_PACKAGE_DEB_LEVEL": "1", **stage_or_env}
    if version:
        env["KIOSK_PACKAGE_VERSION"] = version
    proc = subprocess.run(["bash", "scripts/package.sh", *steps], cwd=PROJECT_ROOT, env=env, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]


def _signing_env(stage: Stage, apt_dir: Path) -> dict[str, str]:
    return {"KIOSK_APT_GNUPGHOME": str(stage.gnupg), "KIOSK_APT_KEY_ID": stage.key_id, "KIOSK_APT_DIR": str(apt_dir)}


@pytest.fixture(scope="module")
def stage(packaged: Packaged, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stage]:
    if os.geteuid() != 0:
        pytest.skip("the Debian root is used through chroot, which needs root")
    base = tmp_path_factory.mktemp("updates")
    depends = deb_depends(packaged.deb)
    root = fresh_root(cached_root_tar(depends), base / "root")
    served = base / "served"
    served.mkdir()
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    http.server.SimpleHTTPRequestHandler.log_message = lambda *a: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        root.run("apt-get", "-q", "-y", "--no-install-recommends", "install", *depends, timeout=1800)
        shutil.copyfile(packaged.deb, root.file("/tmp") / packaged.deb.name)
        root.run("dpkg", "-i", f"/tmp/{packaged.deb.name}", timeout=600)
        gnupg = base / "gnupg"
        key_id = throwaway_signing_key(gnupg)
        with subprocess_sandbox(base / "sandbox.db") as sandbox:
            s = Stage(root, served / "good", f"http://127.0.0.1:{server.server_address[1]}", gnupg, key_id,
                      sandbox, packaged)
            _package(_signing_env(s, s.repo), "apt")  # the installed release, in the repository too
            root.file(KEYRING).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(s.repo / "apt-archive-keyring.gpg", root.file(KEYRING))  # what provisioning does
            root.file(KEYRING).chmod(0o644)
            _sources(s, "good")
            script = root.file("/usr/local/sbin/test-restart-kiosk")
            script.write_text(RESTART, encoding="utf-8")
            script.chmod(0o755)
            root.file(SITE).write_text(
                f'[kiosk]\ndemo = true\ndata_dir = "{DATA}"\n\n[platform]\nurl = "{sandbox.base_url}"\n\n'
                '[sync]\nheartbeat_interval_s = 5\npush_interval_s = 2\n\n'
                '[updates]\nhealth_timeout_s = 60\nrestart_command = ["/usr/local/sbin/test-restart-kiosk"]\n',
                encoding="utf-8")
            root.run("chown", "root:kiosk", SITE)
            root.run("chmod", "0640", SITE)
            yield s
            root.run("sh", "-c", "kill $(cat /run/test-kiosk.pid) 2>/dev/null; true", check=False)
            time.sleep(1)
    finally:
        server.shutdown()
        log = root.file("/var/log/test-kiosk.log")
        if log.is_file():
            shutil.copyfile(log, base / "test-kiosk.log")
        root.close()
        for v in (V2, V3, V4):
            (DIST / f"village-kiosk_{v}_amd64.deb").unlink(missing_ok=True)


def _sources(stage: Stage, repo: str) -> None:
    stage.root.file(SOURCES).write_text(
        f"Types: deb\nURIs: {stage.url}/{repo}\nSuites: stable\nComponents: main\nSigned-By: {KEYRING}\n",
        encoding="utf-8")


def _update(stage: Stage, *args: str) -> subprocess.CompletedProcess[str]:
    return stage.root.run("/usr/bin/kiosk", "--config", SITE, "update", *(args or ("run",)), timeout=900, check=False)


def _status(stage: Stage) -> dict:
    proc = stage.root.run("/usr/bin/kiosk", "--config", SITE, "update", "status")
    return json.loads(proc.stdout)


def _installed(stage: Stage) -> str:
    return stage.root.run("dpkg-query", "-W", "-f=${Version}", "village-kiosk").stdout


def _stop_kiosk(stage: Stage) -> None:
    stage.root.run("sh", "-c", "kill $(cat /run/test-kiosk.pid) 2>/dev/null; sleep 2; true", check=False)


def _queue(stage: Stage, title: str) -> str:
    """A resident's submission queued in the installed kiosk's own database while it is not running."""
    settings = load_settings(stage.root.file(SITE), env={})
    data = stage.root.file(DATA)
    db = open_database(data / "kiosk.db", backup_dir=data / "backups")
    try:
        key = queue_submission(db, "job_seeker_registration", title, LI[0], LI[1], {"job_type": "fixed"},
                               system_clock).key
    finally:
        db.close()
    assert settings.data_dir == Path(DATA)
    stage.root.run("chown", "-R", "kiosk:kiosk", DATA)
    return key


def _heartbeat(stage: Stage, check, timeout: float = 90) -> dict:
    """The newest heartbeat at the sandbox that satisfies `check`."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        rows = requests.get(f"{stage.sandbox.base_url}/v1/admin/kiosks/{DEMO_KIOSK_ID}/heartbeats",
                            params={"limit": 1}, timeout=5).json()["heartbeats"]
        if rows:
            last = rows[0]["body"]
            if check(last):
                return last
        time.sleep(1)
    raise AssertionError(f"no such heartbeat; last: {last}")


def _log(stage: Stage) -> str:
    log = stage.root.file("/var/log/test-kiosk.log")
    return log.read_text(encoding="utf-8", errors="replace")[-3000:] if log.is_file() else ""


@pytest.mark.timeout(600)
def test_unsigned_and_badly_signed_repositories_are_refused_by_apt(stage: Stage) -> None:
    good = stage.repo
    unsigned = good.parent / "unsigned"
    shutil.copytree(good, unsigned)
    _package(_signing_env(stage, good), "deb", "apt", version=V2)  # a newer release, offered by both bad copies
    shutil.rmtree(unsigned)
    shutil.copytree(good, unsigned)
    for name in ("InRelease", "Release.gpg"):
        (unsigned / "dists" / "stable" / name).unlink()
    badsig = good.parent / "badsig"
    shutil.copytree(good, badsig)
    other = good.parent.parent / "other-gnupg"
    other_key = throwaway_signing_key(other)
    dists = badsig / "dists" / "stable"
    for args in (["--clearsign", "-o", str(dists / "InRelease")], ["--armor", "--detach-sign", "-o", str(dists / "Release.gpg")]):
        subprocess.run(["gpg", "--homedir", str(other), "--batch", "--yes", "--local-user", other_key, *args,
                        str(dists / "Release")], check=True, capture_output=True)
    for repo in ("unsigned", "badsig"):
        _sources(stage, repo)
        run = _update(stage)
        status = _status(stage)
        assert run.returncode == 1, run.stdout + run.stderr
        assert status["last_update"]["outcome"] == "refused", status
        assert "is not signed" in (status["last_update"]["detail"] or ""), status
        assert _installed(stage) == SOURCE_VERSION
    _sources(stage, "good")


@pytest.mark.timeout(600)
def test_an_upgrade_installs_restarts_and_delivers_what_was_queued_before(stage: Stage) -> None:
    _queue(stage, "升级前的登记")
    run = _update(stage)
    assert run.returncode == 0, run.stdout + run.stderr + _log(stage)
    assert _installed(stage) == V2
    assert stage.root.run("/usr/bin/kiosk", "--version", user="kiosk", env={"HOME": DATA}).stdout.strip() == V2
    status = _status(stage)
    assert status["installed_version"] == V2 and status["previous_version"] == SOURCE_VERSION
    assert status["last_update"]["outcome"] == "installed" and status["last_update"]["at"], status
    # The first heartbeat may still say "installing" (the updater was waiting for health); a later one says so.
    beat = _heartbeat(stage, lambda b: b["app_version"] == V2 and b.get("outbox", {}).get("accepted") == 1
                      and b.get("outbox", {}).get("queued", 0) == 0
                      and (b.get("update") or {}).get("last_outcome") == "installed")
    assert beat["update"]["installed_version"] == V2


@pytest.mark.timeout(900)
def test_a_release_that_never_becomes_healthy_is_rolled_back_and_reported(stage: Stage, tmp_path: Path) -> None:
    # v3's bundle lost its database migrations: it cannot open the database, so it never shows the attract screen.
    _package(_signing_env(stage, stage.repo), "deb", version=V3)
    deb = DIST / f"village-kiosk_{V3}_amd64.deb"
    unpacked = tmp_path / "v3"
    subprocess.run(["dpkg-deb", "-R", str(deb), str(unpacked)], check=True)
    shutil.rmtree(unpacked / "opt" / "village-kiosk" / "_internal" / "offline_cache" / "migrations")
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zgzip", "-z1", "-b", str(unpacked), str(deb)], check=True,
                   capture_output=True)
    _package(_signing_env(stage, stage.repo), "apt", version=V3)
    _stop_kiosk(stage)
    _queue(stage, "回退前的登记")
    run = _update(stage)
    assert run.returncode == 1, run.stdout + run.stderr
    assert _installed(stage) == V2
    status = _status(stage)
    assert status["last_update"]["outcome"] == "rolled_back", status
    assert status["failed_versions"] == [V3] and status["installed_version"] == V2
    assert f"Pin: version {V3}\nPin-Priority: -1" in stage.root.file(PIN).read_text(encoding="utf-8")
    beat = _heartbeat(stage, lambda b: b["app_version"] == V2 and b.get("outbox", {}).get("accepted") == 2
                      and (b.get("update") or {}).get("failed_versions") == [V3])
    assert beat["update"]["last_outcome"] == "rolled_back"
    again = _update(stage)  # the failed release is not retried: pinned -1, apt no longer offers it
    assert again.returncode == 0 and _status(stage)["last_update"]["outcome"] == "up_to_date", again.stdout
    assert _installed(stage) == V2


@pytest.mark.timeout(600)
def test_a_copied_repository_on_a_usb_stick_installs_with_the_same_checks(stage: Stage) -> None:
    stick = stage.root.file("/media/stick")
    shutil.copytree(stage.repo, stick / "village-kiosk-apt")
    _package(_signing_env(stage, stick / "village-kiosk-apt"), "deb", "apt", version=V4)
    # The same stick with a tampered signature is refused.
    tampered = stage.root.file("/media/tampered/apt")
    shutil.copytree(stick / "village-kiosk-apt", tampered)
    inrelease = tampered / "dists" / "stable" / "InRelease"
    text = inrelease.read_text(encoding="utf-8")
    assert "Label: village-kiosk\n" in text
    inrelease.write_text(text.replace("Label: village-kiosk\n", "Label: village-kiosX\n"), encoding="utf-8")
    (tampered / "dists" / "stable" / "Release.gpg").unlink()
    refused = _update(stage, "from-media", "/media/tampered")
    assert refused.returncode == 1 and _status(stage)["last_update"]["outcome"] == "refused", refused.stdout
    assert _installed(stage) == V2
    run = _update(stage, "from-media", "/media/stick")
    assert run.returncode == 0, run.stdout + run.stderr + _log(stage)
    assert _installed(stage) == V4
    assert not stage.root.file("/etc/apt/sources.list.d/village-kiosk-media.sources").exists()


@pytest.mark.timeout(600)
def test_the_platform_pushes_a_version_to_run_and_the_pin_brings_it(stage: Stage) -> None:
    answer = requests.post(f"{stage.sandbox.base_url}/v1/admin/kiosks/{DEMO_KIOSK_ID}/settings",
                           json={"update": {"hold": False, "version": V2}}, timeout=5)
    assert answer.status_code == 200, answer.text
    wish = stage.root.file(f"{DATA}/update_wish.json")
    deadline = time.monotonic() + 60
    while not (wish.is_file() and json.loads(wish.read_text(encoding="utf-8")).get("version") == V2):
        assert time.monotonic() < deadline, "the kiosk did not write the platform's wish"
        time.sleep(1)
    run = _update(stage)
    assert run.returncode == 0, run.stdout + run.stderr + _log(stage)
    assert _installed(stage) == V2  # a downgrade from v4, because the platform said so
    assert f"Pin: version {V2}\nPin-Priority: 1001" in stage.root.file(PIN).read_text(encoding="utf-8")


def test_the_update_units_are_installed_enabled_and_verify(stage: Stage) -> None:
    for unit, wants in (("kiosk-update.timer", "timers.target.wants"), ("kiosk-update.path", "paths.target.wants")):
        link = stage.root.file(f"/etc/systemd/system/{wants}/{unit}")
        assert link.is_symlink() and os.readlink(link) == f"/lib/systemd/system/{unit}", unit
    units = [f"/lib/systemd/system/kiosk-update.{kind}" for kind in ("service", "timer", "path")]
    verify = stage.root.run("systemd-analyze", "verify", *units, "/lib/systemd/system/village-kiosk.service",
                            check=False)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "kiosk-update" not in verify.stderr and "village-kiosk.service" not in verify.stderr, verify.stderr
    service = stage.root.file(units[0]).read_text(encoding="utf-8")
    assert "ExecStart=/opt/village-kiosk/kiosk --config /etc/village-kiosk/site.toml update run" in service
