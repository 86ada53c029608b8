from django.contrib import admin

from .models import PeriodicTaskRun


@admin.register(PeriodicTaskRun)
class PeriodicTaskRunAdmin(admin.ModelAdmin):
    list_display = ["task", "last_status", "last_started_at", "last_finished_at", "last_duration_ms", "runs"]
    list_filter = ["last_status"]
    search_fields = ["task"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
