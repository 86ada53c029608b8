"""The base of the API's localized read views."""

from rest_framework import generics

from aigo.api.locale import LocaleMixin
from aigo.api.negotiation import JSONOnlyNegotiation


# No docstring on purpose: the OpenAPI description of a view without one of its own is the
# nearest docstring up its classes (LocaleMixin's), and the published schema keeps it.
class LocalizedAPIView(LocaleMixin, generics.GenericAPIView):
    content_negotiation_class = JSONOnlyNegotiation
