"""Printer profiles load from config/printer_profiles.toml and bad files name the profile and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from devices.printer.profiles import (
    DEFAULT_PROFILES_PATH,
    PrinterProfileError,
    load_profiles,
    parse_profile,
    profile_named,
)

GOOD = {
    "paper_mm": 58,
    "columns": 32,
    "dots_per_line": 384,
    "encoding": "gb18030",
    "chinese_mode_switch": True,
    "qr_mode": "native",
    "cutter": "none",
}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "printer_profiles.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_profiles_describe_the_printers_we_support() -> None:
    profiles = load_profiles(DEFAULT_PROFILES_PATH)
    assert {"generic-58", "generic-80", "utf8-80", "gbk-58-raster"} <= set(profiles)
    p58, p80 = profiles["generic-58"], profiles["generic-80"]
    assert (p58.columns, p58.paper_mm, p58.encoding, p58.chinese_mode_switch, p58.qr_mode) == (
        32, 58, "gb18030", True, "native")
    assert (p80.columns, p80.paper_mm, p80.encoding, p80.qr_mode) == (48, 80, "gb18030", "native")
    assert p80.cutter in ("full", "partial")
    utf8 = profiles["utf8-80"]
    assert (utf8.encoding, utf8.chinese_mode_switch, utf8.qr_mode) == ("utf-8", False, "raster")
    gbk = profiles["gbk-58-raster"]
    assert (gbk.encoding, gbk.qr_mode) == ("gbk", "raster")
    assert gbk.substitution_map["¥"] == "￥"


def test_the_kiosk_default_profile_name_exists(project_root: Path) -> None:
    import tomllib

    settings = tomllib.loads((project_root / "config" / "default.toml").read_text(encoding="utf-8"))
    profile_named(load_profiles(DEFAULT_PROFILES_PATH), settings["devices"]["printer_profile"])


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ('columns = "wide"', "columns"),
        ("columns = 33", "columns"),
        ('encoding = "big5"', "encoding"),
        ('qr_mode = "laser"', "qr_mode"),
        ("chinese_mode_switch = 1", "chinese_mode_switch"),
        ('cutter = "scissors"', "cutter"),
        ("qr_module_size = 40", "qr_module_size"),
        ('placeholder = "☃"', "placeholder"),
        ("colums = 32", "colums"),
    ],
)
def test_a_broken_profile_names_the_profile_and_the_key(tmp_path: Path, line: str, key: str) -> None:
    base = "\n".join(f"{k} = {v!r}".replace("'", '"').replace("True", "true") for k, v in GOOD.items())
    lines = [ln for ln in base.splitlines() if not ln.startswith(key.split(" ")[0] + " ")]
    text = "[profiles.kiosk-58]\n" + "\n".join(lines) + "\n" + line + "\n"
    if key == "placeholder":
        text = text.replace('encoding = "gb18030"', 'encoding = "gbk"')
    with pytest.raises(PrinterProfileError) as err:
        load_profiles(write(tmp_path, text))
    assert err.value.profile == "kiosk-58" and err.value.key == key
    assert "kiosk-58" in str(err.value) and key in str(err.value)


def test_a_missing_key_is_named(tmp_path: Path) -> None:
    text = "[profiles.p]\npaper_mm = 58\ncolumns = 32\ndots_per_line = 384\nencoding = \"gbk\"\nqr_mode = \"native\"\ncutter = \"none\"\n"
    with pytest.raises(PrinterProfileError, match="chinese_mode_switch") as err:
        load_profiles(write(tmp_path, text))
    assert err.value.key == "chinese_mode_switch"


def test_a_substitution_the_charset_cannot_print_is_rejected() -> None:
    with pytest.raises(PrinterProfileError) as err:
        parse_profile("p", {**GOOD, "encoding": "gbk", "substitutions": {"¥": "\U0001F600"}})
    assert err.value.key == "substitutions.¥"


def test_gb18030_only_settings_are_refused_elsewhere() -> None:
    with pytest.raises(PrinterProfileError, match="gb18030_four_byte"):
        parse_profile("p", {**GOOD, "encoding": "utf-8", "gb18030_four_byte": "all"})


def test_unreadable_files_say_which_file(tmp_path: Path) -> None:
    with pytest.raises(PrinterProfileError, match="找不到"):
        load_profiles(tmp_path / "absent.toml")
    with pytest.raises(PrinterProfileError, match="格式错误"):
        load_profiles(write(tmp_path, "[profiles.x\n"))
    with pytest.raises(PrinterProfileError, match="没有任何"):
        load_profiles(write(tmp_path, "# empty\n"))


def test_an_unknown_profile_name_lists_the_choices() -> None:
    with pytest.raises(PrinterProfileError, match="generic-58") as err:
        profile_named(load_profiles(DEFAULT_PROFILES_PATH), "epson-9000")
    assert err.value.key == "printer_profile"
