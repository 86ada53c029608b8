"""django-csp's Content-Security-Policy on the site's and the admin's pages, not on the API's JSON.

A JSON response is not a document a browser renders (it is served with `nosniff`), and django-csp
builds the policy for every response before deciding to send it: a tenth of a cold API request.
"""

from csp.middleware import CSPMiddleware

from aigo.api.errors import API_PREFIX


class PageCSPMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        if request.path_info.startswith(API_PREFIX):
            return response
        return super().process_response(request, response)
