"""API keys: issue, verify, rotate, and reveal a rotated-in key once.

A key is `aigo_<public id>_<secret>`: the public id is 16 lower-case hex digits (64 bits, the
row's unique lookup), the secret 64 lower-case hex digits (256 random bits). Neither alphabet
contains "_", so the parts split unambiguously in Python and in SQL (split_part). The table
keeps the public id and the hex SHA-256 of the secret; a plain, fast digest is enough because
the secret is random and long, so there is no password to guess.

Nothing here logs or returns a full key except the functions whose purpose is to hand it over
(api_key_issue, api_key_reveal); logs name keys by public id only.
"""

import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Func, Q, TextField, Value
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.models import API_KEY_SCOPES, ApiKey

log = logging.getLogger(__name__)

SCOPES: tuple[str, ...] = tuple(scope for scope, _label in API_KEY_SCOPES)
PREFIX = "aigo"
PUBLIC_ID_BYTES = 8
SECRET_BYTES = 32
KEY_RE = re.compile(rf"{PREFIX}_([0-9a-f]{{{PUBLIC_ID_BYTES * 2}}})_([0-9a-f]{{{SECRET_BYTES * 2}}})")
KEY_LENGTH = len(PREFIX) + 2 + PUBLIC_ID_BYTES * 2 + SECRET_BYTES * 2
# verify_api_key() in SQL uses the same one-minute resolution.
LAST_USED_RESOLUTION = timedelta(minutes=1)
ROTATE_AFTER_DAYS = 90
ROTATION_GRACE_DAYS = 7


def parse_key(raw: str) -> tuple[str, str] | None:
    """(public id, secret) of a well-formed key, else None; looks at no more than a key's length."""
    if len(raw) != KEY_LENGTH:
        return None
    match = KEY_RE.fullmatch(raw)
    return (match[1], match[2]) if match else None


def secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_key_secret_assign(key: ApiKey) -> str:
    """Gives an unsaved key a fresh public id and secret digest; returns the full key (shown once)."""
    # 64-bit public ids: a collision is a one-in-10^13 event even with a million keys, and the
    # unique constraint would refuse it rather than mix two keys up.
    public_id = secrets.token_hex(PUBLIC_ID_BYTES)
    secret = secrets.token_hex(SECRET_BYTES)
    key.public_id = public_id
    key.key_hash = secret_digest(secret)
    return f"{PREFIX}_{public_id}_{secret}"


def api_key_scopes_validate(scopes: Iterable[str]) -> list[str]:
    scopes = list(dict.fromkeys(scope.strip() for scope in scopes if scope.strip()))
    unknown = [scope for scope in scopes if scope not in SCOPES]
    if unknown:
        raise ValidationError(
            "Unknown scope %(unknown)s. Known scopes: %(known)s.",
            code="unknown_scope",
            params={"unknown": ", ".join(map(repr, unknown)), "known": ", ".join(SCOPES)},
        )
    if not scopes:
        raise ValidationError(
            "Give the key at least one scope. Known scopes: %(known)s.",
            code="no_scope",
            params={"known": ", ".join(SCOPES)},
        )
    return scopes


def api_key_issue(
    *,
    name: str,
    scopes: Iterable[str],
    expires_in: timedelta | None = None,
    rate_limit: int = 1000,
    user_identifier: str | None = None,
) -> tuple[ApiKey, str]:
    """Creates a key and returns it with its full text, which is not stored and cannot be shown again."""
    if expires_in is not None and expires_in <= timedelta(0):
        raise ValidationError("The expiry must be in the future.", code="expired")
    key = ApiKey(
        name=name,
        scopes=api_key_scopes_validate(scopes),
        rate_limit=rate_limit,
        user_identifier=user_identifier,
        expires_at=timezone.now() + expires_in if expires_in is not None else None,
    )
    full_key = api_key_secret_assign(key)
    key.full_clean(exclude=["id"])
    with transaction.atomic():
        key.save(force_insert=True)
    log.info("API key %s issued (%s), scopes %s", key.public_id, key.name, ",".join(key.scopes))
    return key, full_key


# Every column but the encrypted one-time key. Written out rather than built by the ORM, which
# takes longer to compile this query than PostgreSQL takes to answer it (bench/auth.py).
VERIFY_COLUMNS = [
    "id",
    "public_id",
    "key_hash",
    "user_identifier",
    "name",
    "scopes",
    "rate_limit",
    "last_used_at",
    "expires_at",
    "created_at",
    "is_active",
    "replaced_by_id",
    "rotated_at",
]
# uses index: idx_api_keys_public_id
SELECT_BY_PUBLIC_ID = """
SELECT id, public_id, key_hash, user_identifier, name, scopes, rate_limit, last_used_at, expires_at, created_at,
       is_active, replaced_by_id, rotated_at
FROM api_keys WHERE public_id = %s
"""


def api_key_verify(raw: str) -> ApiKey | None:
    """The active, unexpired key `raw` names, else None: one query by public id, plus a write
    at most once a minute per key to keep last_used_at."""
    parsed = parse_key(raw)
    if parsed is None:
        log.info("API key rejected: malformed")  # never log the text: it may be a real key, mistyped
        return None
    public_id, secret = parsed
    digest = secret_digest(secret)
    with connection.cursor() as cursor:
        cursor.execute(SELECT_BY_PUBLIC_ID, [public_id])
        row = cursor.fetchone()
    if row is None:
        log.info("API key %s rejected: unknown", public_id)
        return None
    key = ApiKey.from_db(connection.alias, VERIFY_COLUMNS, row)
    if not hmac.compare_digest(key.key_hash, digest):
        log.warning("API key %s rejected: wrong secret", public_id)
        return None
    now = timezone.now()
    if not key.is_active or (key.expires_at is not None and key.expires_at <= now):
        log.info("API key %s rejected: %s", public_id, "inactive" if not key.is_active else "expired")
        return None
    stale = now - LAST_USED_RESOLUTION
    if key.last_used_at is None or key.last_used_at < stale:
        ApiKey.objects.filter(Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale), pk=key.pk).update(
            last_used_at=now
        )
        key.last_used_at = now
    return key


# Rotation and one-time display


class PgpSymDecrypt(Func):
    function = "pgp_sym_decrypt"
    output_field = TextField()


def _reveal_passphrases() -> list[str]:
    """Passphrases for the encrypted one-time keys: derived from SECRET_KEY (and its fallbacks,
    so a key rotated before a SECRET_KEY change can still be revealed after it)."""
    return [
        salted_hmac("accounts.keys.one_time_key", "pgp_sym_encrypt", secret=secret, algorithm="sha256").hexdigest()
        for secret in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    ]


def _rotation_settings() -> tuple[timedelta, timedelta]:
    rotate_after = getattr(settings, "AIGO_API_KEY_ROTATE_AFTER_DAYS", ROTATE_AFTER_DAYS)
    grace = getattr(settings, "AIGO_API_KEY_ROTATION_GRACE_DAYS", ROTATION_GRACE_DAYS)
    return timedelta(days=rotate_after), timedelta(days=grace)


def api_keys_due_for_rotation(now: datetime):
    """Active keys older than the rotation age that have no successor yet and would outlive the
    grace period anyway (a key that expires sooner is left to expire as its owner chose)."""
    rotate_after, grace = _rotation_settings()
    return ApiKey.objects.filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now + grace),
        is_active=True,
        replaced_by__isnull=True,
        rotated_at__isnull=True,  # even if its successor was deleted since
        created_at__lte=now - rotate_after,
    )


# The successor is made inside PostgreSQL: its public id and secret come from gen_random_bytes()
# (the server's CSPRNG) and the full key is encrypted right there, so it never exists outside the
# database until an admin reveals it: not in Python, not in a query parameter, not in a log.
# The key format is api_key_secret_assign()'s; verify_api_key() checks the same one.
INSERT_SUCCESSOR = """
INSERT INTO api_keys (name, user_identifier, scopes, rate_limit, expires_at, public_id, key_hash, one_time_key)
SELECT old.name, old.user_identifier, old.scopes, old.rate_limit, old.expires_at,
       fresh.public_id,
       encode(digest(fresh.secret, 'sha256'), 'hex'),
       pgp_sym_encrypt('aigo_' || fresh.public_id || '_' || fresh.secret, %(passphrase)s, 'cipher-algo=aes256')
FROM api_keys old,
     (SELECT encode(gen_random_bytes(8), 'hex') AS public_id, encode(gen_random_bytes(32), 'hex') AS secret) fresh
WHERE old.id = %(old_id)s
RETURNING id, public_id
"""


def _rotate_one(key_id, now: datetime) -> str | None:
    """Rotates one key in its own transaction; returns the successor's public id, None if skipped."""
    _rotate_after, grace = _rotation_settings()
    with transaction.atomic():
        # Another run holding this key skips it; one that already rotated it no longer matches.
        old = api_keys_due_for_rotation(now).select_for_update(skip_locked=True).filter(pk=key_id).first()
        if old is None:
            return None
        with connection.cursor() as cursor:
            cursor.execute(INSERT_SUCCESSOR, {"passphrase": _reveal_passphrases()[0], "old_id": old.pk})
            successor_id, successor_public_id = cursor.fetchone()
        claimed = ApiKey.objects.filter(pk=old.pk, replaced_by__isnull=True).update(
            replaced_by_id=successor_id, rotated_at=now, expires_at=now + grace
        )
        if claimed != 1:
            raise RuntimeError(f"API key {old.public_id} changed during its rotation")
    log.info(
        "API key %s rotated: successor %s, old key valid until %s", old.public_id, successor_public_id, now + grace
    )
    return successor_public_id


def api_keys_rotate(*, now: datetime | None = None) -> dict[str, int]:
    """Daily: rotates keys due for it (each in its own transaction) and deactivates expired keys.

    Safe to run twice at once and idempotent: a key with a successor is never rotated again.
    """
    now = now or timezone.now()
    rotated = 0
    for key_id in list(api_keys_due_for_rotation(now).values_list("pk", flat=True)):
        if _rotate_one(key_id, now) is not None:
            rotated += 1
    # An unusable key needs no one-time display either.
    deactivated = ApiKey.objects.filter(is_active=True, expires_at__lte=now).update(is_active=False, one_time_key=None)
    log.info("API key rotation: %d rotated, %d expired keys deactivated", rotated, deactivated)
    return {"rotated": rotated, "deactivated": deactivated}


class RevealFailed(Exception):
    pass


def api_key_reveal(*, key_id) -> str | None:
    """The full text of a rotated-in key, once: decrypted and wiped in one transaction.

    None when there is nothing (left) to show. RevealFailed when it cannot be decrypted (the
    SECRET_KEY it was encrypted under is gone): then issue a new key.
    """
    with transaction.atomic():
        rows = ApiKey.objects.filter(pk=key_id, one_time_key__isnull=False)
        public_id = rows.select_for_update().values_list("public_id", flat=True).first()
        if public_id is None:
            return None  # never rotated in, already shown, or shown by someone else just now
        for passphrase in _reveal_passphrases():
            try:
                with transaction.atomic():  # a wrong passphrase is an SQL error: keep the outer transaction
                    full_key = rows.values_list(PgpSymDecrypt(F("one_time_key"), Value(passphrase)), flat=True)[0]
                break
            except DatabaseError:
                continue
        else:
            raise RevealFailed("The new key cannot be decrypted: SECRET_KEY changed since it was made.")
        rows.update(one_time_key=None)
    log.info("API key %s: one-time display used", public_id)
    return full_key
