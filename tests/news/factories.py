import datetime

import factory
from django.utils import timezone

from news.models import NewsArticle, NewsModelMention
from tests.catalog.factories import AIModelFactory


class NewsArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsArticle

    title = factory.Sequence(lambda n: {"en-US": f"Headline number {n}"})
    summary = factory.LazyAttribute(lambda o: {"en-US": f"Summary of {o.title['en-US']}"})
    content = factory.LazyAttribute(lambda o: {"en-US": f"Body of **{o.title['en-US']}**."})
    category = "release"
    tags = ["llm"]
    published_at = factory.Sequence(lambda n: timezone.now() - datetime.timedelta(hours=n + 1))


class NewsModelMentionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsModelMention

    news = factory.SubFactory(NewsArticleFactory)
    model = factory.SubFactory(AIModelFactory)
    mention_type = "primary"
