"""Which catalog row a source's provider, model or canonical id is. The import's automatic rules
write most mappings; an editor's row (rule "editor") always wins and is what the import uses from
its next run. The "Unmapped source keys" page lists the ids no rule could map, each a link to a
prefilled new mapping."""

from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.template.response import TemplateResponse
from django.urls import path, reverse

from aigo.admin.changelist import change_link
from aigo.admin.history import AuditHistoryMixin
from catalog.models import SourceMapping, SourceValue
from catalog.models.sources import SUBJECTS
from catalog.sources import SOURCES

MAPPABLE = [subject for subject, _label in SUBJECTS[:3]]  # provider, offer, canonical: SourceMapping's subjects
UNMAPPED_PER_PAGE = 100


def unmapped_keys(*, source: str = "", subject: str = "") -> QuerySet:
    """(source, subject, source key, how many values) the source states under a key that maps to
    no catalog row and that no mapping names yet (an editor's new mapping applies at the next import)."""
    named = SourceMapping.objects.filter(
        source=OuterRef("source"), subject=OuterRef("subject"), source_key=OuterRef("source_key")
    )
    rows = SourceValue.objects.filter(target_id=None, subject__in=MAPPABLE).exclude(Exists(named))
    if source:
        rows = rows.filter(source=source)
    if subject:
        rows = rows.filter(subject=subject)
    return (
        rows.values("source", "subject", "source_key")
        .annotate(values=Count("id"))
        .order_by("source", "subject", "source_key")
    )


@admin.register(SourceMapping)
class SourceMappingAdmin(AuditHistoryMixin, admin.ModelAdmin):
    list_display = ["source", "subject", "source_key", "target", "rule", "note", "updated_at"]
    list_filter = ["source", "subject", "rule"]
    list_select_related = ["provider", "model", "canonical_model"]
    search_fields = ["source_key"]
    autocomplete_fields = ["provider", "model", "canonical_model"]
    fields = ["source", "subject", "source_key", "provider", "model", "canonical_model", "note", "rule", "updated_at"]
    readonly_fields = ["rule", "updated_at"]
    change_list_template = "admin/catalog/sourcemapping/change_list.html"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "source":
            return forms.ChoiceField(choices=[(name, name) for name in SOURCES], label="Source")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        obj.rule = "editor"  # the import then keeps it, whatever its rules would say
        super().save_model(request, obj, form, change)

    @admin.display(description="catalog row")
    def target(self, obj: SourceMapping) -> str:
        return change_link(obj.provider or obj.model or obj.canonical_model)

    def get_urls(self):
        view = self.admin_site.admin_view(self.unmapped_view)
        return [path("unmapped/", view, name="catalog_sourcemapping_unmapped"), *super().get_urls()]

    def unmapped_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        source, subject = request.GET.get("source", ""), request.GET.get("subject", "")
        page = Paginator(unmapped_keys(source=source, subject=subject), UNMAPPED_PER_PAGE).get_page(
            request.GET.get("p")
        )
        add_url = reverse("admin:catalog_sourcemapping_add") if self.has_add_permission(request) else None
        for row in page:
            query = {"source": row["source"], "subject": row["subject"], "source_key": row["source_key"]}
            row["map_url"] = f"{add_url}?{urlencode(query)}" if add_url else None
        context = {
            **self.admin_site.each_context(request),
            "title": "Unmapped source keys",
            "opts": self.model._meta,
            "page": page,
            "sources": list(SOURCES),
            "subjects": MAPPABLE,
            "source": source,
            "subject": subject,
        }
        return TemplateResponse(request, "admin/catalog/sourcemapping/unmapped.html", context)
