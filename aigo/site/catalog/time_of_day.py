"""Prices that hold at certain hours (DeepSeek's off-peak hours, peak hours): the hours in words,
and which price the clock selects now. The import keeps the hours as the sources give them:
price.metadata["time_of_day"] = [{"start": "16:30", "end": "00:30", "tz": "UTC"}, ...], the end
excluded, a window running past midnight when it ends before it starts."""

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from catalog.models import Pricing


def hours_of(row: Pricing) -> list[dict]:
    return row.metadata.get("time_of_day") or []


def hours_label(row: Pricing) -> str:
    """ "16:30–00:30 UTC" (several windows joined by commas); "" for a price of every hour."""
    return ", ".join(f"{window['start']}–{window['end']} {window.get('tz', 'UTC')}" for window in hours_of(row))


def _minute_of_day(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def window_holds(window: dict, at: datetime) -> bool:
    local = at.astimezone(ZoneInfo(window.get("tz", "UTC")))
    minute = local.hour * 60 + local.minute
    start, end = _minute_of_day(window["start"]), _minute_of_day(window["end"])
    if start <= end:
        return start <= minute < end
    return minute >= start or minute < end


def price_now(rows: Iterable[Pricing], at: datetime) -> Pricing | None:
    """Of the price rows in force today, the one that applies at `at` when some hold only at
    certain hours: the row whose hours include `at`, else the standard row that names no hours
    (it holds the rest of the day). None when no row depends on the hour."""
    rows = list(rows)
    timed = [row for row in rows if hours_of(row)]
    if not timed:
        return None
    for row in timed:
        if any(window_holds(window, at) for window in hours_of(row)):
            return row
    return next((row for row in rows if row.tier == "standard" and not hours_of(row)), None)
