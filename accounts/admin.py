from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import HttpResponseRedirect
from django.template import engines
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from aigo.admin.filters import contains_filter
from aigo.admin.history import AuditHistoryMixin

from .features import features_republish
from .keys import RevealFailed, api_key_reveal, api_key_scopes_validate, api_key_secret_assign
from .models import API_KEY_SCOPES, ApiKey, FeatureFlag

REVEAL_PAGE = engines["django"].from_string(
    """{% extends "admin/base_site.html" %}
{% block breadcrumbs %}<div class="breadcrumbs"><a href="{% url 'admin:index' %}">Home</a>
&rsaquo; <a href="{{ changelist_url }}">API keys</a> &rsaquo; <a href="{{ change_url }}">{{ original }}</a>
&rsaquo; {{ title }}</div>{% endblock %}
{% block content %}
{% if awaiting %}
<p>This key was issued by rotation{% if predecessor %} to replace {{ predecessor }}{% endif %}. Its full text
is kept encrypted until someone shows it here, once: showing it wipes it. Copy it and hand it to its owner.</p>
<form method="post">{% csrf_token %}
<input type="submit" value="Show the new key once"> <a href="{{ change_url }}" class="button cancel-link">Cancel</a>
</form>
{% else %}
<p>There is no key to show: it was shown already, or this key was issued directly (its key was shown then).</p>
<p><a href="{{ change_url }}">Back to the key</a></p>
{% endif %}
{% endblock %}"""
)


class ApiKeyForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(choices=API_KEY_SCOPES, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ApiKey
        fields = ["name", "user_identifier", "scopes", "rate_limit", "expires_at", "is_active"]

    def clean_scopes(self) -> list[str]:
        return api_key_scopes_validate(self.cleaned_data["scopes"])

    def clean_expires_at(self):
        expires_at = self.cleaned_data["expires_at"]
        if expires_at is not None and self.instance._state.adding and expires_at <= timezone.now():
            raise ValidationError("A new key must expire in the future.")
        return expires_at


class AwaitingRevealFilter(admin.SimpleListFilter):
    title = "new key to show"
    parameter_name = "awaiting_reveal"

    def lookups(self, request, model_admin):
        return [("yes", "Waiting to be shown once")]

    def queryset(self, request, queryset):
        return queryset.filter(awaiting_reveal=True) if self.value() == "yes" else queryset


@admin.register(ApiKey)
class ApiKeyAdmin(AuditHistoryMixin, admin.ModelAdmin):
    form = ApiKeyForm
    list_display = [
        "public_id",
        "name",
        "scope_list",
        "is_active",
        "expires_at",
        "last_used_at",
        "rotated_at",
        "awaiting_reveal",
        "created_at",
    ]
    list_filter = [
        "is_active",
        contains_filter("scopes", "scope", API_KEY_SCOPES),
        ("rotated_at", admin.EmptyFieldListFilter),
        AwaitingRevealFilter,
        "expires_at",
    ]
    search_fields = ["name", "public_id", "user_identifier"]
    actions = ["deactivate"]
    readonly_fields = [
        "public_id",
        "key_hash",
        "created_at",
        "last_used_at",
        "rotated_at",
        "replaced_by",
        "predecessor",
        "new_key",
    ]
    add_fieldsets = [(None, {"fields": ["name", "user_identifier", "scopes", "rate_limit", "expires_at"]})]
    fieldsets = [
        (None, {"fields": ["name", "user_identifier", "scopes", "rate_limit", "expires_at", "is_active"]}),
        ("Key", {"fields": ["public_id", "key_hash", "created_at", "last_used_at"]}),
        ("Rotation", {"fields": ["rotated_at", "replaced_by", "predecessor", "new_key"]}),
    ]

    def get_queryset(self, request):
        # The encrypted one-time key is never loaded here, only whether there is one.
        waiting = ExpressionWrapper(Q(one_time_key__isnull=False), output_field=BooleanField())
        return (
            super()
            .get_queryset(request)
            .defer("one_time_key")
            .annotate(awaiting_reveal=waiting)
            .select_related("replaces")
        )

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else self.fieldsets

    def save_model(self, request, obj: ApiKey, form, change: bool) -> None:
        full_key = None if change else api_key_secret_assign(obj)
        super().save_model(request, obj, form, change)
        if full_key:
            messages.warning(request, f"Copy this key now: {full_key} — it is not stored and cannot be shown again.")

    @admin.display(description="scopes")
    def scope_list(self, obj: ApiKey) -> str:
        return ", ".join(obj.scopes)

    @admin.display(description="new key to show", boolean=True, ordering="awaiting_reveal")
    def awaiting_reveal(self, obj: ApiKey) -> bool:
        return obj.awaiting_reveal

    @admin.display(description="replaces")
    def predecessor(self, obj: ApiKey) -> str:
        old = getattr(obj, "replaces", None)
        if old is None:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("admin:accounts_apikey_change", args=[old.pk]), old)

    @admin.display(description="new key")
    def new_key(self, obj: ApiKey) -> str:
        if not obj.awaiting_reveal:
            return "—"
        return format_html('<a class="button" href="{}">Show the new key once…</a>', self._reveal_url(obj))

    @admin.action(description="Deactivate selected keys", permissions=["change"])
    def deactivate(self, request, queryset) -> None:
        count = queryset.update(is_active=False, one_time_key=None)
        self.message_user(request, f"Deactivated {count} key{'s' if count != 1 else ''}.", messages.SUCCESS)

    def _reveal_url(self, obj: ApiKey) -> str:
        return reverse("admin:accounts_apikey_reveal", args=[obj.pk], current_app=self.admin_site.name)

    def get_urls(self):
        reveal = path(
            "<path:object_id>/reveal/", self.admin_site.admin_view(self.reveal_view), name="accounts_apikey_reveal"
        )
        return [reveal, *super().get_urls()]

    def reveal_view(self, request, object_id: str):
        """GET: what showing the key means. POST: show it once (a message), wipe it, back to the key."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        change_url = reverse("admin:accounts_apikey_change", args=[obj.pk], current_app=self.admin_site.name)
        if request.method == "POST":
            try:
                full_key = api_key_reveal(key_id=obj.pk)
            except RevealFailed as error:
                messages.error(request, f"{error} Deactivate this key and issue a new one.")
            else:
                if full_key is None:
                    messages.error(request, "There is no key to show: it was shown already.")
                else:
                    messages.warning(request, f"Copy this key now: {full_key} — it was shown once and is not stored.")
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": "Show the new key once",
            "opts": self.opts,
            "original": obj,
            "predecessor": getattr(obj, "replaces", None),
            "awaiting": obj.awaiting_reveal,
            "change_url": change_url,
            "changelist_url": reverse("admin:accounts_apikey_changelist", current_app=self.admin_site.name),
        }
        return TemplateResponse(request, REVEAL_PAGE, context)


@admin.register(FeatureFlag)
class FeatureFlagAdmin(admin.ModelAdmin):
    """Staff switch features per region here; each save republishes that region's Redis hash."""

    list_display = ["name", "region", "enabled", "updated_at"]
    list_editable = ["enabled"]
    list_filter = ["region", "enabled"]
    search_fields = ["name"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        transaction.on_commit(lambda: features_republish(obj.region))

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        transaction.on_commit(lambda: features_republish(obj.region))

    def delete_queryset(self, request, queryset):
        regions = set(queryset.values_list("region", flat=True))
        super().delete_queryset(request, queryset)
        transaction.on_commit(lambda: [features_republish(region) for region in regions])
