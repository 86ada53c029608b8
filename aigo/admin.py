from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from . import dbhealth
from .models import DatabaseHealth, PeriodicTaskRun
from .replication import replica_status


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
            "connections": dbhealth.connections(),
            "largest_tables": dbhealth.largest_tables(),
            "bloated_tables": dbhealth.bloated_tables(),
            "slow_queries": dbhealth.slow_queries(),
            "replication_slots": dbhealth.replication_slots(),
            "replicas": replica_status(),
            "partitions": dbhealth.partition_coverage(),
            "tasks": dbhealth.periodic_runs(),
        }
        return TemplateResponse(request, "admin/aigo/database_health.html", context)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
