"""Change lists whose columns read other tables: one batch per page, never a query per row."""

from collections.abc import Sequence

from django.db.models import Model
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html


class PageBatchMixin:
    """ModelAdmin mixin: `page_annotate(rows)` runs once over the rows of the change list's page,
    before any column is drawn, to set on each row what its columns show."""

    def page_annotate(self, rows: Sequence[Model]) -> None:
        raise NotImplementedError

    def get_changelist(self, request, **kwargs):
        base = super().get_changelist(request, **kwargs)
        model_admin = self

        class PageBatchChangeList(base):
            def get_results(self, request):
                super().get_results(request)
                # Iterating fills the page's result cache: the columns then read the same rows.
                model_admin.page_annotate(list(self.result_list))

        return PageBatchChangeList


def change_link(obj: Model | None, text: str | None = None) -> str:
    """A link to `obj`'s admin change page (its name alone where it has none); "—" for None."""
    if obj is None:
        return "—"
    opts = obj._meta
    try:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return text or str(obj)
    return format_html('<a href="{}">{}</a>', url, text or str(obj))
