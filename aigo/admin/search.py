"""Admin search over localized JSON columns."""

from django.db.models import Q, TextField
from django.db.models.functions import Cast


class LocalizedSearchMixin:
    """Searches localized JSON columns in every locale (an editor may type a Chinese name)."""

    localized_search_fields: tuple[str, ...] = ()

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term and self.localized_search_fields:
            base = self.model._default_manager.all()
            condition = Q()
            for field in self.localized_search_fields:
                base = base.annotate(**{f"{field}_text": Cast(field, TextField())})
                condition |= Q(**{f"{field}_text__icontains": search_term})
            queryset |= self.model._default_manager.filter(pk__in=base.filter(condition).values("pk"))
        return queryset, may_have_duplicates
