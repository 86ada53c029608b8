"""One partition manager for every range-partitioned table (audit_logs, status_probes, later
analytics_events): creates the partitions covering [now - behind steps, now + ahead steps] and
drops those wholly before a cutoff. SECURITY DEFINER so the app role's beat tasks may run it
without owning the tables; names are built with format(%I), bounds are typed timestamps."""

from django.db import migrations

PARTITION_FUNCTIONS = """
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
               (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \\(''([^'']+)''\\)'))[1]::timestamptz AS upper
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


class Migration(migrations.Migration):
    dependencies = [("aigo", "0003_app_role")]

    operations = [
        migrations.RunSQL(
            PARTITION_FUNCTIONS,
            reverse_sql="DROP FUNCTION IF EXISTS aigo_ensure_partitions(regclass, text, integer, integer);"
            " DROP FUNCTION IF EXISTS aigo_drop_partitions_before(regclass, timestamptz);",
        ),
    ]
