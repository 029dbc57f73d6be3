"""The scanner line reader: terminators, idle gap, length limit, line noise; fuzzed."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.qr.linereader import LineReader, LineTooLong


@pytest.mark.parametrize("stream", ["ABC123\r", "ABC123\r\n", "ABC123\n", "\r\nABC123\n\r"])
def test_each_terminator_ends_one_line(stream: str) -> None:
    assert LineReader().feed(stream, 0.0) == ["ABC123"]


def test_several_lines_in_one_chunk_and_one_split_over_chunks() -> None:
    r = LineReader()
    assert r.feed("one\r\ntwo\rthr", 0.0) == ["one", "two"]
    assert r.feed("ee\r", 0.01) == ["three"]


def test_idle_gap_ends_an_unterminated_scan() -> None:
    r = LineReader(idle_gap=0.08)
    assert r.feed("TOKEN", 1.00) == []
    assert r.poll(1.05) == []
    assert r.poll(1.08) == ["TOKEN"]
    assert r.poll(2.00) == [] and not r.pending


def test_a_gap_between_chunks_splits_them_into_two_scans() -> None:
    r = LineReader(idle_gap=0.08)
    r.feed("FIRST", 1.0)
    assert r.feed("SECOND", 1.5) == ["FIRST"]
    assert r.feed("\r", 1.51) == ["SECOND"]


def test_chunks_closer_than_the_gap_stay_one_scan() -> None:
    r = LineReader(idle_gap=0.08)
    for i, ch in enumerate("ABCDEF"):
        assert r.feed(ch, 1.0 + i * 0.01) == []
    assert r.poll(1.2) == ["ABCDEF"]


def test_noise_is_stripped() -> None:
    assert LineReader().feed("\x00\x1b[AB\x7fC\xff\u4e2d D \x02\r", 0.0) == ["[ABC D"]


def test_too_long_is_an_error_and_is_discarded_up_to_the_terminator() -> None:
    r = LineReader(max_length=10)
    out = r.feed("X" * 15 + "\rGOOD\r", 0.0)
    assert isinstance(out[0], LineTooLong) and out[0].length == 15 and out[1:] == ["GOOD"]


def test_too_long_without_terminator_ends_at_the_idle_gap() -> None:
    r = LineReader(max_length=10, idle_gap=0.05)
    r.feed("Y" * 11, 0.0)
    r.feed("Y" * 5, 0.01)
    (err,) = r.poll(0.2)
    assert isinstance(err, LineTooLong) and err.length == 16
    assert r.feed("OK\r", 0.3) == ["OK"]


def test_exactly_max_length_is_accepted() -> None:
    assert LineReader(max_length=10).feed("Z" * 10 + "\n", 0.0) == ["Z" * 10]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.text(max_size=80), st.floats(min_value=0, max_value=0.2, allow_nan=False)), max_size=30),
    st.integers(min_value=1, max_value=40),
)
def test_any_input_gives_only_bounded_lines_or_typed_errors(chunks: list[tuple[str, float]], limit: int) -> None:
    r = LineReader(max_length=limit, idle_gap=0.08)
    now = 0.0
    out = []
    for text, gap in chunks:
        now += gap
        out += r.feed(text, now)
    out += r.poll(now + 1.0)
    assert not r.pending
    for item in out:
        if isinstance(item, str):
            assert 0 < len(item) <= limit and item == item.strip()
            assert all(" " <= ch <= "~" for ch in item)
        else:
            assert isinstance(item, LineTooLong) and item.length > limit


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=30), max_size=8),
    st.sampled_from(["\r", "\n", "\r\n"]),
    st.integers(min_value=1, max_value=7),
)
def test_terminated_lines_survive_any_fragmentation(lines: list[str], end: str, step: int) -> None:
    stream = "".join(line + end for line in lines)
    r = LineReader(max_length=30)
    out = [item for i in range(0, len(stream), step) for item in r.feed(stream[i : i + step], 0.0)]
    assert out == lines
