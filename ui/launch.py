"""The `kiosk` console command: the composition root in kiosk/app.py, with the Qt UI plugged in."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    from kiosk.app import main as kiosk_main
    from ui.app import run_out_of_service, run_ui

    return kiosk_main(argv, run_ui=run_ui, run_out_of_service=run_out_of_service)


if __name__ == "__main__":
    sys.exit(main())
