"""Lay receipt text out in printer columns: display width (CJK = 2), wrapping, key/value rows, centring."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import lru_cache

WidthFn = Callable[[str], int]

# A line should not start with these (Chinese typesetting rule 避头); the wrapper pulls one
# character down with them instead.
NO_LINE_START = frozenset("，。、：；！？）》」』】〕〉”’,.:;!?)]}%％·…—")


@lru_cache(maxsize=4096)
def char_width(ch: str, ambiguous_wide: bool = False) -> int:
    """Printer cells one character takes: 2 for East Asian wide/full-width, 0 for combining marks, else 1."""
    if unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    eaw = unicodedata.east_asian_width(ch)
    if eaw in ("W", "F") or (ambiguous_wide and eaw == "A"):
        return 2
    return 1


def display_width(text: str, width_of: WidthFn = char_width) -> int:
    """Printer cells a string takes."""
    return sum(width_of(ch) for ch in text)


def clusters(text: str, width_of: WidthFn = char_width) -> list[str]:
    """Split text into printable units: a character plus the zero-width marks that follow it."""
    out: list[str] = []
    for ch in text:
        if out and width_of(ch) == 0:
            out[-1] += ch
        else:
            out.append(ch)
    return out


def _wrap_paragraph(text: str, width: int, width_of: WidthFn) -> list[str]:
    units = clusters(text, width_of)
    lines: list[str] = []
    line: list[str] = []
    used = 0
    i = 0
    while i < len(units):
        unit = units[i]
        w = display_width(unit, width_of)
        if used + w <= width or not line:
            line.append(unit)
            used += w
            i += 1
            continue
        # The unit does not fit: break here, preferring a space for Latin words.
        if unit == " ":
            lines.append("".join(line).rstrip(" ") or "".join(line))
            line, used = [], 0
            i += 1  # the space at the break is consumed
            continue
        cut = _latin_word_break(line, unit)
        if cut is not None:
            head, tail = line[:cut], line[cut + 1 :]  # drop the space at the break
            lines.append("".join(head))
            line = tail
            used = display_width("".join(line), width_of)
            continue
        if unit[0] in NO_LINE_START:
            # carry the last real character (with any closing marks after it) down with the mark
            k = len(line) - 1
            while k > 0 and line[k][:1] in NO_LINE_START:
                k -= 1
            if k > 0 and len(line) - k <= 3:
                carried = line[k:]
                lines.append("".join(line[:k]))
                line = carried
                used = display_width("".join(line), width_of)
                continue
        lines.append("".join(line))
        line, used = [], 0
    if line or not lines:
        lines.append("".join(line))
    return lines


def _latin_word_break(line: list[str], nxt: str) -> int | None:
    """Index of the space to break at when the line ends inside a Latin/digit word, else None."""
    if not (nxt.isascii() and nxt.isalnum()) or not (line[-1].isascii() and line[-1].isalnum()):
        return None
    for j in range(len(line) - 1, 0, -1):
        if line[j] == " ":
            return j
        if not (line[j].isascii() and not line[j].isspace()):
            return None  # a CJK character can take a break after it: no need to move the word
    return None


def wrap(text: str, width: int, width_of: WidthFn = char_width) -> list[str]:
    """Wrap text to lines of at most width cells, never splitting a character; "\\n" forces a break.

    A space at a break is dropped; no other character is lost. A single character wider than the
    line (only possible when width < 2) gets a line of its own.
    """
    if width < 1:
        raise ValueError("width must be at least 1")
    out: list[str] = []
    for paragraph in text.split("\n"):
        out.extend(_wrap_paragraph(paragraph, width, width_of))
    return out


def pad_left(text: str, width: int, width_of: WidthFn = char_width) -> str:
    """Right-align text in width cells (spaces on the left)."""
    return " " * max(0, width - display_width(text, width_of)) + text


def center(text: str, width: int, width_of: WidthFn = char_width) -> str:
    """Centre text in width cells (spaces on the left only; the printer needs no trailing spaces)."""
    return " " * max(0, (width - display_width(text, width_of)) // 2) + text


def align_lines(lines: list[str], width: int, how: str, width_of: WidthFn = char_width) -> list[str]:
    """Align already wrapped lines: "left", "center" or "right"."""
    if how == "left":
        return list(lines)
    if how == "center":
        return [center(line, width, width_of) for line in lines]
    if how == "right":
        return [pad_left(line, width, width_of) for line in lines]
    raise ValueError(f"unknown alignment {how!r}")


def key_value(label: str, value: str, width: int, width_of: WidthFn = char_width, gap: int = 1) -> list[str]:
    """Two columns: label left, value right-aligned; when they do not share a line the value wraps.

    A short label keeps the value beside it with a hanging indent; a long label puts the value
    under it, indented by two cells.
    """
    lw, vw = display_width(label, width_of), display_width(value, width_of)
    if not value:
        return wrap(label, width, width_of)
    if lw + gap + vw <= width:
        return [label + " " * (width - lw - vw) + value]
    indent = lw + gap
    if "\n" not in label and indent * 5 <= width * 2:  # label at most 40 % of the line
        body = wrap(value, width - indent, width_of)
        return [label + " " * gap + body[0]] + [" " * indent + line for line in body[1:]]
    lines = wrap(label, width, width_of)
    if vw <= width and "\n" not in value:
        lines.append(pad_left(value, width, width_of))
    else:
        lines.extend("  " + line for line in wrap(value, max(1, width - 2), width_of))
    return lines


def rule(width: int, char: str = "-") -> str:
    """A horizontal line across width cells."""
    return char * width
