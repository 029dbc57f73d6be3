"""The PSAM authenticator (issue 11 §1) against a PSAM emulator in vpcd's second slot, on the real pcscd stack."""

from __future__ import annotations

import pytest

from devices.base import CardFailed, CardInserted, HealthChanged
from devices.sscard.psam import PsamAuthenticator
from tests.helpers.psam import PsamModel, card_check, card_key_for
from tests.helpers.ssc_emulator import SsCardProfile, ef05_values

pytestmark = pytest.mark.integration

CODE = "140200D1560000050000000000000001"


def third_gen(code: str = CODE) -> SsCardProfile:
    return SsCardProfile(generation=3, ef05=ef05_values(version="3.00", identification_code=bytes.fromhex(code)),
                       auth_check=card_check(card_key_for(code)))


def sam_reader(start_reader, pcscd, pattern: str = "Virtual PCD"):
    """A reader whose pattern matches both slots: the PSAM's slot is excluded by name."""
    sam = pcscd.reader_names[1]
    return start_reader(pattern, authenticator=PsamAuthenticator.from_uri(f"pcsc://{sam}"), exclude=sam)


def test_the_psam_unlocks_the_holder_file(make_card, start_reader, psam_slot, pcscd):
    psam = psam_slot()
    card = make_card(third_gen())
    card.insert()
    reader, rec = sam_reader(start_reader, pcscd)
    ident = rec.wait_type(CardInserted).identity
    assert not ident.partial and ident.name == "张三" and ident.id_number == "11010119900307125X"
    assert card.model.authenticated
    assert psam.model.factors == [bytes.fromhex(CODE)[8:]]  # diversified by this card's own code
    ins = [(c[0], c[1]) for c in psam.model.log]
    assert ins[:3] == [(0x00, 0xA4), (0x80, 0x1A), (0x80, 0xFA)]
    health = [e for e in rec.events if isinstance(e, HealthChanged)]
    assert pcscd.reader_names[1] not in health[-1].health.detail  # the PSAM is never read as a resident's card


def test_a_psam_with_another_key_is_refused_by_the_card(make_card, start_reader, psam_slot, pcscd):
    psam_slot(PsamModel(master=bytes(16)))
    make_card(third_gen()).insert()
    reader, rec = sam_reader(start_reader, pcscd)
    assert "认证" in rec.wait_type(CardFailed).error.message


def test_without_a_psam_in_the_slot_the_card_is_read_partially(make_card, start_reader, pcscd):
    make_card(third_gen()).insert()
    reader, rec = sam_reader(start_reader, pcscd, pattern=pcscd.reader_names[0])
    ident = rec.wait_type(CardInserted).identity
    assert ident.partial and ident.name == "" and ident.card_number == "A00000001"


def test_a_psam_reader_named_star_is_refused():
    from devices.uri import DeviceUriError

    with pytest.raises(DeviceUriError):
        PsamAuthenticator.from_uri("pcsc://*")
