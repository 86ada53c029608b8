"""Visitor preferences under row-level security.

Every read and write runs inside a transaction that first sets `app.current_user` with
set_config(..., true): transaction-local, so it ends with the transaction and never leaks to
the next request on the same connection (or PgBouncer server connection).
"""

import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

from accounts.models import UserPreference

VISITOR_COOKIE = "aigo_visitor"
VISITOR_COOKIE_AGE = 365 * 24 * 3600
VISITOR_ID = re.compile(r"v_[A-Za-z0-9_-]{16,64}")


def visitor_new_identifier() -> str:
    return "v_" + secrets.token_urlsafe(24)


def visitor_identifier_valid(value: str | None) -> bool:
    return bool(value and VISITOR_ID.fullmatch(value))


def _set_current_user(identifier: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('app.current_user', %s, true)", [identifier])


@contextmanager
def as_visitor(identifier: str) -> Iterator[None]:
    """A transaction in which the database sees only `identifier`'s preferences."""
    with transaction.atomic():
        _set_current_user(identifier)
        yield
        # It ends with the transaction anyway (and an error rolls it back with the block);
        # cleared here too for when this block is nested in a longer transaction.
        _set_current_user("")


def preferences_get(*, identifier: str) -> UserPreference:
    """The visitor's stored preferences, or unsaved defaults."""
    with as_visitor(identifier):
        found = UserPreference.objects.filter(user_identifier=identifier).first()
    return found or UserPreference(user_identifier=identifier)


def preferences_update(*, identifier: str, changes: dict) -> UserPreference:
    """Apply validated changes; creates the row on the first change."""
    with as_visitor(identifier):
        preferences, _ = UserPreference.objects.select_for_update().get_or_create(user_identifier=identifier)
        for field, value in changes.items():
            setattr(preferences, field, value)
        preferences.full_clean()
        preferences.save()
    return preferences
