"""Embeddable badges: valid SVG with the right numbers, localized, cached, cookie-free."""

import datetime
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from catalog.models import ExchangeRate
from tests.catalog.factories import AIModelFactory, BenchmarkScoreFactory, BenchmarkSuiteFactory, PricingFactory

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
UTC = datetime.UTC


def _texts(response) -> tuple[str, str]:
    """(label, value) as drawn, after checking the body is one well-formed SVG image."""
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.tag == f"{SVG}svg" and int(root.get("width")) > 0
    texts = [text.text for text in root.iter(f"{SVG}text")]
    assert texts[0] == texts[1] and texts[2] == texts[3]  # each with its shadow
    assert root.find(f"{SVG}title").text == f"{texts[0]}: {texts[2]}"
    return texts[0], texts[2]


@pytest.fixture
def model():
    gpt = AIModelFactory(slug="gpt-4o")
    now = datetime.datetime.now(UTC)
    hour = now.replace(minute=0, second=0, microsecond=0)
    with connection.cursor() as cursor:
        for region, availability, p95 in [("us-east", 100.0, 400), ("eu-west", 99.0, 600)]:
            cursor.execute(
                "INSERT INTO status_hourly (bucket, model_id, region, avg_availability, median_latency_p95,"
                " avg_error_rate) VALUES (%s, %s, %s, %s, %s, 0)",
                [hour - datetime.timedelta(hours=2), gpt.id, region, availability, p95],
            )
            cursor.execute(
                "INSERT INTO status_5min (bucket, model_id, region, avg_availability, avg_latency_p95, avg_error_rate,"
                " total_requests, probe_count) VALUES (%s, %s, %s, %s, %s, 0, 600, 6)",
                [now - datetime.timedelta(minutes=5), gpt.id, region, availability, p95],
            )
    PricingFactory(model=gpt, input_per_million=Decimal("2.50"), output_per_million=Decimal("10"))
    return gpt


def test_each_badge_draws_its_number(client, model, redis_down):
    assert _texts(client.get("/badges/gpt-4o/uptime.svg?window=24h")) == ("uptime 24h", "99.5 %")
    assert _texts(client.get("/badges/gpt-4o/latency.svg")) == ("latency p95", "500 ms")
    assert _texts(client.get("/badges/gpt-4o/status.svg")) == ("status", "operational")
    assert _texts(client.get("/badges/gpt-4o/price.svg")) == ("price per 1M tokens", "$2.50 in / $10.00 out")


def test_the_price_in_another_currency_and_labels_in_another_language(client, model):
    ExchangeRate.objects.create(currency="USD", rate=Decimal("2"), effective_date=timezone.localdate())

    assert _texts(client.get("/badges/gpt-4o/price.svg?currency=EUR")) == (
        "price per 1M tokens",
        "€1.25 in / €5.00 out",
    )
    label, value = _texts(client.get("/badges/gpt-4o/status.svg?locale=ja-JP"))
    assert (label, value) == ("状態", "正常")
    assert _texts(client.get("/badges/gpt-4o/latency.svg?locale=zh-TW"))[0] == "延遲 p95"


def test_the_model_page_offers_its_badges_in_the_pages_language(client, model):
    html = client.get("/ko-KR/models/gpt-4o/").content.decode()
    assert 'src="http://testserver/badges/gpt-4o/uptime.svg?window=30d&amp;locale=ko-KR"' in html
    assert 'src="http://testserver/badges/gpt-4o/status.svg?locale=ko-KR"' in html
    assert 'src="http://testserver/badges/gpt-4o/status.svg"' in client.get("/en-US/models/gpt-4o/").content.decode()


def test_the_rank_on_a_benchmark(client, model):
    suite = BenchmarkSuiteFactory(slug="mmlu", name="MMLU")
    BenchmarkScoreFactory(suite=suite, score_normalized=Decimal("90"), is_official=True)
    BenchmarkScoreFactory(model=model, suite=suite, score_normalized=Decimal("80"), is_official=True)

    assert _texts(client.get("/badges/gpt-4o/rank.svg?benchmark=mmlu")) == ("MMLU", "#2 of 2")
    assert client.get("/badges/gpt-4o/rank.svg").status_code == 404


def test_no_cookies_and_cached_with_an_etag(client, model):
    client.cookies["aigo_currency"] = "JPY"  # a badge depends on its URL alone
    first = client.get("/badges/gpt-4o/price.svg")

    assert not first.cookies and "Vary" not in first
    assert first["Cache-Control"] == "public, max-age=60" and first["ETag"]
    assert client.get("/badges/gpt-4o/price.svg", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_unknown_models_kinds_and_windows_are_404(client, model):
    assert client.get("/badges/nope/status.svg").status_code == 404
    assert client.get("/badges/gpt-4o/mood.svg").status_code == 404
    assert client.get("/badges/gpt-4o/uptime.svg?window=1y").status_code == 404


def test_a_model_without_data_says_so(client):
    AIModelFactory(slug="quiet")

    assert _texts(client.get("/badges/quiet/uptime.svg"))[1] == "no data"
    assert _texts(client.get("/badges/quiet/price.svg"))[1] == "no price"


def test_the_model_page_offers_the_embed_snippets(client, model):
    html = client.get("/en-US/models/gpt-4o/").content.decode()

    assert 'src="http://testserver/badges/gpt-4o/status.svg"' in html
    assert "[![" in html and "](http://testserver/en-US/models/gpt-4o/)" in html
