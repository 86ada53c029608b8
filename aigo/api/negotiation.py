from rest_framework.negotiation import DefaultContentNegotiation


class JSONOnlyNegotiation(DefaultContentNegotiation):
    """The API speaks JSON only, so there is no response type to negotiate: skip DRF's Accept
    parsing, which costs a cached response more than serving it. The request's Content-Type is
    still matched against the view's parsers: a body of a type the view does not read is a 415,
    as the schema says, not a JSON body read whatever it is labelled."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type
