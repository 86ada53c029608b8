"""Template tags of the public site: localized content and locale-aware numbers and dates.

Each reads the page's locale from the request (set by aigo.site.locale.SiteLocaleMiddleware).
"""

from django import template
from django.conf import settings
from django.utils.safestring import SafeString

from aigo.i18n import formatting, resolve
from aigo.site import status_words
from aigo.site.catalog.provenance import disclosures_html
from aigo.site.fragments import fragment_cached, fragment_variant

register = template.Library()


def _locale(context) -> str:
    request = context.get("request")
    return getattr(request, "locale", None) or settings.AIGO_DEFAULT_LOCALE


@register.simple_tag(takes_context=True)
def localized(context, value) -> str:
    """A localized JSON map in the page's locale, with the fallback chain (escaped as usual)."""
    return resolve(value, _locale(context)) or ""


@register.simple_tag(takes_context=True)
def compact(context, value) -> str:
    return formatting.compact(value, _locale(context))


@register.simple_tag(takes_context=True)
def number(context, value) -> str:
    return formatting.number(value, _locale(context))


@register.simple_tag(takes_context=True)
def percent(context, value, digits: int = 2) -> str:
    return "–" if value is None else formatting.percent(value, _locale(context), digits)


@register.simple_tag(takes_context=True)
def day(context, value, style: str = "medium") -> str:
    return formatting.day(value, _locale(context), style)


@register.simple_tag(takes_context=True)
def moment(context, value, style: str = "medium") -> str:
    return formatting.moment(value, _locale(context), style)


@register.simple_tag(takes_context=True)
def money(context, amount, currency: str) -> str:
    return formatting.money(amount, currency, _locale(context))


@register.simple_tag(takes_context=True)
def sources(context, items, converted=None) -> SafeString:
    """{% sources items converted %}: the "sources" disclosure of a fact or a price row."""
    return disclosures_html(items, converted, context, _locale(context))


@register.simple_tag
def status_label(value) -> SafeString:
    return status_words.status_label(value)


@register.simple_tag(takes_context=True)
def status_cell(context, value) -> SafeString:
    return status_words.status_cell(value, _locale(context))


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template (None when absent)."""
    return mapping.get(key) if mapping else None


@register.simple_tag(takes_context=True)
def share(context, value, digits: int = 1) -> str:
    """A share from 0 to 1 in percent ("–" when there is none)."""
    return "–" if value is None else formatting.percent(value * 100, _locale(context), digits)


@register.tag
def fragment(parser, token):
    """{% fragment "name" "kind,kind" ttl value... %}...{% endfragment %}: the enclosed part cached
    apart from the page (aigo.site.fragments), for the page's locale and the values given, which
    must name everything else the part depends on; kept `ttl` seconds at most and dropped when
    one of the kinds changes."""
    bits = token.split_contents()
    if len(bits) < 4:
        raise template.TemplateSyntaxError(f"{bits[0]} takes a name, kinds, a ttl and the values it varies by")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    name, kinds, ttl, *vary = (parser.compile_filter(bit) for bit in bits[1:])
    return FragmentNode(nodelist, name, kinds, ttl, vary)


class FragmentNode(template.Node):
    def __init__(self, nodelist, name, kinds, ttl, vary):
        self.nodelist, self.name, self.kinds, self.ttl, self.vary = nodelist, name, kinds, ttl, vary

    def render(self, context) -> str:
        kinds = tuple(kind for kind in self.kinds.resolve(context).split(",") if kind)
        values = [value.resolve(context) for value in self.vary]
        variant = fragment_variant(self.name.resolve(context), _locale(context), values)
        return fragment_cached(kinds, variant, int(self.ttl.resolve(context)), lambda: self.nodelist.render(context))
