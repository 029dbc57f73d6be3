"""Build the bundle and the .deb once per test run (scripts/package.sh), and install the .deb once into
a fresh Debian 12 root unpacked from the cached debootstrap (tests/helpers/debian_root.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk import __version__
from tests.helpers.debian_root import DebianRoot, cached_root_tar, deb_depends, fresh_root

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DIST = PROJECT_ROOT / "dist"
BUILD_TIMEOUT_S = 1500


@dataclass(frozen=True)
class Packaged:
    bundle: Path  # dist/kiosk/kiosk
    deb: Path
    version: str
    build_seconds: float


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.deploy)
            item.add_marker(pytest.mark.slow)
            # The test's own time limit covers the test, not the session fixtures below: building the bundle,
            # or a root on a machine that has none cached, takes minutes (more on a loaded machine) and is
            # bounded by their own subprocess time-outs (BUILD_TIMEOUT_S, debian_root.py's).
            marker = item.get_closest_marker("timeout")
            default = config.getoption("timeout", None) or config.getini("timeout") or 0
            seconds = marker.args[0] if marker is not None and marker.args else float(default)
            item.add_marker(pytest.mark.timeout(seconds, func_only=True), append=False)


def throwaway_signing_key(home: Path) -> str:
    """A new GnuPG home with one passphrase-less ed25519 signing key; its fingerprint (the APT repository's key)."""
    home.mkdir(mode=0o700)
    subprocess.run(["gpg", "--homedir", str(home), "--batch", "--passphrase", "", "--quick-gen-key",
                    "Village kiosk test archive <test@localhost>", "ed25519", "sign", "never"],
                   check=True, capture_output=True)
    out = subprocess.run(["gpg", "--homedir", str(home), "--batch", "--with-colons", "--list-secret-keys"],
                         check=True, capture_output=True, text=True).stdout
    return next(line.split(":")[9] for line in out.splitlines() if line.startswith("fpr:"))


@pytest.fixture(scope="session")
def packaged(tmp_path_factory: pytest.TempPathFactory) -> Packaged:
    """`bash scripts/package.sh` once per run ($KIOSK_DEPLOY_REUSE_DIST=1 reuses dist/ while iterating).

    The APT repository (dist/apt) is signed with a throwaway key made here."""
    deb = DIST / f"village-kiosk_{__version__}_amd64.deb"
    bundle = DIST / "kiosk" / "kiosk"
    started = time.monotonic()
    if not (os.environ.get("KIOSK_DEPLOY_REUSE_DIST") and deb.is_file() and bundle.is_file()):
        gnupg = tmp_path_factory.mktemp("package") / "gnupg"
        env = {**os.environ, "KIOSK_PACKAGE_NO_BOOTSTRAP": "1", "KIOSK_APT_GNUPGHOME": str(gnupg),
               "KIOSK_APT_KEY_ID": throwaway_signing_key(gnupg)}
        proc = subprocess.run(["bash", "scripts/package.sh"], cwd=PROJECT_ROOT, env=env, capture_output=True,
                              text=True, timeout=BUILD_TIMEOUT_S)
        assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-6000:]
    assert bundle.is_file() and deb.is_file()
    return Packaged(bundle, deb, __version__, time.monotonic() - started)


@pytest.fixture(scope="session")
def debian_root(packaged: Packaged, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DebianRoot]:
    """A fresh bookworm root with the package's Depends installed by apt-get, then the .deb by dpkg -i."""
    if os.geteuid() != 0:
        pytest.skip("the Debian root is used through chroot, which needs root")
    for tool in ("debootstrap", "chroot", "dpkg-deb"):
        assert shutil.which(tool), f"{tool} is missing: run scripts/system-deps.sh"
    depends = deb_depends(packaged.deb)
    tar = cached_root_tar(depends)
    root = fresh_root(tar, tmp_path_factory.mktemp("debian12") / "root")
    try:
        # Already there in the cached root (then no download); fetched from the mirror if the list changed.
        root.run("apt-get", "-q", "-y", "--no-install-recommends", "install", *depends, timeout=1800)
        shutil.copyfile(packaged.deb, root.file("/tmp") / packaged.deb.name)
        root.run("dpkg", "-i", f"/tmp/{packaged.deb.name}", timeout=600)
        yield root
    finally:
        root.close()
