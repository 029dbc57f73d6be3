"""The kiosk core's own failures carry the plain Chinese a person reads as `message`.

Screens and the command line show `exc.message` as it is; the technical detail goes to the log.
"""

from __future__ import annotations


class PlainError(Exception):
    """A failure with the plain Chinese message to show (`message`, also the exception's text)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
