"""The seed's audit_trail (written by audit_trigger() on editorial tables) and audit_logs (the
request log, partitioned by month)."""

from django.conf import settings
from django.db import migrations
from psycopg import sql

AUDIT_TRAIL = """
CREATE TABLE audit_trail (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    timestamp TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    user_id VARCHAR(100),
    action VARCHAR(50),
    table_name VARCHAR(50),
    record_id UUID,
    old_values JSONB,
    new_values JSONB,
    ip_address INET,
    user_agent TEXT
);
-- an object's history in the admin: WHERE table_name = ... AND record_id = ... ORDER BY timestamp
CREATE INDEX idx_audit_trail_record ON audit_trail (table_name, record_id, timestamp DESC);

-- The seed's trigger, plus the acting user, address and user agent of the request (set per
-- request, transaction-local, by accounts.audit) and the columns to leave out (TG_ARGV:
-- secrets such as api_keys.key_hash, derived columns such as models.search_vector).
-- An UPDATE that changes nothing is not recorded.
CREATE OR REPLACE FUNCTION audit_trigger() RETURNS trigger AS $$
DECLARE
    old_row jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) - TG_ARGV END;
    new_row jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) - TG_ARGV END;
BEGIN
    IF TG_OP = 'UPDATE' AND old_row - 'updated_at' = new_row - 'updated_at' THEN
        RETURN NEW;
    END IF;
    -- clock_timestamp(), not the transaction's: changes within one transaction keep their order.
    INSERT INTO audit_trail (timestamp, user_id, action, table_name, record_id, old_values, new_values,
                             ip_address, user_agent)
    VALUES (
        clock_timestamp(),
        NULLIF(current_setting('app.actor', true), ''),
        TG_OP,
        TG_TABLE_NAME,
        (COALESCE(new_row, old_row)->>'id')::uuid,
        old_row,
        new_row,
        NULLIF(current_setting('app.ip', true), '')::inet,
        NULLIF(current_setting('app.user_agent', true), '')
    );
    RETURN COALESCE(NEW, OLD);
END;
$$ LANGUAGE plpgsql;
"""

AUDITED = {
    "providers": [],
    "models": ["search_vector"],
    "model_endpoints": [],
    "pricing": [],
    "benchmark_suites": [],
    "benchmark_scores": [],
    "documentation": [],
    # The digest and the one-time successor key never reach the trail; last_used_at moves
    # once a minute per key and is no editorial change.
    "api_keys": ["key_hash", "one_time_key", "last_used_at"],
}


def _trigger(table: str, omit: list[str]) -> str:
    args = ", ".join(f"'{column}'" for column in omit)
    return (
        f"CREATE TRIGGER {table}_audit AFTER INSERT OR UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION audit_trigger({args})"
    )


AUDIT_LOGS = """
CREATE TABLE audit_logs (
    id BIGSERIAL,
    timestamp TIMESTAMP WITH TIME ZONE NOT NULL,
    user_id UUID,
    action VARCHAR(100),
    resource_type VARCHAR(50),
    resource_id UUID,
    ip_address INET,
    user_agent TEXT,
    request_data JSONB,
    response_status INTEGER,
    duration_ms INTEGER,
    actor VARCHAR(100)
) PARTITION BY RANGE (timestamp);
-- the log of one actor, newest first
CREATE INDEX idx_audit_logs_actor ON audit_logs (actor, timestamp DESC);
SELECT aigo_ensure_partitions('audit_logs', 'month', 2);
"""


def append_only(apps, schema_editor):
    """The app role may add to the audit tables, never change or remove what is there."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON audit_trail, audit_logs FROM {}").format(
                sql.Identifier(settings.AIGO_DB_APP_ROLE)
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_api_keys"),
        ("aigo", "0004_partition_manager"),
        ("catalog", "0005_refresh_function"),
    ]

    operations = [
        migrations.RunSQL(AUDIT_TRAIL, reverse_sql="DROP TABLE audit_trail; DROP FUNCTION audit_trigger()"),
        *[
            migrations.RunSQL(_trigger(table, omit), reverse_sql=f"DROP TRIGGER {table}_audit ON {table}")
            for table, omit in AUDITED.items()
        ],
        migrations.RunSQL(AUDIT_LOGS, reverse_sql="DROP TABLE audit_logs"),
        migrations.RunPython(append_only, migrations.RunPython.noop),
    ]
