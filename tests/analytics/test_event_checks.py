"""The events' fast validation path (analytics/event_checks.py) says what DRF says: for any input it
either stands aside (None) or returns exactly the serializer's validated data, and it does not
stand aside for what the site's beacon sends."""

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework import serializers

from analytics.events import CollectedEvent, event_fast

TEXT = st.one_of(
    st.sampled_from(
        ["/models", "gpt-4", "vision", "  padded ", "", "模型一覧", "x" * 101, "x" * 501, "a\x00b", "a\ud800b"]
    ),
    st.text(max_size=30),
)
VALUES = st.one_of(
    TEXT, TEXT, st.integers(-5, 200_000), st.booleans(), st.none(), st.lists(TEXT, max_size=11), st.floats()
)
# What the site's beacon sends (aigo/site/static/site/beacon.js), one of each type.
SITE = [
    {
        "type": "page_view",
        "session_id": "k2j3h4",
        "locale": "ja-JP",
        "referrer": "https://www.example.com/x?y=1",
        "properties": {"path": "/ja/models/", "title": "モデル一覧 · AI-GO"},
    },
    {"type": "model_view", "locale": "en-US", "properties": {"model": "gpt-4o", "path": "/en-US/models/gpt-4o/"}},
    {"type": "benchmark_compare", "properties": {"models": ["gpt-4o", "claude-3"], "benchmark": "mmlu"}},
    {"type": "search", "properties": {"query": "vision", "results": 4}},
    {"type": "news_view", "properties": {"article": "launch"}},
]
SPOTS = ["type", "session_id", "locale", "referrer", "properties", "colour"]


@st.composite
def events(draw) -> dict:
    """One of the site's events with up to three fields changed, removed or added."""
    event = copy.deepcopy(draw(st.sampled_from(SITE)))
    for _ in range(draw(st.integers(0, 3))):
        properties = event.get("properties")
        if isinstance(properties, dict) and draw(st.booleans()):
            target, spot = properties, draw(st.sampled_from([*properties, "colour"]))
        else:
            target, spot = event, draw(st.sampled_from(SPOTS))
        if spot in target and draw(st.booleans()):
            del target[spot]
        else:
            target[spot] = draw(VALUES)
    return event


def drf(raw) -> dict | None:
    try:
        return CollectedEvent().run_validation(raw)
    except serializers.ValidationError:
        return None


@settings(max_examples=1000, deadline=None)
@given(events())
def test_the_fast_path_returns_what_drf_returns_or_stands_aside(raw):
    fast = event_fast(raw)
    if fast is not None:
        assert fast == drf(raw)


@pytest.mark.parametrize("raw", SITE)
def test_what_the_site_sends_takes_the_fast_path(raw):
    assert event_fast(raw) == drf(raw) is not None
