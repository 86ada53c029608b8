"""Change events (catalog_changes): who writes them, and reading them in order.

The triggers of catalog/migrations/0009 (and status' and news' migrations) write the events of
rows; `change_record` writes those no row change carries (a model's retirement coming, a model
going down in a region). The feed (`changes_after`) is read by the API, the Atom feeds, the site
and the webhook sender alike.
"""

from .feed import Cursor, CursorUnknown, changes_after, cursor_of
from .record import IMPORTER, actor_set, change_record, importer_actor

__all__ = [
    "IMPORTER",
    "Cursor",
    "CursorUnknown",
    "actor_set",
    "change_record",
    "changes_after",
    "cursor_of",
    "importer_actor",
]
