"""The review queue ("Source disagreements"): the open cases first, by impact then the newest, each
with every source's value and since when; an editor picks one source's value or enters their own,
and the catalog row takes it at once (catalog.review). The import opens and supersedes cases:
editors neither add nor delete them."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminRadioSelect
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from aigo.admin.changelist import PageBatchMixin
from aigo.admin.history import AuditHistoryMixin
from catalog.models import SourceDisagreement
from catalog.review import DECIDABLE, TARGET_MODELS, Stated, cases_stated, decision_check, disagreement_decide

from .sources import target_link, targets_annotate, value_text

OWN = "own"
# What an editor types for a column, by its type.
INPUT_HINTS = {
    "DateField": "a date, YYYY-MM-DD",
    "IntegerField": "a whole number",
    "BigIntegerField": "a whole number",
    "DecimalField": "a decimal number",
    "BooleanField": "yes or no",
    "CharField": "text",
}


class StatusFilter(admin.SimpleListFilter):
    """Open cases unless another status is asked for: the queue is what is left to decide."""

    title = "status"
    parameter_name = "status"
    default = "open"

    def lookups(self, request, model_admin):
        return [("open", "open"), ("resolved", "resolved"), ("superseded", "superseded"), ("all", "all")]

    def value(self):
        return super().value() or self.default

    def queryset(self, request, queryset):
        return queryset if self.value() == "all" else queryset.filter(status=self.value())

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


def _stated(case: SourceDisagreement) -> list[Stated]:
    """What the sources of `case` say: set for a whole page at once, else read for this case."""
    if not hasattr(case, "stated"):
        case.stated = cases_stated([case])[case.pk]
    return case.stated


def _day(moment) -> str:
    return timezone.localdate(moment).isoformat() if moment else "?"


def stated_label(said: Stated) -> str:
    offers = f"{said.offers} offers, " if said.offers > 1 else ""
    dates = f"since {_day(said.since)}, checked {_day(said.checked_at)}"
    return f"{said.source}: {value_text(said.value)} ({offers}{dates})"


class DecideForm(forms.ModelForm):
    pick = forms.ChoiceField(label="Value", widget=AdminRadioSelect)
    own_value = forms.CharField(label="Your own value", required=False)

    class Meta:
        model = SourceDisagreement
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        case = self.instance
        self.stated = _stated(case)
        self.fields["pick"].choices = [(str(index), stated_label(said)) for index, said in enumerate(self.stated)] + [
            (OWN, "my own value, below")
        ]
        if case.field in DECIDABLE.get(case.subject, ()):
            column = TARGET_MODELS[case.subject]._meta.get_field(case.field)
            self.fields["own_value"] = column.formfield(required=False, label="Your own value")
            self.fields["own_value"].help_text = INPUT_HINTS.get(column.get_internal_type(), "")
        if case.chosen is not None:  # a decided case shows its decision
            decided = (case.chosen_source, case.chosen)
            picked = [str(index) for index, said in enumerate(self.stated) if (said.source, said.value) == decided]
            self.initial["pick"] = picked[0] if picked else OWN
            if not picked:
                self.initial["own_value"] = case.chosen

    def clean(self):
        data = super().clean()
        pick = data.get("pick")
        if pick is None:
            return data
        if pick == OWN:
            field, value, source = "own_value", data.get("own_value"), ""
            if value in (None, ""):
                self.add_error(field, "Enter your value, or pick a source's.")
                return data
        else:
            said = self.stated[int(pick)]
            field, value, source = "pick", said.value, said.source
        try:
            decision_check(case=self.instance, value=value, source=source)
        except ValidationError as error:
            self.add_error(field, error.messages)
        self.decision = {"value": value, "source": source}
        return data


@admin.register(SourceDisagreement)
class SourceDisagreementAdmin(PageBatchMixin, AuditHistoryMixin, admin.ModelAdmin):
    list_display = ["subject", "target", "field", "sources", "impact", "opened_at", "status"]
    list_display_links = ["field"]
    list_filter = [StatusFilter, "subject", "field"]
    form = DecideForm
    decision_fields = ["pick", "own_value"]
    case_fields = ["subject", "target", "field", "sources", "impact", "opened_at", "status"]
    outcome_fields = ["chosen", "chosen_source", "resolved_by", "resolved_at"]
    readonly_fields = case_fields + outcome_fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = [(None, {"fields": self.case_fields})]
        if obj is not None and obj.status != "superseded":
            fieldsets.append(("Decision", {"fields": self.decision_fields}))
        return [*fieldsets, ("Outcome", {"fields": self.outcome_fields})]

    def page_annotate(self, rows) -> None:
        targets_annotate(rows)
        stated = cases_stated(rows)
        for row in rows:
            row.stated = stated[row.pk]

    @admin.display(description="catalog row")
    def target(self, obj: SourceDisagreement) -> str:
        return target_link(obj)

    @admin.display(description="what the sources say")
    def sources(self, obj: SourceDisagreement) -> str:
        return format_html_join(mark_safe("<br>"), "{}", ((stated_label(said),) for said in _stated(obj)))

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # A superseded case is history: the sources changed after it was opened.
        return (obj is None or obj.status != "superseded") and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        disagreement_decide(case=obj, user=request.user, **form.decision)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "show_save_and_add_another": False, "show_save_and_continue": False}
        return super().changeform_view(request, object_id, form_url, extra_context)
