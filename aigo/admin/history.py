"""An object's history in the admin, read from audit_trail (who changed which fields, when)."""

import json
from dataclasses import dataclass
from datetime import datetime

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.template.response import TemplateResponse

HISTORY_LIMIT = 200
UNINTERESTING = {"updated_at", "created_at"}


@dataclass
class HistoryEntry:
    timestamp: datetime
    actor: str
    action: str
    changes: list[tuple[str, object, object]]
    ip_address: str | None


def audit_history(*, table: str, record_id) -> list[HistoryEntry]:
    # uses index: idx_audit_trail_record
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT timestamp, user_id, action, old_values, new_values, ip_address
               FROM audit_trail WHERE table_name = %s AND record_id = %s
               ORDER BY timestamp DESC, id LIMIT %s""",
            [table, record_id, HISTORY_LIMIT],
        )
        rows = cursor.fetchall()
    entries = []
    for timestamp, actor, action, old, new, ip in rows:
        old, new = _json(old), _json(new)
        keys = sorted((set(old) | set(new)) - UNINTERESTING)
        changes = [(key, old.get(key), new.get(key)) for key in keys if old.get(key) != new.get(key)]
        entries.append(HistoryEntry(timestamp, actor or "—", action, changes, ip))
    return entries


def _json(value) -> dict:
    if value is None:
        return {}
    return value if isinstance(value, dict) else json.loads(value)


class AuditHistoryMixin:
    """ModelAdmin mixin: the "History" button shows the audit trail instead of the admin log."""

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": f"History: {obj}",
            "subtitle": None,
            "object": obj,
            "opts": self.model._meta,
            "entries": audit_history(table=self.model._meta.db_table, record_id=obj.pk),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/audit_history.html", context)
