import json

from django.http import HttpResponse
from rest_framework.pagination import PageNumberPagination

from aigo.api.errors import BadRequest


def bounded(parameters: list[dict], max_page_size: int) -> list[dict]:
    """The OpenAPI query parameters of a paginator, with the bounds get_page_size enforces."""
    bounds = {"page": {"minimum": 1}, "page_size": {"minimum": 1, "maximum": max_page_size}}
    return [{**p, "schema": {**p["schema"], **bounds.get(p["name"], {})}} for p in parameters]


class StrictPageNumberPagination(PageNumberPagination):
    """Page numbers with `page_size` up to a cap; asking for more is an error, not a silent clamp."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            raise BadRequest("invalid_page_size", f"page_size must be a whole number, not {raw!r}.") from None
        if not 1 <= size <= self.max_page_size:
            raise BadRequest(
                "invalid_page_size",
                f"page_size must be between 1 and {self.max_page_size}.",
                {"max_page_size": self.max_page_size},
            )
        return size

    def get_schema_operation_parameters(self, view):
        return bounded(super().get_schema_operation_parameters(view), self.max_page_size)

    def get_json_text_response(self, rows: list[str]) -> HttpResponse:
        """The usual page envelope around rows that are already JSON text."""
        head = json.dumps(
            {"count": self.page.paginator.count, "next": self.get_next_link(), "previous": self.get_previous_link()}
        )
        return HttpResponse(f'{head[:-1]},"results":[{",".join(rows)}]}}', content_type="application/json")
