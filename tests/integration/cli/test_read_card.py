"""`kiosk devices read-card`: an ID card on the SAM reader, a social security card in pcscd, or nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from tests.helpers.pcscd import IsolatedPcscd
from tests.helpers.sam_emulator import SamEmulator
from tests.helpers.sample_cards import sample_identity
from tests.helpers.ssc_emulator import ef05_values
from tests.helpers.vcard import VirtualSsCard
from tests.integration.cli.conftest import KioskRun, Site

pytestmark = pytest.mark.integration

ID_NUMBER = "140222199003071236"
NAME = "王小明"
VALID_CARD = sample_identity(id_number=ID_NUMBER, name=NAME, valid_until=date(2099, 5, 1))
EXPIRED_CARD = sample_identity(
    id_number=ID_NUMBER, name=NAME, valid_from=date(2000, 1, 1), valid_until=date(2020, 1, 1)
)


def test_an_id_card_is_printed_as_one_masked_json_line(
    site: Site, sam: SamEmulator, run_kiosk: Callable[..., KioskRun]
) -> None:
    sam.place(VALID_CARD)

    run = run_kiosk(site, "read-card", "--timeout", "10")

    assert run.returncode == 0, run
    [record] = run.records
    assert record["source"] == "id_card"
    assert record["card_type"] == "resident_id"
    assert record["id_number"] == "140222********1236"
    assert record["name"] == "王**"
    assert record["expired"] is False
    assert ID_NUMBER not in run.stdout + run.stderr and NAME not in run.stdout + run.stderr


def test_unmasked_shows_the_clear_values(
    site: Site, sam: SamEmulator, run_kiosk: Callable[..., KioskRun]
) -> None:
    sam.place(VALID_CARD)

    run = run_kiosk(site, "read-card", "--timeout", "10", "--unmasked")

    assert run.returncode == 0, run
    [record] = run.records
    assert (record["id_number"], record["name"]) == (ID_NUMBER, NAME)
    assert record["birth_date"] == "1990-03-07" and record["valid_until"] == "2099-05-01"


def test_a_social_security_card_is_read_when_no_id_card_is_there(
    site: Site, pcscd: IsolatedPcscd, ss_card: VirtualSsCard, run_kiosk: Callable[..., KioskRun]
) -> None:
    ss_card.configure(ef05=ef05_values(expiry_date=date(2099, 3, 1)))  # valid whatever today's date is
    ss_card.insert()
    pcscd.wait_card(present=True)

    run = run_kiosk(site, "read-card", "--timeout", "10")

    assert run.returncode == 0, run
    [record] = run.records
    assert record["source"] == "ss_card"
    assert record["card_type"] == "social_security"
    assert record["id_number"] == "110101********125X"
    assert record["name"] == "张*"


def test_an_expired_id_card_fails_with_the_plain_message(
    site: Site, sam: SamEmulator, run_kiosk: Callable[..., KioskRun]
) -> None:
    sam.place(EXPIRED_CARD)

    run = run_kiosk(site, "read-card", "--timeout", "10")

    assert run.returncode != 0, run
    assert run.stdout.strip() == "", run
    assert "您的身份证已过有效期" in run.stderr, run
    assert "Traceback" not in run.stderr, run
    assert ID_NUMBER not in run.stderr and NAME not in run.stderr


def test_nothing_presented_before_the_timeout_fails_with_a_message(
    site: Site, run_kiosk: Callable[..., KioskRun]
) -> None:
    run = run_kiosk(site, "read-card", "--timeout", "1")

    assert run.returncode != 0, run
    assert run.stdout.strip() == "", run
    assert "没有读到卡" in run.stderr, run
