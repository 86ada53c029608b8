"""Query parameters of the model list. Bad values answer 400 naming the parameter."""

import django_filters
from django import forms
from django.db.models import Case, F, FloatField, Value, When
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Lower

from catalog import choices, selectors
from catalog.models import ModelListing

SEARCH_LIMIT = 500

# ordering parameter value -> the expression it sorts by (NULLs always last)
ORDERINGS = {
    "name": Lower(KeyTextTransform("en-US", "name")),
    "released_at": F("released_at"),
    "context_window": F("context_window"),
    "input_price": F("input_per_million"),
    "output_price": F("output_per_million"),
}


class CommaListField(forms.Field):
    """`a,b,c` -> ["a", "b", "c"], each checked against the allowed choices."""

    def __init__(self, *, choices: list[tuple[str, str]], **kwargs):
        self.allowed = [value for value, _label in choices]
        super().__init__(**kwargs)

    def to_python(self, value):
        if not value:
            return []
        items = [item.strip() for item in value.split(",") if item.strip()]
        unknown = [item for item in items if item not in self.allowed]
        if unknown:
            # Through params: django-filter %-formats the message, and the values may hold a %.
            raise forms.ValidationError(
                "Unknown value %(unknown)s; choose from %(allowed)s.",
                code="invalid_choice",
                params={"unknown": ", ".join(unknown), "allowed": ", ".join(self.allowed)},
            )
        return items


class StrictBooleanField(forms.Field):
    """true/false (also 1/0, yes/no); anything else is an error, not "no filter"."""

    VALUES = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}

    def to_python(self, value):
        if value in (None, ""):
            return None
        try:
            return self.VALUES[str(value).strip().lower()]
        except KeyError:
            raise forms.ValidationError(
                "Use true or false, not %(value)r.", code="invalid", params={"value": value}
            ) from None


class StrictBooleanFilter(django_filters.Filter):
    field_class = StrictBooleanField


class ContainsAllFilter(django_filters.Filter):
    """Rows whose array column contains every listed value."""

    def __init__(self, *, choices, **kwargs):
        self.allowed_choices = choices
        super().__init__(**kwargs)

    @property
    def field(self):
        if not hasattr(self, "_field"):
            self._field = CommaListField(
                choices=self.allowed_choices, required=False, help_text=self.extra.get("help_text")
            )
        return self._field

    def filter(self, qs, value):
        return qs.filter(**{f"{self.field_name}__contains": value}) if value else qs


class ModelListingFilter(django_filters.FilterSet):
    provider = django_filters.BaseInFilter(
        field_name="provider_slug", help_text="Provider slug(s), comma-separated: any of them."
    )
    modality = ContainsAllFilter(
        field_name="modalities", choices=choices.MODALITIES, help_text="Modalities, comma-separated: all of them."
    )
    capability = ContainsAllFilter(
        field_name="capabilities",
        choices=choices.CAPABILITIES,
        help_text="Capabilities, comma-separated: all of them.",
    )
    min_context = django_filters.NumberFilter(
        field_name="context_window", lookup_expr="gte", min_value=0, help_text="Minimum context window in tokens."
    )
    active = StrictBooleanFilter(field_name="is_active", help_text="true: active models only; false: retired.")
    released_after = django_filters.DateFilter(
        field_name="released_at", lookup_expr="gt", help_text="Released strictly after this date (YYYY-MM-DD)."
    )
    q = django_filters.CharFilter(method="search", max_length=200, help_text="Free text: names in any locale, typos.")
    ordering = django_filters.ChoiceFilter(
        method="order",
        choices=[(value, value) for name in ORDERINGS for value in (name, f"-{name}")],
        help_text="Sort by name, released_at, context_window, input_price or output_price; prefix - to reverse.",
    )

    class Meta:
        model = ModelListing
        fields = []

    def search(self, queryset, name, value):
        locale = self.request.locale if self.request is not None and hasattr(self.request, "locale") else "en-US"
        ranked = selectors.models_search(query=value, locale=locale, limit=SEARCH_LIMIT)
        rank = Case(
            *[When(id=model_id, then=Value(score)) for model_id, score in ranked],
            default=Value(0.0),
            output_field=FloatField(),
        )
        return queryset.filter(id__in=[model_id for model_id, _ in ranked]).annotate(search_rank=rank)

    def order(self, queryset, name, value):
        descending = value.startswith("-")
        expression = ORDERINGS[value.lstrip("-")]
        ordered = expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
        return queryset.order_by(ordered, "slug")

    @property
    def qs(self):
        queryset = super().qs
        if not queryset.query.order_by:
            default = ["-search_rank", "slug"] if "search_rank" in queryset.query.annotations else ["slug"]
            queryset = queryset.order_by(*default)
        return queryset
