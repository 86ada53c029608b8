from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count

from aigo.admin.filters import contains_filter
from aigo.admin.history import AuditHistoryMixin
from aigo.admin.search import LocalizedSearchMixin
from aigo.fields import region_choices
from aigo.i18n import resolve
from catalog import choices
from catalog.admin.canonical import offers_split_out
from catalog.models import (
    AIModel,
    BenchmarkScore,
    BenchmarkSuite,
    Documentation,
    ExchangeRate,
    ModelEndpoint,
    Pricing,
    Provider,
)


@admin.register(Provider)
class ProviderAdmin(AuditHistoryMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "region_list", "model_count", "website_url", "updated_at"]
    list_filter = [contains_filter("regions", "region", region_choices)]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(model_count=Count("models"))

    @admin.display(description="regions")
    def region_list(self, obj: Provider) -> str:
        return ", ".join(obj.regions) or "—"

    @admin.display(description="models", ordering="model_count")
    def model_count(self, obj: Provider) -> int:
        return obj.model_count


class ModelEndpointInline(admin.TabularInline):
    model = ModelEndpoint
    extra = 0
    fields = ["region", "endpoint_url", "priority", "is_active"]


class PricingInline(admin.TabularInline):
    model = Pricing
    extra = 0
    fields = [
        "tier",
        "region",
        "currency",
        "input_per_million",
        "output_per_million",
        "image_per_unit",
        "audio_per_minute",
        "effective_from",
        "effective_to",
    ]
    show_change_link = True

    class Media:
        css = {"all": ["aigo/admin.css"]}


class DocumentationInline(admin.StackedInline):
    model = Documentation
    extra = 0
    fields = ["doc_type", "title", "url", "locale", "version"]


@admin.register(AIModel)
class AIModelAdmin(AuditHistoryMixin, LocalizedSearchMixin, admin.ModelAdmin):
    list_display = [
        "slug",
        "english_name",
        "provider",
        "foundation_model",
        "context_window",
        "canonical_model",
        "released_at",
        "deprecated_at",
        "is_active",
    ]
    list_filter = [
        "is_active",
        "provider",
        contains_filter("modalities", "modality", choices.MODALITIES),
        contains_filter("capabilities", "capability", choices.CAPABILITIES),
        "released_at",
    ]
    list_select_related = ["provider", "canonical_model"]
    search_fields = ["slug", "foundation_model", "provider__name"]
    localized_search_fields = ("name",)
    autocomplete_fields = ["provider", "canonical_model"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [ModelEndpointInline, PricingInline, DocumentationInline]
    actions = [offers_split_out]
    fieldsets = [
        (None, {"fields": ["provider", "slug", "name", "description", "foundation_model", "canonical_model"]}),
        ("Lifecycle", {"fields": ["is_active", "released_at", "deprecated_at", "sunset_at", "training_cutoff"]}),
        (
            "Capabilities",
            {"fields": ["modalities", "capabilities", "context_window", "max_output_tokens", "api_version"]},
        ),
        ("Other", {"classes": ["collapse"], "fields": ["metadata", "created_at", "updated_at"]}),
    ]

    @admin.display(description="name (en-US)")
    def english_name(self, obj: AIModel) -> str:
        return resolve(obj.name) or "—"

    def has_split_permission(self, request) -> bool:
        # Splitting changes offers and makes a canonical model.
        return self.has_change_permission(request) and request.user.has_perm("catalog.add_canonicalmodel")

    def save_model(self, request, obj, form, change):
        if "canonical_model" in form.changed_data:
            # The editor's choice: the import leaves the offer with this canonical model.
            obj.metadata = {**obj.metadata, "canonical_pinned": True}
        super().save_model(request, obj, form, change)


@admin.register(ModelEndpoint)
class ModelEndpointAdmin(AuditHistoryMixin, admin.ModelAdmin):
    list_display = ["model", "region", "endpoint_url", "priority", "is_active"]
    list_filter = ["region", "is_active", "model__provider"]
    list_select_related = ["model"]
    search_fields = ["model__slug", "endpoint_url"]
    autocomplete_fields = ["model"]


@admin.register(Pricing)
class PricingAdmin(AuditHistoryMixin, admin.ModelAdmin):
    list_display = [
        "model",
        "tier",
        "region",
        "currency",
        "input_per_million",
        "output_per_million",
        "effective_from",
        "effective_to",
    ]
    list_filter = ["tier", "region", "currency", "model__provider", "effective_from"]
    list_select_related = ["model"]
    search_fields = ["model__slug", "tier"]
    autocomplete_fields = ["model"]
    date_hierarchy = "effective_from"


class BenchmarkScoreInline(admin.TabularInline):
    model = BenchmarkScore
    extra = 0
    fields = ["model", "score_raw", "score_normalized", "percentile", "evaluation_date", "is_official"]
    autocomplete_fields = ["model"]


@admin.register(BenchmarkSuite)
class BenchmarkSuiteAdmin(AuditHistoryMixin, LocalizedSearchMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "category", "version", "evaluation_type", "scoring_method", "max_score"]
    list_filter = ["category", "evaluation_type", "scoring_method"]
    search_fields = ["name", "slug"]
    localized_search_fields = ("description",)
    prepopulated_fields = {"slug": ["name"]}
    inlines = [BenchmarkScoreInline]


@admin.register(BenchmarkScore)
class BenchmarkScoreAdmin(AuditHistoryMixin, admin.ModelAdmin):
    list_display = ["model", "suite", "score_raw", "score_normalized", "percentile", "evaluation_date", "is_official"]
    list_filter = ["suite", "is_official", "evaluation_date", "model__provider"]
    list_select_related = ["model", "suite"]
    search_fields = ["model__slug", "suite__slug", "suite__name"]
    autocomplete_fields = ["model", "suite"]
    date_hierarchy = "evaluation_date"


@admin.register(Documentation)
class DocumentationAdmin(AuditHistoryMixin, LocalizedSearchMixin, admin.ModelAdmin):
    list_display = ["__str__", "model", "doc_type", "locale", "version", "updated_at"]
    list_filter = ["doc_type", "locale", "model__provider"]
    list_select_related = ["model"]
    search_fields = ["url", "model__slug"]
    localized_search_fields = ("title",)
    autocomplete_fields = ["model"]


class ExchangeRateForm(forms.ModelForm):
    def validate_unique(self):
        # The form has no source field, so Django would skip the one-rate-per-day rule: a
        # rate added here is always the editor's, so check the rule against that.
        self.instance.source = "editor"
        try:
            self.instance.validate_constraints()
        except ValidationError as error:
            self.add_error(None, error)


@admin.register(ExchangeRate)
class ExchangeRateAdmin(AuditHistoryMixin, admin.ModelAdmin):
    """Editors add rates (a currency the ECB lacks, or a day's override); the ECB's are read-only."""

    list_display = ["currency", "rate", "effective_date", "source"]
    list_filter = ["source", "currency"]
    search_fields = ["currency"]
    date_hierarchy = "effective_date"
    fields = ["currency", "rate", "effective_date", "source"]
    readonly_fields = ["source"]
    show_full_result_count = False  # the ECB history alone is some 220,000 rows
    form = ExchangeRateForm

    def _editable(self, obj) -> bool:
        return obj is None or obj.source == "editor"

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)
