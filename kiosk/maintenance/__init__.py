"""Maintenance: the one API behind the technician screens (ui/tech/) and `kiosk devices|sync|cache|keys …`.

- self_tests: device status, card read, QR scan, print test — typed results
- overrides: the settings a technician may change on site, validated as at start, written atomically
- logs: the log tail by level and the export to a USB drive
- sync: outbox, feeds, heartbeat, reachability, retry, refetch; one sync cycle now; the cached jobs
- audit: the technician audit trail; fault_reports: 问题反映 to the platform; about: the 关于 facts

Every function may block: the screens run them off the GUI thread. The submodules are imported by name
(nothing is imported here), so importing one does not pull in the others.
"""
