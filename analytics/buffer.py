"""Collected events through a Redis Stream: the endpoint appends each accepted batch with one
XADD, and the drain-events beat task stores what the stream holds in analytics_events.

The drain reads entries through a consumer group (XREADGROUP), COPYs a batch of them into a
temporary table and inserts the rows with ON CONFLICT DO NOTHING on (id, timestamp), both made
when the event was accepted; it acknowledges (XACK, then XDEL) only after the commit. Killed
anywhere, it leaves its entries pending: the next drain on the same machine reads them again
first, one elsewhere claims them (XAUTOCLAIM) once they were idle for longer than a drain may
hold its lock, and either stores again only the rows that are missing.

XADD is never given MAXLEN: trimming drops the oldest entries whether or not they were drained.
The stream holds only what is not drained yet (drained entries are deleted), and a Redis that is
full (maxmemory with noeviction) refuses the XADD, so the endpoint stores directly instead.
"""

import logging
import socket
import time
import uuid

from django.db import connection, transaction
from psycopg import sql
from redis.exceptions import ResponseError

from aigo.redis import redis_client, rkey
from analytics.trending import trending_record

log = logging.getLogger(__name__)

GROUP = "drain"
FIELD = "rows"
# Entries per XREADGROUP, i.e. per COPY: up to 20 events each.
BATCH_ENTRIES = 500
# A drain holds its lock this long, extended batch by batch; an entry pending longer than that
# belongs to a drain that died.
LOCK_SECONDS = 30
# One run stops after this, leaving the rest to the next run, so it never holds a worker for long.
DRAIN_SECONDS = 20

_RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"
_EXTEND = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('EXPIRE', KEYS[1], ARGV[2]) end return 0"

COLUMNS = {
    "id": "uuid",
    "timestamp": "timestamptz",
    "session_id": "text",
    "event_type": "text",
    "event_properties": "jsonb",
    "user_properties": "jsonb",
    "device_properties": "jsonb",
    "geo_properties": "jsonb",
    "referrer_properties": "jsonb",
}
# Dropped first: inside an enclosing transaction (tests) ON COMMIT DROP has not happened yet when
# the next batch arrives. Per batch rather than per session, so it works behind a transaction pooler.
STAGING_CREATE = (
    "DROP TABLE IF EXISTS pg_temp.analytics_events_staging;"
    " CREATE TEMP TABLE analytics_events_staging (batch jsonb) ON COMMIT DROP"
)
# One staging row per stream entry: its batch, expanded by the INSERT.
STAGING_COPY = "COPY analytics_events_staging (batch) FROM STDIN"
# A batch is {"rows": [...], and the columns its rows share}: what one request said about its
# visitor is written once, not once per event (the entry is about half the size). Entries of
# earlier releases are a JSON array of whole rows, and are stored as they are.
SHARED = ("timestamp", "device_properties", "geo_properties")


# Each entry's parts read once: the batch is stored compressed, and every read of it decompresses
# it again (read per row, the drain took a fifth longer).
# uses index: analytics_events_id_time
INSERT = sql.SQL("""
WITH batches AS MATERIALIZED (
    SELECT CASE jsonb_typeof(batch) WHEN 'array' THEN batch ELSE batch -> 'rows' END AS rows, {shared}
    FROM analytics_events_staging
),
inserted AS (
    INSERT INTO analytics_events ({columns})
    SELECT {values}
    FROM batches b, jsonb_to_recordset(b.rows) AS r({definitions})
    ON CONFLICT (id, timestamp) DO NOTHING
    RETURNING event_type, event_properties ->> 'model_id' AS model_id
)
SELECT count(*), array_agg(model_id) FILTER (WHERE event_type = 'model_view' AND model_id IS NOT NULL)
FROM inserted
""").format(
    shared=sql.SQL(", ").join(
        # jsonb parts as they are; the time from its text, as jsonb_to_recordset reads it.
        sql.SQL(
            "batch -> {key} AS {name}" if COLUMNS[name] == "jsonb" else "(batch ->> {key})::{kind} AS {name}"
        ).format(key=sql.Literal(name), kind=sql.SQL(COLUMNS[name]), name=sql.Identifier(name))
        for name in SHARED
    ),
    columns=sql.SQL(", ").join(map(sql.Identifier, COLUMNS)),
    values=sql.SQL(", ").join(
        sql.SQL("coalesce(r.{name}, b.{name})" if name in SHARED else "r.{name}").format(name=sql.Identifier(name))
        for name in COLUMNS
    ),
    definitions=sql.SQL(", ").join(
        sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(kind)) for name, kind in COLUMNS.items()
    ),
)


def _stream_key() -> str:
    return rkey("analytics", "events")


def _lock_key() -> str:
    return rkey("analytics", "events", "drain")


def events_buffer(*, batch: str) -> None:
    """Append one accepted batch (see SHARED). Raises RedisError when Redis cannot take it."""
    redis_client().xadd(_stream_key(), {FIELD: batch})


def events_store(*, batches: list[str]) -> int:
    """Store batches of rows in one transaction, skipping rows already stored, and count the new
    model views in trending once it commits. Returns the number of rows inserted."""
    with transaction.atomic(savepoint=False):
        connection.ensure_connection()
        with connection.connection.cursor() as cursor:
            cursor.execute(STAGING_CREATE)
            with cursor.copy(STAGING_COPY) as copy:
                for batch in batches:
                    copy.write_row((batch,))
            cursor.execute(INSERT)
            stored, model_ids = cursor.fetchone()
        if model_ids:
            transaction.on_commit(lambda: trending_record(model_ids=model_ids))
    return stored


def _group_ensure(client, stream: str) -> None:
    # From the stream's start: entries appended before the group existed (after a flush) are drained too.
    try:
        client.xgroup_create(stream, GROUP, id="0", mkstream=True)
    except ResponseError as error:
        if "BUSYGROUP" not in str(error):
            raise


def _entries(client, stream: str, consumer: str, claim_idle_ms: int):
    """Batches of (entry id, fields): entries a dead drain left pending, then this consumer's own
    pending ones (a run that failed), then new ones. Each batch must be acknowledged before the next."""
    start = "0-0"
    while True:
        start, claimed, *_deleted = client.xautoclaim(
            stream, GROUP, consumer, claim_idle_ms, start_id=start, count=BATCH_ENTRIES
        )
        if claimed:
            yield claimed
        if start in (b"0-0", "0-0"):
            break
    for position in ("0", ">"):
        while response := client.xreadgroup(GROUP, consumer, {stream: position}, count=BATCH_ENTRIES):
            entries = response[0][1]
            if not entries:
                break
            yield entries


def _acknowledge(client, stream: str, ids: list) -> None:
    # One MULTI (one key, so one slot on a cluster too): an entry acknowledged is never left undeleted.
    with client.pipeline(transaction=True) as pipe:
        pipe.xack(stream, GROUP, *ids)
        pipe.xdel(stream, *ids)
        pipe.execute()


def _consumers_forget(client, stream: str, consumer: str, idle_ms: int) -> None:
    """Drop the consumers of machines gone for good (nothing pending), so the group's list stays short."""
    for info in client.xinfo_consumers(stream, GROUP):
        name = info["name"].decode() if isinstance(info["name"], bytes) else info["name"]
        if name != consumer and info["pending"] == 0 and info["idle"] > idle_ms:
            client.xgroup_delconsumer(stream, GROUP, name)


def events_drain(*, max_seconds: float = DRAIN_SECONDS, claim_idle_seconds: float = LOCK_SECONDS) -> int | None:
    """Store what the buffer holds, batch by batch, until it is empty or max_seconds have passed.
    Returns the rows inserted, or None when another drain holds the lock. Raises RedisError, and
    the database's errors, leaving the current batch pending for the next run."""
    client = redis_client()
    stream, lock, token = _stream_key(), _lock_key(), uuid.uuid4().hex
    if not client.set(lock, token, nx=True, ex=LOCK_SECONDS):
        return None
    # One consumer per machine, whichever worker process runs the drain: a run that failed (the
    # database down) leaves its entries to the next run there, at once; a machine gone for good
    # leaves them to XAUTOCLAIM.
    consumer = socket.gethostname()
    claim_idle_ms = int(claim_idle_seconds * 1000)
    started, stored, entries_read = time.monotonic(), 0, 0
    try:
        _group_ensure(client, stream)
        _consumers_forget(client, stream, consumer, claim_idle_ms)
        for entries in _entries(client, stream, consumer, claim_idle_ms):
            ids = [entry_id for entry_id, _fields in entries]
            batches = [fields[FIELD.encode()].decode() for _entry_id, fields in entries]
            stored += events_store(batches=batches)
            _acknowledge(client, stream, ids)
            entries_read += len(ids)
            if time.monotonic() - started > max_seconds or not client.eval(_EXTEND, 1, lock, token, LOCK_SECONDS):
                break
    finally:
        client.eval(_RELEASE, 1, lock, token)
    if entries_read:
        log.info(
            "events drained: %d entries, %d rows stored in %.0f ms",
            entries_read,
            stored,
            (time.monotonic() - started) * 1000,
        )
    return stored
