"""Database health (the seed's "Monitoring & Maintenance"): the connection_stats and table_bloat
views, slow_query_log and the seed's autovacuum settings, each fixed where the seed's SQL is wrong
on PostgreSQL 15:

- connection_stats over pg_stat_activity directly shows the app role nothing but NULL states for
  sessions of other roles (the per-row check uses the caller, even inside a view): it reads through
  a SECURITY DEFINER function that returns counts only, never query texts. Its
  longest_query_seconds counted idle sessions (query_start is the last query's start); it now
  counts active ones only, and client backends only (background workers have no database).
- table_bloat built regclass names with schemaname||'.'||tablename, which fails ("invalid name
  syntax") for names that need quoting, and called the TOAST size part of index_size; it reads
  pg_class by oid. The seed's view only showed sizes; the bloat estimate is the dead-tuple share
  from pg_stat_user_tables (cheap, no pgstattuple scan).
- ALTER TABLE status_probes SET (...) fails on a partitioned table ("unrecognized parameter"):
  the setting goes on each partition, and aigo_ensure_partitions gives each new partition the
  storage parameters of its newest sibling, so it carries forward. With TimescaleDB status_probes
  is a plain table (hypertable) and takes the setting itself.

pg_stat_statements texts of other roles are read through a SECURITY DEFINER function too, limited
to this database, rather than granting pg_read_all_stats (which would show the app every session's
and every database's statements, utility statements with their literals included).
"""

from django.db.models.functions import Now
from django.conf import settings
from django.db import migrations, models
from psycopg import sql

# 0004_partition_manager's functions as they were, restored on the way back.
PREVIOUS_PARTITION_FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION aigo_ensure_partitions(parent regclass, step text, ahead integer, behind integer DEFAULT 0)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    unit text := CASE step WHEN 'month' THEN 'month' WHEN 'day' THEN 'day'
                 ELSE NULL END;
    start timestamptz;
    created integer := 0;
    name text;
BEGIN
    IF unit IS NULL THEN
        RAISE EXCEPTION 'step must be month or day, not %', step;
    END IF;
    FOR i IN -behind..ahead LOOP
        start := date_trunc(unit, now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
                 + make_interval(months => CASE WHEN unit = 'month' THEN i ELSE 0 END,
                                 days => CASE WHEN unit = 'day' THEN i ELSE 0 END);
        name := parent::text || '_' || to_char(start AT TIME ZONE 'UTC',
                                               CASE unit WHEN 'month' THEN 'YYYY_MM' ELSE 'YYYY_MM_DD' END);
        IF to_regclass(name) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF %s FOR VALUES FROM (%L) TO (%L)',
                           name, parent, start, start + ('1 ' || unit)::interval);
            created := created + 1;
        END IF;
    END LOOP;
    RETURN created;
END;
$$;

CREATE OR REPLACE FUNCTION aigo_drop_partitions_before(parent regclass, cutoff timestamptz)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    part record;
    dropped integer := 0;
BEGIN
    FOR part IN
        SELECT c.oid::regclass AS name,
               (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \(''([^'']+)''\)'))[1]::timestamptz AS upper
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = parent
    LOOP
        IF part.upper IS NOT NULL AND part.upper <= cutoff THEN
            EXECUTE format('DROP TABLE %s', part.name);
            dropped := dropped + 1;
        END IF;
    END LOOP;
    RETURN dropped;
END;
$$;
"""

STATS_FUNCTIONS = """
CREATE FUNCTION aigo_connection_stats()
RETURNS TABLE (datname name, connections bigint, active bigint, idle bigint, idle_in_transaction bigint,
               longest_query_seconds numeric, oldest_transaction_seconds numeric)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
    SELECT datname,
           count(*),
           count(*) FILTER (WHERE state = 'active'),
           count(*) FILTER (WHERE state = 'idle'),
           count(*) FILTER (WHERE state IN ('idle in transaction', 'idle in transaction (aborted)')),
           max(extract(epoch FROM now() - query_start)) FILTER (WHERE state = 'active'),
           max(extract(epoch FROM now() - xact_start))
    FROM pg_stat_activity
    WHERE backend_type = 'client backend'
    GROUP BY datname
$$;

CREATE VIEW connection_stats AS SELECT * FROM aigo_connection_stats();

-- One row per statement of this database, summed over roles (the role named is the one that spent
-- the most time on it). Empty when pg_stat_statements is not installed.
CREATE FUNCTION aigo_statement_stats()
RETURNS TABLE (queryid bigint, user_name name, calls bigint, total_exec_time double precision, query text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    IF to_regclass('pg_stat_statements') IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY
        SELECT s.queryid,
               (array_agg(r.rolname ORDER BY s.total_exec_time DESC))[1],
               sum(s.calls)::bigint,
               sum(s.total_exec_time),
               min(s.query)
        FROM pg_stat_statements s
        LEFT JOIN pg_roles r ON r.oid = s.userid
        WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND s.queryid IS NOT NULL
        GROUP BY s.queryid;
END;
$$;

REVOKE EXECUTE ON FUNCTION aigo_connection_stats(), aigo_statement_stats() FROM PUBLIC;
"""

TABLE_BLOAT = """
CREATE VIEW table_bloat AS
SELECT n.nspname AS schemaname,
       c.relname AS tablename,
       pg_size_pretty(pg_total_relation_size(c.oid)) AS total_size,
       pg_size_pretty(pg_relation_size(c.oid)) AS table_size,
       pg_size_pretty(pg_indexes_size(c.oid)) AS index_size,
       round(100 * pg_total_relation_size(c.oid)
             / nullif(sum(pg_total_relation_size(c.oid)) OVER (), 0), 2) AS percent_of_total,
       pg_total_relation_size(c.oid) AS total_bytes,
       s.n_live_tup AS live_tuples,
       s.n_dead_tup AS dead_tuples,
       round(100.0 * s.n_dead_tup / nullif(s.n_live_tup + s.n_dead_tup, 0), 2) AS dead_tuple_percent,
       greatest(s.last_vacuum, s.last_autovacuum) AS last_vacuum
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
WHERE c.relkind IN ('r', 'm')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg_toast%';
"""

# Statement counters as of the last slow-query capture, to tell what ran since. Unlogged: after a
# crash the next capture simply counts from zero.
STATEMENTS_SEEN = """
CREATE UNLOGGED TABLE slow_query_seen (
    queryid bigint PRIMARY KEY,
    calls bigint NOT NULL,
    total_exec_time double precision NOT NULL
);
"""

# A new partition takes the storage parameters (autovacuum settings) of its newest sibling: a
# partitioned parent cannot hold them itself. The rest is 0004's function unchanged.
ENSURE_PARTITIONS = """
CREATE OR REPLACE FUNCTION aigo_ensure_partitions(parent regclass, step text, ahead integer, behind integer DEFAULT 0)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    unit text := CASE step WHEN 'month' THEN 'month' WHEN 'day' THEN 'day'
                 ELSE NULL END;
    start timestamptz;
    created integer := 0;
    name text;
    options text[];
BEGIN
    IF unit IS NULL THEN
        RAISE EXCEPTION 'step must be month or day, not %', step;
    END IF;
    FOR i IN -behind..ahead LOOP
        start := date_trunc(unit, now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
                 + make_interval(months => CASE WHEN unit = 'month' THEN i ELSE 0 END,
                                 days => CASE WHEN unit = 'day' THEN i ELSE 0 END);
        name := parent::text || '_' || to_char(start AT TIME ZONE 'UTC',
                                               CASE unit WHEN 'month' THEN 'YYYY_MM' ELSE 'YYYY_MM_DD' END);
        IF to_regclass(name) IS NULL THEN
            SELECT c.reloptions INTO options
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = parent AND c.reloptions IS NOT NULL
            ORDER BY c.relname DESC LIMIT 1;
            EXECUTE format('CREATE TABLE %I PARTITION OF %s FOR VALUES FROM (%L) TO (%L)',
                           name, parent, start, start + ('1 ' || unit)::interval);
            IF options IS NOT NULL THEN  -- catalog values, already validated by PostgreSQL
                EXECUTE format('ALTER TABLE %I SET (%s)', name, array_to_string(options, ', '));
            END IF;
            created := created + 1;
        END IF;
    END LOOP;
    RETURN created;
END;
$$;
"""


def _autovacuum(models_change: str, probes_change: str) -> str:
    return f"""
ALTER TABLE models {models_change};
DO $$
DECLARE
    part regclass;
BEGIN
    IF (SELECT relkind FROM pg_class WHERE oid = 'status_probes'::regclass) = 'p' THEN
        FOR part IN SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = 'status_probes'::regclass LOOP
            EXECUTE format('ALTER TABLE %s {probes_change}', part);
        END LOOP;
    ELSE
        ALTER TABLE status_probes {probes_change};
    END IF;
END;
$$;
"""


STATS_FUNCTIONS_PRIVILEGE = "{} EXECUTE ON FUNCTION aigo_connection_stats(), aigo_statement_stats() {} {}"


def _stats_functions_privilege(action: str, direction: str):
    def change(apps, schema_editor) -> None:
        if settings.AIGO_DB_APP_ROLE:
            role = sql.Identifier(settings.AIGO_DB_APP_ROLE)
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql.SQL(STATS_FUNCTIONS_PRIVILEGE).format(sql.SQL(action), sql.SQL(direction), role))

    return change


class Migration(migrations.Migration):
    dependencies = [
        ("aigo", "0004_partition_manager"),
        ("catalog", "0006_exchange_rates"),
        ("status", "0003_incident_foreign_keys"),
    ]

    operations = [
        migrations.RunSQL(
            STATS_FUNCTIONS,
            reverse_sql="DROP VIEW IF EXISTS connection_stats;"
            " DROP FUNCTION IF EXISTS aigo_connection_stats(); DROP FUNCTION IF EXISTS aigo_statement_stats();",
        ),
        migrations.RunPython(_stats_functions_privilege("GRANT", "TO"), _stats_functions_privilege("REVOKE", "FROM")),
        migrations.RunSQL(TABLE_BLOAT, reverse_sql="DROP VIEW IF EXISTS table_bloat;"),
        migrations.CreateModel(
            name="SlowQuery",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("timestamp", models.DateTimeField(db_default=Now())),
                ("duration_ms", models.IntegerField(null=True)),
                ("query", models.TextField(null=True)),
                ("query_plan", models.JSONField(null=True)),
                ("user_name", models.CharField(max_length=100, null=True)),
                ("database_name", models.CharField(max_length=100, null=True)),
                ("application_name", models.CharField(max_length=100, null=True)),
                ("queryid", models.BigIntegerField(null=True)),
                ("calls", models.BigIntegerField(null=True)),
            ],
            options={
                "db_table": "slow_query_log",
                "indexes": [models.Index(models.F("timestamp").desc(), name="slow_query_log_recent")],
            },
        ),
        migrations.CreateModel(
            name="DatabaseHealth",
            fields=[],
            options={"verbose_name": "database health", "verbose_name_plural": "database health", "proxy": True},
            bases=("aigo.slowquery",),
        ),
        migrations.RunSQL(STATEMENTS_SEEN, reverse_sql="DROP TABLE IF EXISTS slow_query_seen;"),
        migrations.RunSQL(ENSURE_PARTITIONS, reverse_sql=PREVIOUS_PARTITION_FUNCTIONS),
        migrations.RunSQL(
            _autovacuum("SET (autovacuum_vacuum_scale_factor = 0.1)", "SET (autovacuum_vacuum_scale_factor = 0.01)"),
            reverse_sql=_autovacuum("RESET (autovacuum_vacuum_scale_factor)", "RESET (autovacuum_vacuum_scale_factor)"),
        ),
    ]
