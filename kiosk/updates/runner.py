"""`kiosk update`: install a release the Debian way (apt-get, signed repository), check it, roll back.

Runs as root (kiosk-update.service). Steps: write the apt pin (platform wish, failed releases) →
`apt-get update` of our repository only (apt checks its signature against the provisioned keyring;
a bad or missing signature is refused) → apt's candidate → decide (kiosk/updates/plan.py; nothing while
someone uses the kiosk) → `apt-get install village-kiosk=<candidate>` → the restart command → wait
for health.json of the new version within [updates] health_timeout_s → if it never comes: remember the
version as failed (pinned -1), reinstall the previous release (from the repository, else from
/var/cache/apt/archives), restart, wait again. The outbox and local cases are the kiosk's data folder,
which apt never touches.

Everything this module imports is imported before apt replaces the installed files (this very
program among them).
"""

from __future__ import annotations

import fcntl
import logging
import os
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from kiosk.settings import Settings
from kiosk.updates.files import (
    REQUEST_FILE,
    UpdateState,
    UpdateWish,
    healthy_since,
    load_state,
    load_wish,
    read_json,
    save_state,
    session_active,
)
from kiosk.updates.plan import PACKAGE, Decision, Outcome, decide, pin_text

log = logging.getLogger(__name__)

LOCK_FILE = Path("/run/village-kiosk-update.lock")
MEDIA_SOURCE_NAME = "village-kiosk-media.sources"
CACHED_DEBS = Path("/var/cache/apt/archives")
HEALTH_POLL_S = 0.5
APT_TIMEOUT_S = 900
RESTART_TIMEOUT_S = 120
TAIL = 600  # characters of a failed command's output kept in the state file


class UpdateError(RuntimeError):
    """`kiosk update` cannot run at all (not root, another one running, no repository on the stick)."""


Runner = Callable[..., "subprocess.CompletedProcess[str]"]


def _run(cmd: Sequence[str], *, timeout: float, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(cmd), capture_output=True, text=True, timeout=timeout, env=dict(env) if env else None,
                          check=False)


def _tail(proc: subprocess.CompletedProcess[str]) -> str:
    return (proc.stdout + proc.stderr).strip()[-TAIL:]


def deb822_source(uri: str, keyring: Path) -> str:
    """A deb822 source of our repository (suite stable, component main) trusting only `keyring`."""
    return f"Types: deb\nURIs: {uri}\nSuites: stable\nComponents: main\nSigned-By: {keyring}\n"


def find_media_repository(folder: Path) -> Path:
    """The copied repository on a stick: `folder` itself, or one folder below it, holding dists/stable."""
    if (folder / "dists" / "stable").is_dir():
        return folder
    for child in sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else ():
        if (child / "dists" / "stable").is_dir():
            return child
    raise UpdateError(f"{folder} 中没有找到更新软件源（dists/stable）")


@dataclass(frozen=True)
class MediaRequest:
    folder: Path | None  # None: mount the USB stick that is plugged in


USB_DISKS = Path("/dev/disk/by-id")


@contextmanager
def mounted_usb_stick(run: Runner, *, disks: Path = USB_DISKS) -> Iterator[Path]:
    """Mount (read-only) the first USB partition that holds a copied repository; unmount afterwards."""
    candidates = sorted(disks.glob("usb-*-part*")) or sorted(disks.glob("usb-*")) if disks.is_dir() else []
    for device in candidates:
        target = Path(tempfile.mkdtemp(prefix="village-kiosk-usb-"))
        proc = run(["mount", "-o", "ro,nosuid,nodev,noexec", str(device), str(target)], timeout=60)
        if proc.returncode != 0:
            log.info("could not mount %s: %s", device.name, _tail(proc))
            target.rmdir()
            continue
        try:
            find_media_repository(target)
        except UpdateError:
            run(["umount", str(target)], timeout=60)
            target.rmdir()
            continue
        try:
            yield target
        finally:
            run(["umount", str(target)], timeout=60)
            target.rmdir()
        return
    raise UpdateError("没有找到带更新软件源的U盘（请插入U盘，U盘上应有 dists/stable）")


@dataclass(frozen=True)
class Apt:
    """apt-get / apt-cache / dpkg-query, the way the updater uses them."""

    run: Runner = _run

    @staticmethod
    def env() -> dict[str, str]:
        return {**os.environ, "DEBIAN_FRONTEND": "noninteractive", "LC_ALL": "C.UTF-8"}

    def installed(self) -> str | None:
        proc = self.run(["dpkg-query", "-W", "-f=${db:Status-Abbrev} ${Version}", PACKAGE], timeout=60, env=self.env())
        parts = proc.stdout.split()
        return parts[1] if proc.returncode == 0 and len(parts) == 2 and parts[0] == "ii" else None

    def refresh(self, source: Path) -> tuple[bool, str]:
        """`apt-get update` of that one source; False with apt's words when apt refused it."""
        proc = self.run(["apt-get", "-q", "update", "-o", f"Dir::Etc::SourceList={source}",
                         "-o", "Dir::Etc::SourceParts=-", "-o", "APT::Get::List-Cleanup=0"],
                        timeout=APT_TIMEOUT_S, env=self.env())
        text = proc.stdout + proc.stderr
        # apt says E: for a missing or bad signature (and exits 100); W: lines name other trouble.
        refused = proc.returncode != 0 or any(line.startswith(("E:", "Err:")) for line in text.splitlines())
        return not refused, _tail(proc)

    def candidate(self) -> str | None:
        proc = self.run(["apt-cache", "policy", PACKAGE], timeout=120, env=self.env())
        for line in proc.stdout.splitlines():
            key, _, value = line.strip().partition(":")
            if key == "Candidate":
                value = value.strip()
                return None if value in ("", "(none)") else value
        return None

    def install(self, version: str) -> tuple[bool, str]:
        proc = self.run(["apt-get", "-q", "-y", "--allow-downgrades", "-o", "Dpkg::Options::=--force-confold",
                         "install", f"{PACKAGE}={version}"], timeout=APT_TIMEOUT_S, env=self.env())
        return proc.returncode == 0, _tail(proc)

    def install_file(self, deb: Path) -> tuple[bool, str]:
        proc = self.run(["apt-get", "-q", "-y", "--allow-downgrades", "-o", "Dpkg::Options::=--force-confold",
                         "install", str(deb)], timeout=APT_TIMEOUT_S, env=self.env())
        return proc.returncode == 0, _tail(proc)


class Updater:
    """One `kiosk update run` / `from-media`: see the module's docstring for the steps."""

    def __init__(self, settings: Settings, *, apt: Apt | None = None, run: Runner = _run,
                 clock: Callable[[], float] = time.time, sleep: Callable[[float], None] = time.sleep,
                 lock_file: Path = LOCK_FILE, cached_debs: Path = CACHED_DEBS) -> None:
        self.settings = settings
        self.u = settings.updates
        self.data_dir = settings.data_dir
        self.apt = apt or Apt(run)
        self._run = run
        self._clock = clock
        self._sleep = sleep
        self.lock_file = lock_file
        self.cached_debs = cached_debs

    # ---- the run ---------------------------------------------------------------------------------
    def run(self, *, media_dir: Path | None = None) -> UpdateState:
        """One update from the provisioned repository, or from a copied one on a stick (`media_dir`)."""
        with self._locked():
            requested = self._take_request() if media_dir is None else None
            if requested is None and media_dir is None:
                return self._update(self.u.apt_source)
            if media_dir is None:
                if requested is not None and requested.folder is not None:
                    return self._from_media(requested.folder)
                with mounted_usb_stick(self._run) as stick:
                    return self._from_media(stick)
            return self._from_media(media_dir)

    def _from_media(self, media_dir: Path) -> UpdateState:
        repo = find_media_repository(media_dir)
        # Present for the whole run, so apt also finds the previous release on the stick to roll back to.
        source = self.u.apt_source.with_name(MEDIA_SOURCE_NAME)
        source.parent.mkdir(parents=True, exist_ok=True)
        source.write_text(deb822_source(f"file:{repo.resolve()}", self.u.apt_keyring), encoding="utf-8")
        source.chmod(0o644)
        try:
            return self._update(source, from_media=True)
        finally:
            source.unlink(missing_ok=True)

    def _update(self, source: Path, *, from_media: bool = False) -> UpdateState:
        state = load_state(self.data_dir)
        installed = self.apt.installed()
        state = replace(state, installed_version=installed)
        wish = load_wish(self.data_dir)
        self.write_pins(wish, installed, state.failed_versions)
        if not source.is_file():
            return self._finish(state, Outcome.REFUSED, None, f"no repository source {source} (not provisioned)")
        ok, detail = self.apt.refresh(source)
        if not ok:
            log.error("apt refused the repository %s: %s", source, detail)
            return self._finish(state, Outcome.REFUSED, None, detail)
        candidate = self.apt.candidate()
        # A technician at the kiosk asked for it: their own session does not hold the update back.
        busy = False if from_media else session_active(self.u.status_dir)
        decision = decide(installed=installed, candidate=candidate, wish=wish, failed=state.failed_versions,
                          session_active=busy)
        if decision.version is None:
            assert decision.outcome is not None
            log.info("no update: %s (%s)", decision.outcome.value, decision.detail)
            return self._finish(state, decision.outcome, candidate, decision.detail)
        return self._install(state, decision, installed)

    def _install(self, state: UpdateState, decision: Decision, previous: str | None) -> UpdateState:
        version = decision.version
        assert version is not None
        log.info("installing %s %s (now %s)", PACKAGE, version, previous)
        ok, detail = self.apt.install(version)
        now_installed = self.apt.installed()
        if now_installed != version:
            log.error("apt could not install %s: %s", version, detail)
            if now_installed == previous:
                return self._finish(replace(state, installed_version=now_installed), Outcome.FAILED, version, detail)
        else:
            state = replace(state, installed_version=version, previous_version=previous)
            save_state(self.data_dir, replace(state, last_outcome="installing", last_version=version,
                                              last_at=self._clock(), last_detail=None))
            if self._restart_and_wait(version):
                log.info("%s %s is healthy", PACKAGE, version)
                return self._finish(state, Outcome.INSTALLED, version, "")
            detail = f"{version} did not report healthy within {self.u.health_timeout_s} s"
        log.error("%s; rolling back to %s", detail, previous)
        state = state.with_failed(version)
        self.write_pins(load_wish(self.data_dir), previous, state.failed_versions)
        if previous is None or not self._reinstall(previous):
            return self._finish(replace(state, installed_version=self.apt.installed()), Outcome.ROLLBACK_FAILED,
                                version, detail + f"; could not reinstall {previous}")
        state = replace(state, installed_version=previous, previous_version=version)
        if not self._restart_and_wait(previous):
            return self._finish(state, Outcome.ROLLBACK_FAILED, version,
                                detail + f"; {previous} did not report healthy either")
        return self._finish(state, Outcome.ROLLED_BACK, version, detail)

    def _reinstall(self, previous: str) -> bool:
        ok, detail = self.apt.install(previous)
        if ok and self.apt.installed() == previous:
            return True
        log.warning("%s %s not installable from the repository (%s); trying the local cache", PACKAGE, previous, detail)
        cached = self.cached_debs / f"{PACKAGE}_{previous.replace(':', '%3a')}_amd64.deb"
        if not cached.is_file():
            log.error("no %s in %s", cached.name, self.cached_debs)
            return False
        ok, detail = self.apt.install_file(cached)
        if not ok:
            log.error("could not reinstall %s from the cache: %s", previous, detail)
        return self.apt.installed() == previous

    def _restart_and_wait(self, version: str) -> bool:
        since = self._clock()
        command = list(self.u.restart_command)
        try:
            proc = self._run(command, timeout=RESTART_TIMEOUT_S)
            if proc.returncode != 0:
                log.error("restart command %s failed: %s", command[0], _tail(proc))
        except (OSError, subprocess.TimeoutExpired) as exc:
            log.error("restart command %s failed: %s", command[0], exc)
        deadline = since + self.u.health_timeout_s
        while True:
            if healthy_since(self.u.status_dir, version, since) is not None:
                return True
            if self._clock() >= deadline:
                return False
            self._sleep(HEALTH_POLL_S)

    # ---- files -----------------------------------------------------------------------------------
    def write_pins(self, wish: UpdateWish, installed: str | None, failed: Sequence[str]) -> None:
        """Write (or remove) the apt pin file for the wish and the failed releases."""
        text = pin_text(wish, installed, failed)
        pin = self.u.apt_pin_file
        if not text:
            pin.unlink(missing_ok=True)
            return
        pin.parent.mkdir(parents=True, exist_ok=True)
        tmp = pin.with_name(f".{pin.name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.chmod(0o644)
        os.replace(tmp, pin)

    def _take_request(self) -> MediaRequest | None:
        """A technician's USB request (update-request.json), consumed: a named folder, or find the stick."""
        request = self.u.status_dir / REQUEST_FILE
        data = read_json(request)
        if data is None:
            return None
        request.unlink(missing_ok=True)
        folder = data.get("media_dir")
        return MediaRequest(Path(folder) if isinstance(folder, str) and folder else None)

    def _finish(self, state: UpdateState, outcome: Outcome, version: str | None, detail: str) -> UpdateState:
        state = replace(state, last_outcome=outcome.value, last_version=version, last_at=self._clock(),
                        last_detail=detail[-TAIL:] or None)
        save_state(self.data_dir, state)
        return state

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.lock_file.parent.mkdir(parents=True, exist_ok=True)
        with self.lock_file.open("w") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise UpdateError("另一个更新正在进行") from exc
            yield
