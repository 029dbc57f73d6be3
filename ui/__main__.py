"""`python -m ui`: same as the `kiosk` command."""

import sys

from ui.launch import main

sys.exit(main())
