"""schemathesis reads only sandbox/openapi.json and fuzzes the sandbox: 0 failures, every check.

Requests are signed by tests/helpers/schemathesis_hooks.py with the kiosk's own signing code; the
resident token reaches /v1/me/* and withdraw through the document's OpenAPI links (stateful phase).
A fixed seed and a bounded number of examples keep this run short; bench/bench_contract.py runs longer.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers.contract_run import run_schemathesis
from tests.helpers.sandbox_server import subprocess_sandbox

pytestmark = [pytest.mark.integration, pytest.mark.timeout(400)]

SEED = 20251205
MAX_EXAMPLES = 10


@pytest.fixture
def fast_db(tmp_path: Path):
    """The sandbox's database in memory-backed /dev/shm when there is one (every signed request writes a nonce)."""
    shm = Path("/dev/shm")
    if shm.is_dir():
        folder = shm / f"contract-{tmp_path.name}"
        folder.mkdir(exist_ok=True)
        yield folder / "sandbox.db"
        shutil.rmtree(folder, ignore_errors=True)
    else:
        yield tmp_path / "sandbox.db"


def test_schemathesis_finds_no_disagreement_between_the_document_and_the_sandbox(fast_db):
    with subprocess_sandbox(fast_db) as sandbox:
        run = run_schemathesis(sandbox.base_url, seed=SEED, max_examples=MAX_EXAMPLES)
    assert run.returncode == 0, run.summary
    assert "Stateful" in run.output and "Coverage" in run.output
