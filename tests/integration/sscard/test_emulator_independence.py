"""Issue 13 on the real PC/SC stack: a BCD bug made on both sides of devices/sscard (the reader's decoder and
the simulator's encoder, as one wrong helper would) fails the driver's read of the vpcd card, because that
card's bytes come from tests/helpers/ssc_emulator.py, not from devices/."""

from __future__ import annotations

from datetime import date

import pytest

from devices.base import CardFailed, CardInserted, CardRemoved
from devices.sscard import cardmodel, tlv

pytestmark = pytest.mark.integration


def _low_nibble_first(data: bytes) -> bytes:
    return bytes((b & 0x0F) << 4 | b >> 4 for b in data)


def test_a_symmetric_bcd_nibble_bug_in_devices_fails_the_read(make_card, start_reader, monkeypatch):
    reader, rec = start_reader()
    card = make_card()  # the default card: born 1990-03-07
    card.insert()
    assert rec.wait_type(CardInserted).identity.birth_date == date(1990, 3, 7)
    card.remove()
    rec.wait_type(CardRemoved)

    bcd_digits, bcd_date, bcd = tlv.bcd_digits, cardmodel.bcd_date, cardmodel.bcd
    monkeypatch.setattr(tlv, "bcd_digits", lambda v, allow_padding=False: bcd_digits(_low_nibble_first(v), allow_padding))
    monkeypatch.setattr(cardmodel, "bcd_date", lambda d: _low_nibble_first(bcd_date(d)))
    monkeypatch.setattr(cardmodel, "bcd", lambda digits, n: _low_nibble_first(bcd(digits, n)))
    swapped = make_card()  # made after the bug: a card built with devices/' encoders would carry it too
    mark = rec.mark()
    swapped.insert()
    failed = rec.wait_type(CardFailed, after=mark)
    assert "impossible date" in failed.error.detail
