"""Which serving region a request is for: the visitor's choice (the cookie the site's switcher
sets), else the edge's `X-AIGO-Region` header, else none. The one reader the database router,
the feature flags and the site's prices all use, so they never disagree about a request."""

from django.conf import settings

REGION_COOKIE = "aigo_region"
REGION_HEADER = "HTTP_X_AIGO_REGION"  # set by the edge (CDN or load balancer) in front of the app


def known_region(value: str | None) -> str | None:
    """`value` when it is one of AIGO_REGIONS, else None."""
    return value if value in settings.AIGO_REGIONS else None


def chosen_region(request) -> str | None:
    """The region the visitor picked in the switcher, if any."""
    return known_region(request.COOKIES.get(REGION_COOKIE))


def request_region(request) -> str | None:
    """The visitor's chosen region, else the edge's, else None."""
    return chosen_region(request) or known_region(request.META.get(REGION_HEADER))
