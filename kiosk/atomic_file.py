"""Write a small file so a crash or power cut leaves the old contents or the new, never half of either.

The one mechanism for the kiosk's own small state files (sync state, technician lock-out, site
overrides): a temporary file in the same folder, flushed and fsynced, then renamed over the target.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_text_atomically(path: Path, text: str, *, mode: int | None = None,
                          owner_of: Path | None = None) -> None:
    """Replace `path` with `text` (UTF-8) atomically; the folder is made if missing. OSError passes up.

    The temporary file is named `.<name>.*` beside `path` (a rename stays on one file system) and is
    removed again when anything fails before the rename. It is 0600 unless `mode` says otherwise;
    `owner_of`: the file is given that folder's owner (root writing a file the kiosk user keeps).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        if owner_of is not None:
            st = owner_of.stat()
            if (st.st_uid, st.st_gid) != (os.geteuid(), os.getegid()):
                os.chown(tmp, st.st_uid, st.st_gid)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
