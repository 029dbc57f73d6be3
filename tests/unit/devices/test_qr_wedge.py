"""The keyboard-wedge timing rule: a fast burst ending in Enter is a scan, a person's typing passes through."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from devices.qr.wedge import ENTER, MAX_GAP, MIN_LENGTH, BurstDetector, Outcome, PassThrough, Scanned

TOKEN = "ESSC1.Zm9vYmFyLWJheg"


def feed(detector: BurstDetector[str], keys: str, start: float, gap: float) -> tuple[list[Outcome[str]], float]:
    """Type `keys` (\\r = Enter) `gap` seconds apart from `start`, polling as a timer would."""
    out: list[Outcome[str]] = []
    now = start
    for ch in keys:
        out += detector.poll(now)
        out += detector.key(ch, ch, now)
        now += gap
    out += detector.poll(now + MAX_GAP)
    return out, now


def typed(outcomes: list[Outcome[str]]) -> str:
    return "".join("".join(o.keys) for o in outcomes if isinstance(o, PassThrough))


def scans(outcomes: list[Outcome[str]]) -> list[str]:
    return [o.text for o in outcomes if isinstance(o, Scanned)]


def test_a_fast_burst_ending_in_enter_is_one_scan_and_nothing_is_typed() -> None:
    out, _ = feed(BurstDetector(), TOKEN + ENTER, 100.0, 0.004)
    assert scans(out) == [TOKEN] and typed(out) == ""


def test_slow_typing_passes_through_key_by_key_in_order() -> None:
    out, _ = feed(BurstDetector(), "hello" + ENTER, 100.0, 0.15)
    assert scans(out) == [] and typed(out) == "hello" + ENTER
    assert all(len(o.keys) == 1 for o in out if isinstance(o, PassThrough)), "each key released on its own"


def test_a_short_fast_burst_with_enter_is_typing() -> None:
    out, _ = feed(BurstDetector(), "ab" + ENTER, 100.0, 0.01)
    assert scans(out) == [] and typed(out) == "ab" + ENTER


def test_a_pause_inside_a_burst_splits_it() -> None:
    detector: BurstDetector[str] = BurstDetector()
    out, now = feed(detector, TOKEN[:4], 100.0, 0.004)
    more, _ = feed(detector, TOKEN[4:] + ENTER, now + 0.3, 0.004)
    assert typed(out) == TOKEN[:4]
    assert len(TOKEN[4:]) >= MIN_LENGTH and scans(more) == [TOKEN[4:]] and typed(more) == ""


def test_a_burst_without_enter_is_still_a_scan_after_the_gap() -> None:
    out, _ = feed(BurstDetector(), TOKEN, 100.0, 0.004)
    assert scans(out) == [TOKEN] and typed(out) == ""


def test_a_key_that_is_no_part_of_a_scan_releases_what_is_held_first() -> None:
    detector: BurstDetector[str] = BurstDetector()
    detector.key("a", "a", 1.0)
    assert detector.other() == [PassThrough(("a",))] and not detector.holding


def test_the_clock_decides_not_the_call_count() -> None:
    detector: BurstDetector[str] = BurstDetector()
    detector.key("a", "a", 1.0)
    assert detector.poll(1.0 + MAX_GAP / 2) == [] and detector.holding
    assert detector.poll(1.0 + MAX_GAP) == [PassThrough(("a",))]


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=40),
       gap=st.floats(min_value=MAX_GAP * 1.2, max_value=2.0), enter=st.booleans())
def test_a_person_typing_never_loses_or_reorders_a_key(text: str, gap: float, enter: bool) -> None:
    keys = text + (ENTER if enter else "")
    out, _ = feed(BurstDetector(), keys, 0.0, gap)
    assert typed(out) == keys and scans(out) == []


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=MIN_LENGTH, max_size=200),
       gap=st.floats(min_value=0.0, max_value=MAX_GAP * 0.8))
def test_a_scanner_burst_is_never_typed(text: str, gap: float) -> None:
    out, _ = feed(BurstDetector(), text + ENTER, 0.0, gap)
    assert scans(out) == [text] and typed(out) == ""
