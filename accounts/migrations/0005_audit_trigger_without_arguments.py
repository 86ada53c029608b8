"""audit_trigger() without arguments recorded nothing: TG_ARGV is NULL when a trigger passes no
columns to leave out, and jsonb - NULL is NULL, so old_values, new_values and record_id were
NULL (and every UPDATE counted as a change). Leave out nothing instead."""

from importlib import import_module

from django.db import migrations

AUDIT_TRAIL = import_module("accounts.migrations.0003_audit").AUDIT_TRAIL
# 0003's function as it was: the table statement before it is left out.
BROKEN = AUDIT_TRAIL[AUDIT_TRAIL.index("CREATE OR REPLACE FUNCTION audit_trigger()") :]
FIXED = BROKEN.replace("- TG_ARGV END", "- COALESCE(TG_ARGV, '{}') END")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_feature_flags")]

    operations = [migrations.RunSQL(FIXED, reverse_sql=BROKEN)]
