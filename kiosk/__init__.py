"""Application core: composition, session, catalogue, flows, platform client, sync, receipts (no Qt widgets)."""

from pathlib import Path

# The release a packaged kiosk reports: scripts/package.sh (step deb, KIOSK_PACKAGE_VERSION) may stamp a
# different Debian version into the bundle as the data file kiosk/RELEASE, without rebuilding it.
SOURCE_VERSION = "0.1.0"


def _release(default: str) -> str:
    try:
        stamped = (Path(__file__).parent / "RELEASE").read_text(encoding="utf-8").strip()
    except OSError:
        return default
    return stamped or default


__version__ = _release(SOURCE_VERSION)
