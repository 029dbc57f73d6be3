"""The test decoder itself: it must read back what printers do, and refuse what it cannot parse."""

from __future__ import annotations

import pytest
from escpos.printer import Dummy

from tests.helpers.escpos_decode import TruncatedCommand, UnknownCommand, decode, tokenize
from tests.helpers.escpos_sink import StatusResponder, _HasMode


def test_text_in_chinese_mode_decodes_as_gb18030_and_outside_it_as_a_code_page() -> None:
    data = b"\x1b@\x1c&" + "办理：、".encode("gb18030") + b"\n\x1c." + "办理".encode("gb18030") + b"\n"
    decoded = decode(data, "gb18030")
    assert decoded.lines[0] == "办理：、"
    assert decoded.lines[1] != "办理"  # without FS & a GB printer prints single-byte glyphs


def test_python_escpos_native_qr_raster_and_cut_are_recognised() -> None:
    printer = Dummy()
    printer.qr("SQ-01", native=True, size=6)
    printer.image(__import__("PIL.Image").Image.new("1", (16, 8), 0))
    printer.cut(mode="PART")
    decoded = decode(printer.output)
    assert decoded.qr_codes == ["SQ-01"] and decoded.qr_settings[0]["module_size"] == 6
    assert decoded.images[0].size == (16, 8) and decoded.cuts == ["partial"]


def test_truncated_input_raises_a_typed_error_naming_the_offset() -> None:
    with pytest.raises(TruncatedCommand) as err:
        decode(b"abc\n\x1d(k\x10\x00\x31\x50")
    assert err.value.offset == 4


def test_an_unknown_command_is_not_guessed_past() -> None:
    with pytest.raises(UnknownCommand):
        decode(b"\x1b\x7f\x00")
    with pytest.raises(UnknownCommand):
        decode(b"\x07")


def test_stream_tokenizer_leaves_an_incomplete_command_for_later() -> None:
    tokens, used = tokenize(b"ab\x1dv0\x00\x01\x00", final=False)
    assert [t.kind for t in tokens] == ["text"] and used == 2


def test_a_status_query_inside_raster_data_is_not_answered() -> None:
    class Owner(_HasMode):
        def __init__(self) -> None:
            self.mode, self.mode_after_cut, self.errors, self.answered = "normal", None, [], []

    responder = StatusResponder(Owner())
    raster = b"\x1dv0\x00\x03\x00\x01\x00" + b"\x10\x04\x01"  # 3x1 bytes of image data that look like DLE EOT 1
    assert responder.feed(raster[:5]) == b""
    assert responder.feed(raster[5:]) == b""
    assert responder.feed(b"\x10\x04") == b"" and responder.feed(b"\x04") == b"\x12"
