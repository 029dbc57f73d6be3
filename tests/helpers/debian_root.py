"""A fresh Debian 12 (bookworm) root to install the kiosk's .deb into, from a cached debootstrap.

The root is made once with `debootstrap --variant=minbase bookworm`, the package's Depends are
installed into it with apt-get, and the result is kept as a tar in the test cache
(~/.cache/village-kiosk-tests, or $KIOSK_TEST_CACHE), keyed by that list of packages, so later runs —
in any clone on this machine — only unpack it. Each test run unpacks a fresh copy and works in it with
chroot (root only), with /proc mounted and nothing started (policy-rc.d says no).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

SUITE = "bookworm"
DEFAULT_MIRROR = "http://deb.debian.org/debian"
CHROOT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
KEEP_OTHER_ROOTS = 2  # cached roots for other Depends lists kept beside the one in use (≈600 MB each)
POLICY_RC_D = "#!/bin/sh\n# tests: never start services inside the test root\nexit 101\n"


class DebianRootError(RuntimeError):
    """A step of making or using the test root failed; the message has the command's output."""


def cache_dir() -> Path:
    return Path(os.environ.get("KIOSK_TEST_CACHE") or Path.home() / ".cache" / "village-kiosk-tests")


def deb_depends(deb: Path) -> list[str]:
    """The package names of a .deb's Depends (the first of each alternative, versions dropped)."""
    text = subprocess.run(["dpkg-deb", "-f", str(deb), "Depends"], check=True, capture_output=True,
                          text=True).stdout
    return [part.split("|")[0].split("(")[0].strip() for part in text.split(",") if part.strip()]


def _run(cmd: Sequence[str], *, timeout: float, env: Mapping[str, str] | None = None) -> str:
    proc = subprocess.run(list(cmd), capture_output=True, text=True, timeout=timeout, env=env)
    if proc.returncode != 0:
        raise DebianRootError(f"{' '.join(cmd[:6])}… exit {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc.stdout


class DebianRoot:
    """A Debian root folder used through chroot; `close` unmounts what it mounted and removes the folder."""

    def __init__(self, path: Path, *, remove: bool = True) -> None:
        self.path = path
        self.remove = remove
        self._mounts: list[Path] = []
        target = path / "proc"
        _run(["mount", "-t", "proc", "proc", str(target)], timeout=30)
        self._mounts.append(target)
        policy = path / "usr" / "sbin" / "policy-rc.d"
        policy.write_text(POLICY_RC_D, encoding="utf-8")
        policy.chmod(0o755)
        shutil.copyfile("/etc/resolv.conf", path / "etc" / "resolv.conf")

    def bind(self, host_dir: Path) -> Path:
        """Bind-mount a host folder at the same path inside the root (e.g. the X server's socket folder)."""
        target = self.path / str(host_dir).lstrip("/")
        target.mkdir(parents=True, exist_ok=True)
        _run(["mount", "--bind", str(host_dir), str(target)], timeout=30)
        self._mounts.append(target)
        return target

    def run(self, *cmd: str, user: str | None = None, env: Mapping[str, str] | None = None,
            timeout: float = 300, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run a command inside the root (as `user` if given) with a clean environment."""
        full = ["chroot", *([f"--userspec={user}:{user}"] if user else []), str(self.path),
                "/usr/bin/env", "-i", f"PATH={CHROOT_PATH}", "LANG=C.UTF-8", "DEBIAN_FRONTEND=noninteractive",
                *[f"{k}={v}" for k, v in (env or {}).items()], *cmd]
        proc = subprocess.run(full, capture_output=True, text=True, timeout=timeout)
        if check and proc.returncode != 0:
            raise DebianRootError(f"in the root: {' '.join(cmd)} → exit {proc.returncode}\n"
                                  f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
        return proc

    def file(self, path: str) -> Path:
        """A path inside the root, seen from the host."""
        return self.path / path.lstrip("/")

    def close(self) -> None:
        for target in reversed(self._mounts):
            if subprocess.run(["umount", str(target)], capture_output=True).returncode != 0:
                subprocess.run(["umount", "-l", str(target)], capture_output=True)
        self._mounts.clear()
        still = [line for line in Path("/proc/self/mounts").read_text().splitlines()
                 if f" {self.path}/" in line or f" {self.path} " in line]
        if still:
            raise DebianRootError(f"still mounted under {self.path}, not removing it: {still}")
        if self.remove:
            # --one-file-system: never follows a mount that failed to go away into the host.
            subprocess.run(["rm", "-rf", "--one-file-system", str(self.path)], check=False)


def cached_root_tar(packages: Sequence[str], *, mirror: str | None = None) -> Path:
    """The cached tar of a bookworm minbase root with `packages` installed; made on first use."""
    mirror = mirror or os.environ.get("KIOSK_DEBIAN_MIRROR") or DEFAULT_MIRROR
    key = hashlib.sha256(f"{SUITE} minbase {' '.join(sorted(set(packages)))}".encode()).hexdigest()[:12]
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    tar = cache / f"debian12-{key}.tar"
    with (cache / "debian12.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two runs at once: the second waits and reuses the first's
        if tar.is_file():
            os.utime(tar)  # last used now: kept by the clean-up below
            return tar
        work = cache / f"build-{key}"
        if work.exists():
            subprocess.run(["rm", "-rf", "--one-file-system", str(work)], check=False)
        try:
            _run(["debootstrap", "--variant=minbase", SUITE, str(work), mirror], timeout=1200)
        except DebianRootError as exc:
            raise DebianRootError(f"debootstrap could not build a {SUITE} root from {mirror} "
                                  f"(set KIOSK_DEBIAN_MIRROR to a reachable mirror): {exc}") from exc
        root = DebianRoot(work, remove=False)
        try:
            root.run("apt-get", "-q", "update", timeout=600)
            root.run("apt-get", "-q", "-y", "--no-install-recommends", "install", *packages, timeout=1800)
            root.run("apt-get", "clean")
        finally:
            root.close()
        partial = tar.with_suffix(".partial")
        _run(["tar", "--numeric-owner", "-C", str(work), "-cf", str(partial), "."], timeout=600)
        partial.rename(tar)
        subprocess.run(["rm", "-rf", "--one-file-system", str(work)], check=False)
        # Roots for other Depends lists: the most recently used are kept, since worktrees of different
        # branches (and the main checkout) share this cache and would otherwise rebuild each other's.
        others = sorted((p for p in cache.glob("debian12-*.tar") if p != tar), key=lambda p: p.stat().st_mtime)
        for old in others[:-KEEP_OTHER_ROOTS]:
            old.unlink()
        return tar


def fresh_root(tar: Path, folder: Path) -> DebianRoot:
    """Unpack the cached root into `folder` and open it for chroot use."""
    folder.mkdir(parents=True, exist_ok=True)
    _run(["tar", "--numeric-owner", "-C", str(folder), "-xf", str(tar)], timeout=600)
    return DebianRoot(folder)
