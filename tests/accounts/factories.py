from datetime import timedelta

from accounts.keys import api_key_issue
from accounts.models import ApiKey


def issue_key(
    *,
    name: str = "probe eu-west",
    scopes: tuple[str, ...] = ("read:catalog", "write:status"),
    expires_in: timedelta | None = None,
    rate_limit: int = 1000,
    user_identifier: str | None = "ops@example.org",
) -> tuple[ApiKey, str]:
    """A key as clients get it: the row and the full key text."""
    return api_key_issue(
        name=name, scopes=scopes, expires_in=expires_in, rate_limit=rate_limit, user_identifier=user_identifier
    )
