"""Charts drawn on the server as inline SVG: no JavaScript, no build step, nothing fetched.

Each chart is an `<svg role="img">` with a title a screen reader announces; colours come from
CSS classes (aigo/static/site/site.css) and every coloured mark also carries text (a <title>
per bar, a legend, labelled axes), so nothing is told by colour alone. Missing values (None)
are gaps, never zeros.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

X = date | datetime
Point = tuple[X, float | None]


def _svg(width: int, height: int, label: str, body: list[str], css: str) -> SafeString:
    return mark_safe(
        f'<svg class="chart {css}" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}"'
        f' xmlns="http://www.w3.org/2000/svg"><title>{escape(label)}</title>{"".join(body)}</svg>'
    )


def _runs(points: Sequence[tuple[float, float | None]]) -> list[list[tuple[float, float]]]:
    """Consecutive present points, split where a value is missing."""
    runs: list[list[tuple[float, float]]] = [[]]
    for x, y in points:
        if y is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append((x, y))
    return [run for run in runs if run]


def _path(run: list[tuple[float, float]], step: bool) -> str:
    parts = [f"M{run[0][0]:.1f},{run[0][1]:.1f}"]
    for x, y in run[1:]:
        parts.append(f"H{x:.1f}V{y:.1f}" if step else f"L{x:.1f},{y:.1f}")
    return "".join(parts)


def sparkline(values: Sequence[float | None], *, label: str, width: int = 120, height: int = 28) -> SafeString:
    present = [value for value in values if value is not None]
    if not present:
        return _svg(width, height, label, [], "sparkline empty")
    low, high = min(present), max(present)
    span = (high - low) or 1
    step = width / max(len(values) - 1, 1)
    pad = 2
    points = [
        (index * step, None if value is None else pad + (height - 2 * pad) * (1 - (value - low) / span))
        for index, value in enumerate(values)
    ]
    paths = [f'<path class="line" d="{_path(run, False)}"/>' for run in _runs(points)]
    return _svg(width, height, label, paths, "sparkline")


def availability_class(value: float | None) -> str:
    if value is None:
        return "nodata"
    if value >= 99.9:
        return "up"
    if value >= 99:
        return "degraded"
    return "down"


def uptime_bar(
    days: Sequence[tuple[date, float | None]], *, label: str, describe: Callable[[date, float | None], str]
) -> SafeString:
    """One bar per day; `describe(day, value)` is its text ("4 Mar 2026: 99.95 %")."""
    bar, gap, height = 6, 2, 28
    width = max(len(days) * (bar + gap) - gap, 1)
    rects = [
        f'<rect class="{availability_class(value)}" x="{index * (bar + gap)}" y="0" width="{bar}" height="{height}"'
        f' rx="1"><title>{escape(describe(day, value))}</title></rect>'
        for index, (day, value) in enumerate(days)
    ]
    return _svg(width, height, label, rects, "uptime")


@dataclass(frozen=True)
class Series:
    name: str
    points: Sequence[Point]
    css: str = "s1"


def _timestamp(value: X) -> float:
    return (
        value.timestamp() if isinstance(value, datetime) else datetime(value.year, value.month, value.day).timestamp()
    )


def line_chart(
    series: Sequence[Series],
    *,
    label: str,
    y_format: Callable[[float], str],
    x_format: Callable[[X], str],
    step: bool = False,
    width: int = 640,
    height: int = 220,
    y_from_zero: bool = True,
) -> SafeString:
    """Several series on shared axes with a legend; `step` draws prices, which hold until changed."""
    xs = [x for one in series for x, _ in one.points]
    ys = [y for one in series for _, y in one.points if y is not None]
    if not xs or not ys:
        return _svg(width, height, label, ['<text class="empty" x="50%" y="50%">–</text>'], "line empty")
    left, right, top, bottom = 64, 12, 10, 40
    x_low, x_high = min(map(_timestamp, xs)), max(map(_timestamp, xs))
    y_low, y_high = (0.0 if y_from_zero else min(ys)), max(ys)
    x_span, y_span = (x_high - x_low) or 1, (y_high - y_low) or 1
    plot_w, plot_h = width - left - right, height - top - bottom

    def place_x(value: X) -> float:
        return left + plot_w * (_timestamp(value) - x_low) / x_span

    def place_y(value: float) -> float:
        return top + plot_h * (1 - (value - y_low) / y_span)

    body = []
    for tick in range(5):
        value = y_low + y_span * tick / 4
        y = place_y(value)
        body.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}"/>')
        body.append(
            f'<text class="tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(y_format(value))}</text>'
        )
    ordered = sorted(set(xs), key=_timestamp)
    for value in dict.fromkeys([ordered[0], ordered[len(ordered) // 2], ordered[-1]]):
        body.append(
            f'<text class="tick" x="{place_x(value):.1f}" y="{height - bottom + 16}" text-anchor="middle">'
            f"{escape(x_format(value))}</text>"
        )
    for index, one in enumerate(series):
        points = sorted(one.points, key=lambda point: _timestamp(point[0]))
        placed = [(place_x(x), None if y is None else place_y(y)) for x, y in points]
        for run in _runs(placed):
            body.append(f'<path class="line {one.css}" d="{_path(run, step)}"><title>{escape(one.name)}</title></path>')
        legend_x = left + index * 110
        body.append(f'<rect class="key {one.css}" x="{legend_x}" y="{height - 14}" width="10" height="10"/>')
        body.append(f'<text class="legend" x="{legend_x + 14}" y="{height - 5}">{escape(one.name)}</text>')
    return _svg(width, height, label, body, "line")
