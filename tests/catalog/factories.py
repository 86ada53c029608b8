import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from catalog.models import (
    AIModel,
    BenchmarkScore,
    BenchmarkSuite,
    CanonicalModel,
    Documentation,
    ModelEndpoint,
    Pricing,
    Provider,
    SourceValue,
)


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    slug = factory.Sequence(lambda n: f"provider-{n}")
    name = factory.Sequence(lambda n: f"Provider {n}")
    regions = ["us-east"]


class AIModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AIModel

    provider = factory.SubFactory(ProviderFactory)
    slug = factory.Sequence(lambda n: f"model-{n}")
    name = factory.LazyAttribute(lambda o: {"en-US": o.slug.title()})
    modalities = ["text"]
    capabilities = ["streaming"]
    context_window = 128000


class CanonicalModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CanonicalModel

    slug = factory.Sequence(lambda n: f"canonical-{n}")
    key = factory.LazyAttribute(lambda o: f"{o.maker.slug if o.maker else 'unknown'}/{o.slug}")
    name = factory.LazyAttribute(lambda o: {"en-US": o.slug.title()})
    maker = factory.SubFactory(ProviderFactory)


class SourceValueFactory(factory.django.DjangoModelFactory):
    """A source's current value of one field of a catalog row (`target_id`)."""

    class Meta:
        model = SourceValue

    source = "models.dev"
    subject = "offer"
    source_key = factory.Sequence(lambda n: f"provider/model-{n}")
    field = "context_window"
    value = 128000
    since = factory.LazyFunction(timezone.now)
    checked_at = factory.LazyFunction(timezone.now)


class ModelEndpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ModelEndpoint

    model = factory.SubFactory(AIModelFactory)
    region = "us-east"
    endpoint_url = "https://api.example.com/v1"


class PricingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pricing

    model = factory.SubFactory(AIModelFactory)
    tier = "standard"
    input_per_million = Decimal("2.5000")
    output_per_million = Decimal("10.0000")
    effective_from = datetime.date(2025, 1, 1)


class BenchmarkSuiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BenchmarkSuite

    slug = factory.Sequence(lambda n: f"suite-{n}")
    name = factory.Sequence(lambda n: f"Suite {n}")
    category = "reasoning"


class BenchmarkScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BenchmarkScore

    model = factory.SubFactory(AIModelFactory)
    suite = factory.SubFactory(BenchmarkSuiteFactory)
    score_raw = Decimal("80.5")
    score_normalized = Decimal("80.50")
    evaluation_date = datetime.date(2025, 1, 15)


class DocumentationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Documentation

    model = factory.SubFactory(AIModelFactory)
    doc_type = "api"
    title = {"en-US": "API reference"}
    url = "https://docs.example.com/api"
