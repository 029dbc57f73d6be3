"""Run a command where a folder is a real full or read-only file system (a private mount namespace).

`unshare -m` gives the child its own mounts (nothing changes for the rest of the machine): a tiny
tmpfs filled to the last byte is a full disk (ENOSPC from the kernel, SQLITE_FULL from SQLite), a
read-only bind mount is a read-only data folder (EROFS) — both real, even for root, for whom file
permissions would not stop a write.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path


@cache
def mount_namespaces_work() -> bool:
    """True when this machine lets us mount a tmpfs in a private mount namespace (needs root)."""
    if shutil.which("unshare") is None:
        return False
    with tempfile.TemporaryDirectory(prefix="small-fs-probe-") as d:
        probe = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c",
                                f"mount -t tmpfs -o size=64k tmpfs {shlex.quote(d)}"],
                               capture_output=True, timeout=10)
    return probe.returncode == 0


def run_on_full_disk(folder: Path, command: Sequence[str], *, seed: Path | None = None, size_kb: int = 2048,
                     env: Mapping[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """`command` with `folder` a tmpfs of `size_kb` holding a copy of `seed` (if given), then filled up."""
    folder.mkdir(parents=True, exist_ok=True)
    q = shlex.quote(str(folder))
    copy = f"cp -a {shlex.quote(str(seed))}/. {q}/ && " if seed is not None else ""
    script = (f"mount -t tmpfs -o size={size_kb}k tmpfs {q} && {copy}"
              f"(dd if=/dev/zero of={q}/.filler bs=4k 2>/dev/null; true) && exec \"$@\"")
    return _run(script, command, env, timeout)


def run_on_read_only(folder: Path, command: Sequence[str], *, env: Mapping[str, str] | None = None,
                     timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """`command` with `folder` (as it is now) mounted read-only."""
    folder.mkdir(parents=True, exist_ok=True)
    q = shlex.quote(str(folder))
    script = f"mount --bind {q} {q} && mount -o remount,bind,ro {q} && exec \"$@\""
    return _run(script, command, env, timeout)


def _run(script: str, command: Sequence[str], env: Mapping[str, str] | None,
         timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh", *command],
                          env=dict(env) if env is not None else None, capture_output=True, text=True,
                          timeout=timeout)
