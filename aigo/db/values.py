"""Values Python accepts and PostgreSQL (or orjson, which writes our JSON) refuses, found before
they reach a query so that they are a 400 or a row error rather than a failed statement."""

import math
import re
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError

# orjson.dumps refuses anything deeper ("Recursion limit reached").
JSON_MAX_DEPTH = 254
# PostgreSQL refuses "time zone displacement out of range" from 16 hours; Python allows up to 24.
UTC_OFFSET_LIMIT = timedelta(hours=16)
UTC_OFFSET_MESSAGE = "The time zone offset must be between -15:59 and +15:59."
NUL_MESSAGE = "Must not contain the character U+0000."
_SURROGATE = re.compile("[\ud800-\udfff]")


def _text_problem(text: str) -> str | None:
    if "\x00" in text:
        return NUL_MESSAGE
    if _SURROGATE.search(text):
        return "Must not contain unpaired surrogates (U+D800 to U+DFFF)."
    return None


def jsonb_problem(value: Any) -> str | None:
    """Why jsonb would refuse `value` (U+0000, unpaired surrogates, infinite numbers, nesting orjson
    cannot write), or None. Walked with a stack, not recursion, whatever the depth."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            if problem := _text_problem(item):
                return problem
        elif isinstance(item, float):
            if not math.isfinite(item):
                return "Numbers must be finite."
        elif isinstance(item, dict | list):
            if depth > JSON_MAX_DEPTH:
                return f"At most {JSON_MAX_DEPTH} levels of nesting."
            if isinstance(item, dict):
                pending.extend((str(key), depth) for key in item)
                pending.extend((child, depth + 1) for child in item.values())
            else:
                pending.extend((child, depth + 1) for child in item)
    return None


def utc_offset_problem(when: datetime) -> str | None:
    offset = when.utcoffset()
    return UTC_OFFSET_MESSAGE if offset is not None and abs(offset) >= UTC_OFFSET_LIMIT else None


def validate_utc_offset(when: datetime) -> None:
    """A form or serializer field validator (its own code: a field replaces the message of its own "invalid")."""
    if problem := utc_offset_problem(when):
        raise ValidationError(problem, code="utc_offset")
