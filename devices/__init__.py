"""Hardware drivers, simulators and the device manager (no Qt, no database)."""
