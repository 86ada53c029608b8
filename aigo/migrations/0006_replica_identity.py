"""A replica identity for the tables without a primary key (status_probes, audit_logs,
analytics_events): once a publication sends them, PostgreSQL refuses DELETE on a table without
one, and erasure and cleanup delete rows.

REPLICA IDENTITY FULL rather than a key: it leaves inserts, the hot path of all three, within a
few per cent of the floor, where a key (id, time) as identity costs 27-44 % of the insert rate
(bench/replica_identity.py, bench/RESULTS.md); its cost is on the rare deletes, which log the
whole old row. The setting is per partition, so a new partition takes its parent's.
On TimescaleDB these are hypertables and the setting goes on the table.
"""

from django.db import migrations



def _identity(identity: str) -> str:
    """The tables and their partitions (TimescaleDB's chunks inherit from their hypertable too)."""
    return f"""
DO $$
DECLARE
    rel regclass;
BEGIN
    FOR rel IN
        SELECT t::regclass FROM unnest(ARRAY['status_probes', 'audit_logs', 'analytics_events']) t
        UNION ALL
        SELECT inhrelid::regclass FROM pg_inherits
        WHERE inhparent IN ('status_probes'::regclass, 'audit_logs'::regclass, 'analytics_events'::regclass)
    LOOP
        EXECUTE format('ALTER TABLE %s REPLICA IDENTITY {identity}', rel);
    END LOOP;
END $$;
"""


# 0005's function, and a new partition takes its parent's REPLICA IDENTITY FULL.
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
            IF (SELECT relreplident FROM pg_class WHERE oid = parent) = 'f' THEN
                EXECUTE format('ALTER TABLE %I REPLICA IDENTITY FULL', name);
            END IF;
            created := created + 1;
        END IF;
    END LOOP;
    RETURN created;
END;
$$;
"""

# 0005's, restored on the way back.
PREVIOUS_ENSURE_PARTITIONS = """
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


class Migration(migrations.Migration):
    dependencies = [
        ("aigo", "0005_database_health"),
        ("accounts", "0003_audit"),
        ("analytics", "0001_analytics_events"),
        ("status", "0001_status_probes"),
    ]

    operations = [
        migrations.RunSQL(
            ENSURE_PARTITIONS,
            reverse_sql=PREVIOUS_ENSURE_PARTITIONS,
        ),
        migrations.RunSQL(_identity("FULL"), reverse_sql=_identity("DEFAULT")),
    ]
