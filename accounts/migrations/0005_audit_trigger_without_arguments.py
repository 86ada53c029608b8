"""audit_trigger() without arguments recorded nothing: TG_ARGV is NULL when a trigger passes no
columns to leave out, and jsonb - NULL is NULL, so old_values, new_values and record_id were
NULL (and every UPDATE counted as a change). Leave out nothing instead."""

from django.db import migrations

FIXED = """
CREATE OR REPLACE FUNCTION audit_trigger() RETURNS trigger AS $$
DECLARE
    old_row jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) - COALESCE(TG_ARGV, '{}') END;
    new_row jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) - COALESCE(TG_ARGV, '{}') END;
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

# 0003's function as it was, restored on the way back.
BROKEN = """
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


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_feature_flags")]

    operations = [migrations.RunSQL(FIXED, reverse_sql=BROKEN)]
