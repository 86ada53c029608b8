"""Parts of site pages cached apart from the page: `{% fragment %}` in a template.

A page's parts change for different reasons and at different rates: a model's facts and
benchmark scores when the catalog changes, its prices also with the visitor's currency and the
day, its live status every minute, its news when an article is published. Cached whole, the
page is rebuilt for any of them; cached in parts, a page the response cache does not hold (a
visitor's first currency, a page past its short live life, any page after an unrelated write) is
assembled from the parts that still hold, and only the others are rendered.

Parts live in the response cache (aigo.api.cache): the same per-process copies and Redis, the
same kinds and generations for invalidation, the same keying by release and read database. A
view hands the template its expensive values as `lazy_context()` entries, computed only when a
part that is not cached reads them.
"""

import functools
import pickle
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

from aigo.api.cache import CachedResponse, cache_fill, cache_slot, response_cache


def fragment_variant(name: str, locale: str, values: list) -> str:
    """What a part is keyed by besides its kinds: its name, the page's locale and the values given."""
    return f"{name}|{locale}|{values!r}"


def fragment_cached(kinds: tuple[str, ...], variant: str, ttl: int, render: Callable[[], str]) -> SafeString:
    key, _variant, ttl = cache_slot(kinds, f"fragment:{variant}", ttl, settings.AIGO_FRAGMENT_CACHE)
    cached = response_cache.get(key, ttl) if key else None
    if cached is None:
        cached = cache_fill(key, ttl, lambda: CachedResponse(render().encode(), "text/html", ""))
    return mark_safe(cached.body.decode())


def value_cached(kinds: tuple[str, ...], variant: str, ttl: int, compute: Callable[[], Any]) -> Any:
    """`compute()`'s value (picklable: e.g. the rows a page's parts are keyed by), kept beside the
    parts and dropped with them, so a page whose parts are all cached reads nothing else. An
    exception (a row that does not exist) is raised each time, never kept."""
    key, _variant, ttl = cache_slot(kinds, f"value:{variant}", ttl, settings.AIGO_FRAGMENT_CACHE)
    cached = response_cache.get(key, ttl) if key else None
    if cached is None:
        cached = cache_fill(key, ttl, lambda: CachedResponse(pickle.dumps(compute()), "application/x-pickle", ""))
    return pickle.loads(cached.body)


def lazy_context(compute: Callable[[], dict], names: Iterable[str]) -> dict:
    """Context entries for `names`, each read from `compute()`'s result, which runs once, when a
    template first reads one of them (Django calls callables it finds in a context)."""
    once = functools.cache(compute)
    return {name: functools.partial(_item, once, name) for name in names}


def _item(compute: Callable[[], dict], name: str):
    return compute()[name]
