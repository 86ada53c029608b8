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


def secret_of(full_key: str) -> str:
    return full_key.rsplit("_", 1)[1]


def tampered(full_key: str) -> str:
    """The same key with one character of its secret changed."""
    head, secret = full_key.rsplit("_", 1)
    return f"{head}_{'0' if secret[0] != '0' else '1'}{secret[1:]}"


def bearer(full_key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {full_key}"}


def key_header(full_key: str) -> dict:
    return {"HTTP_X_API_KEY": full_key}
