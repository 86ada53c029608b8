"""Admin list filters for array and JSON list columns (modalities, capabilities, regions)."""

from collections.abc import Callable

from django.contrib import admin


def contains_filter(field: str, title: str, choices: Callable[[], list] | list) -> type[admin.SimpleListFilter]:
    """A list filter keeping rows whose array/JSON list `field` contains the chosen value."""

    class ContainsFilter(admin.SimpleListFilter):
        parameter_name = field

        def lookups(self, request, model_admin):
            return choices() if callable(choices) else choices

        def queryset(self, request, queryset):
            value = self.value()
            return queryset.filter(**{f"{field}__contains": [value]}) if value else queryset

    ContainsFilter.title = title
    return ContainsFilter
