"""Sizes, colours and fonts of the kiosk theme (normal and 长辈模式), applied from ui/theme.qss."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from string import Template

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

QSS_FILE = Path(__file__).with_name("theme.qss")
# Set explicitly: the fallback for Chinese otherwise depends on the locale (test-stack.md).
FONT_FAMILIES = ["Noto Sans CJK SC", "WenQuanYi Micro Hei", "Noto Sans CJK"]


@dataclass(frozen=True)
class Sizes:
    """Pixel sizes from shared/reference/kiosk-usability.md (1920×1080, 21.5", read at 500–700 mm)."""

    body_px: int  # ≥ 28 normal, ≥ 40 elderly
    small_px: int  # status texts; never below the body minimum of the mode
    heading_px: int  # ≥ 56 elderly
    title_px: int
    tile_px: int
    target_px: int  # ≥ 60 normal, ≥ 80 elderly
    tile_h: int
    header_h: int
    status_h: int
    scrollbar_px: int
    spacing_px: int  # ≥ 8 between targets
    banner_px: int = 128  # the 暂停服务 title: read from across the room


@dataclass(frozen=True)
class Colours:
    """Text/background pairs keep ≥ 4.5:1 (normal) and ≥ 7:1 (elderly); checked by tests."""

    text: str
    bg: str
    muted_text: str
    muted: str
    panel_bg: str
    border: str
    primary: str
    on_primary: str
    primary_pressed: str
    pressed_bg: str
    focus: str
    danger: str
    header_bg: str
    header_text: str
    tile_bg: str
    tile_text: str
    tile_border: str
    demo_bg: str


NORMAL_SIZES = Sizes(body_px=30, small_px=28, heading_px=44, title_px=48, tile_px=38, target_px=72,
                     tile_h=150, header_h=110, status_h=64, scrollbar_px=48, spacing_px=20)
ELDERLY_SIZES = Sizes(body_px=42, small_px=40, heading_px=60, title_px=60, tile_px=52, target_px=88,
                      tile_h=190, header_h=130, status_h=80, scrollbar_px=64, spacing_px=28)

NORMAL_COLOURS = Colours(
    text="#1A1A1A", bg="#FFFFFF", muted_text="#4A4A4A", muted="#666666", panel_bg="#F2F5F9",
    border="#5A6B7D", primary="#0B4F8A", on_primary="#FFFFFF", primary_pressed="#073661",
    pressed_bg="#DCE7F3", focus="#C25E00", danger="#B00020", header_bg="#0B4F8A", header_text="#FFFFFF",
    tile_bg="#E8F0FA", tile_text="#0A2E52", tile_border="#0B4F8A", demo_bg="#FFF8E1",
)
ELDERLY_COLOURS = Colours(
    text="#000000", bg="#FFFFFF", muted_text="#333333", muted="#474747", panel_bg="#F5F5F5",
    border="#333333", primary="#003A70", on_primary="#FFFFFF", primary_pressed="#00264A",
    pressed_bg="#D6E4F2", focus="#8A3B00", danger="#8B0000", header_bg="#003A70", header_text="#FFFFFF",
    tile_bg="#FFFFFF", tile_text="#002850", tile_border="#003A70", demo_bg="#FFF8E1",
)

# Text colour on background colour, as the QSS uses them; (pair name, fg field, bg field).
TEXT_PAIRS = (
    ("body", "text", "bg"), ("hint", "muted_text", "bg"), ("panel", "text", "panel_bg"),
    ("hint_on_panel", "muted_text", "panel_bg"), ("button", "primary", "bg"),
    ("primary_button", "on_primary", "primary"), ("pressed_primary", "on_primary", "primary_pressed"),
    ("header", "header_text", "header_bg"), ("tile", "tile_text", "tile_bg"), ("danger", "danger", "bg"),
    ("pressed_button", "primary", "pressed_bg"), ("disabled", "muted", "panel_bg"),
)


@dataclass(frozen=True)
class Theme:
    """One mode of the theme."""

    elderly: bool
    sizes: Sizes
    colours: Colours

    def stylesheet(self) -> str:
        values = {**asdict(self.sizes), **asdict(self.colours)}
        return Template(QSS_FILE.read_text(encoding="utf-8")).substitute(values)

    def font(self) -> QFont:
        f = QFont()
        f.setFamilies(FONT_FAMILIES)
        f.setPixelSize(self.sizes.body_px)
        return f


NORMAL = Theme(False, NORMAL_SIZES, NORMAL_COLOURS)
ELDERLY = Theme(True, ELDERLY_SIZES, ELDERLY_COLOURS)


def theme_for(elderly: bool) -> Theme:
    return ELDERLY if elderly else NORMAL


def apply_theme(app: QApplication, theme: Theme, *, only_if_changed: bool = False) -> None:
    """Install the theme's font and stylesheet application-wide (which re-polishes every widget of the
    application). only_if_changed: leave an application that has this theme already as it is — a new main
    window does so, as a test session builds hundreds of windows in one application."""
    font, qss = theme.font(), theme.stylesheet()
    if only_if_changed and app.font() == font and app.styleSheet() == qss:
        return
    app.setFont(font)
    app.setStyleSheet(qss)


def cjk_font_available() -> bool:
    families = set(QFontDatabase.families())
    return any(f in families for f in FONT_FAMILIES)


def relative_luminance(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    channels = [int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast_ratio(fg: str, bg: str) -> float:
    """WCAG contrast ratio of two #RRGGBB colours."""
    a, b = sorted((relative_luminance(fg), relative_luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)
