"""Updates the Debian way: a signed APT repository, installed between residents, rolled back when unhealthy.

files.py: the files the kiosk and the root updater share; plan.py: the decisions (pins, when to
install); runner.py: `kiosk update` itself (apt-get, restart, health wait, rollback).
"""
