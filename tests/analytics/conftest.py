import pytest

from analytics.events import MODEL_REFS


@pytest.fixture(autouse=True)
def model_refs_forgotten():
    """Each test's catalog is its own, while the "models" generation starts again with each test's
    Redis prefix: what an earlier test resolved must not be taken for this one's."""
    MODEL_REFS.forget()
