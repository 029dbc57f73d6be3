"""A process killed (SIGKILL) mid-send loses nothing: the item is back in the queue after restart."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from offline_cache import OutboxState, open_database

CHILD = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from offline_cache import open_database
    db = open_database(Path(sys.argv[1]), backup_dir=None)
    sent = db.outbox.submit("job_seeker_registration", "求职登记", "p", {"n": 1})
    waiting = db.outbox.submit("job_seeker_registration", "求职登记", "p", {"n": 2})
    db.outbox.mark_sending(sent)
    print(sent.key, waiting.key, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)  # power cut while the request is on the wire
""")


@pytest.mark.integration
def test_sigkill_while_sending_then_recover(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.sqlite"
    root = Path(__file__).resolve().parents[3]
    child = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, timeout=60,
                           cwd=root)
    assert child.returncode == -9, child.stderr
    sent, waiting = child.stdout.split()
    db = open_database(path, backup_dir=None)
    try:
        assert db.outbox.get(sent).state is OutboxState.SENDING
        assert db.outbox.recover_in_flight() == 1
        batch = db.outbox.next_batch()
        assert [i.key for i in batch] == [sent, waiting]
        assert [i.payload["n"] for i in batch] == [1, 2]
    finally:
        db.close()
