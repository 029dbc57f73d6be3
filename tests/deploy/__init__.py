"""Deployment tests: the frozen bundle and the Debian package, installed into a fresh Debian 12 root."""
