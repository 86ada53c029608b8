"""Embeddable badges: /badges/<model>/<kind>.svg, shields-style SVG for READMEs and docs.

Kinds: `uptime` (?window=24h|7d|30d), `latency` (p95 now), `status` (now), `price` (standard
input / output per 1M tokens, ?currency=) and `rank` (?benchmark=<suite>). Labels in ?locale=.
No cookies are read or set: a badge depends on its URL alone, so it is cached (Redis, with the
pages' invalidation; live kinds for a minute) and sent with ETag and Cache-Control.
"""

import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext

from aigo.api.cache import MAX_AGE, serve_cached
from aigo.i18n import translated
from aigo.i18n.formatting import money, number
from catalog import selectors
from catalog.currency import convert, rates_on
from catalog.models import AIModel, BenchmarkSuite
from status.selectors import UPTIME_WINDOWS, status_current, status_uptime

LIVE_TTL = 60
GREEN, YELLOWGREEN, YELLOW, ORANGE, RED, GREY, BLUE = (
    "#4c1",
    "#a4a61d",
    "#dfb317",
    "#fe7d37",
    "#e05d44",
    "#9f9f9f",
    "#007ec6",
)
WINDOWS = [name for name in UPTIME_WINDOWS if name != "90d"]


@dataclass(frozen=True)
class Badge:
    label: str
    value: str
    color: str


def _text_width(text: str) -> int:
    """Approximate width in px of Verdana 11px: wide (CJK) characters count double."""
    return sum(13 if unicodedata.east_asian_width(char) in "WF" else 7 for char in text) + 10


def badge_svg(badge: Badge) -> str:
    label_width, value_width = _text_width(badge.label), _text_width(badge.value)
    return render_to_string(
        "site/badge.svg",
        {
            "badge": badge,
            "label_width": label_width,
            "value_width": value_width,
            "width": label_width + value_width,
            "label_x": label_width / 2,
            "value_x": label_width + value_width / 2,
        },
    )


def _uptime(model: AIModel, params, locale: str) -> Badge:
    window = params.get("window", "30d")
    if window not in WINDOWS:
        raise Http404(f"window must be one of {', '.join(WINDOWS)}.")
    uptime = status_uptime(model_id=model.pk)[window]
    label = gettext("uptime %(window)s") % {"window": window}
    if uptime is None:
        return Badge(label, gettext("no data"), GREY)
    color = GREEN if uptime >= 99.9 else YELLOWGREEN if uptime >= 99 else YELLOW if uptime >= 95 else RED
    return Badge(label, f"{number(Decimal(str(uptime)), locale)} %", color)


def _now(model: AIModel) -> list[dict]:
    return [row for row in status_current(model_id=model.pk, slug=model.slug) if row["availability"] is not None]


def _latency(model: AIModel, params, locale: str) -> Badge:
    p95s = [row["latency_p95"] for row in _now(model) if row["latency_p95"] is not None]
    label = gettext("latency p95")
    if not p95s:
        return Badge(label, gettext("no data"), GREY)
    p95 = sum(p95s) / len(p95s)
    color = GREEN if p95 < 500 else YELLOW if p95 < 1500 else ORANGE
    return Badge(label, f"{number(round(p95), locale)} ms", color)


def _status(model: AIModel, params, locale: str) -> Badge:
    rows = _now(model)
    label = gettext("status")
    if not rows:
        return Badge(label, gettext("no data"), GREY)
    worst = min(row["availability"] for row in rows)
    if worst >= settings.AIGO_INCIDENT_AVAILABILITY_THRESHOLD:
        return Badge(label, gettext("operational"), GREEN)
    return Badge(label, gettext("degraded") if worst >= 50 else gettext("down"), ORANGE if worst >= 50 else RED)


def _price(model: AIModel, params, locale: str) -> Badge:
    today = timezone.localdate()
    [standard, *_] = selectors.prices_in_effect(model.pricing.all(), as_of=today, tier="standard") or [None]
    label = gettext("price per 1M tokens")
    if standard is None or standard.input_per_million is None:
        return Badge(label, gettext("no price"), GREY)
    currency = params.get("currency", standard.currency).upper()
    rates = rates_on([currency, standard.currency], today)

    def shown(amount):
        if amount is None:
            return "–"
        converted = convert(amount, standard.currency, currency, rates, places=8)
        return money(converted.amount if converted else amount, currency if converted else standard.currency, locale)

    value = gettext("%(input)s in / %(output)s out") % {
        "input": shown(standard.input_per_million),
        "output": shown(standard.output_per_million),
    }
    return Badge(label, value, BLUE)


def _rank(model: AIModel, params, locale: str) -> Badge:
    suite = BenchmarkSuite.objects.filter(slug=params.get("benchmark", "")).first()
    if suite is None:
        raise Http404("Name a benchmark: ?benchmark=<suite slug>.")
    ranked = list(selectors.leaderboard(suite=suite).values_list("model__slug", flat=True))
    if model.slug not in ranked:
        return Badge(suite.name, gettext("unranked"), GREY)
    place = ranked.index(model.slug) + 1
    color = GREEN if place <= 3 else YELLOWGREEN if place <= 10 else BLUE
    return Badge(suite.name, gettext("#%(place)s of %(count)s") % {"place": place, "count": len(ranked)}, color)


SHOWN = [("status", ""), ("uptime", "?window=30d"), ("latency", ""), ("price", "")]  # on the model page


def badge_snippets(request, model: AIModel, *, name: str, locale: str) -> list[dict]:
    """What the model page offers to embed: each badge's URL and its Markdown and HTML, with
    labels in the page's language."""
    page = request.build_absolute_uri(reverse("site:model", args=[locale, model.slug]))
    snippets = []
    for kind, query in SHOWN:
        if locale != settings.AIGO_DEFAULT_LOCALE:
            query = f"{query}{'&' if query else '?'}locale={locale}"
        url = request.build_absolute_uri(reverse("badge", args=[model.slug, kind])) + query
        alt = f"{name}: {kind}"
        snippets.append(
            {
                "kind": kind,
                "url": url,
                "markdown": f"[![{alt}]({url})]({page})",
                "html": f'<a href="{escape(page)}"><img src="{escape(url)}" alt="{escape(alt)}"></a>',
            }
        )
    return snippets


KINDS = {"uptime": _uptime, "latency": _latency, "status": _status, "price": _price, "rank": _rank}
LIVE = {"uptime", "latency", "status"}  # no write invalidates these: a short life instead


def badge(request, slug: str, kind: str):
    if kind not in KINDS:
        raise Http404(f"No {kind} badge.")
    locale = request.GET.get("locale", "en-US")
    if locale not in settings.AIGO_LOCALES:
        locale = "en-US"
    variant = f"badge:{request.path}?{sorted(request.GET.lists())}"

    def produce() -> HttpResponse:
        model = AIModel.objects.filter(slug=slug).first()
        if model is None:
            raise Http404(f"No model {slug!r}.")
        with translated(locale):
            svg = badge_svg(KINDS[kind](model, request.GET, locale))
        return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")

    ttl = LIVE_TTL if kind in LIVE else MAX_AGE * 10
    response = serve_cached(request, ("models", "benchmarks"), variant, produce, ttl)
    response["Cache-Control"] = f"public, max-age={min(ttl, MAX_AGE)}"
    response["Access-Control-Allow-Origin"] = "*"
    return response
