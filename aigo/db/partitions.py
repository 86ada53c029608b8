"""Range-partitioned tables and how far ahead their partitions are kept (one manager for all:
the SQL functions of aigo/migrations/0004_partition_manager)."""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Partitioning:
    step: str  # "day" or "month"
    ahead: int  # partitions kept ready after the current one
    retention: int | None = None  # steps of history kept (and partitions made for late rows)


PARTITIONED: dict[str, Partitioning] = {
    "audit_logs": Partitioning("month", ahead=2),
    "catalog_changes": Partitioning("month", ahead=2),
    "status_probes": Partitioning("day", ahead=7, retention=settings.AIGO_STATUS_RETENTION_DAYS),
    "analytics_events": Partitioning("day", ahead=7, retention=settings.AIGO_ANALYTICS_RETENTION_DAYS),
}


def retention_cutoff(plan: Partitioning, now: datetime | None = None) -> datetime:
    """The start of the oldest step kept: partitions ending at or before it are dropped."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    if plan.step == "day":
        return datetime(now.year, now.month, now.day, tzinfo=UTC) - timedelta(days=plan.retention)
    months = now.year * 12 + now.month - 1 - plan.retention
    return datetime(months // 12, months % 12 + 1, 1, tzinfo=UTC)


def partitions_keep(cursor) -> dict[str, dict[str, int]]:
    """Create every missing partition in the kept range and drop the ones past retention, on
    the database `cursor` reads (Django's, or a psycopg cursor on a replica)."""
    report = {}
    for table, plan in PARTITIONED.items():
        # On TimescaleDB the time series are hypertables (relkind 'r') that make and drop
        # their own chunks: only declaratively partitioned tables are managed here.
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [table])
        if cursor.fetchone() != ("p",):
            report[table] = {"created": 0, "dropped": 0, "skipped": 1}
            continue
        cursor.execute(
            "SELECT aigo_ensure_partitions(%s::regclass, %s, %s, %s)",
            [table, plan.step, plan.ahead, plan.retention or 0],
        )
        created = cursor.fetchone()[0]
        dropped = 0
        if plan.retention is not None:
            cursor.execute("SELECT aigo_drop_partitions_before(%s::regclass, %s)", [table, retention_cutoff(plan)])
            dropped = cursor.fetchone()[0]
        report[table] = {"created": created, "dropped": dropped}
    return report


def partitions_ensure() -> dict[str, dict[str, int]]:
    """partitions_keep() on this database (the beat task)."""
    with connection.cursor() as cursor:
        report = partitions_keep(cursor)
    if any(counts["created"] or counts["dropped"] for counts in report.values()):
        log.info("partitions: %s", report)
    return report
