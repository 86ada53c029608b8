"""iCalendar (RFC 5545) text of all-day events, for calendar subscriptions.

Written here rather than with the `icalendar` package: the site only ever writes one shape (all-day
events with a few text properties), and these few rules are all it needs: CRLF line ends, lines
folded at 75 octets without splitting a character (3.1), TEXT values escaped (3.3.11), DTSTAMP in
UTC (3.8.7.2), all-day DTSTART/DTEND as VALUE=DATE (3.6.1).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

LINE_OCTETS = 75


@dataclass(frozen=True)
class DayEvent:
    uid: str
    day: date
    summary: str
    stamp: datetime  # when the event's facts last changed (DTSTAMP, and LAST-MODIFIED)
    description: str = ""
    url: str = ""
    categories: tuple[str, ...] = ()


def _text(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str) -> str:
    """The content line split into lines of at most 75 octets, continuations starting with a space."""
    data = line.encode()
    parts, start, room = [], 0, LINE_OCTETS
    while len(data) - start > room:
        end = start + room
        while data[end] & 0xC0 == 0x80:  # inside a UTF-8 sequence: cut before it
            end -= 1
        parts.append(data[start:end])
        start, room = end, LINE_OCTETS - 1
    parts.append(data[start:])
    return "\r\n ".join(part.decode() for part in parts)


def _event_lines(event: DayEvent) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{_text(event.uid)}",
        f"DTSTAMP:{_utc(event.stamp)}",
        f"LAST-MODIFIED:{_utc(event.stamp)}",
        f"DTSTART;VALUE=DATE:{event.day:%Y%m%d}",
        f"DTEND;VALUE=DATE:{event.day + timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{_text(event.summary)}",
    ]
    if event.description:
        lines.append(f"DESCRIPTION:{_text(event.description)}")
    if event.url:
        lines.append(f"URL:{event.url}")
    if event.categories:
        lines.append("CATEGORIES:" + ",".join(_text(name) for name in event.categories))
    return [*lines, "TRANSP:TRANSPARENT", "END:VEVENT"]


def calendar_text(*, name: str, events: Iterable[DayEvent]) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//AI-GO//AI-GO//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_text(name)}",
    ]
    for event in events:
        lines += _event_lines(event)
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)
