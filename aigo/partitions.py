"""Range-partitioned tables and how far ahead their partitions are kept (one manager for all:
the SQL functions of aigo/migrations/0004_partition_manager)."""

import logging

from django.db import connection

log = logging.getLogger(__name__)

# table -> (partition step, partitions kept ahead of the current one)
PARTITIONED: dict[str, tuple[str, int]] = {
    "audit_logs": ("month", 2),
}


def partitions_ensure() -> dict[str, int]:
    """Create every missing partition from the current one to `ahead` steps later."""
    created = {}
    with connection.cursor() as cursor:
        for table, (step, ahead) in PARTITIONED.items():
            cursor.execute("SELECT aigo_ensure_partitions(%s::regclass, %s, %s)", [table, step, ahead])
            created[table] = cursor.fetchone()[0]
    if any(created.values()):
        log.info("partitions created: %s", created)
    return created
