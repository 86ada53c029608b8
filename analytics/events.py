"""Collected events: the schema of each event type, and the service that accepts a batch
(analytics/buffer.py stores it).

What is stored (README "Privacy"): the event's type and validated properties, the session id
the page chose (no cookie is set), the locale, a device class derived from the User-Agent, the
referrer's host only, and a coarse region: the edge's X-AIGO-Region and X-AIGO-Country headers
when they carry a known region / an ISO country code, else "unknown". Never the IP address,
the full User-Agent or the referrer's path and query.
"""

import logging
import re
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

import orjson
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from redis.exceptions import RedisError
from rest_framework import serializers

from aigo.api.cache import response_cache
from aigo.api.errors import BadRequest
from aigo.regions import REGION_HEADER
from analytics.buffer import events_buffer, events_store
from analytics.event_checks import FastCheck
from catalog.models import AIModel

log = logging.getLogger(__name__)

MAX_EVENTS = 20
COUNTRY_HEADER = "HTTP_X_AIGO_COUNTRY"
UNKNOWN = "unknown"

# Crawlers, link previews, monitors and headless browsers: their "views" are not visits. An
# empty User-Agent counts too: every browser sends one.
BOT_AGENTS = re.compile(
    r"bot|crawl|spider|slurp|archiver|facebookexternalhit|embedly|preview|monitor|pingdom|uptime|lighthouse"
    r"|headless|phantomjs|selenium|puppeteer|playwright|curl/|wget/|python-|httpclient|okhttp|go-http-client|^$",
    re.IGNORECASE,
)
MOBILE_AGENTS = re.compile(r"mobi|iphone|android.+mobile", re.IGNORECASE)
TABLET_AGENTS = re.compile(r"ipad|tablet|android(?!.*mobile)", re.IGNORECASE)


def is_bot(user_agent: str) -> bool:
    return BOT_AGENTS.search(user_agent) is not None


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not declare, rather than dropping them silently."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)


def _text(max_length: int, **kwargs) -> serializers.CharField:
    return serializers.CharField(max_length=max_length, **kwargs)


class PageViewProperties(StrictSerializer):
    path = _text(500)
    title = _text(200, required=False)


class ModelViewProperties(StrictSerializer):
    model = _text(100, help_text="The model's slug or id.")
    path = _text(500, required=False)


class BenchmarkCompareProperties(StrictSerializer):
    models = serializers.ListField(child=_text(100), min_length=2, max_length=10)
    benchmark = _text(100, required=False)


class SearchProperties(StrictSerializer):
    query = _text(200)
    results = serializers.IntegerField(min_value=0, max_value=100_000, required=False)


class NewsViewProperties(StrictSerializer):
    article = _text(200, help_text="The article's slug.")
    path = _text(500, required=False)


PROPERTIES: dict[str, type[StrictSerializer]] = {
    "page_view": PageViewProperties,
    "model_view": ModelViewProperties,
    "benchmark_compare": BenchmarkCompareProperties,
    "search": SearchProperties,
    "news_view": NewsViewProperties,
}


class CollectedEvent(StrictSerializer):
    type = serializers.ChoiceField(choices=list(PROPERTIES))
    session_id = serializers.RegexField(r"^[A-Za-z0-9_.:-]+$", max_length=100, required=False)
    properties = serializers.DictField(default=dict)
    locale = serializers.CharField(max_length=20, required=False, help_text="One of the site's locales.")
    referrer = serializers.URLField(max_length=1000, required=False)

    def validate_locale(self, value: str) -> str:
        if value not in settings.AIGO_LOCALES:
            raise serializers.ValidationError(f"Not one of {', '.join(settings.AIGO_LOCALES)}.")
        return value

    def validate(self, attrs):
        try:
            properties = _PROPERTIES_CHECKS[attrs["type"]].run_validation(attrs["properties"])
        except serializers.ValidationError as error:
            raise serializers.ValidationError({"properties": error.detail}) from None
        return {**attrs, "properties": properties}


# Made once and shared: a serializer deep-copies its declared fields for each new instance, which
# took most of a request's time; run_validation keeps no state on the instance.
_PROPERTIES_CHECKS = {event_type: serializer() for event_type, serializer in PROPERTIES.items()}
_EVENT_CHECK = CollectedEvent()
_PROPERTIES_FAST = {event_type: FastCheck(serializer) for event_type, serializer in _PROPERTIES_CHECKS.items()}
_EVENT_FAST = FastCheck(_EVENT_CHECK)


def event_fast(raw: object) -> dict | None:
    """What CollectedEvent validates `raw` to, when the fast path can tell; else None."""
    event = _EVENT_FAST.run(raw)
    if event is None:
        return None
    properties = _PROPERTIES_FAST[event["type"]].run(event["properties"])
    return None if properties is None else {**event, "properties": properties}


@dataclass(frozen=True)
class Context:
    """What the request itself says about the visitor, reduced to what is kept."""

    device: str
    region: str
    country: str

    @classmethod
    def of(cls, meta: dict) -> "Context":
        agent = meta.get("HTTP_USER_AGENT", "")
        device = "tablet" if TABLET_AGENTS.search(agent) else "mobile" if MOBILE_AGENTS.search(agent) else "desktop"
        region = meta.get(REGION_HEADER, "")
        country = meta.get(COUNTRY_HEADER, "")
        return cls(
            device=device,
            region=region if region in settings.AIGO_REGIONS else UNKNOWN,
            country=country.upper() if re.fullmatch(r"[A-Za-z]{2}", country) else UNKNOWN,
        )


def events_validate(*, events: list) -> list[dict]:
    """The validated events, with model_view's `model` resolved; BadRequest naming every bad one."""
    if not events:
        raise BadRequest("empty_batch", "The batch has no events.")
    if len(events) > MAX_EVENTS:
        raise BadRequest("too_many_events", f"At most {MAX_EVENTS} events per request.", {"max_events": MAX_EVENTS})
    valid, errors = [], []
    for index, raw in enumerate(events):
        event = event_fast(raw)
        if event is None:
            try:
                event = _EVENT_CHECK.run_validation(raw)
            except serializers.ValidationError as error:
                errors.append({"index": index, "fields": error.detail})
                continue
        valid.append(event)
    if not errors:
        errors = _resolve_models(valid)
    if errors:
        raise BadRequest(
            "invalid_events",
            f"{len(errors)} of {len(events)} events are invalid; nothing was stored.",
            {"errors": errors},
        )
    return valid


def _resolve_models(events: list[dict]) -> list[dict]:
    """Puts model_id and model_slug on each model_view (one query); errors for unknown models."""
    refs = {event["properties"]["model"] for event in events if event["type"] == "model_view"}
    if not refs:
        return []
    known = MODEL_REFS.resolve(refs)
    errors = []
    for index, event in enumerate(events):
        if event["type"] != "model_view":
            continue
        properties = event["properties"]
        found = known.get(properties.pop("model"))
        if found is None:
            errors.append({"index": index, "fields": {"properties": {"model": ["Unknown model."]}}})
        else:
            properties["model_id"], properties["model_slug"] = found
    return errors


def _models_named(refs: set[str]) -> dict[str, tuple[str, str]]:
    """Slug or id -> (id, slug) of the models these refs name, in one query."""
    ids = {ref for ref in refs if _is_uuid(ref)}
    known = {}
    for model_id, slug in AIModel.objects.filter(Q(slug__in=refs) | Q(id__in=ids)).values_list("id", "slug"):
        known[slug] = known[str(model_id)] = (str(model_id), slug)
    return known


class ModelRefs:
    """The models' slugs and ids resolved in this process, kept while the catalog's "models"
    generation (aigo.api.cache) stays the same: every write to a model moves it on, so a renamed or
    deleted model is never resolved from here. A query per request was half an accepted batch's time.
    Unknown refs are never kept; with Redis down (no generation to trust) every batch queries."""

    def __init__(self) -> None:
        self.forget()

    def forget(self) -> None:
        self.generation: int | None = None
        self.known: dict[str, tuple[str, str]] = {}

    def resolve(self, refs: set[str]) -> dict[str, tuple[str, str]]:
        generations = response_cache.current_generations(("models",))
        if generations is None:
            return _models_named(refs)
        if generations["models"] != self.generation:
            self.generation, self.known = generations["models"], {}
        # The generation was read before the query, so what a later write changed is never kept under
        # the older one; a thread that moved on to a newer generation meanwhile drops this dict.
        known = self.known
        missing = refs - known.keys()
        if missing:
            known.update(_models_named(missing))
        return known


MODEL_REFS = ModelRefs()


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _row(event: dict) -> dict:
    """An event's own columns; those every event of a request shares are the batch's (analytics.buffer)."""
    referrer = event.get("referrer")
    return {
        # Made at acceptance and carried through the buffer: a re-delivered row conflicts with its stored copy.
        "id": uuid.uuid4(),  # orjson writes it as its text
        "session_id": event.get("session_id"),
        "event_type": event["type"],
        "event_properties": event["properties"],
        "user_properties": {"locale": event["locale"]} if "locale" in event else {},
        "referrer_properties": {"host": urlsplit(referrer).hostname} if referrer else {},
    }


def events_collect(*, events: list, context: Context) -> int:
    """Validate the whole batch and append it to the buffer (one XADD), or, when Redis cannot
    take it, store it at once as before. Returns the number of events accepted."""
    valid = events_validate(events=events)
    batch = orjson.dumps(
        {
            "timestamp": timezone.now().isoformat(),
            "device_properties": {"type": context.device},
            "geo_properties": {"region": context.region, "country": context.country},
            "rows": [_row(event) for event in valid],
        }
    ).decode()
    try:
        events_buffer(batch=batch)
    except RedisError as error:
        log.warning("events: buffer unavailable (%r), %d events stored directly", error, len(valid))
        events_store(batches=[batch])
    return len(valid)
