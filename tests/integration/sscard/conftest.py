"""Fixtures for the social security card integration tests: isolated pcscd + vpcd + virtual cards + drivers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest

from devices.sscard.pcsc_driver import SsCardReader
from tests.helpers.pcscd import IsolatedPcscd, claim_client_socket
from tests.helpers.ssc_emulator import SsCardProfile
from tests.helpers.vcard import EventRecorder, VirtualSsCard

claim_client_socket()  # before anything in this process opens a PC/SC context
TODAY = date(2026, 11, 22)


@pytest.fixture(autouse=True)
def _pcscd_running(pcscd: IsolatedPcscd) -> None:  # noqa: F811
    """A test that stopped pcscd and failed before starting it again must not break the next ones."""
    if not pcscd.running:
        pcscd.start()


@pytest.fixture
def make_card(pcscd: IsolatedPcscd) -> Iterator[Callable[..., VirtualSsCard]]:  # noqa: F811
    """Build virtual cards in reader "Virtual PCD 00 00"; all are taken out at the end of the test."""
    cards: list[VirtualSsCard] = []

    def factory(profile: SsCardProfile | None = None) -> VirtualSsCard:
        card = VirtualSsCard(pcscd.port, profile or SsCardProfile())
        cards.append(card)
        return card

    yield factory
    for card in cards:
        card.remove()
    if pcscd.running:  # let pcscd see the slot empty, or the next test's card is taken for this one
        pcscd.wait_card(present=False)


@pytest.fixture
def start_reader(pcscd: IsolatedPcscd) -> Iterator[Callable[..., tuple[SsCardReader, EventRecorder]]]:  # noqa: F811
    """Start SsCardReader drivers on the isolated pcscd; each is stopped at the end of the test."""
    readers: list[SsCardReader] = []

    def factory(pattern: str | None = None, **options: object) -> tuple[SsCardReader, EventRecorder]:
        options.setdefault("today", lambda: TODAY)
        reader = SsCardReader(pattern or pcscd.reader_names[0], **options)  # type: ignore[arg-type]
        recorder = EventRecorder()
        reader.start(recorder)
        readers.append(reader)
        return reader, recorder

    yield factory
    for reader in readers:
        reader.stop()


@pytest.fixture
def psam_slot(pcscd: IsolatedPcscd) -> Iterator[Callable[..., VirtualSsCard]]:  # noqa: F811
    """Put a PSAM emulator (tests/helpers/psam.py) in the second reader "Virtual PCD 00 01"; out at the end."""
    from tests.helpers.psam import PsamModel

    inserted: list[VirtualSsCard] = []

    def insert(model: PsamModel | None = None) -> VirtualSsCard:
        psam = VirtualSsCard(pcscd.port + 1, model=model or PsamModel())
        psam.insert()
        pcscd.wait_card(present=True, reader=pcscd.reader_names[1])
        inserted.append(psam)
        return psam

    yield insert
    for psam in inserted:
        psam.remove()
    if inserted and pcscd.running:
        pcscd.wait_card(present=False, reader=pcscd.reader_names[1])
