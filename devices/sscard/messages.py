"""The plain-Chinese messages the social security card reader shows (config/messages/sscard.toml)."""

from __future__ import annotations

from devices.messages import MessageTable

_TABLE = MessageTable("sscard")
MESSAGES = _TABLE.messages
message = _TABLE.message
