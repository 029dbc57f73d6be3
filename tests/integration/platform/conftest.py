"""Fixtures: the sandbox platform on a random 127.0.0.1 port and clients signed as the demo kiosk."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from kiosk.platform import PlatformClient
from tests.helpers.sandbox_server import DEMO_KIOSK_ID, RunningSandbox, demo_secret, threaded_sandbox


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSandbox]:
    """One seeded sandbox per test module (in a thread, so tests can move its clock)."""
    with threaded_sandbox(tmp_path_factory.mktemp("sandbox") / "sandbox.db") as running:
        yield running


@pytest.fixture
def make_client(sandbox: RunningSandbox) -> Iterator[Callable[..., PlatformClient]]:
    """Clients that share the sandbox's clock (so moving time moves both sides)."""
    made: list[PlatformClient] = []

    def make(kiosk_id: str = DEMO_KIOSK_ID, secret: str | None = None, **kwargs) -> PlatformClient:
        kwargs.setdefault("clock", sandbox.clock)
        c = PlatformClient(sandbox.base_url, kiosk_id, secret or demo_secret(kiosk_id), connect_timeout=2,
                           read_timeout=10, **kwargs)
        made.append(c)
        return c

    yield make
    for c in made:
        c.close()


@pytest.fixture
def client(make_client: Callable[..., PlatformClient]) -> PlatformClient:
    return make_client()
