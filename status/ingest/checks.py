"""Probe rows checked against one clock reading and one model lookup: the valid ones become the
values COPY writes (status.ingest.store), the others one error per problem found."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from django.conf import settings
from django.db import connection
from django.utils import timezone

from aigo.db.values import jsonb_problem, utc_offset_problem
from status.live import LiveRow

MAX_ROWS = 10_000
INT4_MAX = 2**31 - 1
INT8_MAX = 2**63 - 1
LOCATION_MAX_LENGTH = 50
# Redis GEO accepts latitudes within the Web Mercator band only.
GEO_LAT_MAX = 85.05112878

PERCENT_FIELDS = ("availability", "error_rate")
# Each with its column's upper bound, so an oversized value is a row error, not a failed COPY.
INTEGER_FIELDS = (
    ("latency_p50", INT4_MAX),
    ("latency_p95", INT4_MAX),
    ("latency_p99", INT4_MAX),
    ("requests_per_minute", INT4_MAX),
    ("tokens_per_minute", INT8_MAX),
)
INTEGER_NAMES = tuple(name for name, _top in INTEGER_FIELDS)
JSON_FIELDS = ("error_types", "status_code_distribution", "metadata")
MODEL_FIELDS = ("model", "model_id")  # a slug or an id in either; both only when they name the same model
KNOWN_FIELDS = frozenset(
    ("time", "region", "probe_location", *MODEL_FIELDS, *PERCENT_FIELDS, *INTEGER_NAMES, *JSON_FIELDS)
)
# The rollup queue's 5-minute buckets, numbered: a time's is its epoch seconds // this.
BUCKET_SECONDS = 300
# uses index: idx_models_slug, models_pkey
MODELS_BY_REF = "SELECT id::text, slug FROM models WHERE slug = ANY(%s) OR id = ANY(%s)"


@dataclass
class ValidBatch:
    rows: list[tuple] = field(default_factory=list)  # in store.COLUMNS order, each value as COPY writes it fastest
    live: list[LiveRow] = field(default_factory=list)
    # (model id, region, 5-minute bucket number) -> a probe time in it: what the rollup queue needs
    buckets: dict[tuple[str, str, int], str] = field(default_factory=dict)


def clock_skew() -> timedelta:
    return timedelta(seconds=getattr(settings, "AIGO_STATUS_CLOCK_SKEW_SECONDS", 120))


def _resolve_models(rows: Sequence[Any]) -> dict[str, tuple[str, str]]:
    """Every model reference in the batch (slug or id) -> (id, slug), in one query."""
    refs = {row.get(name) for row in rows if type(row) is dict for name in MODEL_FIELDS}
    slugs, ids = set(), set()
    for ref in refs:
        # A NUL byte cannot be in a slug, and PostgreSQL refuses it in a query.
        if type(ref) is str and "\x00" not in ref:
            try:
                ids.add(uuid.UUID(ref))
            except ValueError:
                slugs.add(ref)
    if not slugs and not ids:
        return {}
    resolved = {}
    with connection.cursor() as cursor:
        # Written out: the ORM takes longer to compile this query than PostgreSQL takes to answer it.
        cursor.execute(MODELS_BY_REF, [list(slugs), list(ids)])
        for model_id, slug in cursor.fetchall():
            resolved[slug] = resolved[model_id] = (model_id, slug)
    return resolved


def _model_ref(ref: str) -> str:
    try:
        return str(uuid.UUID(ref))
    except ValueError:
        return ref


def _json_text(value: dict) -> tuple[str | None, str | None]:
    """The JSON text to COPY of a non-empty object, or the reason jsonb or orjson refuse it, so that
    one bad row cannot fail the whole COPY. orjson.loads already refused unpaired surrogates and
    infinite numbers."""
    try:
        text = orjson.dumps(value).decode()
    except orjson.JSONEncodeError:  # nested deeper than orjson writes
        return None, jsonb_problem(value)
    return (None, jsonb_problem(value)) if "\\u0000" in text else (text, None)


def _in_range(value: Any, low: float, high: float) -> bool:
    # type(), not isinstance(): True is an int. NaN fails the comparison and so the check.
    kind = type(value)
    return (kind is int or kind is float) and low <= value <= high


class _Checker:
    """Validates rows against one clock reading and one model lookup.

    Called once per row of batches of up to 10,000, so it is written for speed: plain type
    checks, each field read once, problems gathered as (field, message) pairs and turned into
    dicts only when found, and a row's model and time taken from what earlier rows of the batch
    resolved (a prober names few models and sends few distinct times).
    """

    def __init__(self, rows: Sequence[Any]):
        self.models = _resolve_models(rows)
        self.by_value: dict[str, tuple[str, str] | None] = {}  # a model slug or id as sent -> (id, slug)
        self.times: dict[str, tuple[datetime, str, int]] = {}  # a valid time as sent -> _time()'s answer
        self.regions = frozenset(settings.AIGO_REGIONS)
        self.region_error = f"Known regions: {', '.join(sorted(self.regions))}."
        now = timezone.now()
        self.latest = now + clock_skew()
        self.earliest = now - timedelta(days=settings.AIGO_STATUS_RETENTION_DAYS)

    def check(self, index: int, raw: Any, valid: ValidBatch, errors: list[dict]) -> None:
        """Adds the row to `valid`, or its problems to `errors`."""
        if type(raw) is not dict:
            errors.append({"index": index, "field": None, "message": "A probe must be a JSON object."})
            return
        found: list[tuple[str | None, str]] = []
        if not raw.keys() <= KNOWN_FIELDS:
            found += [(name, "Unknown field.") for name in raw.keys() - KNOWN_FIELDS]
        get = raw.get

        sent = get("time")
        moment = self.times.get(sent) if type(sent) is str else None
        if moment is None:
            moment = self._time(sent, found)
        by_slug, by_id = get("model"), get("model_id")
        model = self.by_value.get(by_slug) if by_id is None and type(by_slug) is str else None
        if model is None:
            model = self._model(by_slug, by_id, found)

        region = get("region")
        if region is None:
            found.append(("region", "This field is required."))
        elif type(region) is not str or region not in self.regions:
            found.append(("region", f"Unknown region {region!r}. {self.region_error}"))

        location = get("probe_location")
        if location is not None and (
            type(location) is not str or not 0 < len(location) <= LOCATION_MAX_LENGTH or "\x00" in location
        ):
            found.append(("probe_location", f"Must be a non-empty string of at most {LOCATION_MAX_LENGTH} characters."))

        percents = tuple(map(get, PERCENT_FIELDS))
        for name, value in zip(PERCENT_FIELDS, percents, strict=True):
            # _in_range() written out: a call per value is a tenth of a row's checks.
            kind = type(value)
            if value is not None and not ((kind is float or kind is int) and 0 <= value <= 100):
                found.append((name, "Must be a number from 0 to 100."))
        integers = tuple(map(get, INTEGER_NAMES))
        for (name, top), value in zip(INTEGER_FIELDS, integers, strict=True):
            if value is not None and not (type(value) is int and 0 <= value <= top):
                found.append((name, f"Must be a non-negative integer (at most {top})."))
        json_texts = []
        for name in JSON_FIELDS:
            value = get(name)
            if not value and (value is None or type(value) is dict):
                json_texts.append("{}")
            elif type(value) is not dict:
                found.append((name, "Must be a JSON object."))
            else:
                text, problem = _json_text(value)
                if problem:
                    found.append((name, problem))
                else:
                    json_texts.append(text)

        metadata = get("metadata")
        if type(metadata) is dict and ("lat" in metadata or "lon" in metadata):
            lat, lon = self._coordinates(metadata, location, found)
        else:
            lat = lon = None

        if found:
            errors += [{"index": index, "field": name, "message": message} for name, message in found]
            return
        when, when_text, bucket = moment
        model_id, slug = model
        availability, error_rate = percents
        latency_p50, latency_p95, latency_p99, requests_per_minute, tokens_per_minute = integers
        error_types, status_codes, metadata = json_texts
        valid.rows.append(
            (
                when_text,
                model_id,
                region,
                location,
                availability,
                latency_p50,
                latency_p95,
                latency_p99,
                error_rate,
                error_types,
                requests_per_minute,
                tokens_per_minute,
                status_codes,
                metadata,
            )
        )
        valid.live.append(
            LiveRow._make(
                (slug, region, when, availability, latency_p95, error_rate, requests_per_minute, location, lat, lon)
            )
        )
        valid.buckets.setdefault((model_id, region, bucket), when_text)

    def _model(self, by_slug: Any, by_id: Any, found: list) -> tuple[str, str] | None:
        if by_id is None:
            if by_slug is None:
                found.append(("model", "This field is required: a model slug or id."))
                return None
            return self._model_of("model", by_slug, found)
        if by_slug is None:
            return self._model_of("model_id", by_id, found)
        # Both: one answer for either unknown or the two disagreeing, so no row is stored under a guess.
        model = self._model_of("model", by_slug, [])
        if model is None or model != self._model_of("model_id", by_id, []):
            found.append(
                ("model_id", "Ambiguous: model and model_id do not name the same known model; give one of them.")
            )
            return None
        return model

    def _model_of(self, name: str, value: Any, found: list) -> tuple[str, str] | None:
        if type(value) is not str:
            found.append((name, "Must be a string: a model slug or id."))
            return None
        if value in self.by_value:
            model = self.by_value[value]
        else:
            model = self.by_value[value] = self.models.get(_model_ref(value))
        if model is None:
            found.append((name, f"Unknown model {value!r}."))
        return model

    def _time(self, value: Any, found: list) -> tuple[datetime, str, int] | None:
        """The time, its UTC text for COPY and its 5-minute bucket number; remembered when valid."""
        if value is None:
            found.append(("time", "This field is required: an ISO-8601 time with a time zone."))
            return None
        if type(value) is not str:
            found.append(("time", "Must be an ISO-8601 string with a time zone."))
            return None
        try:
            when = datetime.fromisoformat(value)
        except ValueError:
            found.append(("time", "Not an ISO-8601 time."))
            return None
        if when.tzinfo is None or when.utcoffset() is None:
            found.append(("time", "The time needs a time zone (e.g. Z or +00:00)."))
            return None
        if problem := utc_offset_problem(when):
            found.append(("time", problem))
            return None
        if when > self.latest:
            found.append(("time", f"The time is in the future (beyond a clock skew of {clock_skew().seconds} s)."))
            return None
        if when < self.earliest:
            found.append(("time", f"The time is older than the {settings.AIGO_STATUS_RETENTION_DAYS}-day retention."))
            return None
        moment = self.times[value] = (
            when,
            when.astimezone(UTC).isoformat(),
            int(when.timestamp()) // BUCKET_SECONDS,
        )
        return moment

    @staticmethod
    def _coordinates(metadata: dict, location: Any, found: list) -> tuple[float | None, float | None]:
        """metadata.lat / metadata.lon: stored with the row, so rebuild_redis finds them again."""
        lat, lon = metadata.get("lat"), metadata.get("lon")
        if not _in_range(lat, -GEO_LAT_MAX, GEO_LAT_MAX):
            found.append(
                ("metadata.lat", f"Must be a number from -{GEO_LAT_MAX} to {GEO_LAT_MAX}, given with metadata.lon.")
            )
        if not _in_range(lon, -180, 180):
            found.append(("metadata.lon", "Must be a number from -180 to 180, given with metadata.lat."))
        if location is None:
            found.append(("probe_location", "Required when metadata has lat/lon: it names the point."))
        return lat, lon


def probes_validate(rows: Sequence[Any]) -> tuple[ValidBatch, list[dict]]:
    """The valid rows, and one {"index", "field", "message"} error per problem found."""
    checker = _Checker(rows)
    valid, errors = ValidBatch(), []
    for index, raw in enumerate(rows):
        checker.check(index, raw, valid, errors)
    return valid, errors
