"""The iCalendar writer keeps RFC 5545's rules a parser relies on: CRLF line ends, lines of at most
75 octets folded without splitting a character, TEXT escaped, DTSTAMP in UTC, all-day dates."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from aigo.site.ical import DayEvent, calendar_text

EVENT = DayEvent(
    uid="42-release@ai-go",
    day=date(2027, 3, 1),
    summary="Release: 通义千问 Qwen3-Max, the “long” one; with a\\backslash " + "長い名前" * 12,
    stamp=datetime(2027, 2, 1, 9, 30, tzinfo=timezone(timedelta(hours=8))),
    description="Maker: Alibaba\nSuccessor: none",
    url="https://example.com/en-US/models/qwen3-max/",
    categories=("release", "a,b"),
)


def _unfolded(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def test_lines_end_in_crlf_and_are_folded_at_75_octets_between_characters():
    text = calendar_text(name="AI-GO", events=[EVENT])
    assert text.endswith("END:VCALENDAR\r\n") and "\n" not in text.replace("\r\n", "")
    physical = text.split("\r\n")[:-1]
    assert all(len(line.encode()) <= 75 for line in physical)
    assert any(line.startswith(" ") for line in physical)  # the summary needed folding
    summary = next(line for line in _unfolded(text) if line.startswith("SUMMARY:"))
    assert "通义千问" in summary and summary.endswith("長い名前" * 12)


def test_text_values_are_escaped_and_dates_are_all_day():
    lines = _unfolded(calendar_text(name="AI-GO; lifecycle", events=[EVENT]))
    assert "X-WR-CALNAME:AI-GO\\; lifecycle" in lines
    assert "DESCRIPTION:Maker: Alibaba\\nSuccessor: none" in lines
    assert any(
        line.startswith("SUMMARY:Release: 通义千问 Qwen3-Max\\, the “long” one\\; with a\\\\backslash")
        for line in lines
    )
    assert "CATEGORIES:release,a\\,b" in lines
    assert "DTSTART;VALUE=DATE:20270301" in lines and "DTEND;VALUE=DATE:20270302" in lines
    assert "DTSTAMP:20270201T013000Z" in lines  # 09:30 at UTC+8
    assert lines[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"] and lines.count("BEGIN:VEVENT") == 1


def test_a_parser_reads_back_what_was_written():
    icalendar = pytest.importorskip("icalendar")
    calendar = icalendar.Calendar.from_ical(calendar_text(name="AI-GO", events=[EVENT, EVENT]))
    event = calendar.walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == EVENT.summary and str(event["DESCRIPTION"]) == EVENT.description
    assert event.decoded("DTSTART") == EVENT.day and event.decoded("DTSTAMP") == EVENT.stamp.astimezone(UTC)
    assert str(calendar["X-WR-CALNAME"]) == "AI-GO"
