"""The site reports its page analytics: a model page's beacon becomes rows in analytics_events (through
the events buffer)."""

import time

import psycopg
import pytest

pytestmark = pytest.mark.browser
# A person's browser: the collector drops headless ones (README, Privacy).
DESKTOP_CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36"


def _events(dsn: str) -> list[tuple]:
    with psycopg.connect(dsn) as conn:
        return conn.execute(
            "SELECT event_type, event_properties->>'model_slug', session_id IS NOT NULL FROM analytics_events"
            " WHERE event_properties->>'path' = '/en-US/models/nova-flash/' ORDER BY event_type"
        ).fetchall()


def test_a_model_page_sends_a_page_view_and_a_model_view(browser, site, site_server):
    base, dsn = site
    context = browser.new_context(base_url=base, user_agent=DESKTOP_CHROME)
    context.new_page().goto("/en-US/models/nova-flash/")
    deadline = time.monotonic() + 10
    # The server runs no Celery: the events buffer is drained here, as beat would.
    while not (rows := _events(dsn)) and time.monotonic() < deadline:
        site_server.manage("periodic", "run", "drain-events")
        time.sleep(0.2)
    context.close()
    assert rows == [("model_view", "nova-flash", True), ("page_view", None, True)]
