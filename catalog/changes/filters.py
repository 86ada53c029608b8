"""The feed's query parameters, read the same way by the API, the Atom feeds and the site page."""

import re
from collections.abc import Mapping

from catalog.models import EVENT_TYPES

from .feed import START, ChangeFilters, Cursor, CursorUnknown, cursor_of

SLUG = re.compile(r"^[-a-zA-Z0-9_.]{1,100}$")
MAX_LIST = 50  # slugs or types per filter


class FilterError(ValueError):
    def __init__(self, code: str, message: str, details: dict | None = None):
        super().__init__(message)
        self.code, self.message, self.details = code, message, details or {}


def _listed(params: Mapping[str, str], name: str) -> tuple[str, ...]:
    items = tuple(dict.fromkeys(item.strip() for item in params.get(name, "").split(",") if item.strip()))
    if len(items) > MAX_LIST:
        raise FilterError(f"invalid_{name}", f"At most {MAX_LIST} {name} at once.", {"max": MAX_LIST})
    return items


def filters_parse(params: Mapping[str, str]) -> ChangeFilters:
    """`types`, `models` and `providers`, each comma-separated; an unknown type or a malformed slug is an error."""
    types = _listed(params, "types")
    if unknown := [kind for kind in types if kind not in EVENT_TYPES]:
        raise FilterError("unknown_type", f"Unknown event type {unknown[0]!r}.", {"types": EVENT_TYPES})
    models, providers = _listed(params, "models"), _listed(params, "providers")
    if bad := [slug for slug in (*models, *providers) if not SLUG.match(slug)]:
        raise FilterError("invalid_slug", f"{bad[0][:100]!r} is not a slug.")
    return ChangeFilters(types, models, providers)


def since_parse(raw: str | None) -> Cursor:
    """`since`: the id of the last event read (0 or absent: from the beginning)."""
    if raw in (None, ""):
        return START
    if not re.fullmatch(r"[0-9]{1,19}", raw) or int(raw) >= 2**63:
        raise FilterError("invalid_cursor", f"since must be an event id (a whole number), not {raw[:40]!r}.")
    try:
        return cursor_of(int(raw))
    except CursorUnknown:
        raise FilterError("unknown_cursor", f"No event {raw}: read the feed from since=0.", {"since": raw}) from None
