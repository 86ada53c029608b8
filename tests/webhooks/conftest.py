import pytest

from accounts.keys import api_key_issue

from .receiver import receiver_start


@pytest.fixture
def receiver():
    receiver, server = receiver_start()
    yield receiver
    server.shutdown()
    server.server_close()


@pytest.fixture
def local_hooks(settings):
    """Development settings: http and loopback receivers allowed, short timeouts."""
    settings.AIGO_WEBHOOKS_ALLOW_HTTP = True
    settings.AIGO_WEBHOOKS_ALLOW_PRIVATE = True
    settings.AIGO_WEBHOOKS_TIMEOUT = 0.5


@pytest.fixture
def headers():
    key = api_key_issue(name="client", scopes=["write:webhooks"], user_identifier="team-a")[1]
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}
