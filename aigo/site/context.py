"""Template context for every site page: the visitor, the switcher's choices, alternates."""

import functools

from django.conf import settings

from aigo.i18n.formatting import babel_locale
from aigo.site.locale import path_in_locale
from aigo.site.visitor import CURRENCIES, visitor_of


@functools.lru_cache(maxsize=16)
def locale_names() -> tuple[tuple[str, str], ...]:
    """Each locale named in its own language ("日本語 (日本)"), as the switcher lists them."""
    return tuple((locale, babel_locale(locale).get_display_name()) for locale in settings.AIGO_LOCALES)


def site(request) -> dict:
    locale = getattr(request, "locale", None)
    if locale is None:
        return {}
    visitor = visitor_of(request, locale)
    path = request.path

    def address(other: str) -> str:
        return request.build_absolute_uri(path_in_locale(path, other))

    return {
        "visitor": visitor,
        "locale_names": locale_names(),
        "regions": settings.AIGO_REGIONS,
        "currencies": sorted({*CURRENCIES, visitor.currency}),
        "alternates": [(other, address(other)) for other in settings.AIGO_LOCALES],
        "default_alternate": address(settings.AIGO_DEFAULT_LOCALE),
        "canonical": request.build_absolute_uri(path),
    }
