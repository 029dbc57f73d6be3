"""scripts/package.sh on a fresh clone without the repository's signing key: it says what to set, at once."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1].parent


def test_a_bare_run_without_the_signing_key_says_what_to_set_before_building_anything(tmp_path: Path) -> None:
    # A copy of the script in an empty tree: whatever it would build lands there, never in this checkout's dist/.
    (tmp_path / "scripts").mkdir()
    shutil.copy(PROJECT_ROOT / "scripts" / "package.sh", tmp_path / "scripts" / "package.sh")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_APT_")}
    env["KIOSK_PACKAGE_NO_BOOTSTRAP"] = "1"
    proc = subprocess.run(["bash", str(tmp_path / "scripts" / "package.sh")], env=env, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    for words in ("KIOSK_APT_GNUPGHOME", "KIOSK_APT_KEY_ID", "--quick-gen-key", "bash scripts/package.sh bundle deb"):
        assert words in proc.stderr, proc.stderr
    assert not (tmp_path / "dist").exists() and not (tmp_path / "build").exists()


def test_a_signing_key_that_is_not_in_the_named_gnupg_home_is_refused_before_building(tmp_path: Path) -> None:
    (tmp_path / "scripts").mkdir()
    shutil.copy(PROJECT_ROOT / "scripts" / "package.sh", tmp_path / "scripts" / "package.sh")
    home = tmp_path / "gnupg"
    home.mkdir(mode=0o700)
    env = {**os.environ, "KIOSK_PACKAGE_NO_BOOTSTRAP": "1", "KIOSK_APT_GNUPGHOME": str(home),
           "KIOSK_APT_KEY_ID": "0123456789ABCDEF0123456789ABCDEF01234567"}
    proc = subprocess.run(["bash", str(tmp_path / "scripts" / "package.sh")], env=env, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2 and "no secret key 0123456789ABCDEF" in proc.stderr, proc.stdout + proc.stderr
    assert not (tmp_path / "dist").exists()
