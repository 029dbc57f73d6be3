"""Application core: composition, session, catalogue, flows, platform client, sync, receipts (no Qt widgets)."""

__version__ = "0.1.0"
