"""Online table rebuild: the seed's zero-downtime migration process, made generic (manage.py rebuild_table).

`<t>_rebuild` (LIKE <t> INCLUDING ALL) is kept in step with <t> by a trigger generated from the
real column list while existing rows are copied in primary-key batches. Once row counts and
checksums match on one snapshot, one short transaction renames the tables and gives the copy
what LIKE does not bring: index names, owner, grants, row-level security, owned sequences,
triggers, foreign keys in both directions, and the views and materialized views that read the
table (a view keeps pointing at the table it was created on, whatever its name). Foreign keys
come back NOT VALID and are validated after the swap, which does not block writes.

table.py holds what is known of the table (`Table`, its foreign keys and views) and the helpers every
step shares; inspect.py reads all that from the catalog and refuses what it cannot carry over;
statements.py composes each step's SQL from it; run.py runs the steps in that order, or prints them
for a dry run.
"""

from .inspect import Refused
from .run import Mismatch, rebuild

__all__ = ["Mismatch", "Refused", "rebuild"]
