"""The updater's decisions, without I/O: the apt pin to write, and whether to install the candidate now."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from kiosk.updates.files import UpdateWish

PACKAGE = "village-kiosk"
PIN_PRIORITY_RUN = 1001  # above 1000: apt installs this version even when it is older (a downgrade)
PIN_PRIORITY_NEVER = -1  # never installed by `apt-get install village-kiosk`


class Outcome(StrEnum):
    """How one `kiosk update` ended (update_state.json last_outcome, the heartbeat, `kiosk update status`)."""

    INSTALLED = "installed"  # the new release is running and reported healthy
    ROLLED_BACK = "rolled_back"  # it did not; the previous release is running again
    ROLLBACK_FAILED = "rollback_failed"  # neither became healthy: a technician must look
    UP_TO_DATE = "up_to_date"
    HELD = "held"  # the platform holds this kiosk on its installed release
    DEFERRED = "deferred"  # someone is using the kiosk: next time
    SKIPPED_FAILED = "skipped_failed"  # the only newer release already failed here
    REFUSED = "refused"  # apt refused the repository (bad or missing signature, unreachable)
    FAILED = "failed"  # apt could not install; nothing changed


@dataclass(frozen=True)
class Decision:
    """Install `version` now, or not (then `outcome` says why)."""

    version: str | None
    outcome: Outcome | None = None
    detail: str = ""


def pin_text(wish: UpdateWish, installed: str | None, failed: Sequence[str]) -> str:
    """The apt preferences file for the platform's wish and the failed-release memory ("" when none is needed).

    Run a version: that version at 1001 (chosen even below the installed one). Hold: the installed
    version at 1001 (nothing newer is chosen). Every release that did not become healthy here: -1.
    """
    stanzas: list[str] = []
    pinned = wish.version or (installed if wish.hold else None)
    if pinned:
        why = f"the platform asks to run {pinned}" if wish.version else f"the platform holds this kiosk on {pinned}"
        stanzas.append(f"Explanation: {why}\nPackage: {PACKAGE}\nPin: version {pinned}\n"
                       f"Pin-Priority: {PIN_PRIORITY_RUN}\n")
    for version in failed:
        if version != pinned:
            stanzas.append(f"Explanation: {version} did not become healthy on this kiosk (rolled back)\n"
                           f"Package: {PACKAGE}\nPin: version {version}\nPin-Priority: {PIN_PRIORITY_NEVER}\n")
    if not stanzas:
        return ""
    head = "# Written by `kiosk update` (kiosk/updates/); changes here are overwritten at its next run.\n"
    return head + "\n".join(stanzas)


def decide(*, installed: str | None, candidate: str | None, wish: UpdateWish, failed: Sequence[str],
           session_active: bool) -> Decision:
    """Whether to install apt's candidate now (the pin file is already written, so it names the wish)."""
    if wish.hold and not wish.version:
        return Decision(None, Outcome.HELD, f"held on {installed}")
    if candidate is None or candidate == installed:
        return Decision(None, Outcome.UP_TO_DATE, f"{installed} is the release to run")
    if candidate in failed:
        return Decision(None, Outcome.SKIPPED_FAILED, f"{candidate} did not become healthy here before")
    if session_active:
        return Decision(None, Outcome.DEFERRED, f"{candidate} waits: the kiosk is in use")
    return Decision(candidate)
