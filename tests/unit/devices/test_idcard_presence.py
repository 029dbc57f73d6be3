"""Card presence rules: removal after N misses, no repeat greeting, replacement, unreadable and expired cards."""

from __future__ import annotations

from datetime import date

from devices.base import CardFailed, CardInserted, CardReadError, CardRemoved
from devices.idcard.presence import CardPresence, id_tag
from devices.idcard.text import IdCardExpired
from tests.helpers.sample_cards import sample_identity


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def kinds(events: list) -> list[str]:  # type: ignore[type-arg]
    return [type(e).__name__ for e in events]


def test_insert_then_removal_only_after_n_misses() -> None:
    p = CardPresence(FakeClock(), removal_misses=3)
    assert kinds(p.card_read(sample_identity())) == ["CardInserted"]
    assert p.no_card() == [] and p.no_card() == []
    assert kinds(p.no_card()) == ["CardRemoved"]
    assert p.no_card() == []


def test_a_card_read_between_misses_resets_the_count() -> None:
    p = CardPresence(FakeClock(), removal_misses=2)
    p.card_read(sample_identity())
    p.no_card()
    assert p.card_read(sample_identity()) == []
    assert p.no_card() == []


def test_the_same_card_put_back_at_once_after_its_removal_is_greeted_again() -> None:
    # Issue 16 item 4: 退出登录, card taken away, the same card put back within seconds → a new placement.
    clock = FakeClock()
    p = CardPresence(clock, removal_misses=1, repeat_window=4.0)
    p.card_read(sample_identity())
    assert kinds(p.no_card()) == ["CardRemoved"]
    clock.now += 0.5
    assert kinds(p.card_read(sample_identity())) == ["CardInserted"]
    assert kinds(p.taken_away()) == ["CardRemoved"]
    assert kinds(p.card_read(sample_identity())) == ["CardInserted"]


def test_after_a_reader_loss_the_same_card_within_the_window_is_the_same_placement() -> None:
    clock = FakeClock()
    p = CardPresence(clock, removal_misses=2, repeat_window=4.0)
    p.card_read(sample_identity())
    assert kinds(p.card_gone()) == ["CardRemoved"]  # the reader went away; the card still lies there
    clock.now += 2
    assert p.card_read(sample_identity()) == []  # the reader is back and finds the same card: not greeted again
    clock.now += 1
    assert p.card_read(sample_identity()) == []
    assert p.no_card() == [] and p.no_card() == []  # now it is seen taken away: the window ends
    assert kinds(p.card_read(sample_identity())) == ["CardInserted"]


def test_after_a_reader_loss_the_same_card_later_than_the_window_is_greeted() -> None:
    clock = FakeClock()
    p = CardPresence(clock, repeat_window=4.0)
    p.card_read(sample_identity())
    p.card_gone()
    clock.now += 5
    assert kinds(p.card_read(sample_identity())) == ["CardInserted"]


def test_another_card_is_reported_at_once_and_replaces_the_first() -> None:
    p = CardPresence(FakeClock())
    p.card_read(sample_identity())
    events = p.card_read(sample_identity(id_number="110101200001011232", name="李四"))
    assert kinds(events) == ["CardRemoved", "CardInserted"]
    assert isinstance(events[1], CardInserted) and events[1].identity.name == "李四"


def test_expired_card_fails_with_its_message_and_is_removed_later() -> None:
    p = CardPresence(FakeClock(), removal_misses=1)
    (event,) = p.card_read(sample_identity(valid_until=date(2020, 1, 1), expired=True))
    assert isinstance(event, CardFailed) and isinstance(event.error, IdCardExpired)
    assert event.error.message.startswith("您的身份证已过有效期")
    assert kinds(p.no_card()) == ["CardRemoved"]


def test_unreadable_card_is_reported_once_after_a_few_tries() -> None:
    p = CardPresence(FakeClock(), removal_misses=1, read_attempts=3)
    error = CardReadError("身份证读取失败")
    assert p.card_unreadable(error) == [] and p.card_unreadable(error) == []
    (event,) = p.card_unreadable(error)
    assert isinstance(event, CardFailed) and event.error is error
    assert p.card_unreadable(error) == []
    assert kinds(p.no_card()) == ["CardRemoved"]


def test_reader_loss_removes_a_present_card() -> None:
    p = CardPresence(FakeClock())
    assert p.card_gone() == []
    p.card_read(sample_identity())
    assert p.card_gone() == [CardRemoved("id_card")]


def test_log_tag_does_not_reveal_the_number() -> None:
    tag = id_tag("11010119900307125X")
    assert "1101" not in tag and "125X" not in tag and tag == id_tag("11010119900307125X")
