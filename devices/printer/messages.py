"""The plain-Chinese messages the receipt printer shows to residents and technicians (config/messages/printer.toml)."""

from __future__ import annotations

from devices.messages import MessageTable

_TABLE = MessageTable("printer")
MESSAGES = _TABLE.messages
message = _TABLE.message
