"""What the source import recorded, for editors to read: its runs, the append-only observations
and each source's current values. Nobody writes here through the admin (the import alone does)."""

import json

from django.contrib import admin
from django.utils.html import format_html

from aigo.admin.changelist import PageBatchMixin, change_link
from catalog.models import SourceImport, SourceObservation, SourceValue
from catalog.review import targets_load

VALUE_WIDTH = 80


def value_text(value) -> str:
    """A JSON value as one short line: the list pages stay readable, the change page shows it whole."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= VALUE_WIDTH else text[: VALUE_WIDTH - 1] + "…"


def targets_annotate(rows) -> None:
    """Set on each source value or case of a page the catalog row it points at (`target_row`)."""
    targets = targets_load((row.subject, row.target_id) for row in rows)
    for row in rows:
        row.target_row = targets.get((row.subject, row.target_id))


def target_link(obj) -> str:
    """The catalog row a source value or case points at, as a link to its page."""
    if not hasattr(obj, "target_row"):  # a change page: this one row
        targets_annotate([obj])
    return change_link(obj.target_row) if obj.target_row else str(obj.target_id)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SourceImport)
class SourceImportAdmin(ReadOnlyAdmin):
    list_display = ["source", "version", "snapshot_date", "started_at", "finished_at", "status", "summary"]
    list_filter = ["source", "status"]
    date_hierarchy = "started_at"

    @admin.display(description="counts")
    def summary(self, obj: SourceImport) -> str:
        return ", ".join(f"{key}: {value}" for key, value in obj.counts.items() if not isinstance(value, dict)) or "—"


@admin.register(SourceObservation)
class SourceObservationAdmin(ReadOnlyAdmin):
    """Append-only history: the database refuses the app role any change to it."""

    list_display = ["source", "subject", "source_key", "field", "shown_value", "observed_at", "source_import"]
    list_filter = ["source", "subject"]
    list_select_related = ["source_import"]
    search_fields = ["source_key", "field"]
    show_full_result_count = False  # hundreds of thousands of rows

    @admin.display(description="value")
    def shown_value(self, obj: SourceObservation) -> str:
        return "(no longer stated)" if obj.value is None else value_text(obj.value)


class MappedFilter(admin.SimpleListFilter):
    title = "mapped to a catalog row"
    parameter_name = "mapped"

    def lookups(self, request, model_admin):
        return [("yes", "yes"), ("no", "no")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(target_id__isnull=self.value() == "no")
        return queryset


@admin.register(SourceValue)
class SourceValueAdmin(PageBatchMixin, ReadOnlyAdmin):
    list_display = ["source", "subject", "source_key", "field", "shown_value", "since", "checked_at", "target"]
    list_filter = ["source", "subject", MappedFilter]
    search_fields = ["source_key", "field"]
    ordering = ["source", "subject", "source_key", "field"]  # uses index: idx_source_values_key
    show_full_result_count = False
    fields = ["source", "subject", "source_key", "field", "value", "since", "checked_at", "target"]
    readonly_fields = ["target"]

    def page_annotate(self, rows) -> None:
        targets_annotate(rows)

    @admin.display(description="value")
    def shown_value(self, obj: SourceValue) -> str:
        return value_text(obj.value)

    @admin.display(description="catalog row")
    def target(self, obj: SourceValue) -> str:
        return format_html("<em>{}</em>", "not mapped") if obj.target_id is None else target_link(obj)
