"""Private files: the kiosk's data folder and everything in it is readable by the kiosk's user only (0700/0600)."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
PRIVATE_UMASK = 0o077  # what the kiosk process runs with: new files 0600, new folders 0700


def make_private_dir(path: Path) -> Path:
    """Create `path` (and missing parents) as 0700 and tighten it if it already existed looser."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    tighten(path)
    return path


def create_private_dirs(path: Path) -> Path:
    """Create `path` and its missing parents as 0700, whatever the process umask; folders that already exist
    are left as they are (tighten_tree tightens those and says so in the log)."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=PRIVATE_DIR_MODE, exist_ok=True)
    return path


def touch_private(path: Path) -> None:
    """Make sure `path` exists as a 0600 file before another library (SQLite) creates it with its own mode."""
    if not path.exists():  # an existing file is not opened for writing: a read-only folder fails later, plainly
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE))
        except FileExistsError:
            pass  # another process made it meanwhile; tightened below
    tighten(path)


def tighten(path: Path) -> bool:
    """Remove group/other access from one file (0600 at most) or folder (0700 at most); True when changed.

    Symbolic links are left alone (their target may not be ours). A file we may not chmod is logged, not fatal.
    """
    try:
        st = path.lstat()
    except FileNotFoundError:
        return False
    if stat.S_ISLNK(st.st_mode) or not (stat.S_ISDIR(st.st_mode) or stat.S_ISREG(st.st_mode)):
        return False
    mode = stat.S_IMODE(st.st_mode)
    if not mode & 0o077:
        return False
    try:
        path.chmod(mode & ~0o077)
    except OSError as exc:
        log.warning("could not make %s private (mode %o): %s", path, mode, exc.strerror)
        return False
    log.warning("%s had mode %o; made private", path, mode)
    return True


def tighten_tree(root: Path) -> int:
    """Tighten `root` and every folder and file below it (symbolic links not followed); returns how many changed."""
    if not root.exists():
        return 0
    changed = int(tighten(root))
    for folder, dirs, files in os.walk(root, onerror=lambda exc: log.warning("cannot list %s: %s",
                                                                              exc.filename, exc.strerror)):
        base = Path(folder)
        for name in (*dirs, *files):
            changed += tighten(base / name)
    return changed
