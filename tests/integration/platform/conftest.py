"""Fixtures: the sandbox platform on a random 127.0.0.1 port and clients signed as the demo kiosk."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk.platform import PlatformClient
from tests.helpers.openapi_requests import ContractChecker, RequestRecorder
from tests.helpers.sandbox_server import DEMO_KIOSK_ID, RunningSandbox, demo_secret, threaded_sandbox


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def sandbox(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSandbox]:
    """One seeded sandbox per test module and store (in a thread, so tests can move its clock).

    Every module runs on SQLite (the demo) and on PostgreSQL (the gateway's production store).
    """
    if request.param == "postgresql":
        database: Path | str = request.getfixturevalue("postgres").create_database()
    else:
        database = tmp_path_factory.mktemp("sandbox") / "sandbox.db"
    with threaded_sandbox(database) as running:  # type: ignore[arg-type]
        yield running


@pytest.fixture(scope="session")
def contract_checker() -> ContractChecker:
    """The committed OpenAPI document, as a checker of requests."""
    return ContractChecker()


@pytest.fixture
def sent_requests() -> RequestRecorder:
    """Every request the test's clients sent (each is checked against the document when the test ends)."""
    return RequestRecorder()


@pytest.fixture
def make_client(sandbox: RunningSandbox, sent_requests: RequestRecorder,
                contract_checker: ContractChecker) -> Iterator[Callable[..., PlatformClient]]:
    """Clients that share the sandbox's clock (so moving time moves both sides).

    Every request such a client builds is recorded and, once the test is over, checked against
    sandbox/openapi.json: the kiosk's client must speak the contract a province implements.
    """
    made: list[PlatformClient] = []

    def make(kiosk_id: str = DEMO_KIOSK_ID, secret: str | None = None, **kwargs) -> PlatformClient:
        kwargs.setdefault("clock", sandbox.clock)
        c = PlatformClient(sandbox.base_url, kiosk_id, secret or demo_secret(kiosk_id), connect_timeout=2,
                           read_timeout=10, **kwargs)
        sent_requests.attach(c._session)  # the client's own session: requests exactly as it builds them
        made.append(c)
        return c

    yield make
    for c in made:
        c.close()
    departures = {str(r): p for r in sent_requests.checked() if (p := contract_checker.problems(r))}
    assert not departures, f"the kiosk's client departs from sandbox/openapi.json: {departures}"


@pytest.fixture
def client(make_client: Callable[..., PlatformClient]) -> PlatformClient:
    return make_client()
