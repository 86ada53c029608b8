"""Writing change events from Python, and naming who writes them."""

import secrets

from django.db import connection
from psycopg.types.json import Jsonb

from accounts.audit import audit_context_set

IMPORTER = "import:import_sources"


def importer_actor() -> str:
    """The importer, named per run: what a run does to a model it created is part of the creation
    (catalog_change_in_creation), though the run writes in several transactions."""
    return f"{IMPORTER}:{secrets.token_hex(6)}"


def actor_set(actor: str) -> None:
    """Name the writer of this transaction's changes (their events' `source.actor`, and the audit trail's)."""
    audit_context_set(actor=actor, ip=None, user_agent="")


def change_record(
    event_type: str,
    *,
    subject: str,
    payload: dict,
    subject_kind: str = "model",
    model: str | None = None,
    provider: str | None = None,
) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT catalog_change_emit(%s, %s, %s, %s, %s, %s)",
            [event_type, subject_kind, subject, model, provider, Jsonb(payload)],
        )
