from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from aigo.admin.history import AuditHistoryMixin
from status.incidents import incident_check_transition, incident_reopen, incident_transition
from status.models import Incident, IncidentUpdate


class IncidentForm(forms.ModelForm):
    update_message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Shown publicly on the incident's timeline. Required when the status changes.",
    )

    class Meta:
        model = Incident
        exclude = ["identified_at", "resolved_at"]

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if self.instance.pk and status and status != self.instance.status:
            incident_check_transition(current=self.instance.status, wanted=status)
            if not cleaned.get("update_message"):
                self.add_error("update_message", "Say what changed: it goes on the public timeline.")
        if not self.instance.pk and not cleaned.get("update_message"):
            self.add_error("update_message", "The first timeline entry: what is happening?")
        return cleaned


class IncidentUpdateInline(admin.TabularInline):
    model = IncidentUpdate
    extra = 0
    fields = ["created_at", "status", "message", "author"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Incident)
class IncidentAdmin(AuditHistoryMixin, admin.ModelAdmin):
    form = IncidentForm
    list_display = ["title", "severity", "status", "model", "provider", "started_at", "resolved_at"]
    list_filter = ["status", "severity", "provider", "started_at"]
    list_select_related = ["model", "provider"]
    search_fields = ["title", "description", "model__slug", "provider__name"]
    autocomplete_fields = ["model", "provider"]
    readonly_fields = ["identified_at", "resolved_at", "created_at", "updated_at"]
    inlines = [IncidentUpdateInline]
    actions = ["reopen"]
    date_hierarchy = "started_at"

    def save_model(self, request, obj, form, change):
        author = request.user.get_username()
        message = form.cleaned_data.get("update_message", "")
        wanted = obj.status
        if not change:
            obj.status = "investigating"
            super().save_model(request, obj, form, change)
            IncidentUpdate.objects.create(incident=obj, status="investigating", message=message, author=author)
            if wanted != "investigating":
                incident_transition(incident=obj, status=wanted, message=message, author=author)
            return
        previous = Incident.objects.get(pk=obj.pk).status
        obj.status = previous
        super().save_model(request, obj, form, change)
        if wanted != previous:
            incident_transition(incident=obj, status=wanted, message=message, author=author)

    @admin.action(description="Reopen the selected resolved incidents")
    def reopen(self, request, queryset):
        for incident in queryset:
            try:
                incident_reopen(incident=incident, message="Reopened.", author=request.user.get_username())
            except ValidationError as error:
                self.message_user(request, f"{incident}: {error.messages[0]}", messages.ERROR)
