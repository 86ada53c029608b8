"""Canonical models (the thing a maker releases) and their offers: facts editable, offers listed,
and the editors' corrections of the grouping: "Merge into…" here, "Split offers out" on a
selection of offers (linked from each canonical model's page)."""

from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import slugify

from aigo.admin.filters import contains_filter
from aigo.admin.history import AuditHistoryMixin
from aigo.admin.search import LocalizedSearchMixin
from aigo.i18n import resolve
from catalog import choices
from catalog.canonical_edit import canonical_merge, canonical_split
from catalog.models import AIModel, CanonicalModel


class OfferInline(admin.TabularInline):
    model = AIModel
    fk_name = "canonical_model"
    verbose_name = "offer"
    verbose_name_plural = "offers (change them on their own pages)"
    fields = ["slug", "provider", "is_active", "released_at", "sunset_at"]
    readonly_fields = fields
    show_change_link = True
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("provider").order_by("provider__name", "slug")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def _canonical_choice(**options) -> forms.ModelChoiceField:
    # Searched like the "successor" field: the admin's autocomplete serves any field pointing here.
    widget = AutocompleteSelect(CanonicalModel._meta.get_field("successor"), admin.site)
    return forms.ModelChoiceField(queryset=CanonicalModel.objects.all(), widget=widget, **options)


class MergeForm(forms.Form):
    target = _canonical_choice(label="Merge into", help_text="The canonical model that keeps every offer.")


class SplitForm(forms.Form):
    name = forms.CharField(label="Name (en-US)", max_length=200)
    slug = forms.SlugField(max_length=CanonicalModel._meta.get_field("slug").max_length)

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if CanonicalModel.objects.filter(slug=slug).exists():
            raise ValidationError("A canonical model already has this slug.")
        return slug


def _action_page(request, model_admin, *, queryset, action: str, form, title: str, template: str):
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.model._meta,
        "queryset": queryset,
        "action": action,
        "form": form,
        "media": model_admin.media + form.media,
    }
    return TemplateResponse(request, template, context)


@admin.register(CanonicalModel)
class CanonicalModelAdmin(AuditHistoryMixin, LocalizedSearchMixin, admin.ModelAdmin):
    list_display = ["english_name", "slug", "maker", "released_at", "sunset_at", "offer_count"]
    list_filter = [
        ("maker", admin.RelatedOnlyFieldListFilter),
        "open_weights",
        "released_at",
        "sunset_at",
        contains_filter("modalities", "modality", choices.MODALITIES),
    ]
    list_select_related = ["maker"]
    search_fields = ["slug", "key", "family", "maker__name"]
    localized_search_fields = ("name",)
    autocomplete_fields = ["maker", "successor"]
    readonly_fields = ["key", "offers_split", "created_at", "updated_at"]
    inlines = [OfferInline]
    actions = ["merge_into"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "description", "maker", "family"]}),
        ("Lifecycle", {"fields": ["released_at", "deprecated_at", "sunset_at", "successor", "training_cutoff"]}),
        (
            "Facts",
            {
                "fields": [
                    "open_weights",
                    "license",
                    "parameter_count",
                    "context_window",
                    "max_output_tokens",
                    "modalities",
                    "capabilities",
                ]
            },
        ),
        ("Offers", {"fields": ["offers_split"]}),
        ("Other", {"classes": ["collapse"], "fields": ["key", "metadata", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(offer_count=Count("offers"))

    @admin.display(description="name (en-US)", ordering="slug")
    def english_name(self, obj: CanonicalModel) -> str:
        return resolve(obj.name) or obj.slug

    @admin.display(description="offers", ordering="offer_count")
    def offer_count(self, obj: CanonicalModel) -> int:
        return obj.offer_count

    @admin.display(description="split offers out")
    def offers_split(self, obj: CanonicalModel) -> str:
        if obj.pk is None:
            return "—"
        url = reverse("admin:catalog_aimodel_changelist") + "?" + urlencode({"canonical_model": obj.pk})
        return format_html('<a href="{}">Select offers of this model</a>, then the action "Split offers out".', url)

    @admin.action(description="Merge into…", permissions=["change", "delete"])
    def merge_into(self, request, queryset):
        form = MergeForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            target = form.cleaned_data["target"]
            try:
                moved = canonical_merge(sources=list(queryset), target=target)
            except ValidationError as error:
                form.add_error("target", error.messages)
            else:
                self.message_user(request, f"Merged into {target}: {moved} offers moved.", messages.SUCCESS)
                return None
        return _action_page(
            request,
            self,
            queryset=queryset,
            action="merge_into",
            form=form,
            title="Merge canonical models",
            template="admin/catalog/canonicalmodel/merge.html",
        )


@admin.action(description="Split offers out into a new canonical model", permissions=["split"])
def offers_split_out(model_admin, request, queryset):
    """An action of the offers' (AIModel) admin, whose has_split_permission says who may run it."""
    offers = list(queryset.order_by("slug"))
    initial = {"name": resolve(offers[0].name), "slug": slugify(offers[0].slug)}
    form = SplitForm(request.POST if "apply" in request.POST else None, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            canonical = canonical_split(offers=offers, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            model_admin.message_user(
                request, f"{len(offers)} offers moved to the new canonical model {canonical}.", messages.SUCCESS
            )
            return None
    return _action_page(
        request,
        model_admin,
        queryset=queryset,
        action="offers_split_out",
        form=form,
        title="Split offers out",
        template="admin/catalog/aimodel/split.html",
    )
