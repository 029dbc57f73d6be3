"""What a kiosk's heartbeat says about its health, as the few values the fleet console filters on.

The gateway stores them beside the heartbeat (kiosks.device_fault, paper_out, outbox_backlog,
outbox_attention) so that a province's console can filter tens of thousands of kiosks in SQL instead of
reading every heartbeat's JSON; the console shows the detail from the heartbeat itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

USABLE_DEVICE_STATES = frozenset({"online", "busy"})
BACKLOG_QUEUED = 10  # this many submissions waiting to upload (or any needing a technician) is a backlog
PAPER_OUT_WORD = "缺纸"  # the kiosk's printer message for paper out (config/messages/printer.toml paper_out)


@dataclass(frozen=True)
class DeviceProblem:
    """A device not in a usable state; paper_out marks a printer out of paper."""

    kind: str
    state: str
    message: str
    paper_out: bool


@dataclass(frozen=True)
class HeartbeatHealth:
    """The devices in trouble and the outbox counts of one heartbeat."""

    problems: tuple[DeviceProblem, ...]
    backlog: int  # queued + sending + needs_attention
    needs_attention: int

    @property
    def device_fault(self) -> bool:
        return bool(self.problems)

    @property
    def paper_out(self) -> bool:
        return any(p.paper_out for p in self.problems)

    @property
    def backlogged(self) -> bool:
        return self.needs_attention > 0 or self.backlog - self.needs_attention >= BACKLOG_QUEUED

    def columns(self) -> dict[str, Any]:
        """The values stored on the kiosk's row with the heartbeat."""
        return {"device_fault": self.device_fault, "paper_out": self.paper_out, "outbox_backlog": self.backlog,
                "outbox_attention": self.needs_attention}


def read_health(body: dict[str, Any] | None) -> HeartbeatHealth:
    """The health a heartbeat body reports (an empty one for no heartbeat)."""
    body = body or {}
    problems: list[DeviceProblem] = []
    for d in body.get("devices") or []:
        if not isinstance(d, dict) or d.get("state") in USABLE_DEVICE_STATES:
            continue
        kind, message = str(d.get("kind", "")), str(d.get("message") or "")
        problems.append(DeviceProblem(kind, str(d.get("state", "")), message,
                                      paper_out=kind == "printer" and PAPER_OUT_WORD in message))
    outbox = body.get("outbox")
    counts = {k: v for k, v in outbox.items() if isinstance(v, int)} if isinstance(outbox, dict) else {}
    attention = counts.get("needs_attention", 0)
    return HeartbeatHealth(tuple(problems), counts.get("queued", 0) + counts.get("sending", 0) + attention, attention)
