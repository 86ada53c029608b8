"""The core's own admin pages (periodic task runs, database health). The helpers the apps' admins
share sit beside: list filters (`filters`), localized search (`search`), audit history (`history`)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from aigo.db import health
from aigo.db.replication import replica_status
from aigo.models import DatabaseHealth, PeriodicTaskRun


@admin.register(PeriodicTaskRun)
class PeriodicTaskRunAdmin(admin.ModelAdmin):
    list_display = ["task", "last_status", "last_started_at", "last_finished_at", "last_duration_ms", "runs"]
    list_filter = ["last_status"]
    search_fields = ["task"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DatabaseHealth)
class DatabaseHealthAdmin(admin.ModelAdmin):
    """The "Database health" page in place of a change list: read-only, for superusers and staff
    with the aigo.view_databasehealth permission (the admin answers others 403, or the login)."""

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": "Database health",
            "opts": self.model._meta,
            "connections": health.connections(),
            "largest_tables": health.largest_tables(),
            "bloated_tables": health.bloated_tables(),
            "slow_queries": health.slow_queries(),
            "replication_slots": health.replication_slots(),
            "replicas": replica_status(),
            "partitions": health.partition_coverage(),
            "tasks": health.periodic_runs(),
        }
        return TemplateResponse(request, "admin/aigo/database_health.html", context)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
