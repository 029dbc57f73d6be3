"""The plain-Chinese messages a device package shows, as data: config/messages/<device>.toml.

Each file groups its keys under headings ([health], [printing], …); a key is unique within its file.
"""

from __future__ import annotations

import tomllib

from config import CONFIG_DIR

MESSAGES_DIR = CONFIG_DIR / "messages"


class MessageTable:
    """One device's messages; `message(key, **values)` gives the text with its {placeholders} filled in."""

    def __init__(self, device: str) -> None:
        with (MESSAGES_DIR / f"{device}.toml").open("rb") as fh:
            raw = tomllib.load(fh)
        self.messages: dict[str, str] = {key: str(text) for group in raw.values() for key, text in group.items()}

    def message(self, key: str, **values: object) -> str:
        """The message for key, with {placeholders} filled in (KeyError for a key the file does not have)."""
        text = self.messages[key]
        return text.format(**values) if values else text
