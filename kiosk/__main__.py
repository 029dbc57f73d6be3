"""`python -m kiosk`: the headless subcommands (check-config, devices, sync, cache)."""

import sys

from kiosk.app import main

sys.exit(main())
