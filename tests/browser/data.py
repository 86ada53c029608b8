"""What the browser tests' server shows: a small catalog with Chinese names, prices, rates,
benchmarks, news, an incident and live status. Loaded once per session into the browser
tests' own database (tests/browser/conftest.py runs `load()` through `manage.py shell`)."""

import datetime
from decimal import Decimal

from django.contrib.auth.models import Group, User
from django.db import connection
from django.utils import timezone

from catalog.listings import listings_refresh
from catalog.models import ExchangeRate
from status.incidents import incident_open, incident_transition
from tests.catalog.factories import (
    AIModelFactory,
    BenchmarkScoreFactory,
    CanonicalModelFactory,
    PricingFactory,
    ProviderFactory,
)
from tests.news.factories import NewsArticleFactory, NewsModelMentionFactory

EDITOR = ("editor", "browser-test-password")
MODELS = [
    # slug, provider, English name, Chinese name, input, output
    ("atlas-large", "openai", "Atlas Large", "阿特拉斯 大型", "2.50", "10.00"),
    ("atlas-mini", "openai", "Atlas Mini", "阿特拉斯 迷你", "0.15", "0.60"),
    ("comet-pro", "anthropic", "Comet Pro", "彗星 专业版", "3.00", "15.00"),
    ("nova-flash", "google", "Nova Flash", "新星 闪电", "0.10", "0.40"),
]


def load() -> None:
    providers = {
        slug: ProviderFactory(slug=slug, name=name)
        for slug, name in (("openai", "OpenAI"), ("anthropic", "Anthropic"), ("google", "Google"))
    }
    models = {}
    for slug, provider, english, chinese, price_in, price_out in MODELS:
        name = {"en-US": english, "zh-CN": chinese}
        models[slug] = AIModelFactory(
            slug=slug,
            provider=providers[provider],
            name=name,
            description={"en-US": f"{english} is a test model.", "zh-CN": f"{chinese}是测试模型。"},
            context_window=128_000,
            canonical_model=CanonicalModelFactory(
                slug=slug, maker=providers[provider], name=name, context_window=128_000
            ),
        )
        PricingFactory(model=models[slug], input_per_million=Decimal(price_in), output_per_million=Decimal(price_out))
    day = timezone.localdate() - datetime.timedelta(days=1)
    for currency, rate in (("USD", "1.10"), ("CNY", "7.80"), ("JPY", "165"), ("KRW", "1500"), ("TWD", "35.5")):
        ExchangeRate.objects.create(currency=currency, rate=Decimal(rate), effective_date=day, source="ecb")
    suite_score = BenchmarkScoreFactory(model=models["comet-pro"], is_official=True, score_normalized=Decimal("88"))
    BenchmarkScoreFactory(suite=suite_score.suite, model=models["atlas-large"], is_official=True)

    article = NewsArticleFactory(
        slug="comet-pro-launch",
        title={"en-US": "Comet Pro launches", "zh-CN": "彗星专业版发布"},
        summary={"en-US": "A new model from Anthropic.", "zh-CN": "Anthropic 的新模型。"},
        content={"en-US": "Comet Pro is **fast**.", "zh-CN": "彗星专业版很**快**。"},
        is_featured=True,
    )
    NewsModelMentionFactory(news=article, model=models["comet-pro"])

    incident = incident_open(
        model=models["atlas-mini"], severity="major", title="Elevated errors in eu-west", message="Investigating."
    )
    incident_transition(incident=incident, status="identified", message="A faulty deploy was found.")

    bucket = timezone.now().replace(second=0, microsecond=0)
    bucket -= datetime.timedelta(minutes=bucket.minute % 5)
    with connection.cursor() as cursor:
        for slug, model in models.items():
            for region in ("us-east", "eu-west"):
                availability = 92.5 if (slug, region) == ("atlas-mini", "eu-west") else 99.95
                cursor.execute(
                    "INSERT INTO status_5min (bucket, model_id, region, avg_availability, avg_latency_p50,"
                    " avg_latency_p95, avg_latency_p99, avg_error_rate, total_requests, probe_count)"
                    " VALUES (%s, %s, %s, %s, 300, 800, 1500, 0.1, 600, 6)",
                    [bucket, model.id, region, availability],
                )

    editor = User.objects.create_user(EDITOR[0], password=EDITOR[1], is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    listings_refresh()
