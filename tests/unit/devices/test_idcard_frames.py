"""The SAM frame codec: reference frames byte for byte, resync, checksums, fragmentation, fuzzing."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.idcard.frames import (
    MAX_LEN,
    PREAMBLE,
    ChecksumError,
    Command,
    Frame,
    FrameError,
    FrameParser,
    LengthError,
    build_command,
    build_reply,
    join_card_data,
    split_card_data,
    status_for_code,
    status_of,
)
from devices.idcard.messages import SW3_TABLE

REFERENCE_COMMANDS = {
    Command.RESET_SAM: "AA AA AA 96 69 00 03 10 FF EC",
    Command.SAM_STATUS: "AA AA AA 96 69 00 03 11 FF ED",
    Command.READ_SAM_ID: "AA AA AA 96 69 00 03 12 FF EE",
    Command.FIND_CARD: "AA AA AA 96 69 00 03 20 01 22",
    Command.SELECT_CARD: "AA AA AA 96 69 00 03 20 02 21",
    Command.READ_TEXT_PHOTO: "AA AA AA 96 69 00 03 30 01 32",
    Command.READ_APPENDED_ADDRESS: "AA AA AA 96 69 00 03 30 03 30",
    Command.READ_TEXT_PHOTO_FINGERPRINT: "AA AA AA 96 69 00 03 30 10 23",
}
REFERENCE_REPLIES = {
    "AA AA AA 96 69 00 04 00 00 90 94": 0x90,
    "AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97": 0x9F,
    "AA AA AA 96 69 00 04 00 00 80 84": 0x80,
    "AA AA AA 96 69 00 0C 00 00 90 00 00 00 00 00 00 00 00 9C": 0x90,
    "AA AA AA 96 69 00 04 00 00 81 85": 0x81,
    "AA AA AA 96 69 00 04 00 00 41 45": 0x41,
}
# Every SW3 the reference lists.
REFERENCE_SW3 = [0x90, 0x9F, 0x91, 0x80, 0x81, 0x41, 0x40, 0x10, 0x11, 0x21, 0x23, 0x24, 0x31, 0x32, 0x33,
                 0x37, 0x3F, 0x47, 0x60, 0x66]


def parse_all(data: bytes) -> list[Frame]:
    return list(FrameParser().feed(data))


@pytest.mark.parametrize("command,expected", REFERENCE_COMMANDS.items(), ids=lambda v: getattr(v, "name", ""))
def test_commands_are_byte_exact(command: Command, expected: str) -> None:
    assert build_command(command) == bytes.fromhex(expected)


@pytest.mark.parametrize("reply,sw3", REFERENCE_REPLIES.items())
def test_reference_replies_parse_with_their_status(reply: str, sw3: int) -> None:
    (frame,) = parse_all(bytes.fromhex(reply))
    assert status_of(frame).sw3 == sw3
    assert build_reply(sw3, frame.data) == bytes.fromhex(reply)


def test_every_reference_status_has_a_chinese_message_and_category() -> None:
    assert set(REFERENCE_SW3) == set(SW3_TABLE)
    for sw3 in REFERENCE_SW3:
        status = status_for_code(sw3)
        assert status.category in {"ok", "no_card", "card", "host", "sam"}
        assert any("\u4e00" <= ch <= "\u9fff" for ch in status.message)
    assert status_for_code(0x9F).ok and not status_for_code(0x80).ok
    assert status_for_code(0x60).category == "sam"


def test_unknown_status_or_nonzero_sw1_is_a_reader_fault() -> None:
    assert status_for_code(0x55).category == "sam"
    (frame,) = parse_all(build_reply(0x90, sw1=0x6A))
    assert status_of(frame).name == "UNRECOGNISED"


def test_garbage_before_a_frame_is_skipped() -> None:
    reply = bytes.fromhex("AA AA AA 96 69 00 04 00 00 80 84")
    parser = FrameParser()
    frames = list(parser.feed(b"\x00\xff\xaa\xaa\x96\x69\x13" + reply))
    assert [status_of(f).sw3 for f in frames] == [0x80]
    assert parser.skipped == 7


def test_single_byte_fragments_make_one_frame() -> None:
    reply = build_reply(0x90, join_card_data(bytes(256), bytes(1024)))
    parser = FrameParser()
    frames = [f for b in reply for f in parser.feed(bytes([b]))]
    assert len(frames) == 1 and len(split_card_data(frames[0].data).photo) == 1024


def test_preamble_split_across_reads_is_found() -> None:
    reply = build_reply(0x80)
    parser = FrameParser()
    assert list(parser.feed(b"junk" + reply[:3])) == []
    assert len(list(parser.feed(reply[3:]))) == 1


def test_bad_checksum_raises_and_parsing_continues_after_it() -> None:
    bad = bytearray(build_reply(0x9F, bytes(4)))
    bad[-1] ^= 0xFF
    parser = FrameParser()
    with pytest.raises(ChecksumError):
        list(parser.feed(bytes(bad) + build_reply(0x80)))
    assert [status_of(f).sw3 for f in parser.feed(b"")] == [0x80]


@pytest.mark.parametrize("length", [b"\x00\x00", b"\x00\x02", (MAX_LEN + 1).to_bytes(2, "big"), b"\xff\xff"])
def test_insane_length_raises_then_resyncs(length: bytes) -> None:
    parser = FrameParser()
    with pytest.raises(LengthError):
        list(parser.feed(PREAMBLE + length + build_reply(0x90)))
    assert [status_of(f).sw3 for f in parser.feed(b"")] == [0x90]


def test_card_data_lengths_must_add_up() -> None:
    data = join_card_data(b"t" * 256, b"p" * 1024)
    assert split_card_data(data).text == b"t" * 256
    with pytest.raises(FrameError):
        split_card_data(data[:-1])
    with pytest.raises(FrameError):
        split_card_data(b"\x01")
    fp = split_card_data(join_card_data(b"t", b"p", b"f"), with_fingerprint=True)
    assert (fp.text, fp.photo, fp.fingerprint) == (b"t", b"p", b"f")


def test_frame_repr_hides_the_body() -> None:
    assert "张" not in repr(Frame("张三".encode("utf-16-le")))


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=600), st.lists(st.integers(min_value=1, max_value=64), max_size=40))
def test_arbitrary_bytes_only_ever_give_frames_or_frame_errors(data: bytes, cuts: list[int]) -> None:
    parser = FrameParser(max_len=300)
    pos = 0
    steps = 0
    chunks = []
    for c in cuts:
        chunks.append(data[pos : pos + c])
        pos += c
    chunks.append(data[pos:])
    for chunk in chunks:
        pending = chunk
        while True:
            steps += 1
            assert steps < 10_000, "parser does not make progress"
            try:
                for frame in parser.feed(pending):
                    assert isinstance(frame, Frame)
                break
            except FrameError:
                pending = b""
    assert parser.buffered <= len(data)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 255), st.binary(max_size=300)), min_size=1, max_size=5),
    st.binary(max_size=40).filter(lambda g: b"\xaa" not in g),
    st.integers(min_value=1, max_value=50),
)
def test_build_then_parse_round_trips_through_garbage_and_fragmentation(
    replies: list[tuple[int, bytes]], garbage: bytes, step: int
) -> None:
    stream = b"".join(garbage + build_reply(sw3, data) for sw3, data in replies)
    parser = FrameParser()
    frames = [f for i in range(0, len(stream), step) for f in parser.feed(stream[i : i + step])]
    assert [(f.sw[2], f.data) for f in frames] == replies
