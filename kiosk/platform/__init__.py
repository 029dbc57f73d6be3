"""The platform API client: signed requests, typed errors in plain Chinese, frozen reply values.

The errors and the reply values are re-exported as their modules list them (`errors.__all__`,
`models.__all__`), so a new one is declared in one place.
"""

from kiosk.platform import errors, models
from kiosk.platform.client import PlatformClient
from kiosk.platform.credentials import ENV_SECRET, CredentialsError, KioskCredentials, load_credentials
from kiosk.platform.errors import *  # noqa: F403
from kiosk.platform.feeds import FEED_FIELDS, FEEDS, RECORD_KINDS, SUBMISSION_KINDS
from kiosk.platform.models import *  # noqa: F403

__all__ = [
    "ENV_SECRET", "FEEDS", "FEED_FIELDS", "RECORD_KINDS", "SUBMISSION_KINDS",
    "CredentialsError", "KioskCredentials", "PlatformClient", "load_credentials",
]
__all__ += errors.__all__
__all__ += models.__all__
