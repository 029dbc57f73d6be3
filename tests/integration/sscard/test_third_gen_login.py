"""Issue 11 §1 end to end: a 3rd-generation social security card in a real pcscd reader logs in (online through the
platform after the PIN, offline with a PSAM) and a registration reaches the sandbox with the holder's identity."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from devices.base import CardInserted, IdentityRead
from kiosk.app import KioskCore, build_core
from kiosk.services import CardNeedsNetwork, PartialCardRead
from kiosk.settings import load_settings
from offline_cache import OutboxState
from sandbox import db
from tests.helpers.pcscd import IsolatedPcscd
from tests.helpers.ports import dead_url
from tests.helpers.psam import card_check, card_key_for
from tests.helpers.sandbox_server import RunningSandbox, threaded_sandbox
from tests.helpers.ssc_emulator import SsCardProfile, ef05_values, ef06_values
from tests.helpers.vcard import EventRecorder

pytestmark = pytest.mark.integration

# P0001 of sandbox/demo_persons.json and the 3.00 card the platform issued them
ID_NUMBER, NAME, CODE = "140222197503150011", "李建军", "140200D1560000050000000000000001"
PIN = "123456"
P0001_CARD = SsCardProfile(
    ef05=ef05_values(version="3.00", card_number="D00000001", issue_date=date(2019, 7, 1),
                      expiry_date=date(2029, 7, 1), identification_code=bytes.fromhex(CODE)),
    ef06=ef06_values(ssn=ID_NUMBER, name=NAME, birth_date=date(1975, 3, 15)),
    generation=3, pin=PIN, auth_check=card_check(card_key_for(CODE)),
)


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSandbox]:
    with threaded_sandbox(tmp_path_factory.mktemp("sandbox") / "sandbox.db") as running:
        yield running


@dataclass
class Kiosk:
    core: KioskCore
    events: EventRecorder
    platform_url: str

    def card_read(self) -> IdentityRead:
        return self.events.wait_type(CardInserted).identity  # type: ignore[attr-defined]

    def cut_network(self) -> None:
        self.core.platform.base_url = dead_url()  # nothing listens: refused at once

    def restore_network(self) -> None:
        self.core.platform.base_url = self.platform_url


@pytest.fixture
def kiosk(tmp_path: Path, sandbox: RunningSandbox, pcscd: IsolatedPcscd) -> Iterator[Callable[..., Kiosk]]:
    """A kiosk core whose social security card reader is the real pcscd's first slot (PSAM in the second, or none)."""
    cores: list[KioskCore] = []

    def make(sam: str = "none") -> Kiosk:
        site = tmp_path / "site.toml"
        site.write_text(
            f'[kiosk]\ndemo = true\ndata_dir = "{tmp_path / "data"}"\n'
            f'[platform]\nurl = "{sandbox.base_url}"\nstart_sandbox = false\nconnect_timeout_s = 1.0\n'
            f'read_timeout_s = 5.0\n'
            f'[devices]\nid_card = "none"\nqr_scanner = "none"\nss_card = "pcsc://{pcscd.reader_names[0]}"\n'
            f'ss_card_sam = "{sam}"\n', encoding="utf-8")
        core = build_core(load_settings(site, env={}), start_workers=False, console_log=False, start_sandbox=False)
        cores.append(core)
        events = EventRecorder()
        core.devices.subscribe(events)  # type: ignore[union-attr]
        core.devices.start()  # type: ignore[union-attr]
        return Kiosk(core, events, sandbox.base_url)

    yield make
    for core in cores:
        core.close()


def _case(sandbox: RunningSandbox, key: str) -> db.Case | None:
    with sandbox.platform.Session() as s:  # type: ignore[union-attr]
        return s.scalar(select(db.Case).where(db.Case.idempotency_key == key))


def _assert_arrived_as_p0001(sandbox: RunningSandbox, key: str) -> None:
    """The case is there, filed under P0001: the sandbox found the person by the submitted ID number and name."""
    case = _case(sandbox, key)
    assert case is not None and case.kind == "job_seeker_registration" and case.status == "PENDING"
    assert case.person_id == "P0001"  # a wrong or empty identity would be refused or make a new person
    with sandbox.platform.Session() as s:  # type: ignore[union-attr]
        person = s.get(db.Person, "P0001")
        assert (person.id_number, person.name) == (ID_NUMBER, NAME)


def _submit_and_sync(k: Kiosk) -> str:
    services = k.core.services
    result = services.submit("job_seeker_registration", "固定工求职登记", {"job_type": "fixed"})
    k.core.sync.run_once()  # type: ignore[union-attr]
    return result.key


def test_online_the_pin_then_the_platform_names_the_holder_and_the_registration_arrives(kiosk, make_card, sandbox):
    k = kiosk()
    make_card(P0001_CARD).insert()
    identity = k.card_read()
    assert identity.partial and identity.id_number == "" and identity.name == ""
    services = k.core.services
    with pytest.raises(PartialCardRead):  # never a session with an empty identity
        services.begin_card_session(identity)
    assert services.card_holder_login_start(identity) == 6
    session = services.login_card_holder(identity, PIN)
    assert (session.identity.id_number, session.identity.name) == (ID_NUMBER, NAME)
    assert session.online and not services.ss_pin_needed()
    key = _submit_and_sync(k)
    _assert_arrived_as_p0001(sandbox, key)
    assert any(c.key == key for c in services.my_cases())  # 我的办件 shows the pending case


def test_offline_without_a_psam_the_card_is_refused_plainly(kiosk, make_card):
    k = kiosk()
    make_card(P0001_CARD).insert()
    identity = k.card_read()
    k.cut_network()
    services = k.core.services
    with pytest.raises(CardNeedsNetwork) as info:  # network state not known yet: PIN first, then the platform
        services.login_card_holder(identity, PIN)
    assert "只能在联网时读取" in info.value.message
    assert services.session is None
    k.core.sync.run_once()  # now the kiosk knows it is offline: no PIN is asked at all
    with pytest.raises(CardNeedsNetwork):
        services.card_holder_login_start(identity)


def test_offline_with_a_psam_the_card_logs_in_and_the_registration_arrives_later(kiosk, make_card, psam_slot,
                                                                                  pcscd, sandbox):
    psam_slot()
    k = kiosk(sam=f"pcsc://{pcscd.reader_names[1]}")
    k.cut_network()
    make_card(P0001_CARD).insert()
    identity = k.card_read()
    assert not identity.partial and (identity.id_number, identity.name) == (ID_NUMBER, NAME)
    services = k.core.services
    services.begin_card_session(identity)
    session = services.connect_session()
    assert session is not None and not session.online and session.identity.id_number == ID_NUMBER
    result = services.submit("job_seeker_registration", "固定工求职登记", {"job_type": "fixed"})
    assert not result.online and result.status_text == "已保存，联网后自动上传"
    key = result.key
    assert k.core.database.outbox.get(key).state == OutboxState.QUEUED  # kept on the kiosk until the network is back
    assert _case(sandbox, key) is None
    k.restore_network()
    k.core.sync.run_once()  # type: ignore[union-attr]
    _assert_arrived_as_p0001(sandbox, key)


def test_a_resident_who_leaves_while_the_platform_answers_leaves_no_session_behind(kiosk, make_card, monkeypatch):
    k = kiosk()
    make_card(P0001_CARD).insert()
    identity = k.card_read()
    services = k.core.services
    platform = k.core.platform
    real = platform.login_card_holder

    def answer_after_the_resident_left(*args):  # the card came out (logout) while the platform was answering
        services.logout()
        return real(*args)

    monkeypatch.setattr(platform, "login_card_holder", answer_after_the_resident_left)
    assert services.login_card_holder(identity, PIN) is None
    assert services.session is None  # the next resident's card is not ignored as "during a session"
