"""Fixtures of the status tests: two models, a prober's key, its POST, and now."""

import json
from datetime import datetime

import pytest
from django.utils import timezone

from accounts.keys import api_key_issue
from tests.catalog.factories import AIModelFactory

from .probes import URL


@pytest.fixture
def models():
    return AIModelFactory(slug="gpt-4"), AIModelFactory(slug="claude-3")


@pytest.fixture
def key() -> str:
    return api_key_issue(name="prober", scopes=["write:status"])[1]


@pytest.fixture
def post(client, key):
    def post(body, *, content_type="application/json", query="", auth=True):
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if auth else {}
        return client.post(URL + query, data=data, content_type=content_type, **headers)

    return post


@pytest.fixture
def now() -> datetime:
    return timezone.now().replace(microsecond=0)
