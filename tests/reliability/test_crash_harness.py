"""SIGKILL a syncing kiosk at random moments, 50 times: every acknowledged submission reaches the platform exactly once."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.crash_harness import run_crash_rounds
from tests.helpers.sandbox_server import subprocess_sandbox

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROUNDS = 50


@pytest.mark.timeout(240)
def test_fifty_crashes_lose_nothing_and_duplicate_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with subprocess_sandbox(tmp_path / "sandbox.db") as sandbox:
        stats = run_crash_rounds(tmp_path, sandbox.base_url, sandbox.db_path, rounds=ROUNDS, per_round=4, seed=2025,
                                 log=lambda _s: None)
    with capsys.disabled():
        print("\ncrash harness:", stats.summary())
    assert stats.rounds == ROUNDS and sum(stats.kills.values()) >= ROUNDS * 3 // 4
    assert all(stats.kills[m] > 0 for m in ("commit", "post", "after_response", "random"))
    assert stats.acknowledged > 0
    assert stats.lost == 0
    assert stats.duplicated == 0
    assert stats.orphans == 0 and stats.unfinished == 0 and stats.mismatched == 0
