"""Status pages of the public site: the model x region grid, a model's status history and
the incidents with their timelines. Live values arrive over the SSE stream when JavaScript
runs; without it every page is complete as served.

The overview is what a crowd polls when a provider is down: it is served from the page cache
for a few seconds at most, and each ingest that shows a new value and each incident change
drops it (kind "status"), so the next request shows the live state. Its grid is a part shared by
every currency and region, which the worker draws again a moment after each burst of ingests for
the locales read lately (aigo.site.tasks)."""

import functools
import hashlib
import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from redis.exceptions import RedisError

from aigo.i18n import resolve
from aigo.i18n.formatting import day, moment, number
from aigo.i18n.locales import translated
from aigo.redis import redis_client, rkey
from aigo.site.cache import cached_page
from aigo.site.charts import Series, line_chart, sparkline
from aigo.site.fragments import fragment_cached, fragment_variant
from aigo.site.status_words import live_labels, status_cell
from catalog.models import AIModel
from status.live import CACHE_KIND as STATUS
from status.models import Incident
from status.selectors import latency_by_hour, latency_series, status_current, status_grid, status_uptime
from status.stream import MAX_MODELS as STREAM_MAX_MODELS

RANGES = {
    "24h": (timedelta(hours=24), timedelta(minutes=5)),
    "7d": (timedelta(days=7), timedelta(hours=1)),
    "30d": (timedelta(days=30), timedelta(hours=6)),
}
INCIDENTS_PER_PAGE = 25
# Browsers polling the overview revalidate this often (a 304 when nothing changed); cells with no
# live value show rollups, which change without an invalidation, so this also bounds their age.
OVERVIEW_TTL = 5
# While one thread renders the overview anew, the others answer the copy they served last (if it
# is this recent) rather than queue behind it: under a crowd that wait was the page's slowest tail.
OVERVIEW_STALE = 30
# The hourly p95s behind the sparklines move only when a rollup run lands (once a minute): shared
# that long, they spare each re-render of the overview its costliest query.
SPARKLINES_TTL = 60
OVERVIEW_PART = "status-overview"  # its {% fragment %} name in site/status/overview.html
# How lately a locale's overview was served for its part to be drawn again after each ingest.
OVERVIEW_REDRAWN = 600
# For this long after a burst of ingests asked the worker to draw the overview again
# (aigo.site.tasks), its readers are answered the copy their process served last, as while another
# thread renders: about the redraw's delay and drawing. Past it (no worker) they draw it themselves.
REDRAW_AWAITED = 3


def grid_cells(grid: list[dict], locale: str) -> None:
    """Each entry's row of cells as one piece of HTML, each distinct value's cell rendered once:
    a template loop (then format_html) per cell was most of the overview's render."""
    labels = live_labels()
    rendered: dict[float | None, str] = {}
    regions = [(region, escape(region)) for region in settings.AIGO_REGIONS]
    for entry in grid:
        slug = escape(entry["slug"])
        row = []
        for region, region_html in regions:
            value = entry["regions"][region]["availability"]
            if value not in rendered:
                rendered[value] = status_cell(value, locale, labels)
            row.append(f'<td data-model="{slug}" data-region="{region_html}">{rendered[value]}</td>')
        entry["cells"] = mark_safe("".join(row))  # noqa: S308 - escaped above, the cells by format_html


@functools.lru_cache(maxsize=1024)
def sparkline_drawn(values: tuple[float | None, ...], label: str) -> SafeString:
    """A sparkline drawn once per process for its data (which changes once an hour per model)."""
    return sparkline(values, label=label)


def latency_by_hour_shared(slugs: list[str]) -> dict[str, list[float | None]]:
    """latency_by_hour() of these models, computed once a minute for every process (and every
    time when Redis is down)."""
    digest = hashlib.blake2b(",".join(slugs).encode(), digest_size=16).hexdigest()
    return cache.get_or_set(rkey("status", "sparklines", digest), lambda: latency_by_hour(slugs=slugs), SPARKLINES_TTL)


def overview_locales_key() -> str:
    """The locales whose overview was served lately: a sorted set, scored by time."""
    return rkey("status", "overview", "locales")


def overview_part(locale: str) -> SafeString:
    """The overview's grid and incidents: the same for every currency and region, so one copy
    per locale serves them all, in every process, until the next ingest."""
    grid = status_grid()
    latency = latency_by_hour_shared([entry["slug"] for entry in grid])
    label = gettext("p95 latency, last 24 hours")
    for entry in grid:
        entry["title"] = resolve(entry["name"], locale) or entry["slug"]
        entry["sparkline"] = sparkline_drawn(tuple(latency.get(entry["slug"], ())), label)
    grid_cells(grid, locale)
    return render_to_string(
        "site/status/overview_part.html",
        {
            "locale": locale,
            "grid": grid,
            "regions": settings.AIGO_REGIONS,
            "stream_models": ",".join(entry["slug"] for entry in grid[:STREAM_MAX_MODELS]),
            "live_labels": live_labels(),
            "incidents": Incident.objects.exclude(status="resolved").select_related("model", "provider")[:20],
        },
    )


def overview_redraw_key() -> str:
    """Set (to when it was asked for) while a redraw by the worker is pending."""
    return rkey("status", "overview", "redraw")


def overview_redraw_awaited() -> bool:
    """The worker is about to draw the overview again: asked less than REDRAW_AWAITED seconds ago."""
    try:
        asked = redis_client().get(overview_redraw_key())
    except RedisError:
        return False
    return asked is not None and float(asked) > time.time() - REDRAW_AWAITED


def overview_redraw() -> None:
    """The overview's grid part drawn again for each locale read lately: the crowd polling the page
    is then answered from the cache, where after each ingest (one every few seconds under load)
    its readers used to wait for a render."""
    try:
        locales = redis_client().zrangebyscore(overview_locales_key(), time.time() - OVERVIEW_REDRAWN, "+inf")
    except RedisError:
        return
    for locale in (raw.decode() for raw in locales):
        with translated(locale):
            variant = fragment_variant(OVERVIEW_PART, locale, [])
            fragment_cached(("models", STATUS), variant, OVERVIEW_TTL, lambda locale=locale: overview_part(locale))


@cached_page("models", STATUS, ttl=OVERVIEW_TTL, stale=OVERVIEW_STALE, awaited=overview_redraw_awaited)
def overview(request, locale: str):
    try:
        redis_client().zadd(overview_locales_key(), {locale: time.time()})
    except RedisError:
        pass  # no redraw after ingests without Redis, and no cache either
    return TemplateResponse(
        request,
        "site/status/overview.html",
        {"nav": "status", "overview_ttl": OVERVIEW_TTL, "overview_part": lambda: overview_part(locale)},
    )


def model_status(request, locale: str, slug: str):
    model = get_object_or_404(AIModel.objects.select_related("provider"), slug=slug)
    chosen = request.GET.get("range", "24h")
    span, step = RANGES.get(chosen, RANGES["24h"])
    region = request.GET.get("region") if request.GET.get("region") in settings.AIGO_REGIONS else None
    now = timezone.now()
    series = latency_series(model_id=model.id, start=now - span, end=now, step=step, region=region)
    x_format = (lambda at: moment(at, locale, "short")) if span <= timedelta(days=1) else (lambda at: day(at, locale))
    chart = line_chart(
        [
            Series("p50", [(at, p50) for at, p50, _p95, _p99 in series], "s1"),
            Series("p95", [(at, p95) for at, _p50, p95, _p99 in series], "s2"),
            Series("p99", [(at, p99) for at, _p50, _p95, p99 in series], "s3"),
        ],
        label=_("Latency percentiles in milliseconds"),
        y_format=lambda value: f"{number(round(value), locale)} ms",
        x_format=x_format,
    )
    return TemplateResponse(
        request,
        "site/status/model.html",
        {
            "nav": "status",
            "model": model,
            "name": resolve(model.name, locale) or model.slug,
            "status": status_current(model_id=model.id, slug=model.slug),
            "uptime": status_uptime(model_id=model.id),
            "chart": chart,
            "points": len(series),
            "ranges": list(RANGES),
            "range": chosen if chosen in RANGES else "24h",
            "region": region,
            "regions": settings.AIGO_REGIONS,
            "incidents": Incident.objects.filter(model=model).order_by("-started_at", "-id")[:10],
            "live_labels": live_labels(),
        },
    )


def incident_list(request, locale: str):
    show = request.GET.get("show", "all")
    incidents = Incident.objects.select_related("model", "provider").order_by("-started_at", "-id")
    if show == "active":
        incidents = incidents.exclude(status="resolved")
    elif show == "resolved":
        incidents = incidents.filter(status="resolved")
    page = Paginator(incidents, INCIDENTS_PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "site/status/incident_list.html",
        {"nav": "status", "page": page, "show": show, "page_query": f"show={show}" if show != "all" else ""},
    )


def incident_detail(request, locale: str, incident_id):
    incident = Incident.objects.select_related("model", "provider").filter(id=incident_id).first()
    if incident is None:
        raise Http404("No such incident")
    return TemplateResponse(
        request,
        "site/status/incident_detail.html",
        {"nav": "status", "incident": incident, "timeline": incident.updates.order_by("created_at")},
    )
