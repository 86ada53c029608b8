import pytest

from tests.catalog.factories import AIModelFactory, ProviderFactory
from tests.db import no_change_events


@pytest.fixture(scope="module", autouse=True)
def owner_session(owner_session):
    """For no_change_events."""


@pytest.fixture
def model():
    """gpt-4o of openai, made before the test's changes."""
    with no_change_events():
        return AIModelFactory(slug="gpt-4o", provider=ProviderFactory(slug="openai"), context_window=128000)
