"""The SAM test emulator speaks card-protocols.md §A itself: its bytes match the document's samples, and it
imports nothing from devices/ (so a bug shared by the driver's codec and the emulator cannot pass)."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.helpers import sam_emulator
from tests.helpers.sam_emulator import SELECT_CARD, SamEmulator, card_data, encode_text_block, frame, reply
from tests.helpers.sample_cards import sample_identity


def _hex(text: str) -> bytes:
    return bytes.fromhex(text)


def test_frames_are_the_documents_sample_frames() -> None:
    assert reply(0x90) == _hex("AA AA AA 96 69 00 04 00 00 90 94")
    assert reply(0x9F, bytes(4)) == _hex("AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97")
    assert reply(0x80) == _hex("AA AA AA 96 69 00 04 00 00 80 84")
    assert reply(0x90, bytes(8)) == _hex("AA AA AA 96 69 00 0C 00 00 90 00 00 00 00 00 00 00 00 9C")
    assert reply(0x41) == _hex("AA AA AA 96 69 00 04 00 00 41 45")
    assert frame(bytes(SELECT_CARD)) == _hex("AA AA AA 96 69 00 03 20 02 21")
    read = reply(0x90, card_data(bytes(256), bytes(1024)))
    assert read[:14] == _hex("AA AA AA 96 69 05 08 00 00 90 01 00 04 00") and len(read) == 1295


def test_the_text_block_puts_each_field_at_its_documented_offset() -> None:
    block = encode_text_block(sample_identity())
    assert len(block) == 256
    assert block[0:6].decode("utf-16-le") == "张三丰" and block[6:8] == b" \x00"
    assert block[30:32].decode("utf-16-le") == "1"  # male
    assert block[32:36].decode("utf-16-le") == "01"  # 汉
    assert block[36:52].decode("utf-16-le") == "19900307"
    assert block[122:158].decode("utf-16-le") == "11010119900307125X"
    assert block[204:220].decode("utf-16-le") == "20400501"
    assert encode_text_block(sample_identity("hk_mo_tw_permit"))[248:250] == b"J\x00"


def test_a_host_frame_with_a_bad_checksum_gets_status_10() -> None:
    emu = SamEmulator()
    try:
        assert emu._handle(_hex("AA AA AA 96 69 00 03 11 FF EE")) == reply(0x10)
    finally:
        emu.disconnect()


def test_the_emulator_imports_nothing_from_devices() -> None:
    """Only the IdentityRead type hint, under TYPE_CHECKING (never at run time)."""
    tree = ast.parse(Path(sam_emulator.__file__).read_text(encoding="utf-8"))
    type_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
                 for n in ast.walk(node)}
    runtime = [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom) and id(n) not in type_only]
    modules = [n.module or "" for n in runtime if isinstance(n, ast.ImportFrom)]
    modules += [a.name for n in runtime if isinstance(n, ast.Import) for a in n.names]
    assert [m for m in modules if m.split(".")[0] == "devices"] == []
