"""Server-drawn SVG charts: valid markup, labelled for screen readers, gaps for missing data."""

import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta

from aigo.site.charts import Series, availability_class, line_chart, sparkline, uptime_bar

NS = {"svg": "http://www.w3.org/2000/svg"}


def _parse(svg) -> ET.Element:
    root = ET.fromstring(str(svg))
    assert root.get("role") == "img"
    return root


def test_a_sparkline_is_titled_and_breaks_at_missing_values():
    root = _parse(sparkline([1, 2, None, 4, 5], label="Latency <7 days>"))
    assert root.find("svg:title", NS).text == "Latency <7 days>"
    assert len(root.findall("svg:path", NS)) == 2


def test_an_empty_sparkline_still_renders():
    assert _parse(sparkline([None, None], label="none")).findall("svg:path", NS) == []


def test_every_uptime_bar_says_its_day_and_value_in_text():
    days = [(date(2026, 3, day), value) for day, value in [(1, 100.0), (2, 99.5), (3, 90.0), (4, None)]]
    root = _parse(uptime_bar(days, label="90-day uptime", describe=lambda day, value: f"{day}: {value}"))
    rects = root.findall("svg:rect", NS)
    assert [rect.get("class") for rect in rects] == ["up", "degraded", "down", "nodata"]
    assert [rect.find("svg:title", NS).text for rect in rects][1] == "2026-03-02: 99.5"


def test_availability_thresholds():
    assert [availability_class(value) for value in (99.95, 99.9, 99.0, 98.99, None)] == [
        "up",
        "up",
        "degraded",
        "down",
        "nodata",
    ]


def test_a_line_chart_has_a_legend_axes_and_a_path_per_run():
    start = datetime(2026, 3, 1, tzinfo=UTC)
    hours = [start + timedelta(hours=hour) for hour in range(6)]
    p50 = Series("p50", [(at, 100 + hour) for hour, at in enumerate(hours)], "s1")
    p95 = Series("p95 & more", [(at, None if hour == 3 else 300.0) for hour, at in enumerate(hours)], "s2")
    root = _parse(
        line_chart([p50, p95], label="Latency", y_format=lambda v: f"{v:.0f} ms", x_format=lambda x: f"{x:%H:%M}")
    )
    texts = [text.text for text in root.findall("svg:text", NS)]
    assert "p95 & more" in texts and "0 ms" in texts and "300 ms" in texts and "00:00" in texts
    assert len(root.findall("svg:path", NS)) == 3  # p50 in one run, p95 broken at hour 3


def test_a_step_chart_holds_each_price_until_the_next():
    prices = Series("input", [(date(2026, 1, 1), 3.0), (date(2026, 2, 1), 2.5)])
    root = _parse(line_chart([prices], label="Price", y_format=str, x_format=str, step=True))
    assert "H" in root.find("svg:path", NS).get("d")


def test_a_chart_without_data_says_so():
    assert (
        _parse(line_chart([Series("x", [])], label="Nothing", y_format=str, x_format=str)).find("svg:text", NS)
        is not None
    )
