"""Database health: the slow-query capture (a beat task) and the readers of the admin's "Database
health" page. Every read is bounded (a LIMIT, or one row per table or task) and privileged reads go
through the SECURITY DEFINER functions of aigo/migrations/0005_database_health."""

import logging
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

from celery.schedules import schedule as interval
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from aigo.db.partitions import PARTITIONED
from aigo.models import PeriodicTaskRun, SlowQuery
from aigo.schedule import SCHEDULE

log = logging.getLogger(__name__)

CAPTURE_LOCK = 0x61696730_534C4F57  # pg advisory lock key: one capture at a time ("aig0SLOW")
CAPTURE_TIMEOUT = "10s"  # the capture and its EXPLAINs together: a stuck plan never holds the task

# Statements whose counters moved since the last capture, slowest mean first; the same statement
# remembers the counters for the next capture. Every part of a WITH sees slow_query_seen as it
# was before the statement, so `period` compares with the previous capture. A counter that went
# down means pg_stat_statements was reset: count from zero.
CAPTURE = """
WITH current AS MATERIALIZED (SELECT * FROM aigo_statement_stats()),
remembered AS (
    INSERT INTO slow_query_seen (queryid, calls, total_exec_time)
    SELECT queryid, calls, total_exec_time FROM current
    ON CONFLICT (queryid) DO UPDATE SET calls = excluded.calls, total_exec_time = excluded.total_exec_time
),
forgotten AS (
    DELETE FROM slow_query_seen s WHERE NOT EXISTS (SELECT 1 FROM current c WHERE c.queryid = s.queryid)
),
period AS (
    SELECT c.queryid, c.user_name, c.query,
           c.calls - coalesce(s.calls, 0) AS calls,
           c.total_exec_time - coalesce(s.total_exec_time, 0) AS total_exec_time
    FROM current c
    LEFT JOIN slow_query_seen s ON s.queryid = c.queryid AND s.calls <= c.calls
)
SELECT queryid, user_name, query, calls, total_exec_time / calls AS mean_ms
FROM period
WHERE calls > 0 AND total_exec_time / calls >= %(threshold_ms)s
ORDER BY mean_ms DESC
LIMIT %(top)s
"""

# Only a statement without parameters ($1: pg_stat_statements replaces constants by them) can be
# planned from its text, and only the kinds EXPLAIN accepts; one statement, never a list.
EXPLAINABLE = re.compile(r"^\s*(select|with|insert|update|delete|values)\b", re.IGNORECASE)
PARAMETER = re.compile(r"\$\d")


def _plan(cursor, query: str) -> list | None:
    """The statement's plan (EXPLAIN without ANALYZE: planned, never run), or None."""
    text = query.strip().rstrip(";")
    if not EXPLAINABLE.match(text) or PARAMETER.search(text) or ";" in text:
        return None
    try:
        with transaction.atomic():
            cursor.execute("EXPLAIN (FORMAT JSON) " + text)
            plan = cursor.fetchone()[0]
    except DatabaseError as exc:  # e.g. a table the app role may not read
        log.info("slow queries: no plan for %s: %s", text[:80], exc)
        return None
    return plan


def slow_queries_capture() -> int:
    """Log the statements slower on average than AIGO_SLOW_QUERY_MS since the last capture (at most
    AIGO_SLOW_QUERY_TOP, once each), and forget log rows older than AIGO_SLOW_QUERY_RETENTION_DAYS."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [CAPTURE_LOCK])
        if not cursor.fetchone()[0]:
            return 0  # another capture is running: it logs this period
        cursor.execute("SELECT set_config('statement_timeout', %s, true)", [CAPTURE_TIMEOUT])
        cursor.execute(CAPTURE, {"threshold_ms": settings.AIGO_SLOW_QUERY_MS, "top": settings.AIGO_SLOW_QUERY_TOP})
        rows = cursor.fetchall()
        SlowQuery.objects.bulk_create(
            SlowQuery(
                queryid=queryid,
                user_name=(user_name or "")[:100] or None,
                database_name=connection.settings_dict["NAME"][:100],
                query=query,
                query_plan=_plan(cursor, query),
                calls=calls,
                duration_ms=round(mean_ms),
            )
            for queryid, user_name, query, calls, mean_ms in rows
        )
        cutoff = timezone.now() - timedelta(days=settings.AIGO_SLOW_QUERY_RETENTION_DAYS)
        SlowQuery.objects.filter(timestamp__lt=cutoff).delete()  # uses index: slow_query_log_recent
    if rows:
        log.info("slow queries: %d logged", len(rows))
    return len(rows)


# -- the admin page --------------------------------------------------------------------------


def _dicts(query: str, params: list | None = None) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def connections() -> list[dict]:
    return _dicts("SELECT * FROM connection_stats ORDER BY connections DESC, datname LIMIT 50")


def largest_tables(limit: int = 20) -> list[dict]:
    return _dicts("SELECT * FROM table_bloat ORDER BY total_bytes DESC LIMIT %s", [limit])


def bloated_tables(limit: int = 10) -> list[dict]:
    """Tables with the largest share of dead tuples (the cheap bloat estimate)."""
    return _dicts(
        "SELECT * FROM table_bloat WHERE dead_tuples > 0 ORDER BY dead_tuple_percent DESC, dead_tuples DESC LIMIT %s",
        [limit],
    )


def slow_queries(limit: int = 20) -> list[SlowQuery]:
    return list(SlowQuery.objects.order_by("-timestamp")[:limit])  # uses index: slow_query_log_recent


def replication_slots() -> list[dict]:
    """The seed's lag query: WAL kept for each slot (restart_lsn), and for logical slots how far
    the subscriber's confirmed position is behind."""
    return _dicts(
        """
        SELECT slot_name, slot_type, database, active,
               pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn) AS retained_bytes,
               pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn) AS lag_bytes
        FROM pg_replication_slots
        ORDER BY slot_name
        LIMIT 100
        """
    )


@dataclass(frozen=True)
class Coverage:
    table: str
    step: str
    wanted: int
    ahead: int | None  # whole steps after the current one; None when not partitioned here
    covered_until: datetime | None
    note: str = ""

    @property
    def short(self) -> bool:
        return self.ahead is not None and self.ahead < self.wanted


def _step_start(moment: datetime, step: str, offset: int = 0) -> datetime:
    if step == "day":
        return datetime(moment.year, moment.month, moment.day, tzinfo=UTC) + timedelta(days=offset)
    months = moment.year * 12 + moment.month - 1 + offset
    return datetime(months // 12, months % 12 + 1, 1, tzinfo=UTC)


def partition_coverage(now: datetime | None = None) -> list[Coverage]:
    """For each partitioned table, how many steps of partitions exist, without a gap, after the
    one holding `now`; short when fewer than its plan keeps ahead."""
    now = (now or timezone.now()).astimezone(UTC)
    report = []
    for table, plan in PARTITIONED.items():
        kind = _dicts("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [table])
        if not kind or kind[0]["relkind"] != "p":
            note = "managed by TimescaleDB" if kind else "table missing"
            report.append(Coverage(table, plan.step, plan.ahead, None, None, note))
            continue
        rows = _dicts(
            r"""
            SELECT (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \(''([^'']+)''\)'))[1]::timestamptz AS lower,
                   (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \(''([^'']+)''\)'))[1]::timestamptz AS upper
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = to_regclass(%s)
            """,
            [table],
        )
        upper_by_lower = {row["lower"]: row["upper"] for row in rows if row["lower"] and row["upper"]}
        current = next((lower for lower in upper_by_lower if lower <= now < upper_by_lower[lower]), None)
        if current is None:
            report.append(Coverage(table, plan.step, plan.ahead, 0, None, "no partition for now: inserts fail"))
            continue
        until = upper_by_lower[current]
        while until in upper_by_lower:
            until = upper_by_lower[until]
        ahead = 0
        while _step_start(now, plan.step, ahead + 2) <= until:
            ahead += 1
        report.append(Coverage(table, plan.step, plan.ahead, ahead, until))
    return report


def schedule_period(entry_schedule) -> timedelta:
    """The longest time between two runs of a schedule: seconds, a timedelta, an interval or a
    crontab (hours and minutes of the runs of a day, and the days that have runs)."""
    if isinstance(entry_schedule, int | float):
        return timedelta(seconds=entry_schedule)
    if isinstance(entry_schedule, timedelta):
        return entry_schedule
    if isinstance(entry_schedule, interval):
        return entry_schedule.run_every
    minutes = sorted(hour * 60 + minute for hour in entry_schedule.hour for minute in entry_schedule.minute)
    start = date(2024, 1, 1)  # 62 days hold every month-day and weekday pattern of a crontab
    days = [
        day
        for day in (start + timedelta(days=offset) for offset in range(62))
        if day.isoweekday() % 7 in entry_schedule.day_of_week
        and day.day in entry_schedule.day_of_month
        and day.month in entry_schedule.month_of_year
    ]
    if not minutes or not days:
        return timedelta(days=31)
    within_day = [later - earlier for earlier, later in pairwise(minutes)]
    # From a day's last run to the next run day's first.
    between_days = [(later - earlier).days * 1440 + minutes[0] - minutes[-1] for earlier, later in pairwise(days)]
    return timedelta(minutes=max(within_day + between_days))


@dataclass(frozen=True)
class TaskRun:
    name: str
    task: str
    period: timedelta
    run: PeriodicTaskRun | None
    overdue: bool

    @property
    def failed(self) -> bool:
        return self.run is not None and self.run.last_status not in ("success", "running", "never")


def periodic_runs(now: datetime | None = None) -> list[TaskRun]:
    """The last run of every scheduled task; overdue when none finished within twice its period
    (periodic_task_runs keeps the last outcome only, so a failed last run is flagged apart)."""
    now = now or timezone.now()
    runs = PeriodicTaskRun.objects.in_bulk([entry["task"] for entry in SCHEDULE.values()])
    report = []
    for name, entry in SCHEDULE.items():
        period = schedule_period(entry["schedule"])
        run = runs.get(entry["task"])
        finished = run.last_finished_at if run else None
        report.append(TaskRun(name, entry["task"], period, run, finished is None or now - finished > 2 * period))
    return report
