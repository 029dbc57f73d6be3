"""The sandbox only ever listens on the loopback address: the check every entry point shares."""

from __future__ import annotations

ALLOWED_HOSTS = ("127.0.0.1",)


class HostRefused(ValueError):
    """A request to listen anywhere but 127.0.0.1."""


def check_host(host: str) -> str:
    """127.0.0.1 or HostRefused ("localhost" is taken as 127.0.0.1; anything else is refused)."""
    if host == "localhost":
        host = "127.0.0.1"
    if host not in ALLOWED_HOSTS:
        raise HostRefused(f"the sandbox listens on 127.0.0.1 only, not {host!r}")
    return host
