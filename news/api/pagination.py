from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination

from aigo.api.errors import BadRequest
from aigo.api.pagination import StrictPageNumberPagination, bounded


class NewestFirstCursorPagination(CursorPagination):
    """Newest first by an opaque cursor: pages stay stable while articles are published."""

    ordering = ("-published_at", "-id")
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    # The same strict page_size check as the page-number lists.
    get_page_size = StrictPageNumberPagination.get_page_size

    def get_schema_operation_parameters(self, view):
        return bounded(super().get_schema_operation_parameters(view), self.max_page_size)

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound:  # DRF's answer to a cursor it cannot read; it is bad input, not a missing page
            raise BadRequest("invalid_cursor", "The cursor is not one this API gave out.") from None
