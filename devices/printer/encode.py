"""Turn receipt text into printer bytes per profile (GB18030 / GBK / UTF-8, Chinese-mode switch).

python-escpos's own text() is not used for Chinese: it sends text as GB18030 only when a character
in U+4E00–U+9FA5 is present and otherwise turns Chinese punctuation (：、，（）) into '?', and it
never sends FS &. Here every character either encodes in the profile's charset or is replaced by
the profile's visible placeholder and reported; nothing silently becomes '?'.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from devices.printer.layout import WidthFn, char_width
from devices.printer.profiles import PrinterProfile

FS_CHINESE_ON = b"\x1c\x26"  # FS &: enter Chinese character mode
FS_CHINESE_OFF = b"\x1c\x2e"  # FS .: leave Chinese character mode

_CJK_EXT_A = range(0x3400, 0x4DC0)


@dataclass(frozen=True)
class Substitution:
    """One character the printer could not print as given, and what was printed instead.

    reason: "mapped" (profile table, e.g. ¥ → ￥), "unprintable" (not in the printer's charset or font),
    "control" (a control character that would otherwise act as a printer command), "format"
    (an invisible format character, removed).
    """

    original: str
    replacement: str
    reason: str

    def __repr__(self) -> str:  # code points only: the text itself may be part of a name
        cps = " ".join(f"U+{ord(c):04X}" for c in self.original)
        return f"Substitution({cps} → {self.replacement!r}, {self.reason})"


@dataclass(frozen=True)
class PreparedText:
    """Text containing only characters the printer can print, plus what had to be replaced."""

    text: str
    substitutions: tuple[Substitution, ...] = ()


def printable(ch: str, profile: PrinterProfile) -> bool:
    """True when the printer of this profile has a glyph for ch in its text mode."""
    return _printable(ch, profile.encoding, profile.gb18030_four_byte)


@lru_cache(maxsize=8192)
def _printable(ch: str, encoding: str, four_byte: str) -> bool:
    if unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn"):
        return False
    try:
        data = ch.encode(encoding)
    except UnicodeEncodeError:
        return False
    if encoding == "utf-8":
        return True
    if len(data) == 1:
        return data[0] < 0x80  # GBK's 0x80 (€) and friends are code-page extras printer fonts lack
    if len(data) == 2:
        return True
    # 4-byte GB18030: only what the font has
    return four_byte == "all" or (four_byte == "cjk_ext_a" and ord(ch) in _CJK_EXT_A)


def prepare_text(text: str, profile: PrinterProfile) -> PreparedText:
    """NFC-normalise, apply the profile's substitutions, and replace what cannot be printed.

    "\\n" is kept (the layout breaks lines there), tabs become a space, other control characters
    become the placeholder, invisible format characters (zero-width space, BOM…) are removed.
    Every change is reported.
    """
    table = profile.substitution_map
    out: list[str] = []
    subs: dict[tuple[str, str, str], None] = {}
    for ch in unicodedata.normalize("NFC", text):
        if ch == "\n":
            out.append(ch)
            continue
        if ch in ("\u2028", "\u2029"):
            out.append("\n")
            continue
        if ch == "\t":
            out.append(" ")
            continue
        if ch in table:
            repl = table[ch]
            out.append(repl)
            subs[(ch, repl, "mapped")] = None
            continue
        cat = unicodedata.category(ch)
        if cat == "Cc":
            out.append(profile.placeholder)
            subs[(ch, profile.placeholder, "control")] = None
        elif cat == "Cf":
            subs[(ch, "", "format")] = None
        elif printable(ch, profile):
            out.append(ch)
        else:
            out.append(profile.placeholder)
            subs[(ch, profile.placeholder, "unprintable")] = None
    return PreparedText("".join(out), tuple(Substitution(*k) for k in subs))


def width_function(profile: PrinterProfile) -> WidthFn:
    """How many cells a (prepared) character takes on this printer.

    In GB Chinese mode every multi-byte character is drawn from the full-width Chinese font, so
    the encoded length decides (·, —, ①, é all take 2 cells); UTF-8 printers follow East Asian Width.
    """
    if profile.encoding == "utf-8":
        ambiguous = profile.ambiguous_wide

        def utf8_width(ch: str) -> int:
            return char_width(ch, ambiguous)

        return utf8_width

    def gb_width(ch: str) -> int:
        if ord(ch) < 0x80:
            return 1
        if unicodedata.category(ch) in ("Mn", "Me"):
            return 0
        return 2

    return gb_width


def encode_text(text: str, profile: PrinterProfile) -> bytes:
    """Encode prepared text for the printer; raises UnicodeEncodeError if it was not prepared."""
    return text.encode(profile.encoding, errors="strict")


def chinese_mode_on(profile: PrinterProfile) -> bytes:
    """FS & when the profile asks for the Chinese-mode switch, else nothing."""
    return FS_CHINESE_ON if profile.chinese_mode_switch else b""


def chinese_mode_off(profile: PrinterProfile) -> bytes:
    """FS . when the profile asks for the Chinese-mode switch, else nothing."""
    return FS_CHINESE_OFF if profile.chinese_mode_switch else b""
