"""Rendering a receipt document: bytes per profile, lines within the paper, cut or tear-off feed."""

from __future__ import annotations

import pytest

from devices.printer.document import Cut, Feed, KeyValue, QrCode, ReceiptDocument, Rule, Text, Title
from devices.printer.encode import width_function
from devices.printer.layout import display_width
from devices.printer.profiles import DEFAULT_PROFILES_PATH, load_profiles
from devices.printer.render import CutOp, QrOp, RawOp, render_document

PROFILES = load_profiles(DEFAULT_PROFILES_PATH)

DOC = ReceiptDocument(
    (
        Title("失业登记回执"),
        Rule(),
        KeyValue("受理编号：", "SQ2024050100012"),
        KeyValue("办理地点：", "天镇县玉泉镇便民服务中心一楼人社窗口（周一至周五）"),
        Text("请于三个工作日内（含节假日）携带《就业创业证》、身份证原件到窗口办理。", bold=True),
        Text("温馨提示", double=True, align="center"),
        QrCode("https://example.org/c/SQ2024050100012", "扫码查询办理进度"),
        Feed(2),
    )
)


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_every_line_fits_the_paper(name: str) -> None:
    profile = PROFILES[name]
    rendered = render_document(DOC, profile)
    width = width_function(profile)
    assert rendered.lines
    # the Title and double Text lines are printed double width: they were laid out in half the columns
    assert all(display_width(line, width) <= profile.columns for line in rendered.lines)
    assert "受理编号：" in rendered.text and "《就业创业证》、身份证原件" in rendered.text.replace("\n", "")


def test_gb_profile_starts_with_init_and_chinese_mode_and_leaves_it_at_the_end() -> None:
    rendered = render_document(DOC, PROFILES["generic-80"])
    first, last = rendered.ops[0], rendered.ops[-1]
    assert isinstance(first, RawOp) and first.data.startswith(b"\x1b@\x1c&")
    assert isinstance(last, RawOp) and last.data.endswith(b"\x1c.")
    assert [op for op in rendered.ops if isinstance(op, QrOp)] == [QrOp("https://example.org/c/SQ2024050100012")]


def test_utf8_profile_sends_no_chinese_mode_switch() -> None:
    rendered = render_document(DOC, PROFILES["utf8-80"])
    raw = b"".join(op.data for op in rendered.ops if isinstance(op, RawOp))
    assert b"\x1c&" not in raw and b"\x1c." not in raw
    assert "失业登记回执".encode() in raw


def test_a_document_without_cut_gets_one_and_a_printer_without_cutter_feeds_instead() -> None:
    cut80 = render_document(DOC, PROFILES["generic-80"])
    assert [op for op in cut80.ops if isinstance(op, CutOp)] == [CutOp("partial")] and cut80.cuts == 1
    no_cutter = render_document(DOC, PROFILES["generic-58"])
    assert not [op for op in no_cutter.ops if isinstance(op, CutOp)] and no_cutter.cuts == 1
    assert no_cutter.ops[-1].data.endswith(b"\x1bd\x04\x1c.")
    two = ReceiptDocument((Text("一"), Cut(), Text("二"), Cut()))
    assert render_document(two, PROFILES["utf8-80"]).cuts == 2


def test_replaced_characters_are_reported_with_the_rendering() -> None:
    rendered = render_document(ReceiptDocument((Text("补贴¥300 张𠮷"),)), PROFILES["gbk-58-raster"])
    assert "补贴￥300 张□" in rendered.lines
    assert {s.reason for s in rendered.substitutions} == {"mapped", "unprintable"}


def test_documents_validate_their_elements() -> None:
    with pytest.raises(TypeError):
        ReceiptDocument([Text("x")])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ReceiptDocument(("plain string",))  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        QrCode("")
    with pytest.raises(ValueError):
        Text("x", align="middle")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        render_document("not a document", PROFILES["generic-58"])  # type: ignore[arg-type]
    assert "SQ" not in repr(QrCode("SQ-secret-token"))
