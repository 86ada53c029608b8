"""Cached site pages: the API's response cache (Redis, per-process copies, invalidated by the
same kinds: models, benchmarks, news), keyed by what changes a page: its address and the
visitor's locale, currency and region."""

from collections.abc import Callable
from functools import wraps

from django.utils.cache import patch_cache_control, patch_vary_headers

from aigo.api.cache import MAX_AGE, REDIS_TTL, serve_cached
from aigo.site.visitor import visitor_of

LIVE_TTL = 30  # pages that also show live status or trending: no write invalidates those


def cached_page(*kinds: str, ttl: int = REDIS_TTL, stale: int = 0, awaited: Callable[[], bool] | None = None):
    """For site views taking (request, locale, ...). `ttl` bounds pages that also show live
    data (status, trending), which no write invalidates; `stale` and `awaited` are serve_cached's."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, locale: str, *args, **kwargs):
            if request.method not in ("GET", "HEAD"):
                return view(request, locale, *args, **kwargs)
            visitor = visitor_of(request, locale)
            variant = f"page:{request.path}?{sorted(request.GET.lists())}|{locale}|{visitor.currency}|{visitor.region}"

            def produce():
                response = view(request, locale, *args, **kwargs)
                if hasattr(response, "render"):
                    response.render()
                return response

            response = serve_cached(request, kinds, variant, produce, ttl, stale, awaited)
            if response.has_header("ETag"):
                patch_cache_control(response, public=True, max_age=min(ttl, MAX_AGE))
                # Currency and region come from cookies.
                patch_vary_headers(response, ["Cookie"])
            return response

        return wrapper

    return decorator
