"""The fleet console (issue 14 §3): server-rendered pages for county, city and province staff under /console.

accounts: staff accounts, lockout and sessions; scope: who sees which kiosks; audit: what staff did;
fleet: the kiosk list, detail and pushed settings; faults: fault reports and their answers; web: the pages.
"""
