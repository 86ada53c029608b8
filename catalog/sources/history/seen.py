"""The committed deprecation history (data/history/deprecations.json, NOTE.md beside it)."""

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "history" / "deprecations.json"


@dataclass(frozen=True)
class DeprecationSeen:
    """A source's first release marking a model deprecated, and the release before it, which listed the
    model as current: the deprecation happened after `previous_day` and on or before `day`. Without a
    previous release (deprecated in the oldest release read, or first listed already deprecated), only
    "on or before `day`" is known."""

    day: date
    version: str
    previous_day: date | None
    previous_version: str | None


@cache
def _history() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def release_day(source: str, version: str) -> date | None:
    """The day `source`'s release `version` was published, when it is the newest the history read."""
    read = _history().get("generated_from", {}).get(source, {})
    if read.get("versions", [None])[-1] != version:
        return None
    return date.fromisoformat(read["days"][-1])


@cache
def sources_dated_by_history() -> frozenset[str]:
    """The sources whose deprecation dates come from their releases' history, not from themselves."""
    return frozenset(_history()) - {"generated_from"}


@cache
def deprecations_seen(source: str) -> dict[str, DeprecationSeen]:
    """Source `source`'s dated deprecations by offer key ("provider/model"); {} for a source without history."""
    entries = _history().get(source, {})
    return {
        key: DeprecationSeen(
            day=date.fromisoformat(entry["day"]),
            version=entry["version"],
            previous_day=date.fromisoformat(entry["previous_day"]) if entry["previous_day"] else None,
            previous_version=entry["previous_version"],
        )
        for key, entry in entries.items()
    }


def deprecation_day(source: str, provider: str, model: str) -> date | None:
    """The day `source`'s releases first marked the offer deprecated; None when they do not tell."""
    seen = deprecations_seen(source).get(f"{provider}/{model}")  # apply.observe.offer_key's form
    return seen.day if seen else None
